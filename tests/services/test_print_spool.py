"""The print spool against real loopback TCP printers, on a real store (no mocks).

A printer that refuses, stalls, drops the connection half-way or runs out of paper never
loses a job: it stays queued with its attempts and error and completes once the printer
behaves. Claims keep concurrent passes from sending a job twice; a crashed sender's claim
expires and the job is sent again.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from app.domain.identifiers import ric_check_char
from app.services.intake import ApplicantInput, IntakeService
from app.services.printing import (
    MAX_BACKOFF,
    DocumentUnavailable,
    PrintSpool,
    available_documents,
    reprint,
    retry_delay,
    write_preview,
)
from app.services.workstation import open_workstation
from printing.signing import verify_payload
from tests.printing.listener import PrinterListener
from tests.printing.paper import read_paper

ID17 = "32072419900307123"
PERSON_ID = ID17 + ric_check_char(ID17)


def bundle_code(ws, name: str) -> str:
    return next(b.code for b in ws.catalogue.bundles.values() if b.name == name)


def accept(ws, name: str = "张秀英", bundle: str = "开餐馆"):
    svc = IntakeService(ws)
    draft = svc.new_draft("bundle", bundle_code(ws, bundle))
    draft.marks = [replace(m, status="received") for m in draft.marks]
    draft.applicant = ApplicantInput("person", PERSON_ID, name, "13812345678", "灌南县新安镇")
    return svc.accept(draft)


def use_printer(ws, url: str, profile: str = "generic-80") -> None:
    ws.config.set("printer.url", url)
    ws.config.set("printer.profile", profile)


def job_of(ws, job_id: str):
    return PrintSpool(ws).get(job_id)


def later(clock, seconds: float) -> None:
    clock.value += timedelta(seconds=seconds)


def test_accepted_receipt_arrives_whole_and_decodes_to_the_case(ws):
    with PrinterListener("accept") as printer:
        use_printer(ws, printer.url)
        decision = accept(ws)
        [result] = PrintSpool(ws).send_due()
        assert result.ok and result.state == "printed"
        [data] = printer.wait_jobs(1)
    case = decision.case
    job = job_of(ws, decision.job_id)
    assert data == job.data  # the very bytes stored before sending
    paper = read_paper(data)
    assert paper.ops[:2] == ["init", "kanji_on"] and paper.cut
    assert "受理回执" in paper.text and "张秀英" in paper.text and case.number in paper.text
    assert PERSON_ID[:6] + "********" + PERSON_ID[-4:] in paper.text  # masked ID
    assert "开餐馆" in paper.text
    [payload] = paper.qr
    assert f"n={case.number}" in payload
    assert verify_payload(payload, ws.signer.public_key_b64())
    forged = payload.replace(case.number, case.number[:-6] + "0002-X")
    assert not verify_payload(forged, ws.signer.public_key_b64())
    assert job.state == "printed" and job.attempts == 1 and job.last_error == ""


@pytest.mark.parametrize(
    "mode, kind", [("refuse", "refused"), ("stall", "timeout"), ("half", "disconnected"), ("paper", "paper")]
)
def test_a_failing_printer_keeps_the_job_until_it_behaves(ws, clock, mode, kind):
    with PrinterListener(mode) as printer:
        url = printer.url + ("?status=1" if mode == "paper" else "")
        use_printer(ws, url, "xprinter-58")  # raster QR: 14 KB, more than a stalled buffer takes
        decision = accept(ws)
        spool = PrintSpool(ws, stall_timeout=0.5)
        [result] = spool.send_due()
        assert not result.ok and result.error.startswith(kind + ":"), result.error
        job = job_of(ws, decision.job_id)
        assert (job.state, job.attempts) == ("queued", 1) and job.last_error.startswith(kind)
        retry_at = job.next_attempt_at.replace(tzinfo=UTC)
        assert timedelta(seconds=1) <= retry_at - ws.utcnow() <= timedelta(seconds=2)
        assert spool.send_due() == []  # not due yet: backoff
        assert spool.summary().failing == 1 and spool.summary().last_error.startswith(kind)
        # the printer comes back
        printer.set_mode("status" if mode == "paper" else "accept")
        later(clock, 3)
        [result] = spool.send_due()
        assert result.ok, result.error
        [data] = printer.wait_jobs(1)
    assert data == job.data
    job = job_of(ws, decision.job_id)
    assert (job.state, job.attempts, job.last_error) == ("printed", 2, "")
    paper = read_paper(data, "xprinter-58")
    assert "张秀英" in paper.text and decision.case.number in paper.text
    assert paper.ops[-2:] == ["kanji_off", "feed"]  # the whole job; this model has no cutter
    assert spool.summary().waiting == 0


def test_backoff_grows_is_capped_and_jittered():
    rng = random.Random(1)
    firsts = [retry_delay(1, rng).total_seconds() for _ in range(50)]
    assert all(1 <= d <= 2 for d in firsts) and len(set(firsts)) > 10
    assert all(4 <= retry_delay(3, rng).total_seconds() <= 8 for _ in range(20))
    capped = [retry_delay(40, rng) for _ in range(50)]
    assert all(MAX_BACKOFF / 2 <= d <= MAX_BACKOFF for d in capped)


def test_jobs_queued_during_an_outage_all_print_when_the_printer_returns(ws, clock):
    with PrinterListener("refuse") as printer:
        use_printer(ws, printer.url)
        first = accept(ws, "王一")
        spool = PrintSpool(ws)
        assert [r.ok for r in spool.send_due()] == [False]
        later(clock, 60)  # the first job's retry time passed, then more intakes
        second = accept(ws, "王二")
        third = accept(ws, "王三")
        results = spool.send_due()
        assert [r.ok for r in results] == [False]  # one timeout per printer and pass, not three
        printer.set_mode("accept")
        later(clock, 1)  # only the two newer jobs are due; the first still backs off
        results = spool.send_due()
        assert sorted(r.ok for r in results) == [True, True, True]  # the printer is back: all go
        jobs = printer.wait_jobs(3)
    names = ["王一", "王二", "王三"]
    got = sorted(n for data in jobs for n in names if n in read_paper(data).text)
    assert got == sorted(names)
    assert all(job_of(ws, d.job_id).state == "printed" for d in (first, second, third))


def test_concurrent_passes_send_each_job_once(ws, data_dir, clock):
    with PrinterListener("accept", delay=0.05) as printer:
        use_printer(ws, printer.url)
        ws.config.save()
        made = [accept(ws, f"并发{i}") for i in range(4)]
        others = [open_workstation(data_dir, clock=clock) for _ in range(3)]  # own engines, like processes
        spools = [PrintSpool(w) for w in [ws, ws, *others]]
        barrier = threading.Barrier(len(spools))
        results: list = []
        errors: list = []

        def run(spool):
            barrier.wait()
            try:
                results.extend(spool.send_due())
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(s,)) for s in spools]
        for th in threads:
            th.start()
        for th in threads:
            th.join(30)
        assert errors == []
        jobs = printer.wait_jobs(4)
        time.sleep(0.3)  # a duplicate would arrive now
        assert len(printer.jobs) == 4 and printer.connections == 4
        for w in others:
            w.close()
    assert sorted(r.job_id for r in results if r.ok) == sorted(d.job_id for d in made)
    assert len({bytes(j) for j in jobs}) == 4


def test_an_expired_claim_is_taken_over_and_the_late_sender_cannot_overwrite(ws, clock):
    with PrinterListener("accept") as printer:
        use_printer(ws, printer.url)
        decision = accept(ws)
        spool = PrintSpool(ws)
        stale, _ = spool._claim(decision.job_id, force=False)  # a sender that then hangs or dies
        assert stale is not None and job_of(ws, decision.job_id).state == "sending"
        assert spool.send_due() == []  # its lease holds
        assert not spool.send(decision.job_id).attempted
        later(clock, spool.lease.total_seconds() + 1)
        [result] = spool.send_due()
        assert result.ok
        printer.wait_jobs(1)
    job = job_of(ws, decision.job_id)
    assert (job.state, job.attempts) == ("printed", 2)
    assert spool._finish(stale, "offline: late news") == "printed"  # the stale attempt is ignored
    assert job_of(ws, decision.job_id).state == "printed"


def test_cancel_and_resend(ws, clock):
    with PrinterListener("refuse") as printer:
        use_printer(ws, printer.url)
        decision = accept(ws)
        spool = PrintSpool(ws)
        spool.send_due()
        assert spool.cancel(decision.job_id)
        assert job_of(ws, decision.job_id).state == "cancelled"
        later(clock, 600)
        assert spool.send_due() == []  # cancelled jobs are kept, not sent
        assert spool.summary().waiting == 0 and spool.summary().cancelled == 1
        printer.set_mode("accept")
        result = spool.resend(decision.job_id)  # the clerk changes her mind
        assert result.ok
        printer.wait_jobs(1)
        assert not spool.cancel(decision.job_id)  # printed: nothing to cancel
        with pytest.raises(ValueError, match="补打"):
            spool.requeue(decision.job_id)  # another copy is a reprint, not a resend


def test_resend_to_the_configured_printer(ws, tmp_path):
    with PrinterListener("refuse") as printer:
        use_printer(ws, printer.url)
        decision = accept(ws)
        spool = PrintSpool(ws)
        assert not spool.send_due()[0].ok
    url = f"dir://{tmp_path}/other"
    assert spool.resend(decision.job_id, printer_url=url).ok
    job = job_of(ws, decision.job_id)
    assert job.printer_url == url and (tmp_path / "other" / f"{job.job_id}.bin").read_bytes() == job.data


def test_reprint_is_marked_with_the_reprint_time_and_keeps_the_issue_time(ws, clock):
    decision = accept(ws)
    number = decision.case.number
    clock.value = datetime(2026, 11, 23, 14, 5)
    with PrinterListener("accept") as printer:
        job = reprint(ws, number, "receipt", printer_url=printer.url)
        assert PrintSpool(ws).send(job.job_id).ok
        [data] = printer.wait_jobs(1)
    paper = read_paper(data)
    assert "【补打 2026-11-23 14:05】" in paper.text
    assert "打印时间：2026-11-20 09:30" in paper.text  # the original issue
    assert number in paper.text and verify_payload(paper.qr[0], ws.signer.public_key_b64())
    stored = job_of(ws, job.job_id)
    assert stored.reprint and stored.doc_kind == "receipt" and "补打" in stored.text
    original = job_of(ws, decision.job_id)
    assert not original.reprint and "补打" not in original.text


def test_reprint_of_a_document_the_case_does_not_have_is_a_clear_error(ws):
    from app.services.cases import CaseService

    number = accept(ws).case.number
    assert available_documents(ws, CaseService(ws).get(number)) == ["receipt"]
    for kind, words in [
        ("refusal", "没有不予受理通知书"),
        ("notice", "未出具过补正材料通知书"),
        ("pickup", "尚未出件"),
        ("handover", "交接单按快递批次打印"),
    ]:
        with pytest.raises(DocumentUnavailable, match=words):
            reprint(ws, number, kind)
    with pytest.raises(DocumentUnavailable, match="没有找到案件"):
        reprint(ws, "320724100-01-261120-0099-X", "receipt")


def test_reprinted_notice_lists_what_was_missing_then(ws, clock):
    from app.services.cases import CaseService

    svc = IntakeService(ws)
    draft = svc.new_draft("bundle", bundle_code(ws, "开餐馆"))
    draft.marks = [replace(m, status="received") for m in draft.marks]
    missing = next(i for i, m in enumerate(draft.marks) if m.item.required)
    draft.marks[missing] = replace(draft.marks[missing], status="missing")
    draft.applicant = ApplicantInput("person", PERSON_ID, "赵六")
    number = svc.notify(draft, "请带原件").case.number
    name = draft.marks[missing].item.name
    later(clock, 3600)
    again = svc.resume(number)
    again.marks = [replace(m, status="received") for m in again.marks]
    svc.accept(again)
    case = CaseService(ws).get(number)
    assert available_documents(ws, case) == ["notice", "receipt"]
    job = reprint(ws, number, "notice")
    assert name in job.text and "请带原件" in job.text and "补打" in job.text
    assert "补打" in reprint(ws, number, "receipt").text


def test_preview_png_is_made_from_the_stored_bytes(ws, tmp_path):
    from PIL import Image

    decision = accept(ws)
    out = tmp_path / "receipt.png"
    job = write_preview(ws, decision.case.number, "receipt", out)
    assert job is not None and job.job_id == decision.job_id
    img = Image.open(out)
    assert img.width == 576 and img.height > 1000  # generic-80: 576 dots wide, a long receipt
    with pytest.raises(DocumentUnavailable):
        write_preview(ws, decision.case.number, "refusal", tmp_path / "no.png")
    assert not (tmp_path / "no.png").exists()


def test_workstation_key_is_created_once_private_and_reused(ws, data_dir, clock):
    import os
    import stat

    signer = ws.signer
    path = data_dir / "keys" / "workstation.key"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    again = open_workstation(data_dir, clock=clock)
    try:
        assert again.signer.public_key_b64() == signer.public_key_b64()
        assert verify_payload(again.signer.payload("X-1"), signer.public_key_b64())
    finally:
        again.close()
