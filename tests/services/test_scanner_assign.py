"""Assigning a scan to a material of a case, and `yichuang scans list|watch`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from app.services.cases import CaseService
from app.services.intake import IntakeService
from app.services.scans import AssignError, ScanInbox, assign, list_scans, scanned_keys
from app.store.models import CaseEvent
from app.store.sync_models import SyncAttachment
from tests.services import scan_samples as samples
from tests.services.test_cli import ROOT, run
from tests.services.test_intake import applicant, receive_all


def _case(ws):
    svc = IntakeService(ws)
    draft = receive_all(svc.new_draft("matter", "320724-SCJG-0002"))
    draft.applicant = applicant()
    return svc.accept(draft).case


def _taken(ws, folder: Path, name: str, data: bytes):
    samples.write(folder / name, data)
    past = time.time() - 60  # there before the look: complete at once
    os.utime(folder / name, (past, past))
    inbox = ScanInbox(ws, folder)
    inbox.rescan()
    end = time.monotonic() + 10
    while time.monotonic() < end:
        done = inbox.poll()
        if done:
            return done[0]
        time.sleep(0.05)
    raise AssertionError("not taken")


@pytest.fixture
def folder(ws, tmp_path):
    f = tmp_path / "inbox"
    f.mkdir()
    ws.config.set("scanner.inbox", str(f))
    ws.config.save()
    return f


def test_assigning_writes_the_event_the_upload_and_the_state_together(ws, folder):
    case = _case(ws)
    data = samples.pdf(pages=2)
    scan = _taken(ws, folder, "营业执照.pdf", data)
    item = CaseService(ws).detail(case.number).marks[0].item
    done = assign(ws, scan.id, case.number, item.key)
    assert (done.state, done.case_number, done.material_key, done.material_name) == (
        "assigned",
        case.number,
        item.key,
        item.name,
    )
    with ws.store.read() as s:
        ev = s.execute(select(CaseEvent).where(CaseEvent.kind == "attachment.added")).scalars().one()
        upload = s.get(SyncAttachment, samples.sha(data))
    payload = json.loads(ev.payload_json)
    assert (
        payload["sha256"] == samples.sha(data) and payload["material"] == item.key and payload["pages"] == 2
    )
    assert upload is not None and upload.case_number == case.number and upload.state == "pending"
    assert scanned_keys(ws, case.number) == {item.key}
    with pytest.raises(AssignError, match="不能再分配"):
        assign(ws, scan.id, case.number, item.key)


def test_a_refused_assignment_saves_nothing(ws, folder):
    case = _case(ws)
    scan = _taken(ws, folder, "a.jpg", samples.jpeg())
    with pytest.raises(AssignError):
        assign(ws, scan.id, case.number, "no-such-material")
    with pytest.raises(AssignError):
        assign(ws, scan.id, "320724100-01-261120-9999-X", "x")
    with ws.store.read() as s:
        assert s.execute(select(CaseEvent).where(CaseEvent.kind == "attachment.added")).first() is None
    assert list_scans(ws)[0].state == "unassigned"


def test_scans_list_shows_every_scan_and_its_state(ws, folder, data_dir):
    case = _case(ws)
    good = samples.jpeg(seed=4)
    scan = _taken(ws, folder, "身份证.jpg", good)
    item = CaseService(ws).detail(case.number).marks[0].item
    assign(ws, scan.id, case.number, item.key)
    _taken(ws, folder, "second.png", samples.png())
    _taken(ws, folder, "cut.pdf", samples.pdf()[:-200])
    r = run(data_dir, "scans", "list", "--json")
    assert r.returncode == 0, r.stderr
    rows = {d["name"]: d for d in json.loads(r.stdout)}
    assert rows["身份证.jpg"]["state"] == "assigned" and rows["身份证.jpg"]["case"] == case.number
    assert rows["身份证.jpg"]["sha256"] == samples.sha(good) and rows["身份证.jpg"]["size"] == len(good)
    assert rows["身份证.jpg"]["material"] == item.key
    assert rows["second.png"]["state"] == "unassigned"
    assert rows["cut.pdf"]["state"] == "refused" and rows["cut.pdf"]["reason"] == "truncated_pdf"
    text = run(data_dir, "scans", "list").stdout
    assert f"已分配 {case.number}/{item.name}" in text and "未分配" in text and "%%EOF" in text


def test_scans_watch_runs_in_the_foreground(ws, folder, data_dir):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "scans", "watch", "--data-dir", str(data_dir)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(1.5)  # started and watching
        data = samples.pdf(pages=3)
        samples.write(folder / "x.pdf", data)
        line = proc.stdout.readline()
        assert "x.pdf" in line and samples.sha(data) in line and "3页" in line
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert not (folder / "x.pdf").exists()


def test_scans_watch_without_a_folder_says_how_to_set_one(data_dir):
    r = run(data_dir, "scans", "watch")
    assert r.returncode == 1 and "scanner.inbox" in r.stderr


def test_scanner_settings_are_validated(data_dir, tmp_path):
    assert run(data_dir, "config", "set", "scanner.inbox", "relative/dir").returncode == 1
    assert run(data_dir, "config", "set", "scanner.max_mb", "0").returncode == 1
    assert run(data_dir, "config", "set", "scanner.max_mb", "20").returncode == 0
    assert run(data_dir, "config", "set", "scanner.inbox", str(tmp_path / "made")).returncode == 0
    assert (tmp_path / "made").is_dir()


def test_a_hostile_file_name_is_shown_never_obeyed(ws, folder, data_dir):
    name = "invoice\u202egpj.exe\x1b[2J.pdf"
    _taken(ws, folder, name, samples.pdf())
    text = run(data_dir, "scans", "list").stdout
    assert "\x1b" not in text and "\u202e" not in text
    assert "invoice\\u202egpj.exe\\x1b[2J.pdf" in text and "文件名不安全" in text
    listed = run(data_dir, "scans", "list", "--json").stdout
    assert "\u202e" not in listed and json.loads(listed)[0]["name"] == name
    assert (folder / name).exists()  # refused, left in place
