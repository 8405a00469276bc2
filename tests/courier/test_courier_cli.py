"""`yichuang courier record|scans` as real processes on a real data dir."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.courier.helpers import accept_cases, bad_check, waybill


def run(data_dir, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(data_dir), "courier", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_record_from_stdin_reports_each_bad_line_by_number_and_fails(ws, data_dir):
    [a, b] = accept_cases(ws, 2)
    ws.close()
    lines = [
        f"{waybill(1)} {a}",  # 1 good, case on the line
        bad_check(2),  # 2 bad check digit
        waybill(3),  # 3 good, case from --case
        "",  # blank lines are skipped
        f"]C1{waybill(4)}\x1d {b}",  # 5 good: scanner prefix and a GS1 separator stripped
        f"{waybill(5)} 320724100-01-261120-0099-X",  # 6 unknown case (bad check char → not a case)
        f"{waybill(6)} {b} extra",  # 7 not one or two fields
    ]
    got = run(data_dir, "record", "--step", "pickup", "--case", b, "-", stdin="\n".join(lines) + "\n")
    assert got.returncode == 1, got.stderr
    err = got.stderr.splitlines()
    assert any(line.startswith("第2行") and "校验位" in line for line in err), got.stderr
    assert any(line.startswith("第6行") for line in err), got.stderr
    assert any(line.startswith("第7行") for line in err), got.stderr
    assert not any(line.startswith(("第1行", "第3行", "第5行")) for line in err), got.stderr
    listed = json.loads(run(data_dir, "scans", "--json").stdout)
    assert [(r["waybill"], r["case"], r["step"]) for r in listed] == [
        (waybill(1), a, "pickup"),
        (waybill(3), b, "pickup"),
        (waybill(4), b, "pickup"),
    ]
    assert all(r["operator"] and r["at"] for r in listed)

    # later steps need a known waybill; a repeat of the same run is refused once per line
    again = run(data_dir, "record", "--step", "transit", "-", stdin=f"{waybill(1)}\n{waybill(9)}\n")
    assert again.returncode == 1
    assert "第2行" in again.stderr and waybill(9) in again.stderr and "第1行" not in again.stderr
    ok = run(data_dir, "record", "--step", "delivered", "--recipient", "张秀英", "--applicant", waybill(1))
    assert ok.returncode == 0, ok.stderr
    table = run(data_dir, "scans")
    assert table.returncode == 0 and waybill(1) in table.stdout and "妥投" in table.stdout


def test_failed_needs_a_reason_and_pickup_needs_a_case(ws, data_dir):
    accept_cases(ws, 1)
    ws.close()
    got = run(data_dir, "record", "--step", "pickup", waybill(1))
    assert got.returncode == 1 and "第1行" in got.stderr
    assert run(data_dir, "record", "--step", "sideways", waybill(1)).returncode == 2
    assert json.loads(run(data_dir, "scans", "--json").stdout) == []


def test_courier_settings_are_validated(data_dir):
    def cfg(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "app", "--data-dir", str(data_dir), "config", *args],
            capture_output=True,
            text=True,
            timeout=60,
        )

    assert cfg("set", "courier.patterns", "SF[0-9]{12} JD[0-9A-Z]{13}").returncode == 0
    assert cfg("set", "courier.patterns", "SF[0-9").returncode == 1
    assert cfg("set", "courier.terminator", "tab").returncode == 0
    assert cfg("set", "courier.terminator", "space").returncode == 1
    assert cfg("get", "courier.terminator").stdout.strip().endswith("tab")


def test_delivered_without_a_recipient_is_refused_as_on_the_screen(ws, data_dir):
    # issue 18: the screen refused it, the command line recorded it
    [a] = accept_cases(ws, 1)
    ws.close()
    assert run(data_dir, "record", "--step", "pickup", "--case", a, waybill(1)).returncode == 0
    got = run(data_dir, "record", "--step", "delivered", waybill(1))
    assert got.returncode == 1, got.stdout
    assert "收件人" in got.stderr, got.stderr
    steps = [r["step"] for r in json.loads(run(data_dir, "scans", "--json").stdout)]
    assert steps == ["pickup"]


def test_scans_page_through_all_and_say_how_many(ws, data_dir):
    # issue 18: only the newest 1,000 were shown, silently
    from app.services.courier import CourierService, ScanInput

    [a] = accept_cases(ws, 1)
    svc = CourierService(ws)
    trip = svc.open_trip("cli")
    for i in range(1, 1006):
        assert svc.record(trip, ScanInput(waybill(i), "pickup", case=a), seen_at=float(i)).ok
    svc.close_trip(trip)
    ws.close()
    first = run(data_dir, "scans")
    assert first.returncode == 0, first.stderr
    rows = first.stdout.splitlines()[1:]
    assert len(rows) == 1000
    assert "1005" in first.stderr and "--page 2" in first.stderr, first.stderr
    second = run(data_dir, "scans", "--page", "2")
    assert len(second.stdout.splitlines()[1:]) == 5
    small = run(data_dir, "scans", "--limit", "10", "--json")
    assert len(json.loads(small.stdout)) == 10
    # times as a clerk reads them, not ISO
    assert "T" not in rows[0].split("\t")[3], rows[0]
    everything = {
        r["waybill"]
        for p in (1, 2)
        for r in json.loads(run(data_dir, "scans", "--json", "--page", str(p)).stdout)
    }
    assert len(everything) == 1005
