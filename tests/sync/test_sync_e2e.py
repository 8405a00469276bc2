"""A workstation and a hub process over real HTTP: the cycle, decisions down, refusals, bundles."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.services.sync import actions
from app.services.sync import outbox as local
from app.services.sync.cycle import run_cycle
from app.store.models import Case, CaseEvent
from sync.hub.store import hash_token
from tests.hubs import OFFICE, WSID, make_workstation, ycli
from tests.sync.helpers import decide, get
from tests.sync.proxy import Proxy

pytestmark = pytest.mark.slow  # real hub processes


def window_cases(ws) -> dict[str, str]:
    with ws.store.read() as s:
        return dict(s.execute(select(Case.number, Case.state)).all())


def hub_cases(hub, token) -> dict[str, str]:
    out, page = {}, 1
    while True:
        doc = get(hub.url, token, "/api/v1/cases", per_page=500, page=page).json()
        out.update({c["number"]: c["state"] for c in doc["items"]})
        if page * 500 >= doc["total"]:
            return out
        page += 1


def test_cli_sync_once_then_idle_sync_costs_under_1kb(tmp_path: Path, sqlite_hub):
    hub = sqlite_hub
    token = (
        ycli(
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
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    bo = ycli(
        "hub", "add-token", "--data-dir", str(hub.data_dir), "--role", "backoffice"
    ).stdout.splitlines()[-1]
    proxy = Proxy(hub.port)
    ws = make_workstation(tmp_path / "ws", proxy.url, token, cases=30)
    ws.close()
    r = ycli("sync", "--once", "--data-dir", str(tmp_path / "ws"), check=False)
    assert r.returncode == 0, r.stderr
    assert "上传60条" in r.stdout
    ws = make_workstation(tmp_path / "ws", proxy.url, token)
    assert window_cases(ws) == hub_cases(hub, bo)
    assert len(window_cases(ws)) == 30
    proxy.reset_counters()
    rep = run_cycle(ws)
    assert rep.ok and rep.pushed == rep.pulled == 0
    assert proxy.counters.total <= 1024, proxy.counters
    proxy.close()


def test_back_office_decision_reaches_the_window_and_conflicts_are_recorded_on_both_sides(tmp_path, hub):
    token, bo = hub.token("workstation", OFFICE, WSID), hub.token("backoffice", name="市场监管局")
    ws = make_workstation(tmp_path / "ws", hub.url, token, cases=12, seed=11)
    assert run_cycle(ws).ok
    accepted = sorted(n for n, st in window_cases(ws).items() if st == "accepted")
    done, clash = accepted[0], accepted[1]
    assert decide(hub.url, bo, done, "case.completed", result="食品经营许可证").status_code == 201
    # the applicant withdraws at the window while the back office completes, neither seeing the other
    actions.withdraw(ws, clash, "申请人撤回")
    assert decide(hub.url, bo, clash, "case.completed").status_code == 201
    rep = run_cycle(ws)
    assert rep.ok and rep.pulled == 2 and rep.left == 0
    states = window_cases(ws)
    assert states[done] == "completed" and states[clash] == "completed"
    assert states == hub_cases(hub, bo)
    assert [c.number for c in local.ready_for_pickup(ws.store)] == sorted([done, clash]) or {
        c.number for c in local.ready_for_pickup(ws.store)
    } == {done, clash}
    window_conf = [(c.case_number, c.rule, c.kind) for c in local.conflicts(ws.store)]
    assert window_conf == [(clash, "superseded", "case.withdrawn")]
    hub_conf = get(hub.url, bo, f"/api/v1/cases/{clash}").json()["conflicts"]
    assert [(c["rule"], c["kind"]) for c in hub_conf] == [("superseded", "case.withdrawn")]
    # hand out the result: flows up, both sides agree
    actions.deliver(ws, done)
    assert run_cycle(ws).ok
    assert window_cases(ws) == hub_cases(hub, bo)
    assert hub_cases(hub, bo)[done] == "delivered"


def test_a_refused_event_blocks_only_its_case_and_can_be_set_aside(tmp_path, sqlite_hub):
    hub = sqlite_hub
    token, bo = hub.token("workstation", OFFICE, WSID), hub.token("backoffice")
    ws = make_workstation(tmp_path / "ws", hub.url, token, cases=3, seed=5)
    with ws.store.write() as s:  # a case.created the hub will refuse (no uid)
        first = s.execute(select(CaseEvent).order_by(CaseEvent.id)).scalars().first()
        first.payload_json = json.dumps({"subject_code": "x"})
        s.add(first)
    bad_case = first.case_number
    rep = run_cycle(ws)
    assert [r["code"] for r in rep.refused] == ["bad_payload", "blocked"]
    assert rep.left == 2  # the refused one and the decision that depends on it
    assert set(hub_cases(hub, bo)) == set(window_cases(ws)) - {bad_case}
    r = ycli("sync", "--once", "--data-dir", str(tmp_path / "ws"), check=False)
    assert r.returncode == 1 and "2条记录、0份扫描件未上传" in r.stderr
    waits = local.waiting(ws.store)
    assert [(w["case_number"], w["blocked"]) for w in waits] == [(bad_case, True)]
    refused = local.refused_events(ws.store)
    assert refused[0]["reason"] and refused[0]["code"] == "bad_payload"
    assert local.set_aside(ws.store, first.event_id)
    rep = run_cycle(ws)  # the decision now flows, and is refused in turn: its case is unknown
    assert [r["code"] for r in rep.refused] == ["unknown_case"]


def test_bundle_exactly_once_and_tamper_refused(tmp_path, hub):
    token, bo = hub.token("workstation", OFFICE, WSID), hub.token("backoffice")
    ws = make_workstation(tmp_path / "ws", hub.url, token, cases=8, seed=3)
    st = hub.store()  # the hub verifies bundles against the key its admin bound (issues 11, 16)
    st.set_keys(hash_token(token)[:16], [ws.signer.public_key_b64()])
    st.close()
    ws.close()
    wsdir = str(tmp_path / "ws")
    bundle = tmp_path / "usb" / "office.ycb"
    bundle.parent.mkdir()
    ycli("sync", "export-bundle", str(bundle), "--data-dir", wsdir)
    db = ["--db", hub.db_url] if hub.db_url else []
    data = bundle.read_bytes()
    for pos in (len(data) - 5, 40, len(data) // 2):
        bad = bytearray(data)
        bad[pos] ^= 0x01
        (tmp_path / "bad.ycb").write_bytes(bytes(bad))
        r = ycli(
            "hub",
            "import-bundle",
            str(tmp_path / "bad.ycb"),
            "--data-dir",
            str(hub.data_dir),
            *db,
            check=False,
        )
        assert r.returncode == 1 and "数据包被拒绝" in r.stderr, r.stderr
        assert hub_cases(hub, bo) == {}
    r = ycli("hub", "import-bundle", str(bundle), "--data-dir", str(hub.data_dir), *db)
    assert "应用 16 条" in r.stdout
    r = ycli("hub", "import-bundle", str(bundle), "--data-dir", str(hub.data_dir), *db)
    assert "应用 0 条，已有 16 条" in r.stdout
    ws = make_workstation(tmp_path / "ws", hub.url, token)
    rep = run_cycle(ws)  # the same events online: all duplicates
    assert rep.ok and rep.pushed == 0 and rep.duplicates == 16
    assert window_cases(ws) == hub_cases(hub, bo)
    st = hub.store()
    assert st.counts()["events"] == 16
    st.close()


class _Garbage(BaseHTTPRequestHandler):
    mode = "garbage"

    def do_GET(self):  # noqa: N802
        self._answer()

    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self._answer()

    def _answer(self):
        if self.mode == "500":
            self.send_response(500)
            self.end_headers()
            return
        body = (
            b"\x00\xffnot json"
            if self.mode == "garbage"
            else json.dumps({"ok": 1, "refused": [{"id": "not-one-we-sent"}]}).encode()
        )
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


@pytest.mark.parametrize("mode", ["garbage", "500", "lies"])
def test_a_hub_answering_garbage_changes_nothing_locally(tmp_path, mode):
    handler = type("H", (_Garbage,), {"mode": mode})
    srv = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    ws = make_workstation(tmp_path / "ws", f"http://127.0.0.1:{srv.server_address[1]}", "tok", cases=4)
    before = (local.pending_count(ws.store), window_cases(ws), local.read_state(ws.store, "cursor"))
    rep = run_cycle(ws)
    assert rep.error is not None and rep.error.kind == "hub"
    assert (local.pending_count(ws.store), window_cases(ws), local.read_state(ws.store, "cursor")) == before
    srv.shutdown()


def test_a_clock_days_off_still_converges_and_warns(tmp_path, sqlite_hub):
    hub = sqlite_hub
    token, bo = hub.token("workstation", OFFICE, WSID), hub.token("backoffice")

    class Wrong:
        def __call__(self):
            return datetime.now() - timedelta(days=3)

    ws = make_workstation(tmp_path / "ws", hub.url, token, cases=5, clock=Wrong())
    rep = run_cycle(ws)
    assert rep.ok and rep.skew_seconds is not None and rep.skew_seconds < -2 * 86400
    from app.services.sync.runner import SyncRunner

    st = SyncRunner(ws).status()
    assert st.skew_warning and "时钟" in st.bar_text()
    some = next(n for n, s in window_cases(ws).items() if s == "accepted")
    decide(hub.url, bo, some, "case.in_review")
    decide(hub.url, bo, some, "case.denied", reason="不符合规划")
    assert run_cycle(ws).ok
    assert window_cases(ws) == hub_cases(hub, bo)
    with ws.store.read() as s:
        assert s.execute(select(Case.reason).where(Case.number == some)).scalar() == "不符合规划"


def test_catalogue_delta_and_calendar_update_reach_the_window(tmp_path, sqlite_hub):
    from forms.loader import catalogue_to_dict, load_demo_catalogue
    from sync.docdelta import make_delta

    hub = sqlite_hub
    token = hub.token("workstation", OFFICE, WSID)
    ws = make_workstation(tmp_path / "ws", hub.url, token, cases=2)
    old_version = ws.catalogue.version
    doc = catalogue_to_dict(load_demo_catalogue())
    doc["version"] = old_version + ".1"
    doc["matters"][0] = dict(doc["matters"][0], name=doc["matters"][0]["name"] + "（新）")
    (tmp_path / "cat.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    ycli("hub", "publish-catalogue", str(tmp_path / "cat.json"), "--data-dir", str(hub.data_dir))
    assert (
        len(json.dumps(make_delta(catalogue_to_dict(load_demo_catalogue()), doc))) < len(json.dumps(doc)) / 10
    )
    rep = run_cycle(ws)
    assert rep.ok and rep.catalogue == doc["version"]
    assert ws.catalogue.version == doc["version"]
    assert ws.catalogue.matters[doc["matters"][0]["code"]].name.endswith("（新）")
    with ws.store.read() as s:  # cases stay pinned to the version they were accepted under
        assert set(s.execute(select(Case.catalogue_version)).scalars()) == {old_version}
        assert s.execute(select(func.count()).select_from(Case)).scalar() == 2
    rep = run_cycle(ws)
    assert rep.catalogue is None


def test_two_windows_disagreeing_about_an_applicant_is_kept_for_the_back_office(tmp_path, sqlite_hub):
    """Issue 16 §1: the disagreement is a conflict on the later case at the hub, for the back
    office; neither window is told (before, both got a note with the other's details)."""
    from tests.sync.helpers import case_events, number, push

    hub = sqlite_hub
    t1, bo = hub.token("workstation", OFFICE, WSID), hub.token("backoffice")
    t2 = hub.token("workstation", OFFICE, "02")
    ws1 = make_workstation(tmp_path / "ws1", hub.url, t1, cases=1, seed=41)
    assert run_cycle(ws1).ok
    with ws1.store.read() as s:
        c = s.execute(select(Case)).scalars().one()
    other = case_events(number(1, ws="02"), ws="02")
    other[1]["p"]["applicant"] = {
        "kind": c.applicant_kind,
        "id_number": c.applicant_id_number,
        "name": c.applicant_name,
        "phone": "13900000000",
        "address": "新地址",
    }
    r = push(hub.url, t2, other)
    assert r.status_code == 200
    rep = run_cycle(ws1)
    assert rep.ok and rep.pulled == 0
    assert local.conflicts(ws1.store) == []
    assert json.loads(get(hub.url, t2, "/api/v1/sync/pull", after=0).content)["events"] == []
    theirs = other[0]["case"]
    held = get(hub.url, bo, f"/api/v1/cases/{theirs}").json()["conflicts"]
    assert [(k["rule"], k["detail"]["before_case"]) for k in held] == [("applicant_details", c.number)]
    assert held[0]["detail"]["after"]["address"] == "新地址"
    assert get(hub.url, bo, f"/api/v1/cases/{c.number}").json()["conflicts"] == []  # untouched
    assert get(hub.url, t2, f"/api/v1/cases/{theirs}").json()["conflicts"] == []  # not the window's
    assert window_cases(ws1)[c.number] == hub_cases(hub, bo)[c.number]
