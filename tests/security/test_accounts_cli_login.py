"""Issue 16 §4: a shell on the window PC is not a login.

Every command that changes accounts or settings, shows full personal data or exports it runs,
once any account exists, only for an operator whose password it was given (standard input or
the terminal; never an argument) and whose role allows it. Real CLI subprocesses on a real
store; the demo (no accounts) stays open.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.security.accounts_helpers import window_cli

ACCOUNTS = {"guanli": "admin", "zhuren": "supervisor", "li": "clerk", "wang": "courier"}


def pw(name: str) -> str:
    return f"{name}-pass-1"


def seed_accounts(ws) -> None:
    """The office's accounts in the window's store, as the hub sends them down."""
    from tests.operators.helpers import make_operators

    for name, role in ACCOUNTS.items():
        make_operators(ws, (name, role), password=pw(name))


@dataclass
class Gated:
    argv: Callable[[Path], list[str]]
    allowed: str  # an operator whose role may
    refused: str  # an operator whose role may not
    done: Callable[[Path, object], bool]  # did the command take effect?
    setup: Callable[[Path, object], None] = lambda tmp, ws: None
    extra_stdin: str = ""  # what the command itself reads after the login's password


def _config(ws, key: str) -> str:
    from app.config import load_config

    return str(load_config(ws.config.data_dir).get(key))


def _cases(ws) -> int:
    from app.services.cases import CaseService

    return len(CaseService(ws).list(limit=100))


def _account(ws, name: str) -> dict | None:
    from app.services import operators

    return next((a for a in operators.list_operators(ws) if a["name"] == name), None)


def _followup(tmp: Path, ws) -> None:
    from app.services import evaluation
    from tests.evaluation.helpers import accepted_case

    number = accepted_case(ws)
    evaluation.rate(ws, number, "accepted", "dissatisfied")


def _followup_closed(tmp: Path, ws) -> bool:
    from app.services import evaluation

    return evaluation.followups(ws, include_closed=True)[0]["state"] == "closed"


def _backup(tmp: Path, ws) -> None:
    from app.services.backup import make_backup

    (tmp / "backups").mkdir()
    make_backup(ws, tmp / "backups")
    ws.config.set("workstation.window", "before-restore")
    ws.config.save()


def _login_works(name: str, password: str) -> Callable[[Path, object], bool]:
    def check(tmp: Path, ws) -> bool:
        from app.services import operators

        try:
            operators.login(ws, name, password)
        except operators.OperatorError:
            return False
        return True

    return check


def _catalogue_file(tmp: Path, ws) -> None:
    from app.services.catalogue_files import export_catalogue

    export_catalogue(ws.config.catalogue_dir, tmp / "cat.json")


def _token(tmp: Path, ws) -> None:
    ws.config.set("hub.token", "t" * 40)
    ws.config.save()


GATED = {
    "config set": Gated(
        lambda tmp: ["config", "set", "workstation.window", "综合窗口7号"],
        "guanli",
        "zhuren",
        lambda tmp, ws: _config(ws, "workstation.window") == "综合窗口7号",
    ),
    "catalog import": Gated(
        lambda tmp: ["catalog", "import", str(tmp / "cat.json")],
        "guanli",
        "zhuren",
        lambda tmp, ws: any((ws.config.catalogue_dir / "versions").glob("*.json")),
        setup=_catalogue_file,
    ),
    "demo seed": Gated(
        lambda tmp: ["demo", "seed", "--cases", "2", "--days", "2"],
        "guanli",
        "zhuren",
        lambda tmp, ws: _cases(ws) == 2,
    ),
    "stats": Gated(
        lambda tmp: ["stats", "--json"],
        "zhuren",
        "li",
        lambda tmp, ws: (tmp / "out").exists() and "periods" in (tmp / "out").read_text(),
    ),
    "export cases": Gated(
        lambda tmp: ["export", "cases", str(tmp / "cases.csv")],
        "zhuren",
        "li",
        lambda tmp, ws: (tmp / "cases.csv").exists(),
    ),
    "backup": Gated(
        lambda tmp: ["backup", str(tmp / "bk")],
        "guanli",
        "zhuren",
        lambda tmp, ws: (tmp / "bk").exists() and any((tmp / "bk").iterdir()),
    ),
    "restore": Gated(
        lambda tmp: ["restore", str(next((tmp / "backups").iterdir())), "--offline"],
        "guanli",
        "li",
        lambda tmp, ws: _config(ws, "workstation.window") != "before-restore",
        setup=_backup,
    ),
    "sync export-bundle": Gated(
        lambda tmp: ["sync", "export-bundle", str(tmp / "b.yb")],
        "li",
        "wang",
        lambda tmp, ws: (tmp / "b.yb").exists(),
        setup=_token,
    ),
    "followup close": Gated(
        lambda tmp: ["followup", "close", "1", "--note", "已回访申请人"],
        "zhuren",
        "li",
        _followup_closed,
        setup=_followup,
    ),
    "operator add": Gated(
        lambda tmp: ["operator", "add", "zhao", "--role", "clerk"],
        "zhuren",
        "li",
        lambda tmp, ws: _account(ws, "zhao") is not None,
        extra_stdin="zhao-pass-1\n",
    ),
    "operator passwd": Gated(  # another's password: a supervisor may reset a clerk's
        lambda tmp: ["operator", "passwd", "li"],
        "zhuren",
        "wang",
        _login_works("li", "li-new-pass-2"),
        extra_stdin="li-new-pass-2\n",
    ),
    "operator disable": Gated(
        lambda tmp: ["operator", "disable", "wang"],
        "guanli",
        "li",
        lambda tmp, ws: bool((_account(ws, "wang") or {}).get("disabled")),
    ),
}


def run(data_dir: Path, tmp: Path, argv: list[str], stdin: str = ""):
    r = window_cli(data_dir, *argv, stdin=stdin)
    (tmp / "out").write_text(r.stdout)
    return r


@pytest.mark.parametrize("command", list(GATED))
def test_a_gated_command_needs_the_password_of_an_operator_whose_role_allows_it(
    command, ws, data_dir, tmp_path
):
    g = GATED[command]
    seed_accounts(ws)
    g.setup(tmp_path, ws)
    argv = g.argv(tmp_path)
    # no login at all: refused, and says how to log in
    r = run(data_dir, tmp_path, argv, stdin=g.extra_stdin)
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert "--operator" in r.stderr
    assert not g.done(tmp_path, ws)
    # a wrong password
    r = run(data_dir, tmp_path, [*argv, "--operator", g.allowed], stdin="wrong-pass-9\n" + g.extra_stdin)
    assert r.returncode == 1 and "密码不对" in r.stderr, r.stderr
    assert not g.done(tmp_path, ws)
    # the right password of an operator whose role may not
    r = run(data_dir, tmp_path, [*argv, "--operator", g.refused], stdin=f"{pw(g.refused)}\n{g.extra_stdin}")
    assert r.returncode == 1 and "不能" in r.stderr, r.stderr
    assert not g.done(tmp_path, ws)
    # the right one
    if command == "restore":  # it waits for every other holder of the store: this test's own
        ws.close()
        ws.__dict__.pop("store", None)
    r = run(data_dir, tmp_path, [*argv, "--operator", g.allowed], stdin=f"{pw(g.allowed)}\n{g.extra_stdin}")
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert g.done(tmp_path, ws)


def test_no_password_on_standard_input_is_refused_and_a_password_is_never_an_argument(ws, data_dir, tmp_path):
    seed_accounts(ws)
    r = run(data_dir, tmp_path, ["config", "set", "workstation.window", "x", "--operator", "guanli"])
    assert r.returncode == 1 and "标准输入" in r.stderr, r.stderr
    r = run(data_dir, tmp_path, ["config", "set", "workstation.window", "x", "--password", pw("guanli")])
    assert r.returncode == 2
    assert _config(ws, "workstation.window") != "x"
    # the help says so
    r = run(data_dir, tmp_path, ["config", "set", "--help"])
    assert r.returncode == 0 and "--operator" in r.stdout and "标准输入" in r.stdout


def test_the_login_counts_toward_the_accounts_lock(ws, data_dir, tmp_path):
    """The CLI's login is the window's: five wrong passwords lock the account, and then even
    the right one is refused (for the lock's time)."""
    seed_accounts(ws)
    argv = ["stats", "--json", "--operator", "zhuren"]
    for _ in range(5):
        assert run(data_dir, tmp_path, argv, stdin="wrong-pass-9\n").returncode == 1
    r = run(data_dir, tmp_path, argv, stdin=f"{pw('zhuren')}\n")
    assert r.returncode == 1 and "锁定" in r.stderr, r.stderr


def test_the_demo_without_accounts_stays_open(ws, data_dir, tmp_path):
    r = run(data_dir, tmp_path, ["config", "set", "workstation.window", "综合窗口9号"])
    assert r.returncode == 0, r.stderr
    assert _config(ws, "workstation.window") == "综合窗口9号"
    r = run(data_dir, tmp_path, ["stats", "--json"])
    assert r.returncode == 0 and "periods" in json.loads(r.stdout), r.stderr
    r = run(data_dir, tmp_path, ["export", "cases", str(tmp_path / "c.csv")])
    assert r.returncode == 0 and (tmp_path / "c.csv").exists(), r.stderr
    # the first account needs no login; from then on, the store is not the demo
    r = run(data_dir, tmp_path, ["operator", "add", "first", "--role", "admin"], stdin="first-pass-1\n")
    assert r.returncode == 0, r.stderr
    r = run(data_dir, tmp_path, ["config", "set", "workstation.window", "综合窗口8号"])
    assert r.returncode == 1 and "--operator" in r.stderr
    r = run(
        data_dir,
        tmp_path,
        ["config", "set", "workstation.window", "综合窗口8号", "--operator", "first"],
        stdin="first-pass-1\n",
    )
    assert r.returncode == 0, r.stderr
    assert _config(ws, "workstation.window") == "综合窗口8号"


def test_db_encrypt_needs_an_admins_login(ws, data_dir, tmp_path):
    from app.store.cipher import is_encrypted

    seed_accounts(ws)
    ws.close()  # the conversion needs the store closed everywhere
    db = ws.config.db_path
    env = {"YICHUANG_DB_PASSPHRASE": "a-long-passphrase-1"}
    argv = ["db", "encrypt", "--passphrase"]
    for extra, stdin in (
        ([], ""),
        (["--operator", "guanli"], "wrong-pass-9\n"),
        (["--operator", "zhuren"], f"{pw('zhuren')}\n"),
    ):
        r = window_cli(data_dir, *argv, *extra, stdin=stdin, env=env)
        assert r.returncode == 1, (r.stdout, r.stderr)
        assert not is_encrypted(db)
    r = window_cli(data_dir, *argv, "--operator", "guanli", stdin=f"{pw('guanli')}\n", env=env)
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert is_encrypted(db)


def test_a_store_that_cannot_be_read_is_never_the_demo_but_restore_is_not_held_by_the_login(
    ws, data_dir, tmp_path
):
    """Fail closed: a damaged store with accounts does not open the gated commands. `restore`,
    the cure for it, asks no login there (none can be checked; a shell could move the file
    away anyway): whatever it then says is its own check of the store, not the login's."""
    seed_accounts(ws)
    _backup(tmp_path, ws)
    ws.close()
    db = ws.config.db_path
    for leftover in (db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        leftover.unlink(missing_ok=True)
    data = bytearray(db.read_bytes())  # the header kept, every page after it garbled
    data[100:] = bytes((i * 7 + 13) % 256 for i in range(len(data) - 100))
    db.write_bytes(bytes(data))
    r = run(data_dir, tmp_path, ["stats", "--json"])
    assert r.returncode == 1 and "periods" not in r.stdout, (r.stdout, r.stderr)
    r = run(data_dir, tmp_path, ["config", "set", "workstation.window", "x"])
    assert r.returncode == 1 and _config(ws, "workstation.window") != "x"
    r = run(data_dir, tmp_path, ["restore", str(next((tmp_path / "backups").iterdir())), "--offline"])
    assert "--operator" not in r.stderr and "密码" not in r.stderr, r.stderr
