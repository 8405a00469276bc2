"""Which build this is (issue 18): the version, the commit and the build date in `--version`
and `doctor`, from the executable's stamp or, run from a checkout, from git."""

from __future__ import annotations

import json
import re
import subprocess

from app import __version__, build_info
from tests.hubs import ROOT
from tests.services.test_cli import run


def _head() -> str:
    return subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short=10", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_version_names_the_commit_and_its_date():
    r = run(None, "--version")
    assert r.returncode == 0, r.stderr
    m = re.fullmatch(r"yichuang (\S+) \(([0-9a-f]{10})\+?, (\d{4}-\d\d-\d\d)\)\n", r.stdout)
    assert m, r.stdout
    assert m[1] == __version__ and m[2] == _head()


def test_doctor_reports_the_build(data_dir):
    r = run(data_dir, "doctor", "--json")
    doc = json.loads(r.stdout)
    assert doc["build"]["commit"].rstrip("+") == _head()
    assert doc["build"]["version"] == __version__
    plain = run(data_dir, "doctor")
    assert f"版本：yichuang {__version__} ({_head()}" in plain.stdout, plain.stdout


def test_an_executables_stamp_wins_over_git(tmp_path, monkeypatch):
    stamp = tmp_path / "_build_info.json"
    stamp.write_text(json.dumps({"commit": "abcdef1234", "built": "2026-12-01"}), encoding="utf-8")
    monkeypatch.setattr(build_info, "STAMP", stamp)
    build_info.build_info.cache_clear()
    try:
        assert build_info.build_info().line() == f"yichuang {__version__} (abcdef1234, 2026-12-01)"
    finally:
        build_info.build_info.cache_clear()
