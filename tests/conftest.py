"""Shared fixtures: a real workstation in a temporary data dir, on a real SQLite file."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from app.messages import set_language
from tests.parts import require_or_skip


class Clock:
    """A settable wall clock, so working-day promises are reproducible."""

    def __init__(self, now: datetime) -> None:
        self.value = now

    def __call__(self) -> datetime:
        return self.value


@pytest.fixture(autouse=True)
def _chinese_ui():
    set_language("zh")
    yield
    set_language("zh")


@pytest.fixture(autouse=True)
def _no_secret_outlives_its_test():
    """redact() hides every secret registered in the process (app.domain.masking): one test's
    secret (tests/sync/test_hostile.py's fake token is the word "token") would mask text in every
    later test in the same process, so what passes would depend on how tests share a process."""
    from app.domain import masking

    before = set(masking._SECRETS)
    yield
    masking._SECRETS.intersection_update(before)


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 20, 9, 30))  # a Friday


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def ws(data_dir: Path, clock: Clock):
    from app.services.workstation import open_workstation

    w = open_workstation(data_dir, clock=clock)
    yield w
    w.close()


# --- hubs as real processes, for every package (helpers in tests/hubs.py) -------------------------------


@pytest.fixture(scope="session")
def pg_cluster():
    from tests.sync.pg import Cluster, pg_bin

    if pg_bin() is None:
        require_or_skip("PostgreSQL server binaries are not installed (run sync/tools/ensure_postgres.sh)")
    cluster = Cluster().start()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def hub_db(request) -> str | None:
    """None for SQLite in the hub's data dir, else the URL of a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return None
    return request.getfixturevalue("pg_cluster").create_db()


@pytest.fixture
def hub(tmp_path: Path, hub_db):
    from tests.hubs import HubProcess

    h = HubProcess(tmp_path / "hub", hub_db).start()
    yield h
    h.stop()


@pytest.fixture
def sqlite_hub(tmp_path: Path):
    from tests.hubs import HubProcess

    h = HubProcess(tmp_path / "hub").start()
    yield h
    h.stop()


@pytest.fixture
def console_hub(tmp_path: Path):
    """A hub process (SQLite) with helpers for the back office console's users."""
    from tests.hubs import ConsoleHub

    h = ConsoleHub(tmp_path / "hub").start()
    yield h
    h.stop()
