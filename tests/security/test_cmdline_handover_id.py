"""`yichuang case handover` takes the collector's ID number without putting it on the command
line (issue 16 §6 leftover: /proc/PID/cmdline is readable by every user of the PC). The number
comes from standard input (`--collector-id -`, or no --collector-id at all) or, at a terminal,
from a prompt that does not echo it; `--collector-id ID` still works (a contract). Real CLI
processes on a real store; the prompt in a real pseudo-terminal."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from sqlalchemy import select

from app.store.models import CaseEvent
from tests.hubs import ROOT
from tests.printing.listener import PrinterListener
from tests.ptys import PtyProgram
from tests.services.test_handover import APPLICANT_ID, counts, decided_case


def handover(ws, number: str, *extra: str, stdin: str | None = None, printer=None):
    args = ["case", "handover", number, *extra, "--data-dir", str(ws.config.data_dir)]
    if printer is not None:
        args += ["--printer", printer.url]
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def collector_of(ws, number: str) -> dict:
    with ws.store.read() as s:
        payload = s.execute(
            select(CaseEvent.payload_json).where(
                CaseEvent.case_number == number, CaseEvent.kind == "case.delivered"
            )
        ).scalar_one()
    return json.loads(payload)["collector"]


def test_the_id_from_standard_input_with_a_dash(ws):
    number = decided_case(ws)
    with PrinterListener("accept") as printer:
        run = handover(ws, number, "--collector-id", "-", stdin=APPLICANT_ID + "\n", printer=printer)
    assert run.returncode == 0, run.stderr
    assert collector_of(ws, number) == {"role": "applicant", "name": collector_of(ws, number)["name"],
                                        "id_number": APPLICANT_ID}  # fmt: skip
    assert APPLICANT_ID not in run.stdout + run.stderr


def test_the_id_from_standard_input_without_the_option(ws):
    number = decided_case(ws)
    with PrinterListener("accept") as printer:
        run = handover(ws, number, stdin=f"  {APPLICANT_ID}\r\n", printer=printer)
    assert run.returncode == 0, run.stderr
    assert collector_of(ws, number)["id_number"] == APPLICANT_ID


def test_nothing_on_standard_input_is_refused_and_records_nothing(ws):
    number = decided_case(ws)
    before = counts(ws)
    run = handover(ws, number, "--collector-id", "-", stdin="")
    assert run.returncode == 1
    assert "领取人" in run.stderr and "标准输入" in run.stderr
    assert "Traceback" not in run.stderr
    assert counts(ws) == before


def test_at_a_terminal_the_id_is_asked_without_echo(ws):
    number = decided_case(ws)
    with PrinterListener("accept") as printer:
        cmd = [sys.executable, "-m", "app", "case", "handover", number, "--printer", printer.url,
               "--data-dir", str(ws.config.data_dir)]  # fmt: skip
        term = PtyProgram(cmd, dict(os.environ), controlling_tty=True, cooked=True)
        try:
            term.expect("领取人证件号码")
            term.send(APPLICANT_ID + "\n")
            term.proc.wait(120)
        finally:
            term.kill()
    assert term.proc.returncode == 0, term.text()
    assert APPLICANT_ID not in term.text()  # not echoed
    assert collector_of(ws, number)["id_number"] == APPLICANT_ID


def test_help_recommends_standard_input():
    run = subprocess.run(
        [sys.executable, "-m", "app", "case", "handover", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0
    assert "--collector-id -" in run.stdout and "标准输入" in run.stdout
