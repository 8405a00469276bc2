"""kill -9 of a process in the middle of sending: the job is never lost and is resent.

Delivery is at least once: the dead process may have delivered some or all bytes; the
job is sent again whole once its claim's lease expires.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from app.domain.identifiers import ric_check_char
from app.services.intake import ApplicantInput, IntakeService
from app.services.printing import LEASE, PrintSpool
from app.services.workstation import open_workstation
from tests.conftest import Clock
from tests.printing.listener import PrinterListener
from tests.printing.paper import read_paper

ROOT = Path(__file__).resolve().parents[2]
ID17 = "32072419900307123"


def job_row(db: Path) -> tuple[str, int, str]:
    con = sqlite3.connect(db, timeout=10)
    try:
        return con.execute("select state, attempts, job_id from print_job").fetchone()
    finally:
        con.close()


def test_kill_9_while_sending_then_restart_resends(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with PrinterListener("stall") as printer:
        ws = open_workstation(data)
        ws.config.set("printer.url", printer.url)
        ws.config.set("printer.profile", "xprinter-58")  # 14 KB: more than a stalled printer takes
        ws.config.save()
        svc = IntakeService(ws)
        code = next(b.code for b in ws.catalogue.bundles.values() if b.name == "开餐馆")
        draft = svc.new_draft("bundle", code)
        draft.marks = [replace(m, status="received") for m in draft.marks]
        draft.applicant = ApplicantInput("person", ID17 + ric_check_char(ID17), "孙七")
        number = svc.accept(draft).case.number
        ws.close()

        path = [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(path)}
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.printing.spool_child", str(data)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            deadline = time.monotonic() + 30
            while not (printer.connections and job_row(ws.config.db_path)[0] == "sending"):
                assert time.monotonic() < deadline and proc.poll() is None, "the child never started sending"
                time.sleep(0.05)
            os.kill(proc.pid, signal.SIGKILL)
        finally:
            proc.kill()
            proc.wait()
        state, attempts, job_id = job_row(ws.config.db_path)
        assert (state, attempts) == ("sending", 1)  # claimed by the dead process, still stored

        printer.set_mode("accept")
        # restart: within the dead claim's lease the job waits (visible, not lost) …
        ws2 = open_workstation(data)
        try:
            spool = PrintSpool(ws2)
            assert spool.send_due() == []
            assert spool.summary().waiting == 1
        finally:
            ws2.close()
        # … after it, the job is taken over and sent again
        clock = Clock(
            datetime.now() + LEASE + timedelta(seconds=200)
        )  # the child's claim covered its 120 s stall timeout
        ws3 = open_workstation(data, clock=clock)
        try:
            [result] = PrintSpool(ws3).send_due()
            assert result.ok, result.error
            [got] = printer.wait_jobs(1)
            job = PrintSpool(ws3).get(job_id)
        finally:
            ws3.close()
    assert (job.state, job.attempts) == ("printed", 2)
    assert got == job.data
    paper = read_paper(got, "xprinter-58")
    assert number in paper.text and "孙七" in paper.text
