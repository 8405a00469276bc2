"""Secrets never ride on a command line (issue 16 §6): every local user can read any process's
arguments in /proc/PID/cmdline (`ps -ef`). The provincial hub's token, the window's hub token and
a database password come from a private file, the environment or standard input instead; the
command line that would show them is refused with a message that says what to use."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.hubs import HubProcess, private_file, ycli
from tests.sync.helpers import case_events, get, number, push

pytestmark = pytest.mark.slow


def wait_for(fn, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = fn()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out")


def cmdline(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()


def forwards_to(province: HubProcess, county: HubProcess) -> None:
    """A province-level case pushed to the county reaches the province: the forwarder is
    authenticated upstream with the token it was given."""
    p_bo = province.token("backoffice", name="省文旅厅")
    ws_tok = county.token("workstation", "320724100", "01")
    case = number(1)
    assert push(county.url, ws_tok, case_events(case, subject="320000-WL-0001")).status_code == 200
    assert wait_for(lambda: get(province.url, p_bo, f"/api/v1/cases/{case}").status_code == 200)


@pytest.mark.parametrize("given", ["file", "environment"])
def test_the_upstream_token_comes_from_a_private_file_or_the_environment(tmp_path, given):
    province = HubProcess(tmp_path / "province").start()
    token = province.token("hub", "320724", name="灌南县平台")
    if given == "file":
        path = private_file(tmp_path / "secrets" / "upstream.token", token)
        county = HubProcess(
            tmp_path / "county", extra=("--upstream", province.url, "--upstream-token-file", str(path))
        )
    else:
        county = HubProcess(
            tmp_path / "county",
            extra=("--upstream", province.url),
            env={"YICHUANG_UPSTREAM_TOKEN": token},
        )
    county.start()
    try:
        forwards_to(province, county)
        # what any local user can read of the county hub's process: never the token
        assert token not in cmdline(county.proc.pid)
        assert token not in county.log.read_text(errors="replace")
    finally:
        county.stop()
        province.stop()


def test_the_upstream_token_on_the_command_line_is_refused(tmp_path):
    token = "yc1_" + "s3cr3t" * 6
    r = ycli(
        "hub",
        "serve",
        "--data-dir",
        str(tmp_path / "county"),
        "--upstream",
        "http://127.0.0.1:9",
        "--upstream-token",
        token,
        check=False,
        timeout=60,
    )
    assert r.returncode == 2  # a usage error: nothing started
    assert "--upstream-token-file" in r.stderr and "YICHUANG_UPSTREAM_TOKEN" in r.stderr
    assert token not in r.stdout + r.stderr  # not echoed back either
    # the same with --upstream-token=TOKEN
    r = ycli("hub", "serve", "--data-dir", str(tmp_path / "c2"), f"--upstream-token={token}", check=False)
    assert r.returncode == 2 and "--upstream-token-file" in r.stderr and token not in r.stderr


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644])
def test_a_token_file_other_users_can_read_is_refused(tmp_path, mode):
    path = private_file(tmp_path / "upstream.token", "yc1_" + "x" * 40)
    os.chmod(path, mode)
    r = ycli(
        "hub",
        "serve",
        "--data-dir",
        str(tmp_path / "county"),
        "--upstream",
        "http://127.0.0.1:9",
        "--upstream-token-file",
        str(path),
        check=False,
        timeout=60,
    )
    assert r.returncode == 1
    assert str(path) in r.stderr and "chmod 600" in r.stderr, r.stderr
    assert "x" * 40 not in r.stderr


def test_a_missing_or_empty_token_file_and_two_sources_are_refused(tmp_path):
    base = ("hub", "serve", "--data-dir", str(tmp_path / "county"), "--upstream", "http://127.0.0.1:9")
    r = ycli(*base, "--upstream-token-file", str(tmp_path / "nope"), check=False, timeout=60)
    assert r.returncode == 1 and str(tmp_path / "nope") in r.stderr
    empty = private_file(tmp_path / "empty.token", "")
    r = ycli(*base, "--upstream-token-file", str(empty), check=False, timeout=60)
    assert r.returncode == 1 and str(empty) in r.stderr
    good = private_file(tmp_path / "good.token", "yc1_abc")
    r = ycli(
        *base,
        "--upstream-token-file",
        str(good),
        env={"YICHUANG_UPSTREAM_TOKEN": "yc1_def"},
        check=False,
        timeout=60,
    )
    assert r.returncode == 1 and "YICHUANG_UPSTREAM_TOKEN" in r.stderr
    # --upstream with no token at all names both ways to give one
    r = ycli(*base, check=False, timeout=60)
    assert r.returncode == 1
    assert "--upstream-token-file" in r.stderr and "YICHUANG_UPSTREAM_TOKEN" in r.stderr


def test_the_environment_token_is_not_handed_to_child_processes(tmp_path, monkeypatch):
    """Read once where the hub starts, then gone from its environment: nothing it might start
    later (a helper, a shell-out) inherits the county's key to the province."""
    import argparse

    from sync.hub.cli import upstream_token

    monkeypatch.setenv("YICHUANG_UPSTREAM_TOKEN", "yc1_from_the_environment")
    args = argparse.Namespace(upstream="http://127.0.0.1:9", upstream_token=None, upstream_token_file="")
    assert upstream_token(args) == "yc1_from_the_environment"
    assert "YICHUANG_UPSTREAM_TOKEN" not in os.environ


# --- the window's hub token: `config set hub.token` ----------------------------------------------------
def test_config_set_hub_token_takes_it_from_standard_input_never_the_command_line(tmp_path):
    import subprocess
    import sys

    from app.domain.masking import mask_secret
    from tests.hubs import ROOT

    data = str(tmp_path / "ws")
    token = "yc1_" + "w1nd0w" * 6
    r = ycli("config", "set", "hub.token", token, "--data-dir", data, check=False)
    assert r.returncode == 2
    assert "config set hub.token -" in r.stderr and token not in r.stderr
    assert ycli("config", "get", "hub.token", "--data-dir", data).stdout.strip() == ""  # nothing stored
    # `-`: the value is the first line of standard input (a pipe, or asked without echo at a terminal)
    r = subprocess.run(
        [sys.executable, "-m", "app", "config", "set", "hub.token", "-", "--data-dir", data],
        cwd=ROOT,
        input=token + "\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert ycli("config", "get", "hub.token", "--data-dir", data).stdout.strip() == mask_secret(token)
    # clearing it is not a secret: an empty value is taken as it is
    assert ycli("config", "set", "hub.token", "", "--data-dir", data, check=False).returncode == 0
    assert ycli("config", "get", "hub.token", "--data-dir", data).stdout.strip() == ""
    # settings that are not secrets keep their documented form
    assert ycli("config", "set", "hub.url", "http://127.0.0.1:9/", "--data-dir", data).returncode == 0


# --- a database password in --db --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://hub:pa55word@127.0.0.1:9/hub",
        "postgresql+psycopg://hub@127.0.0.1:9/hub?password=pa55word",
    ],
)
def test_a_database_password_on_the_command_line_is_refused(tmp_path, url):
    for args in (("hub", "list-tokens"), ("hub", "serve")):
        r = ycli(*args, "--data-dir", str(tmp_path / "hub"), "--db", url, check=False, timeout=60)
        assert r.returncode == 2, (args, r.stderr)
        assert "YICHUANG_HUB_DB" in r.stderr and ".pgpass" in r.stderr
        assert "pa55word" not in r.stdout + r.stderr


def test_a_password_free_database_url_keeps_working(tmp_path):
    # the documented form (libpq finds the password in ~/.pgpass or PGPASSWORD): not refused
    hub_dir = tmp_path / "hub"
    r = ycli(
        "hub", "list-tokens", "--data-dir", str(hub_dir), "--db", f"sqlite:///{hub_dir}/x.db", check=False
    )
    assert r.returncode == 0, r.stderr
