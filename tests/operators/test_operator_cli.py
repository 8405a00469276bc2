"""`yichuang operator add|list|disable|passwd` in a child process, on a real store.

The office's supervisor comes as the hub sends it (tests/operators/helpers.make_operators); the
commands run logged in as them (`--operator`, their password on the first line of stdin). The
refusals without a login are in tests/security/test_accounts_cli_login.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from app.services import operators
from tests.operators.helpers import make_operators

ROOT = Path(__file__).resolve().parents[2]


def cli(data_dir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(data_dir), "operator", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "YICHUANG_DATA_DIR": ""},
    )


BOSS = ("--operator", "zhuren")
BOSS_PW = "boss-pass-11\n"


def test_add_list_passwd_disable(data_dir, ws):
    make_operators(ws, ("zhuren", "supervisor"), password=BOSS_PW.strip())
    r = cli(data_dir, "add", "李娜", "--role", "clerk", *BOSS, stdin=BOSS_PW + "first-pass-1\n")
    assert r.returncode == 0, r.stderr
    assert "李娜" in r.stdout and "办事员" in r.stdout
    r = cli(data_dir, "add", "wang", "--role", "courier", *BOSS, stdin=BOSS_PW + "wang-pass-11\n")
    assert r.returncode == 0, r.stderr
    r = cli(data_dir, "list", "--json")
    assert r.returncode == 0
    rows = json.loads(r.stdout)
    assert [(x["name"], x["role"], x["disabled"]) for x in rows] == [
        ("wang", "courier", False),
        ("zhuren", "supervisor", False),
        ("李娜", "clerk", False),
    ]
    assert "hash" not in r.stdout and "argon2" not in r.stdout and "ed25519" not in r.stdout
    assert operators.login(ws, "李娜", "first-pass-1").role == "clerk"
    # her own password: her login, then the new one
    r = cli(data_dir, "passwd", "李娜", "--operator", "李娜", stdin="first-pass-1\nsecond-pass-2\n")
    assert r.returncode == 0, r.stderr
    assert operators.login(ws, "李娜", "second-pass-2").name == "李娜"
    r = cli(data_dir, "disable", "wang", *BOSS, stdin=BOSS_PW)
    assert r.returncode == 0 and "wang" in r.stdout
    r = cli(data_dir, "list")
    assert r.returncode == 0 and "停用" in r.stdout.splitlines()[0]
    try:
        operators.login(ws, "wang", "wang-pass-11")
        raise AssertionError("a disabled account logged in")
    except operators.OperatorError as exc:
        assert "停用" in str(exc)


def test_errors_are_clear_and_change_nothing(data_dir, ws):
    """The first account of a store with none needs no login (the demo's door)."""
    r = cli(data_dir, "add", "李娜", "--role", "clerk", stdin="short\n")
    assert r.returncode == 1 and "8" in r.stderr
    r = cli(data_dir, "add", "李娜", "--role", "clerk", stdin="")  # no password at all
    assert r.returncode == 1 and "标准输入" in r.stderr
    r = cli(data_dir, "add", "李 娜", "--role", "clerk", stdin="first-pass-1\n")
    assert r.returncode == 1 and "用户名" in r.stderr
    r = cli(data_dir, "add", "李娜", "--role", "boss", stdin="first-pass-1\n")
    assert r.returncode == 2
    r = cli(data_dir, "add", "李娜", "--role", "clerk", "--password", "x")  # never an argument
    assert r.returncode == 2
    assert json.loads(cli(data_dir, "list", "--json").stdout) == []
    assert cli(data_dir, "add", "李娜", "--role", "clerk", stdin="first-pass-1\n").returncode == 0
    make_operators(ws, ("zhuren", "supervisor"), password=BOSS_PW.strip())
    r = cli(data_dir, "add", "李娜", "--role", "clerk", *BOSS, stdin=BOSS_PW + "first-pass-1\n")
    assert r.returncode == 1 and "已存在" in r.stderr
    r = cli(data_dir, "add", "sup2", "--role", "supervisor", *BOSS, stdin=BOSS_PW + "first-pass-1\n")
    assert r.returncode == 1 and "只能在平台上" in r.stderr
    r = cli(data_dir, "passwd", "nobody", *BOSS, stdin=BOSS_PW + "first-pass-1\n")
    assert r.returncode == 1 and "nobody" in r.stderr
    r = cli(data_dir, "disable", "nobody", *BOSS, stdin=BOSS_PW)
    assert r.returncode == 1 and "nobody" in r.stderr
    r = cli(data_dir, "passwd", "李娜", *BOSS, stdin=BOSS_PW + "12345678\n")
    assert r.returncode == 1
    assert operators.login(ws, "李娜", "first-pass-1").role == "clerk"  # unchanged
