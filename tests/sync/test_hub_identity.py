"""Issue 11: two machines set up as one workstation never cross-apply; one live token per window.

A real hub process and two workstation data dirs; the token commands through the real CLI.
"""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from app.services.demo import seed_cases
from app.services.sync import outbox
from app.services.sync.cycle import run_cycle
from app.store.models import Case
from tests.hubs import OFFICE, WSID, make_workstation, ycli
from tests.sync.helpers import decide

pytestmark = pytest.mark.slow


def _cases(ws) -> dict[str, tuple[str, str]]:
    with ws.store.read() as s:
        return {c.number: (c.uid, c.state) for c in s.execute(select(Case)).scalars()}


def test_two_machines_as_one_workstation_never_cross_apply(tmp_path, sqlite_hub):
    hub = sqlite_hub
    token, bo = hub.token("workstation", OFFICE, WSID), hub.token("backoffice")
    a = make_workstation(tmp_path / "a", hub.url, token)
    b = make_workstation(tmp_path / "b", hub.url, token)  # a cloned set-up: same id, same token
    seed_cases(a, 6, seed=1, days=1)  # both number today's cases 0001…0006, with other uids
    seed_cases(b, 6, seed=2, days=1)
    mine, theirs = _cases(a), _cases(b)
    assert mine.keys() == theirs.keys()
    assert all(mine[n][0] != theirs[n][0] for n in mine)
    assert run_cycle(a).ok
    rep = run_cycle(b)  # b's cases collide with a's numbers: refused, never merged
    assert rep.ok and rep.pushed == 0 and {r["code"] for r in rep.refused} >= {"number_conflict"}
    target = next(n for n, (_uid, state) in sorted(mine.items()) if state == "accepted")
    assert decide(hub.url, bo, target, "case.completed", result="许可证").status_code == 201

    assert run_cycle(a).ok
    assert _cases(a)[target] == (mine[target][0], "completed")
    assert run_cycle(b).ok
    assert _cases(b) == theirs  # nothing applied to b's case of the same number
    seen = [(c.case_number, c.rule) for c in outbox.conflicts(b.store)]
    assert (target, "uid_mismatch") in seen
    a.close()
    b.close()


def _add_token(hub, *extra: str, check: bool = True):
    return ycli(
        "hub",
        "add-token",
        "--data-dir",
        str(hub.data_dir),
        "--role",
        "workstation",
        "--office",
        OFFICE,
        "--workstation",
        WSID,
        *extra,
        check=check,
    )


def _pull(hub, token: str) -> httpx.Response:
    return httpx.get(hub.url + "/api/v1/sync/pull", headers={"Authorization": f"Bearer {token}"}, timeout=30)


def test_a_second_token_for_a_window_needs_replace_which_revokes_the_old(sqlite_hub):
    hub = sqlite_hub
    old = _add_token(hub).stdout.strip().splitlines()[-1]
    assert _pull(hub, old).status_code == 200
    r = _add_token(hub, check=False)
    assert r.returncode == 1 and "--replace" in r.stderr and f"{OFFICE}/{WSID}" in r.stderr
    assert r.stdout == ""  # no token was made
    assert _pull(hub, old).status_code == 200
    new = _add_token(hub, "--replace").stdout.strip().splitlines()[-1]
    assert new.startswith("yc1_") and new != old
    assert _pull(hub, new).status_code == 200
    refused = _pull(hub, old)
    assert refused.status_code == 401 and "revoked" in refused.json()["message"]


def test_a_page_with_a_bad_cursor_is_not_applied(tmp_path):
    from sync import protocol

    ws = make_workstation(tmp_path / "ws", "http://127.0.0.1:9", "yc1_unused", cases=1)
    outbox.apply_pulled(ws.store, [], 7)
    for bad in (-5, 2**63, "8", True):
        with pytest.raises(protocol.ProtocolError):
            outbox.apply_pulled(ws.store, [], bad)
    assert outbox.read_state(ws.store, outbox.CURSOR) == "7"
    ws.close()
