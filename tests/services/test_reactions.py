"""The window's reactions table (app.services.reactions, issue 19 §1), run by the service that
writes the event, on a real store: a pulled 补正 marks the materials and queues its notice in
the pull's transaction with no screen open; a decision files the scans the intake held and
hands the window its kicks after commit, and without a window (the CLI) only what needs none."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from app.services import reactions
from app.services.cases import CaseService
from app.services.intake import IntakeService
from app.services.scans import list_scans
from app.services.sync import outbox
from app.store.models import CaseEvent, PrintJob
from tests.hubs import make_workstation
from tests.services import scan_samples as samples
from tests.services.test_intake import applicant, receive_all
from tests.services.test_scanner_assign import _taken


class Hands:
    """The window's side of reactions.Window, as the UI's WindowEnd offers it: what it was asked."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def kick_spool(self) -> None:
        self.calls.append(("spool",))

    def kick_sync(self) -> None:
        self.calls.append(("sync",))

    def ask_rating(self, number: str, stage: str) -> None:
        self.calls.append(("rating", number, stage))

    def scans_filed(self, number: str, errors: list[str]) -> None:
        self.calls.append(("scans", number, tuple(errors)))


def _correction(case, materials, lc=50) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "case": case.number,
        "case_uid": case.uid,
        "kind": "case.correction_requested",
        "lc": lc,
        "p": {"reason": "材料请当面补交", "materials": materials},
        "actor": "王审批",
        "office": "",
        "ws": "",
        "at": "2026-11-20T02:00:00.000+00:00",
        "seq": 9,
        "by": "hub:dept",
    }


@pytest.fixture
def accepted(tmp_path: Path):
    ws = make_workstation(tmp_path / "ws", "http://127.0.0.1:9", "yc1_unused", cases=12, seed=5)
    case = sorted((c for c in CaseService(ws).list() if c.state == "accepted"), key=lambda c: c.number)[0]
    yield ws, case
    ws.close()


def _notices(ws, case) -> list[PrintJob]:
    with ws.store.read() as s:
        return list(
            s.execute(
                select(PrintJob).where(PrintJob.case_id == case.id, PrintJob.doc_kind == "notice")
            ).scalars()
        )


def test_a_pulled_correction_marks_the_materials_and_queues_the_notice_without_a_screen(accepted):
    ws, case = accepted
    (m1, m2) = [m.item.key for m in CaseService(ws).marks(case)][:2]
    before = len(_notices(ws, case))
    event = _correction(case, [{"k": m1, "note": "复印件模糊"}, {"k": m2, "note": "缺少签章"}])
    res = outbox.apply_pulled(ws.store, [event], 9, react=reactions.pulled(ws))
    assert res.events == 1
    case = CaseService(ws).get(case.number)
    assert case.state == "correction"
    marks = {m.item.key: m for m in CaseService(ws).marks(case)}
    assert marks[m1].status == "defective" and marks[m1].note == "复印件模糊"
    assert marks[m2].status == "defective" and marks[m2].note == "缺少签章"
    (notice,) = _notices(ws, case)[before:]
    assert notice.state == "queued" and "补正材料通知书" in notice.text and "复印件模糊" in notice.text


def test_the_correction_reaction_commits_with_the_pull_or_not_at_all(accepted):
    """In the pull's transaction: a reaction that fails leaves neither the event, its marks,
    its notice nor the cursor behind; the next pull applies it whole."""
    ws, case = accepted
    key = CaseService(ws).marks(case)[0].item.key
    event = _correction(case, [{"k": key, "note": "复印件模糊"}])
    marks_before = CaseService(ws).get(case.number).marks_json
    notices_before = len(_notices(ws, case))

    react = reactions.pulled(ws)

    def failing_pull(s, case_, view, events):
        react(s, case_, view, events)  # the marks and the notice written, then the disk is full
        raise OSError("disk full")

    with pytest.raises(OSError):
        outbox.apply_pulled(ws.store, [event], 9, react=failing_pull)
    with ws.store.read() as s:
        assert s.execute(select(CaseEvent).where(CaseEvent.event_id == event["id"])).first() is None
    assert CaseService(ws).get(case.number).marks_json == marks_before
    assert len(_notices(ws, case)) == notices_before
    assert outbox.read_state(ws.store, outbox.CURSOR, "0") != "9"
    outbox.apply_pulled(ws.store, [event], 9, react=reactions.pulled(ws))
    assert len(_notices(ws, case)) == notices_before + 1
    assert json.loads(CaseService(ws).get(case.number).marks_json)[0]["s"] == "defective"


def test_a_pull_without_reactions_applies_the_event_only(accepted):
    """The sync client chooses the reactions; without them the event is applied, no more."""
    ws, case = accepted
    key = CaseService(ws).marks(case)[0].item.key
    before = len(_notices(ws, case))
    outbox.apply_pulled(ws.store, [_correction(case, [{"k": key, "note": "复印件模糊"}])], 9)
    assert CaseService(ws).get(case.number).state == "correction"
    assert len(_notices(ws, case)) == before


@pytest.fixture
def folder(ws, tmp_path):
    f = tmp_path / "inbox"
    f.mkdir()
    ws.config.set("scanner.inbox", str(f))
    ws.config.save()
    return f


def test_an_accept_files_the_held_scans_and_hands_the_window_its_kicks_after_commit(ws, folder):
    scan = _taken(ws, folder, "营业执照.pdf", samples.pdf(pages=1))
    svc = IntakeService(ws, Hands())
    draft = receive_all(svc.new_draft("matter", "320724-SCJG-0002"))
    draft.applicant = applicant()
    key = draft.marks[0].item.key
    done = svc.accept(draft, scan_holds={scan.id: key})
    number = done.case.number
    assert svc.window.calls == [("spool",), ("sync",), ("scans", number, ()), ("rating", number, "accepted")]
    (filed,) = [s for s in list_scans(ws) if s.id == scan.id]
    assert filed.case_number == number and filed.material_key == key


def test_a_refusal_asks_no_rating_and_without_a_window_only_the_scans_follow(ws, folder):
    svc = IntakeService(ws, Hands())
    draft = svc.new_draft("matter", "320724-SCJG-0002")
    draft.applicant = applicant()
    svc.refuse(draft, "不属于本窗口受理范围")
    assert svc.window.calls == [("spool",), ("sync",)]
    # the CLI: no window, the held scan is filed all the same
    scan = _taken(ws, folder, "身份证.pdf", samples.pdf(pages=1))
    cli = IntakeService(ws)
    draft = receive_all(cli.new_draft("matter", "320724-SCJG-0002"))
    draft.applicant = applicant(name="李四")
    key = draft.marks[0].item.key
    number = cli.accept(draft, scan_holds={scan.id: key}).case.number
    (filed,) = [s for s in list_scans(ws) if s.id == scan.id]
    assert filed.case_number == number


class BrokenSpool(Hands):
    def kick_spool(self) -> None:
        raise RuntimeError("the window is closing")


def test_a_failing_reaction_after_commit_neither_undoes_nor_hides_the_decision(ws):
    """After commit a reaction is not atomic with the event: the decision stands and is
    reported as made, the other reactions still run."""
    svc = IntakeService(ws, BrokenSpool())
    draft = receive_all(svc.new_draft("matter", "320724-SCJG-0002"))
    draft.applicant = applicant()
    done = svc.accept(draft)
    number = done.case.number
    assert CaseService(ws).get(number).state == "accepted"
    assert svc.window.calls == [("sync",), ("rating", number, "accepted")]
