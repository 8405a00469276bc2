"""hub.token (a real one, issued by a real hub) never appears in `config get`, logs, crash
logs or tracebacks; the store's passphrase neither."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

from app.config import load_config
from app.crashlog import install_log_redaction, write_crash_log
from app.domain.masking import mask_secret
from tests.hubs import HubProcess, make_workstation
from tests.privacy.common import ROOT, run


def real_token(tmp_path: Path) -> str:
    hub = tmp_path / "hub"
    r = run(hub, "hub", "add-token", "--role", "workstation", "--office", "320724100", "--workstation", "01")
    assert r.returncode == 0, r.stderr
    token = r.stdout.strip().splitlines()[-1]
    assert len(token) >= 20
    return token


def test_config_get_shows_the_token_masked(tmp_path: Path) -> None:
    token = real_token(tmp_path)
    data = tmp_path / "ws"
    assert run(data, "config", "set", "hub.token", "-", stdin=token + "\n").returncode == 0
    for args in (("config", "get"), ("config", "get", "hub.token")):
        r = run(data, *args)
        assert r.returncode == 0 and token not in r.stdout + r.stderr
    assert run(data, "config", "get", "hub.token").stdout.strip() == mask_secret(token)


def test_logs_never_carry_the_token(tmp_path: Path) -> None:
    hub = HubProcess(tmp_path / "hub").start()
    log_file = tmp_path / "yichuang.log"
    handler = logging.FileHandler(log_file, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        token = hub.token("workstation", "320724100", "01")
        ws = make_workstation(tmp_path / "ws", hub.url, token, cases=2)
        install_log_redaction()  # as `yichuang` does at start
        from app.services.sync.runner import SyncRunner

        report = SyncRunner(ws).cycle()  # a real sync with the real token, DEBUG logs on
        assert report.ok, report.error
        log = logging.getLogger("app.sync")
        log.warning("pushing with Authorization: Bearer %s", ws.config.get("hub.token"))
        try:
            raise PermissionError(f"token {ws.config.get('hub.token')} refused")
        except PermissionError:
            log.exception("sync failed")
        ws.close()
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        handler.close()
        hub.stop()
    text = log_file.read_text(encoding="utf-8")
    assert "HTTP Request" in text or "httpcore" in text  # the sync's own DEBUG lines are there
    assert "refused" in text and "Traceback" in text
    assert token not in text
    assert mask_secret(token) in text
    assert token not in hub.log.read_text(errors="replace")


def child(mode: str, data: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("YICHUANG_DATA_DIR", None)
    return subprocess.run(
        [sys.executable, "-m", "tests.privacy.crash_child", mode, str(data)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_window_crash_traceback_and_crash_log_mask_the_token(tmp_path: Path) -> None:
    token = real_token(tmp_path)
    data = tmp_path / "ws"
    assert run(data, "config", "set", "hub.token", "-", stdin=token + "\n").returncode == 0
    r = child("window", data)
    assert r.returncode == 1
    assert "RuntimeError" in r.stderr and "the hub refused" in r.stderr  # the traceback is shown
    assert token not in r.stdout + r.stderr
    [crash] = list((data / "logs").glob("crash-*.log"))
    text = crash.read_text(encoding="utf-8")
    assert "RuntimeError" in text and token not in text and mask_secret(token) in text


def test_cli_traceback_masks_the_token(tmp_path: Path) -> None:
    token = real_token(tmp_path)
    data = tmp_path / "ws"
    assert run(data, "config", "set", "hub.token", "-", stdin=token + "\n").returncode == 0
    r = child("cli", data)
    assert r.returncode == 1
    assert "Traceback" in r.stderr and "RuntimeError" in r.stderr
    assert token not in r.stderr and mask_secret(token) in r.stderr


def test_crash_log_masks_secrets_in_argv_and_exception(tmp_path: Path) -> None:
    token = real_token(tmp_path)
    data = tmp_path / "ws"
    config = load_config(data)
    config.set("hub.token", token)  # known to the process from here on
    saved = sys.argv
    sys.argv = ["yichuang", "hub", "serve", "--upstream-token", token]
    try:
        try:
            raise ValueError(f"bad token {token!r}")
        except ValueError as exc:
            path = write_crash_log(data, exc)
    finally:
        sys.argv = saved
    text = path.read_text(encoding="utf-8")
    assert "ValueError" in text and "--upstream-token" in text
    assert token not in text


def test_the_store_passphrase_is_masked_in_errors(tmp_path: Path) -> None:
    from app.domain.masking import redact
    from app.services.encryption import passphrase_key

    secret = "a long store passphrase"
    key = passphrase_key(secret)
    assert secret not in repr(key) and secret not in redact(f"PRAGMA key = '{secret}'")
