"""Shared fixtures: a real workstation in a temporary data dir, on a real SQLite file."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from app.messages import set_language


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
