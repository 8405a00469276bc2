"""`yichuang export cases`: CSV and XLSX read back (csv, openpyxl), masked, never a formula."""

from __future__ import annotations

import csv
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from app.services.case_export import ExportError, export_cases
from tests.services.test_cli import run
from tests.services.test_stats import Window, pid

PHONE = "13812345678"
FORMULA = '=HYPERLINK("http://evil.example","点我")'


@pytest.fixture
def cases(ws, clock):
    w = Window(ws, clock)
    a = w.at("2026-11-02", "甲").accept(1, "matter", "320724-SCJG-0004")
    b = w.at("2026-11-20", "乙").refuse(2, "matter", "320724-SW-0003", FORMULA)
    clock.value = datetime(2026, 11, 20, 11, 0)
    return a, b


def _secrets() -> list[str]:
    # what must never be in an export: the full ID numbers, phone and names of the applicants
    return [pid(1), pid(2), PHONE, "申请人1", "申请人2", "灌南县新安镇"]


def test_csv_is_masked_and_defused(ws, cases, tmp_path):
    target = tmp_path / "cases.csv"
    result = export_cases(ws, target)
    assert result.rows == 2
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads the Chinese as UTF-8
    text = raw.decode("utf-8-sig")
    for secret in _secrets():
        assert secret not in text
    rows = list(csv.reader(text.splitlines()))
    head, first, second = rows
    assert head[:3] == ["案件编号", "状态", "事项编码"]
    assert first[0] == cases[0] and first[1] == "已受理"
    assert first[5] == "申请**" and first[6] == pid(1)[:6] + "********" + pid(1)[-4:]
    assert first[7] == "138****5678"
    assert second[1] == "不予受理" and second[-1] == "'" + FORMULA  # a spreadsheet shows it, never runs it


def test_xlsx_reads_back_masked_text_only(ws, cases, tmp_path):
    target = tmp_path / "cases.xlsx"
    export_cases(ws, target)
    sheet = load_workbook(target).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(rows) == 3 and rows[1][0] == cases[0]
    flat = " ".join(str(v) for row in rows for v in row if v is not None)
    for secret in _secrets():
        assert secret not in flat
    assert rows[1][6] == pid(1)[:6] + "********" + pid(1)[-4:] and rows[1][7] == "138****5678"
    reason = sheet.cell(row=3, column=15)
    assert reason.value == FORMULA and reason.data_type == "s"  # text, not a formula


def test_date_range_existing_file_and_format(ws, cases, tmp_path):
    target = tmp_path / "today.csv"
    assert export_cases(ws, target, start=date(2026, 11, 20), end=date(2026, 11, 20)).rows == 1
    with pytest.raises(ExportError, match="--force"):
        export_cases(ws, target)
    seen: list[tuple[int, int]] = []
    assert export_cases(ws, target, force=True, progress=lambda *a: seen.append(a)).rows == 2
    assert seen[-1] == (2, 2)
    with pytest.raises(ExportError, match=r"\.xlsx"):
        export_cases(ws, tmp_path / "cases.pdf")
    assert not list(tmp_path.glob(".*.part"))


def test_cli_export_refuses_an_existing_file(ws, cases, data_dir, tmp_path):
    ws.close()
    target = tmp_path / "out.xlsx"
    r = run(data_dir, "export", "cases", str(target), "--from", "2026-11-01", "--to", "2026-11-10")
    assert r.returncode == 0, r.stderr
    assert "已导出 1 件" in r.stdout and load_workbook(target).active.max_row == 2
    before = target.read_bytes()
    r = run(data_dir, "export", "cases", str(target))
    assert r.returncode == 1 and "--force" in r.stderr
    assert target.read_bytes() == before
    r = run(data_dir, "export", "cases", str(target), "--force")
    assert r.returncode == 0 and load_workbook(target).active.max_row == 3


def test_an_enterprise_stays_whole_a_person_is_masked(ws, clock, tmp_path):
    # issue 18: one rule everywhere: a 统一社会信用代码 and a company's name are public registry
    # data and stay whole (as at the window and on the receipt); a person's ID and phone are masked
    from app.services.intake import ApplicantInput

    w = Window(ws, clock).at("2026-11-03", "甲")
    d = w.draft(3, "matter", "320724-SCJG-0004")
    d.applicant = ApplicantInput("enterprise", "91320724MA1MXXXX01", "泰州某某便利店有限公司", phone=PHONE)
    from app.services.intake import IntakeService

    IntakeService(ws).accept(d)
    target = tmp_path / "cases.csv"
    export_cases(ws, target)
    rows = list(csv.reader(target.read_bytes().decode("utf-8-sig").splitlines()))
    row = next(r for r in rows[1:] if r[4] == "企业")
    assert row[5] == "泰州某某便利店有限公司" and row[6] == "91320724MA1MXXXX01"
    assert row[7] == "138****5678"
