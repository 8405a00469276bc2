"""Issue 16 §1 on what an older hub already did: its applicant notes are never served again.

A hub before the fix answered the lookup attack with ``case.note`` events (author
``hub:conflict``) holding another office's applicant details, on the attacker's case and on the
victim's, and kept one county-wide applicant record. Here a database at revision h0007 holds
exactly that; the hub of this version opens it (migration h0008) and serves nothing of it to any
window, while the back office still sees it. A window that pulls such a note from a hub not yet
upgraded keeps nothing of it. SQLite and PostgreSQL; the hub is a real process.
"""

from __future__ import annotations

import json
import re
import uuid

import httpx
import pytest
from alembic import command
from sqlalchemy import (
    BigInteger,
    Column,
    MetaData,
    String,
    Table,
    create_engine,
    insert,
    inspect,
    select,
    update,
)

from sync.hub.console_store import ConsoleStore
from sync.hub.migrations.env_config import alembic_config
from sync.hub.store import applicant_t, case_t, conflict_t, event_t, meta_t
from tests.hubs import HubProcess, make_workstation
from tests.sync.helpers import case_events, decoded, get, number, push

pytestmark = pytest.mark.slow

A, B = "320724100", "320724101"
PASSWORD = "Secret-pass1"
VICTIM = {"name": "王伟", "phone": "13800000000", "address": "灌南县新安镇人民路1号"}
FAKE = {"name": "冒名", "phone": "110", "address": "别处"}
ID = "320724199001011234"

old_md = MetaData()
old_applicant_t = Table(  # the county-wide record of revisions h0002..h0007
    "hub_applicant",
    old_md,
    Column("kind", String(12), primary_key=True),
    Column("id_number", String(20), primary_key=True),
    Column("name", String(200)),
    Column("phone", String(40)),
    Column("address", String(300)),
    Column("author", String(120)),
    Column("case_number", String(40)),
    Column("seq", BigInteger),
)


def _old_hub_database(url: str) -> tuple[str, str]:
    """A database at h0007 after the lookup attack, as the older hub left it: B's case, A's case
    naming B's applicant, a note with B's details on each, the county record now A's."""
    a_case, b_case = number(1, office=A), number(1, office=B)
    rows, seq = [], 0
    for num, office, details in ((b_case, B, VICTIM), (a_case, A, FAKE)):
        created, accepted = case_events(num, office=office)
        accepted["p"]["applicant"] = {"kind": "person", "id_number": ID, **details}
        for e in (created, accepted):
            seq += 1
            rows.append((seq, num, office, e, f"{office}/01"))
    info = {
        "conflict": "applicant_details",
        "applicant": {"kind": "person", "id_number": ID},
        "before": VICTIM,
        "after": FAKE,
        "before_case": b_case,
        "before_author": f"{B}/01",
        "after_case": a_case,
        "after_author": f"{A}/01",
    }
    engine = create_engine(url)
    with engine.begin() as c:
        command.upgrade(alembic_config(c), "h0007")
        for s, num, office, e, author in rows:
            c.execute(
                insert(event_t).values(
                    seq=s,
                    event_id=e["id"],
                    case_number=num,
                    kind=e["kind"],
                    lc=e["lc"],
                    payload=json.dumps(e["p"], ensure_ascii=False),
                    actor=e["actor"],
                    office=office,
                    ws="01",
                    at=e["at"],
                    author=author,
                    via=author,
                    owner_office=office,
                    owner_ws="01",
                    received_at=e["at"],
                )
            )
        for num, office in ((a_case, A), (b_case, B)):
            seq += 1
            created = next(e for s, n, o, e, a in rows if n == num and e["kind"] == "case.created")
            c.execute(
                insert(event_t).values(
                    seq=seq,
                    event_id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"yichuang:conflict:{num}:{seq}")),
                    case_number=num,
                    kind="case.note",
                    lc=3,
                    payload=json.dumps(info, ensure_ascii=False),
                    actor="hub",
                    office="",
                    ws="",
                    at="2026-11-20T02:00:00.000+00:00",
                    author="hub:conflict",
                    via="hub:conflict",
                    owner_office=office,
                    owner_ws="01",
                    received_at="2026-11-20T02:00:00.000+00:00",
                )
            )
            c.execute(
                insert(case_t).values(
                    number=num,
                    uid=created["p"]["uid"],
                    office=office,
                    ws="01",
                    subject_kind="matter",
                    subject_code="320724-CG-0001",
                    subject_name="测试事项",
                    catalogue_version="2020.2",
                    level="county",
                    applicant_kind="person",
                    applicant_name=(VICTIM if office == B else FAKE)["name"],
                    applicant_id_number=ID,
                    state="accepted",
                    lc=3,
                    reason="",
                    n_events=3,
                    n_conflicts=1,
                    created_seq=1,
                    updated_seq=seq,
                )
            )
            c.execute(
                insert(conflict_t).values(
                    case_number=num,
                    event_id=rows[-1][3]["id"],
                    rule="applicant_details",
                    kind="case.accepted",
                    origin=f"{A}/01",
                    detail=json.dumps(info, ensure_ascii=False),
                    seq=4,
                )
            )
        c.execute(
            insert(old_applicant_t).values(
                kind="person", id_number=ID, author=f"{A}/01", case_number=a_case, seq=4, **FAKE
            )
        )
        c.execute(update(meta_t).where(meta_t.c.key == "seq").values(value=str(seq)))
    engine.dispose()
    return a_case, b_case


def _console(hub) -> httpx.Client:
    st = hub.store()
    try:
        ConsoleStore(st).add_user("管理员", "admin", PASSWORD, [])
    finally:
        st.close()
    client = httpx.Client(base_url=hub.url, timeout=30)
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/console/login").text).group(1)
    assert (
        client.post("/console/login", data={"csrf": csrf, "name": "管理员", "password": PASSWORD}).status_code
        == 303
    )
    return client


def test_an_older_hubs_applicant_notes_are_never_served_again(tmp_path, hub_db):
    url = hub_db or f"sqlite:///{tmp_path / 'hub' / 'hub.db'}"
    (tmp_path / "hub").mkdir()
    a_case, b_case = _old_hub_database(url)
    hub = HubProcess(tmp_path / "hub", hub_db).start()
    try:
        ta, tb = hub.token("workstation", A, "01"), hub.token("workstation", B, "01")
        bo = hub.token("backoffice")
        for token, num in ((ta, a_case), (tb, b_case)):
            pulled = get(hub.url, token, "/api/v1/sync/pull", after=0)
            assert decoded(pulled)["events"] == []
            detail = get(hub.url, token, f"/api/v1/cases/{num}")
            assert [e["kind"] for e in detail.json()["events"]] == ["case.created", "case.accepted"]
            assert detail.json()["conflicts"] == []
        leaked = (
            get(hub.url, ta, "/api/v1/sync/pull", after=0).text
            + get(hub.url, ta, f"/api/v1/cases/{a_case}").text
        )
        assert not [v for v in (*VICTIM.values(), b_case) if v in leaked]
        # the back office still has it: the note in the history, the conflict on the case page
        full = decoded(get(hub.url, bo, f"/api/v1/cases/{a_case}"))
        assert [e["by"] for e in full["events"]][-1] == "hub:conflict"
        assert [k["rule"] for k in full["conflicts"]] == ["applicant_details"]
        page = _console(hub).get(f"/console/cases/{a_case}")
        assert page.status_code == 200 and 'data-rule="applicant_details"' in page.text
        assert b_case in page.text and 'data-field="phone"' in page.text

        # each office's record is its own now: A's (from A's case) carried over, the
        # county-wide table gone; B's next case with its own details is no disagreement
        st = hub.store()
        try:
            with st.ro() as c:
                assert "hub_applicant" not in inspect(c).get_table_names()
                kept = [(r.office, r.name) for r in c.execute(select(applicant_t))]
        finally:
            st.close()
        assert kept == [(A, FAKE["name"])]
        again = case_events(number(2, office=B), office=B)
        again[1]["p"]["applicant"] = {"kind": "person", "id_number": ID, **VICTIM}
        assert decoded(push(hub.url, tb, again))["ok"] == 2
        assert decoded(get(hub.url, bo, f"/api/v1/cases/{number(2, office=B)}"))["conflicts"] == []
        assert decoded(get(hub.url, tb, "/api/v1/sync/pull", after=0))["events"] == []
    finally:
        hub.stop()


def test_a_window_keeps_nothing_of_an_older_hubs_applicant_note(tmp_path):
    """What a hub not yet upgraded sends: the note is skipped (not stored, not listed as a
    conflict, its details nowhere in the window's store), and the cursor moves on."""
    from app.services import reactions
    from app.services.sync import outbox
    from app.store.models import Case, CaseEvent

    ws = make_workstation(tmp_path / "ws", "http://127.0.0.1:9", "yc1_unused", cases=1, seed=3)
    try:
        with ws.store.read() as s:
            case = s.execute(select(Case)).scalars().one()
        note = {
            "id": str(uuid.uuid4()),
            "case": case.number,
            "case_uid": case.uid,
            "kind": "case.note",
            "lc": 3,
            "p": {"conflict": "applicant_details", "before": VICTIM, "before_case": number(1, office=B)},
            "actor": "hub",
            "office": "",
            "ws": "",
            "at": "2026-11-20T02:00:00.000+00:00",
            "seq": 9,
            "by": "hub:conflict",
        }
        res = outbox.apply_pulled(ws.store, [note], 9, react=reactions.pulled(ws))
        assert res.events == 0
        with ws.store.read() as s:
            assert s.execute(select(CaseEvent).where(CaseEvent.event_id == note["id"])).first() is None
        assert outbox.conflicts(ws.store) == []
        assert outbox.read_state(ws.store, outbox.CURSOR) == "9"
        raw = b"".join(p.read_bytes() for p in (tmp_path / "ws").glob("yichuang.db*"))
        assert raw
        assert VICTIM["phone"].encode() not in raw and VICTIM["address"].encode() not in raw
    finally:
        ws.close()
