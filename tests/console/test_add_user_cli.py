"""`yichuang hub add-user NAME --role … --department …`, the password on standard input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from app.domain.passwords import verify_password
from tests.hubs import ROOT


def hub_cli(data: Path, *args: str, password: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "app", "hub", *args, "--data-dir", str(data)],
        cwd=ROOT,
        input=password + "\n",
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_add_user_reads_the_password_from_stdin_and_keeps_only_its_argon2id_hash(tmp_path: Path):
    r = hub_cli(
        tmp_path,
        "add-user",
        "钱九",
        "--role",
        "backoffice",
        "--department",
        "320724-scjg",
        "--department",
        "320724-XZSP",
        password="Good-pass-9",
    )
    assert r.returncode == 0, r.stderr
    assert "已添加用户 钱九" in r.stdout and "Good-pass-9" not in r.stdout
    from sync.hub.console_store import user_t
    from sync.hub.store import open_hub

    st = open_hub(tmp_path)
    try:
        from sync.hub.console_store import ConsoleStore

        user = ConsoleStore(st).user_by_name("钱九")
        assert user.role == "backoffice" and user.departments == ("320724-SCJG", "320724-XZSP")
        with st.ro() as c:
            stored = c.execute(user_t.select()).one().password_hash
        assert stored.startswith("$argon2id$") and verify_password(stored, "Good-pass-9")
    finally:
        st.close()


def test_add_user_refuses_bad_input_with_a_message_and_saves_nothing(tmp_path: Path):
    cases = [
        (("--role", "backoffice", "--department", "320724-NOPE"), "Good-pass-9", "没有部门 320724-NOPE"),
        (("--role", "backoffice"), "Good-pass-9", "至少要属于一个部门"),
        (("--role", "admin"), "short1", "至少 8 位"),
        (("--role", "admin"), "12345678", "只有数字"),
    ]
    for extra, password, message in cases:
        r = hub_cli(tmp_path, "add-user", "孙十", *extra, password=password)
        assert r.returncode == 1 and message in r.stderr, (extra, r.stderr)
    assert hub_cli(tmp_path, "add-user", "孙十", "--role", "admin", password="Good-pass-9").returncode == 0
    r = hub_cli(tmp_path, "add-user", "孙十", "--role", "admin", password="Good-pass-9")
    assert r.returncode == 1 and "已存在" in r.stderr
