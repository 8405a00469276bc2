"""Issue 11: token life cycle through the real CLI and a real hub process: list (never the
token), revoke, expire; the hub says why a token is refused."""

from __future__ import annotations

import json

import httpx
import pytest
from sqlalchemy import update

from sync.hub.store import token_t
from tests.hubs import OFFICE, ycli

pytestmark = pytest.mark.slow


def _hub_cli(hub, *args: str, check: bool = True):
    return ycli("hub", *args, "--data-dir", str(hub.data_dir), check=check)


def _pull(hub, token: str) -> httpx.Response:
    return httpx.get(hub.url + "/api/v1/sync/pull", headers={"Authorization": f"Bearer {token}"}, timeout=30)


def test_list_revoke_and_expire_tokens(sqlite_hub):
    hub = sqlite_hub
    made = _hub_cli(hub, "add-token", "--role", "workstation", "--office", OFFICE, "--workstation", "01")
    ws = made.stdout.strip().splitlines()[-1]
    made = _hub_cli(
        hub,
        "add-token",
        "--role",
        "workstation",
        "--office",
        OFFICE,
        "--workstation",
        "02",
        "--expires",
        "30",
    )
    short = made.stdout.strip().splitlines()[-1]
    assert "有效期至" in made.stdout
    bo = (
        _hub_cli(hub, "add-token", "--role", "backoffice", "--name", "审批科").stdout.strip().splitlines()[-1]
    )
    assert _pull(hub, ws).status_code == 200  # records a last use

    listed = _hub_cli(hub, "list-tokens", "--json").stdout
    rows = json.loads(listed)
    assert [(r["role"], r["office"], r["workstation"], r["status"]) for r in rows] == [
        ("workstation", OFFICE, "01", "live"),
        ("workstation", OFFICE, "02", "live"),
        ("backoffice", "", "", "live"),
    ]
    assert rows[0]["last_used"] and not rows[1]["last_used"]
    assert rows[1]["expires"] and not rows[0]["expires"]
    table = _hub_cli(hub, "list-tokens").stdout
    for secret in (ws, short, bo):
        assert secret not in listed and secret not in table
        assert secret[4:20] not in listed and secret[4:20] not in table
    assert rows[0]["id"] in table and "审批科" in table

    r = _hub_cli(hub, "revoke-token", rows[0]["id"][:8])
    assert rows[0]["id"] in r.stdout and ws not in r.stdout
    refused = _pull(hub, ws)
    assert refused.status_code == 401 and "revoked" in refused.json()["message"]
    assert _hub_cli(hub, "revoke-token", "ffffffffff", check=False).returncode == 1
    assert json.loads(_hub_cli(hub, "list-tokens", "--json").stdout)[0]["status"] == "revoked"

    # the 30-day token, a month later (its expiry moved back in the hub's database)
    st = hub.store()
    with st.tx() as c:
        c.execute(update(token_t).where(token_t.c.ws == "02").values(expires_at="2020-01-01T00:00:00+00:00"))
    st.close()
    expired = _pull(hub, short)
    assert expired.status_code == 401 and "expired" in expired.json()["message"]
    assert json.loads(_hub_cli(hub, "list-tokens", "--json").stdout)[1]["status"] == "expired"
    assert _pull(hub, bo).status_code == 403  # still live (a back office may not pull)
