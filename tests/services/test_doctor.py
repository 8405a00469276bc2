"""`yichuang doctor`: each check against the real part it is about, with real faults.

Real SQLite files (one damaged on disk), data dirs that cannot be written even by root (a
path that is a file, a full or read-only tmpfs), a TCP listener as the printer, a real hub
process (good, bad and revoked tokens, TLS, a skewed clock) and the workstation's clock.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.services import doctor, doctor_store
from app.services.doctor import Finding, exit_code, open_for_doctor, run_checks
from app.services.workstation import open_workstation
from tests.printing.listener import PrinterListener

ROOT = Path(__file__).resolve().parents[2]


def by_key(findings: list[Finding]) -> dict[str, Finding]:
    return {f.key: f for f in findings}


def fixed(at: datetime):
    return lambda: at


def doctor_cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "YICHUANG_DATA_DIR"}
    return subprocess.run(
        [sys.executable, "-m", "app", "doctor", "--data-dir", str(data_dir), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def seeded(data_dir: Path, cases: int = 6, **kw):
    from app.services.demo import seed_cases

    ws = open_workstation(data_dir, **kw)
    seed_cases(ws, cases, seed=3, days=5)
    return ws


# --- a fresh data dir ----------------------------------------------------------------------------
def test_a_fresh_data_dir_lists_what_is_not_set_up_yet(tmp_path):
    ws = open_workstation(tmp_path / "ws", clock=fixed(datetime(2026, 3, 2, 9, 0)))
    found = run_checks(ws)
    keys = by_key(found)
    levels = {k: f.level for k, f in keys.items()}
    assert levels["data_dir.writable"] == "ok"
    assert levels["database.missing"] == "info"  # created at the first start, not by the doctor
    assert levels["printer.files"] == "warning"  # receipts would go to files, not paper
    assert levels["printer.profile"] == "ok"
    assert levels["scanner.unset"] == "info"
    assert levels["hub.unset"] == "info"
    assert levels["calendar.ok"] == "ok"
    assert levels["catalogue.demo"] == "warning"
    assert levels["queues.empty_store"] == "ok"
    assert "disk.free" in keys or "disk.low" in keys
    assert not [f for f in found if f.level == "error"]
    assert exit_code(found) == 3  # warnings only: not "all is well"
    for f in found:  # every finding that is not fine says what to do
        assert f.message
        assert f.advice or f.level in ("ok", "info"), f
    assert not ws.config.db_path.exists()


def test_a_set_up_workstation_is_all_well(tmp_path):
    from app.services.catalogue_files import import_catalogue

    ws = open_workstation(tmp_path / "ws", clock=fixed(datetime(2026, 3, 2, 9, 0)))
    import_catalogue(ws.config.catalogue_dir, ROOT / "forms" / "demo" / "catalogue.json")
    (tmp_path / "scans").mkdir()
    ws.config.values["scanner"] = {"inbox": str(tmp_path / "scans")}
    with PrinterListener("status") as printer:
        ws.config.set("printer.url", printer.url)
        found = run_checks(ws)
    assert {f.level for f in found} <= {"ok", "info"}, [f for f in found if f.level not in ("ok", "info")]
    assert exit_code(found) == 0


def test_the_command_creates_nothing_and_json_has_every_finding(tmp_path):
    fresh = tmp_path / "never-made"
    r = doctor_cli(fresh, "--json")
    doc = json.loads(r.stdout)
    assert r.returncode == doc["exit_code"] != 0  # the demo catalogue and the file printer at least
    assert doc["data_dir"] == str(fresh)
    assert not fresh.exists()  # the doctor looked; it made no data dir, config or database
    assert {f["key"] for f in doc["findings"]} >= {"data_dir.missing", "database.missing", "printer.files"}
    for f in doc["findings"]:
        assert set(f) == {"level", "key", "message", "advice", "data"}
        assert f["level"] in doctor.LEVELS
    assert sum(doc["counts"].values()) == len(doc["findings"])
    text = doctor_cli(fresh)
    assert text.returncode == r.returncode
    assert "没有设置打印机" in text.stdout and "处理：" in text.stdout


# --- the data dir and the disk -------------------------------------------------------------------
def test_a_data_dir_that_is_a_file_is_an_error(tmp_path):
    path = tmp_path / "data"
    path.write_text("not a folder")
    r = doctor_cli(path, "--json")
    assert r.returncode == 1
    found = {f["key"]: f for f in json.loads(r.stdout)["findings"]}
    assert found["data_dir.not_dir"]["level"] == "error"
    assert found["data_dir.not_dir"]["advice"]
    assert found["database.skipped"]["level"] == "info"
    assert path.read_text() == "not a folder"


@pytest.fixture
def tmpfs(tmp_path):
    """A real 1 MiB tmpfs (root in CI may mount; elsewhere the test is skipped)."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)], capture_output=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.decode(errors='replace').strip()}")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_a_full_disk_is_an_error_and_so_is_writing(tmpfs):
    data = tmpfs / "data"
    data.mkdir()
    with open(tmpfs / "filler", "wb") as f:
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError:
            pass
    ws, found = open_for_doctor(data)
    assert not found
    keys = by_key(run_checks(ws, (doctor.check_data_dir, doctor.check_free_space)))
    assert keys["disk.full"].level == "error" and keys["disk.full"].data["free_bytes"] < doctor.SPACE_ERROR
    assert keys["data_dir.unwritable"].level == "error"
    assert not list(data.iterdir())  # the probe left nothing behind


def test_a_read_only_data_dir_is_an_error_even_for_root(tmpfs):
    data = tmpfs / "data"
    open_workstation(data).close()  # a config.toml, as after a first start
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    ws, _ = open_for_doctor(data)
    keys = by_key(run_checks(ws, (doctor.check_data_dir,)))
    f = keys["data_dir.unwritable"]
    assert f.level == "error" and f.data["errno"] == 30  # EROFS
    assert exit_code([f]) == 1


# --- the database --------------------------------------------------------------------------------
def test_a_healthy_store_reports_integrity_schema_and_wal(tmp_path, monkeypatch):
    ws = seeded(tmp_path / "ws")
    keys = by_key(run_checks(ws, (doctor.check_database,)))
    from app.store.db import SCHEMA_VERSION

    assert keys["database.integrity"].level == "ok"
    assert keys["database.schema"].data == {"version": SCHEMA_VERSION, "known": SCHEMA_VERSION}
    wal = keys["database.wal"]
    assert wal.level == "ok" and wal.data["bytes"] == (tmp_path / "ws" / "yichuang.db-wal").stat().st_size > 0
    monkeypatch.setattr(doctor_store, "WAL_WARNING", wal.data["bytes"] - 1)
    assert by_key(run_checks(ws, (doctor.check_database,)))["database.wal"].level == "warning"
    ws.close()


def test_a_store_damaged_on_disk_is_an_integrity_error(tmp_path):
    data = tmp_path / "ws"
    seeded(data, cases=40).close()  # closing checkpoints the WAL into the file
    db = data / "yichuang.db"
    assert not (data / "yichuang.db-wal").exists()
    con = sqlite3.connect(db)
    page = con.execute("PRAGMA page_size").fetchone()[0]
    pages = con.execute("PRAGMA page_count").fetchone()[0]
    con.close()
    assert pages > 8
    with open(db, "r+b") as f:  # pages in the middle, the header left alone: a disk that lost sectors
        for n in range(pages // 2, pages // 2 + 3):
            f.seek(n * page)
            f.write(bytes((i * 7 + 13) % 256 for i in range(page)))
    r = doctor_cli(data, "--json")
    assert r.returncode == 1
    found = {f["key"]: f for f in json.loads(r.stdout)["findings"]}
    assert found["database.corrupt"]["level"] == "error"
    assert found["database.corrupt"]["data"]["problems"]
    assert "restore" in found["database.corrupt"]["advice"]
    assert found["queues.no_store"]["level"] == "info"  # not counted from a damaged store
    text = doctor_cli(data)
    assert text.returncode == 1 and "数据库" in text.stdout and "已损坏" in text.stdout


def test_a_file_that_is_not_a_database_is_an_integrity_error(tmp_path):
    data = tmp_path / "ws"
    data.mkdir()
    (data / "yichuang.db").write_bytes(bytes(range(256)) * 64)  # e.g. overwritten by another program
    ws, _ = open_for_doctor(data)
    keys = by_key(run_checks(ws, (doctor.check_database, doctor.check_queues)))
    assert keys["database.corrupt"].level == "error"
    assert keys["queues.no_store"].level == "info"


def test_a_store_from_a_newer_version_is_an_error_and_left_untouched(tmp_path):
    data = tmp_path / "ws"
    seeded(data).close()
    con = sqlite3.connect(data / "yichuang.db")
    con.execute("PRAGMA user_version = 99")
    con.commit()
    con.close()
    ws, _ = open_for_doctor(data)
    found = run_checks(ws)
    keys = by_key(found)
    assert keys["database.schema_newer"].level == "error"
    assert keys["queues.no_store"].level == "info"
    assert exit_code(found) == 1
    con = sqlite3.connect(data / "yichuang.db")
    assert con.execute("PRAGMA user_version").fetchone()[0] == 99  # not migrated, not touched
    con.close()


# --- the printer ---------------------------------------------------------------------------------
def _printer_findings(tmp_path, url: str) -> dict[str, Finding]:
    ws = open_workstation(tmp_path / "ws")
    ws.config.set("printer.url", url)
    return by_key(run_checks(ws, (lambda w: doctor.check_printer(w, timeout=0.5),)))


def test_a_printer_answering_status_is_online_with_paper_and_prints_nothing(tmp_path):
    with PrinterListener("status") as printer:
        keys = _printer_findings(tmp_path, printer.url)
        assert keys["printer.online"].level == "ok"
        assert keys["printer.paper"].level == "ok"
        assert printer.wait_jobs(1) == [b""]  # asked, nothing printed
        assert printer.answers == 1  # DLE EOT 1 after DLE EOT 4


def test_a_printer_out_of_paper_is_an_error(tmp_path):
    with PrinterListener("paper") as printer:
        keys = _printer_findings(tmp_path, printer.url)
    assert keys["printer.paper_end"].level == "error"
    assert keys["printer.paper_end"].advice


def test_a_printer_that_does_not_answer_the_paper_query_is_not_judged_on_paper(tmp_path):
    with PrinterListener("accept") as printer:
        keys = _printer_findings(tmp_path, printer.url)
    assert keys["printer.online"].level == "ok"
    assert keys["printer.paper_unknown"].level == "info"


def test_a_printer_answering_offline_and_paper_near_end(tmp_path):
    """A real socket answering as a printer with its cover open and the roll nearly used up."""
    import socket
    import threading

    srv = socket.create_server(("127.0.0.1", 0))
    asked: list[bytes] = []

    def serve() -> None:
        conn, _ = srv.accept()
        with conn:
            for answer in (b"\x1e", b"\x1a"):  # DLE EOT 4: near end; DLE EOT 1: offline (bit 3)
                asked.append(conn.recv(3))
                conn.sendall(answer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    keys = _printer_findings(tmp_path, f"tcp://127.0.0.1:{srv.getsockname()[1]}")
    thread.join(5)
    srv.close()
    assert asked == [b"\x10\x04\x04", b"\x10\x04\x01"]
    assert keys["printer.offline"].level == "error" and keys["printer.offline"].advice
    assert keys["printer.paper_near_end"].level == "warning"


def test_a_closed_printer_port_is_an_error(tmp_path):
    with PrinterListener("refuse") as printer:
        keys = _printer_findings(tmp_path, printer.url)
    f = keys["printer.unreachable"]
    assert f.level == "error" and f.data["error"] == "refused" and "printer test" in f.advice


# --- the scanner folder --------------------------------------------------------------------------
def test_the_scanner_folder_unset_missing_and_present(tmp_path):
    ws = open_workstation(tmp_path / "ws")
    assert by_key(doctor.check_scanner(ws))["scanner.unset"].level == "info"
    ws.config.values["scanner"] = {"inbox": str(tmp_path / "nowhere")}
    assert by_key(doctor.check_scanner(ws))["scanner.missing"].level == "error"
    inbox = tmp_path / "scans"
    inbox.mkdir()
    (inbox / "a.pdf").write_bytes(b"%PDF-1.4")
    ws.config.values["scanner"] = {"inbox": str(inbox)}
    f = by_key(doctor.check_scanner(ws))["scanner.ok"]
    assert f.level == "ok" and f.data["files"] == 1


# --- calendar, catalogue, config -----------------------------------------------------------------
def test_the_calendar_warns_from_october_of_its_last_year(tmp_path):
    last = open_workstation(tmp_path / "ws").calendar.last_year

    def level(at: datetime) -> tuple[str, str]:
        (f,) = doctor.check_calendar(open_workstation(tmp_path / "ws", clock=fixed(at)))
        return f.key, f.level

    assert level(datetime(last, 9, 30, 17, 0)) == ("calendar.ok", "ok")
    assert level(datetime(last, 10, 1, 9, 0)) == ("calendar.ending", "warning")
    assert level(datetime(last + 1, 1, 4, 9, 0)) == ("calendar.expired", "warning")


def test_an_imported_catalogue_is_reported_by_version(tmp_path):
    from app.services.catalogue_files import import_catalogue

    ws = open_workstation(tmp_path / "ws")
    assert doctor.check_catalogue(ws)[0].key == "catalogue.demo"
    src = tmp_path / "cat.json"
    doc = json.loads((ROOT / "forms" / "demo" / "catalogue.json").read_text(encoding="utf-8"))
    doc["version"] = "2026.11-test"
    src.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    import_catalogue(ws.config.catalogue_dir, src)
    (f,) = doctor.check_catalogue(open_workstation(tmp_path / "ws"))
    assert (f.key, f.level, f.data["version"]) == ("catalogue.ok", "ok", "2026.11-test")


def test_an_unreadable_config_is_an_error_and_the_checks_go_on(tmp_path):
    data = tmp_path / "ws"
    data.mkdir()
    (data / "config.toml").write_text("[office\ncode = ", encoding="utf-8")
    r = doctor_cli(data, "--json")
    assert r.returncode == 1
    keys = {f["key"] for f in json.loads(r.stdout)["findings"]}
    assert {"config.unreadable", "data_dir.writable", "database.missing", "printer.files"} <= keys
    assert keys & {"calendar.ok", "calendar.ending", "calendar.expired"}


# --- what waits ----------------------------------------------------------------------------------
def test_unsent_events_and_waiting_jobs_are_counted_with_the_oldest(tmp_path):
    from app.services.printing import PrintSpool, available_documents, reprint
    from app.services.sync import outbox
    from app.store.models import Case, CaseEvent

    data = tmp_path / "ws"
    ws = seeded(data, cases=7)
    with ws.store.read() as s:
        events, oldest = s.execute(select(func.count(), func.min(CaseEvent.at))).one()
        cases = list(s.execute(select(Case).order_by(Case.id).limit(3)).scalars())
    for case in cases[:2]:  # queued for a printer that is not there: they wait
        reprint(ws, case.number, available_documents(ws, case)[0], printer_url="tcp://127.0.0.1:9")
    with PrinterListener("accept", answer=False) as printer:  # takes the job, never confirms it
        job = reprint(ws, cases[2].number, available_documents(ws, cases[2])[0], printer_url=printer.url)
        assert PrintSpool(ws, answer_timeout=0.3).send(job.job_id).state == "unconfirmed"
    keys = by_key(doctor.check_queues(ws))
    ev = keys["events.unsent"]
    assert ev.data["count"] == events == outbox.pending_count(ws.store) > 0
    assert ev.data["oldest"] == oldest.replace(tzinfo=UTC).isoformat()
    jobs = keys["jobs.waiting"]
    assert jobs.level == "warning" and jobs.data["count"] == 2
    assert "print drain" in jobs.advice
    unconfirmed = keys["jobs.unconfirmed"]
    assert unconfirmed.level == "warning" and unconfirmed.data["count"] == 1 and "F6" in unconfirmed.advice
    assert "events.refused" not in keys

    # an hour after the oldest event it is normal; two days after, the link has been down too long
    def at(delta: timedelta) -> str:
        local = (oldest.replace(tzinfo=UTC) + delta).astimezone().replace(tzinfo=None)
        w = open_workstation(data, clock=fixed(local))
        return by_key(doctor.check_queues(w))["events.unsent"].level

    assert at(timedelta(hours=1)) == "info"
    assert at(timedelta(days=2)) == "warning"

    # the hub refuses one event: it is counted apart, and no longer as waiting
    batch = outbox.next_batch(ws.store, max_events=1)
    outbox.mark_sent(
        ws.store, batch, {"ok": 0, "refused": [{"id": batch[0]["id"], "code": "x", "reason": "y"}]}
    )
    keys = by_key(doctor.check_queues(ws))
    assert keys["events.refused"].level == "warning" and keys["events.refused"].data["count"] == 1
    assert keys["events.unsent"].data["count"] == events - len(batch)  # the rest of the batch was acked
    ws.close()


# --- the hub -------------------------------------------------------------------------------------
@pytest.fixture
def hub(tmp_path):
    from tests.hubs import HubProcess

    h = HubProcess(tmp_path / "hub").start()
    yield h
    h.stop()


def _hub_ws(tmp_path, url: str, token: str, **kw):
    from tests.hubs import make_workstation

    return make_workstation(tmp_path / "ws", url, token, **kw)


def test_a_good_token_is_accepted_and_the_clock_compared(tmp_path, hub):
    from tests.hubs import OFFICE, WSID

    def hub_seq() -> int:
        st = hub.store()
        try:
            return st.last_seq()
        finally:
            st.close()

    ws = _hub_ws(tmp_path, hub.url, hub.token("workstation", OFFICE, WSID), cases=3)
    before = hub_seq()
    keys = by_key(doctor.check_hub(ws))
    assert keys["hub.token"].level == "ok"
    assert keys["clock.ok"].level == "ok" and abs(keys["clock.ok"].data["drift_seconds"]) < 5
    assert keys["hub.plain_http"].level == "info"
    assert hub_seq() == before  # looking pushed nothing


def test_a_bad_or_revoked_token_is_an_error(tmp_path, hub):
    from sync.hub.store import hash_token
    from tests.hubs import OFFICE, WSID

    ws = _hub_ws(tmp_path, hub.url, "not-a-token-the-hub-made")
    f = by_key(doctor.check_hub(ws))["hub.token_refused"]
    assert f.level == "error" and "hub.token" in f.advice
    token = hub.token("workstation", OFFICE, WSID)
    st = hub.store()
    try:
        st.revoke_token(hash_token(token)[:12])
    finally:
        st.close()
    ws = _hub_ws(tmp_path, hub.url, token)
    f = by_key(doctor.check_hub(ws))["hub.token_refused"]
    # said in the user's words; the hub's own words for the admin (issue 18)
    assert f.level == "error" and "吊销" in f.message and "revoked" not in f.message
    assert "revoked" in f.data["detail"]


def test_a_clock_off_the_hub_is_found(tmp_path, hub):
    from tests.hubs import OFFICE, WSID

    token = hub.token("workstation", OFFICE, WSID)
    ws = _hub_ws(tmp_path, hub.url, token, clock=lambda: datetime.now() - timedelta(days=3))
    f = by_key(doctor.check_hub(ws))["clock.wrong"]
    assert f.level == "error" and f.data["drift_seconds"] < -2 * 86400
    ws = _hub_ws(tmp_path, hub.url, token, clock=lambda: datetime.now() + timedelta(minutes=10))
    f = by_key(doctor.check_hub(ws))["clock.drift"]
    assert f.level == "warning" and 590 < f.data["drift_seconds"] < 610


def test_a_hub_that_is_not_there_is_an_error(tmp_path):
    from tests.sync.pg import free_port

    ws = _hub_ws(tmp_path, f"http://127.0.0.1:{free_port()}", "tok")
    found = doctor.check_hub(ws)
    assert by_key(found)["hub.unreachable"].level == "error"
    assert exit_code(found) == 1


@pytest.mark.slow
def test_the_hub_certificate_is_verified_and_its_expiry_reported(tmp_path, monkeypatch):
    from tests.hubs import OFFICE, WSID, HubProcess
    from tests.sync.test_tls import self_signed

    monkeypatch.delenv("YICHUANG_HUB_CA", raising=False)
    cert, key = self_signed(tmp_path)  # valid for 30 days from now
    hub = HubProcess(tmp_path / "hub", extra=("--tls-cert", str(cert), "--tls-key", str(key))).start()
    try:
        token = hub.token("workstation", OFFICE, WSID)
        ws = _hub_ws(tmp_path, hub.url, token)
        keys = by_key(doctor.check_hub(ws))
        assert keys["hub.certificate_invalid"].level == "error"
        assert "hub.token" not in keys  # one finding says it: no second error for the same cause
        monkeypatch.setenv("YICHUANG_HUB_CA", str(cert))
        keys = by_key(doctor.check_hub(ws))
        assert keys["hub.token"].level == "ok"
        cert_f = keys["hub.certificate_expiring"]  # 29-30 days left: under the 30-day warning
        assert cert_f.level == "warning" and 28 <= cert_f.data["days_left"] <= 30
        monkeypatch.setenv("YICHUANG_HUB_CA", str(tmp_path / "no-such-ca.pem"))
        assert by_key(doctor.check_hub(ws))["hub.ca_unreadable"].level == "error"
        monkeypatch.setenv("YICHUANG_HUB_CA", str(cert))
        early = _hub_ws(tmp_path, hub.url, token, clock=lambda: datetime.now() - timedelta(days=60))
        keys = by_key(doctor.check_hub(early))
        assert keys["hub.certificate"].level == "ok"  # 90 days left as that clock sees it
        assert keys["clock.wrong"].level == "error"
    finally:
        hub.stop()
