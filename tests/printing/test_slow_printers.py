"""Slow, stalling, deaf and answering printers (issue 7, section 3), against real loopback
TCP listeners and a real store.

* A stall is "no progress for N seconds", not a total time: a 14 KB raster receipt at
  9600 baud (1.2 KB/s, 12 s) completes once, with no resend and no duplicate.
* A job the printer took in full is never resent whole automatically; a job cut half-way
  is retried and says the printer may have printed part of it.
* 已打印 only when the printer answered its status query (DLE EOT 1 or GS ( H); a printer
  that never reads a byte of a small job is not reported printed.
* Retrying a job re-sends the same row: no new copy.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import timedelta

from app.domain.identifiers import ric_check_char
from app.services.intake import ApplicantInput, IntakeService
from app.services.printing import PrintSpool
from app.services.workstation import open_workstation
from tests.printing.listener import PrinterListener
from tests.printing.paper import read_paper

ID17 = "32072419900307123"


def accept(ws, name: str = "慢打印"):
    svc = IntakeService(ws)
    code = next(b.code for b in ws.catalogue.bundles.values() if b.name == "开餐馆")
    draft = svc.new_draft("bundle", code)
    draft.marks = [replace(m, status="received") for m in draft.marks]
    draft.applicant = ApplicantInput("person", ID17 + ric_check_char(ID17), name)
    return svc.accept(draft)


def use_printer(ws, url: str, profile: str) -> None:
    ws.config.set("printer.url", url)
    ws.config.set("printer.profile", profile)


def later(clock, seconds: float) -> None:
    clock.value += timedelta(seconds=seconds)


def job_count(ws) -> int:
    return len(PrintSpool(ws).jobs())


def test_a_9600_baud_printer_takes_a_14_kb_receipt_once_with_the_default_settings(ws, clock):
    with PrinterListener("slow", rate=1200) as printer:
        use_printer(ws, printer.url, "xprinter-58")  # raster QR and name line: about 14 KB
        decision = accept(ws)
        spool = PrintSpool(ws)  # default stall timeout: no test-only knob
        job = spool.get(decision.job_id)
        assert len(job.data) > 13_000
        t0 = time.monotonic()
        [result] = spool.send_due()
        took = time.monotonic() - t0
        assert result.ok and result.state == "printed", result
        [data] = printer.wait_jobs(1)
        assert took > spool.stall_timeout  # longer than any fixed deadline of that size
        # later passes send nothing again
        later(clock, 600)
        assert spool.send_due() == [] and spool.send_due(force=True) == []
        time.sleep(0.3)
        assert len(printer.jobs) == 1 and printer.connections == 1
    assert data == job.data
    job = spool.get(decision.job_id)
    assert (job.state, job.attempts, job.last_error) == ("printed", 1, "")
    assert "慢打印" in read_paper(data, "xprinter-58").text


def test_a_slow_job_keeps_its_claim_so_another_pass_never_sends_it_twice(ws, data_dir):
    with PrinterListener("slow", rate=2400) as printer:
        use_printer(ws, printer.url, "xprinter-58")
        ws.config.save()
        decision = accept(ws)
        # two workstations on the real clock (own engines, like two processes)
        a, b = open_workstation(data_dir), open_workstation(data_dir)
        try:
            # the claim lasts 0 + 2.5 + 1 s; the job takes about 6 s at 2.4 KB/s
            spools = [PrintSpool(w, lease=timedelta(0), stall_timeout=2.5, answer_timeout=1) for w in (a, b)]
            results: list = []
            sender = threading.Thread(target=lambda: results.extend(spools[0].send_due()))
            sender.start()
            while sender.is_alive():  # the other pass keeps looking for due jobs meanwhile
                results.extend(spools[1].send_due())
                time.sleep(0.2)
            sender.join()
            time.sleep(0.5)
            [result] = [r for r in results if r.attempted]
            assert result.ok and result.state == "printed"
            assert len(printer.jobs) == 1 and printer.connections == 1
            assert spools[1].get(decision.job_id).attempts == 1
        finally:
            a.close()
            b.close()


def test_a_printer_that_never_reads_is_not_reported_printed_nor_resent(ws, clock):
    with PrinterListener("deaf") as printer:  # TCP acknowledges; no byte is ever read
        use_printer(ws, printer.url, "generic-80")  # 2.5 KB: less than the socket buffer
        decision = accept(ws)
        spool = PrintSpool(ws, answer_timeout=0.3)
        [result] = spool.send_due()
        assert result.state == "unconfirmed" and not result.printed
        assert "未应答" in result.error
        job = spool.get(decision.job_id)
        assert (job.state, job.attempts) == ("unconfirmed", 1)
        # written in full: no pass sends it again on its own, however late
        later(clock, 3600)
        assert spool.send_due() == [] and spool.send_due(force=True) == []
        assert spool.drain() == ([], 0)
        assert printer.connections == 1
        # the clerk sees it among the unfinished jobs …
        assert [j.job_id for j, _ in spool.jobs(active_only=True)] == [decision.job_id]
        assert spool.summary().unconfirmed == 1
        # … and decides: resend the same job to the printer, now working
        printer.set_mode("accept")
        result = spool.resend(decision.job_id)
        assert result.printed
        [data] = printer.wait_jobs(1)
    assert data == job.data
    assert job_count(ws) == 1  # the retry re-sent the row, it added no copy


def test_a_printer_that_jams_half_way_is_retried_and_the_clerk_is_told_part_may_have_printed(ws, clock):
    with PrinterListener("midstall", close_after=3000) as printer:
        use_printer(ws, printer.url, "xprinter-58")
        decision = accept(ws)
        spool = PrintSpool(ws, stall_timeout=0.5)
        [result] = spool.send_due()
        assert not result.ok and result.state == "queued"
        job = spool.get(decision.job_id)
        assert job.last_error.startswith("timeout") and "可能已打印一部分" in job.last_error
        assert spool.summary().failing == 1
        printer.set_mode("accept")
        later(clock, 3)
        [result] = spool.send_due()  # partial: retried without the clerk
        assert result.printed
        [data] = printer.wait_jobs(1)
    assert data == job.data and job_count(ws) == 1


def test_status_answers_confirm_the_job_per_profile(ws):
    # DLE EOT 1 (generic printers) and GS ( H process ID (Epson TM-T88)
    for profile in ("generic-80", "epson-tm-t88"):
        with PrinterListener("accept") as printer:
            use_printer(ws, printer.url, profile)
            decision = accept(ws, "状态" + profile[-2:])
            [result] = PrintSpool(ws, answer_timeout=2).send_due()
            assert result.state == "printed", (profile, result)
            [data] = printer.wait_jobs(1)
            assert data == PrintSpool(ws).get(decision.job_id).data and printer.answers == 1
    # a printer that reads everything but never answers: sent, not printed
    with PrinterListener("accept", answer=False) as printer:
        use_printer(ws, printer.url, "generic-80")
        accept(ws)
        [result] = PrintSpool(ws, answer_timeout=0.3).send_due()
        assert result.state == "unconfirmed"
        printer.wait_jobs(1)
    # a printer declared without a back channel is never asked: 已发送
    with PrinterListener("accept") as printer:
        use_printer(ws, printer.url + "?confirm=none", "generic-80")
        accept(ws)
        [result] = PrintSpool(ws).send_due()
        assert result.state == "sent" and printer.answers == 0
        printer.wait_jobs(1)
    # a transport that cannot read (dir://): 已发送, never 已打印
    ws.config.set("printer.url", "")
    accept(ws)
    [result] = PrintSpool(ws).send_due()
    assert result.state == "sent"
