"""Issue 18: a damaged store (garbage bytes over yichuang.db's pages) is named as what it is,
with what to do (restore the latest backup, with the command), exit code 1 and no
traceback: real SQLite files damaged on disk, real CLI subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def cli(data: Path, *args: str) -> subprocess.CompletedProcess:
    path = [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(path), "YICHUANG_LANG": "zh"}
    env.pop("YICHUANG_DATA_DIR", None)
    cmd = [sys.executable, "-m", "app", *args, "--data-dir", str(data)]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)


def damage(db: Path) -> None:
    """Garbage over every page but the first (the header still says SQLite)."""
    size = db.stat().st_size
    with open(db, "r+b") as fh:
        fh.seek(4096)
        fh.write(os.urandom(size - 4096))


@pytest.fixture(scope="module")
def damaged(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("damaged") / "data"
    r = cli(data, "demo", "seed", "--cases", "40")
    assert r.returncode == 0, r.stderr
    r = cli(data, "backup")
    assert r.returncode == 0, r.stderr
    damage(data / "yichuang.db")
    return data


@pytest.mark.parametrize("args", [("case", "list"), ("demo", "seed", "--cases", "3")])
def test_a_damaged_store_says_so_and_how_to_restore(damaged, args):
    r = cli(damaged, *args)
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and "sqlalche.me" not in r.stderr, r.stderr
    assert "已损坏" in r.stderr, r.stderr
    backups = sorted((damaged / "backups").glob("yichuang-*"))
    assert backups, list(damaged.iterdir())
    assert f"yichuang restore {backups[-1]}" in r.stderr, r.stderr


def test_without_a_backup_it_still_says_what_it_is(tmp_path):
    data = tmp_path / "data"
    assert cli(data, "demo", "seed", "--cases", "40").returncode == 0
    damage(data / "yichuang.db")
    r = cli(data, "case", "list")
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert "已损坏" in r.stderr and "yichuang restore" in r.stderr, r.stderr


def test_the_advised_command_restores_the_store(tmp_path):
    data = tmp_path / "data"
    assert cli(data, "demo", "seed", "--cases", "40").returncode == 0
    before = cli(data, "case", "list").stdout
    assert cli(data, "backup").returncode == 0
    damage(data / "yichuang.db")
    r = cli(data, "case", "list")
    [backup] = (data / "backups").glob("yichuang-*")
    assert f"yichuang restore {backup} --data-dir {data}" in r.stderr, r.stderr
    r = cli(data, "restore", str(backup), "--offline")  # --data-dir is added by cli()
    assert r.returncode == 0 and "Traceback" not in r.stderr, (r.stdout, r.stderr)
    after = cli(data, "case", "list")
    assert after.returncode == 0 and after.stdout == before
