"""Helpers of the accounts suite (issue 16 §2 and §4): the hub's and the window's commands in
child processes, and raw requests with nothing but a window's token (the attacker's view)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

from sync import protocol
from tests.hubs import ROOT

HUB_PASSWORD = "county-pass-9"


def hub_cmd(hub, *args: str, password: str | None = None) -> subprocess.CompletedProcess:
    """`yichuang hub ARGS` on the hub's database (SQLite or PostgreSQL), the password (if any) on
    standard input."""
    db = ["--db", hub.db_url] if hub.db_url else []
    return subprocess.run(
        [sys.executable, "-m", "app", "hub", *args, "--data-dir", str(hub.data_dir), *db],
        cwd=ROOT,
        input=password + "\n" if password is not None else "",
        capture_output=True,
        text=True,
        timeout=120,
    )


def hub_ok(hub, *args: str, password: str | None = None) -> str:
    r = hub_cmd(hub, *args, password=password)
    assert r.returncode == 0, r.stderr
    return r.stdout


def hub_accounts(hub) -> dict[str, dict]:
    import json

    return {a["name"]: a for a in json.loads(hub_ok(hub, "list-operators", "--json"))}


def post_changes(hub, token: str, changes: list[dict]) -> httpx.Response:
    """`POST /api/v1/operators` as the window's sync client sends it, with only the token."""
    return httpx.post(
        hub.url + "/api/v1/operators",
        content=protocol.compress({"v": protocol.VERSION, "changes": changes}),
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": protocol.MEDIA_TYPE,
            "Content-Encoding": protocol.ENCODING,
        },
        timeout=60,
    )


def answer(resp: httpx.Response):
    """The hub's answer, decoded whatever its encoding (httpx may have undone the zstd)."""
    body = resp.content
    try:
        return protocol.loads(body)
    except Exception:  # noqa: BLE001  (still compressed)
        return protocol.loads(protocol.decompress(body))


def window_cli(
    data_dir: Path, *args: str, stdin: str = "", env: dict | None = None
) -> subprocess.CompletedProcess:
    """`yichuang --data-dir DIR ARGS` in a child process (never a terminal: stdin is a pipe)."""
    return subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(data_dir), *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "YICHUANG_DATA_DIR": "", **(env or {})},
    )
