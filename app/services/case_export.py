"""`yichuang export cases FILE.xlsx|FILE.csv`: the office's own list of cases, masked.

A person's ID number, phone number and name are masked with app.domain.masking (the same rule
as the screen and the paper; an enterprise's name and credit code are public and stay whole);
addresses are left out. Cases are read in pages along the
(created_on, number) index and written as they come (openpyxl's write-only workbook, or csv),
so a million cases take constant memory. The file is written beside the target under a
temporary name and moved into place only when complete: an export that fails or is
interrupted leaves no half file. An existing file is refused unless ``force``.

CSV is UTF-8 with a byte-order mark (Excel opens the Chinese text correctly). A cell that a
spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return) gets a
leading apostrophe in CSV and is stored as text, never as a formula, in XLSX.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import text

from app.domain.masking import mask_applicant_id, mask_name, mask_phone
from app.domain.text import visible
from app.messages import t
from app.services.workstation import Workstation

PAGE = 5_000
FORMATS = ("csv", "xlsx")
COLUMNS = (
    "number",
    "state",
    "subject_code",
    "subject_name",
    "applicant_kind",
    "applicant_name",
    "applicant_id",
    "applicant_phone",
    "created_at",
    "accepted_on",
    "due_date",
    "due_provisional",
    "window",
    "clerk",
    "reason",
)


class ExportError(Exception):
    """The export cannot be made; the message is for the user."""


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int


def export_format(path: Path) -> str:
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ExportError(t("export.bad_format", path=path))
    return fmt


def count_cases(ws: Workstation, start: date | None, end: date | None) -> int:
    where, params = _range(start, end)
    with ws.store.read() as s:
        return int(s.execute(text(f"SELECT count(*) FROM case_record {where}"), params).scalar())


def _range(start: date | None, end: date | None) -> tuple[str, dict]:
    conds, params = [], {}
    if start is not None:
        conds.append("created_on >= :a")
        params["a"] = start
    if end is not None:
        conds.append("created_on <= :b")
        params["b"] = end
    return ("WHERE " + " AND ".join(conds)) if conds else "", params


def masked_rows(ws: Workstation, start: date | None = None, end: date | None = None) -> Iterator[list]:
    """The export's rows, oldest case first, masked; read a page at a time (keyset on the index)."""
    where, params = _range(start, end)
    after = ""
    cols = (
        "number, state, subject_code, subject_name, applicant_kind, applicant_name, applicant_id_number,"
        " applicant_phone, created_at, created_on, accepted_on, due_date, due_provisional, window, clerk, reason"
    )
    last: tuple | None = None
    while True:
        cond = where
        p = dict(params, n=PAGE)
        if last is not None:
            after = "(created_on > :lo OR (created_on = :lo AND number > :ln))"
            cond = f"{where} AND {after}" if where else f"WHERE {after}"
            p.update(lo=last[0], ln=last[1])
        with ws.store.read() as s:
            page = list(
                s.execute(
                    text(f"SELECT {cols} FROM case_record {cond} ORDER BY created_on, number LIMIT :n"), p
                )
            )
        if not page:
            return
        for r in page:
            yield [
                r.number,
                t("state." + r.state),
                r.subject_code,
                r.subject_name,
                t("intake.kind_" + r.applicant_kind),
                # an enterprise's name and credit code are public registry data: whole
                r.applicant_name if r.applicant_kind == "enterprise" else mask_name(r.applicant_name),
                mask_applicant_id(r.applicant_id_number, r.applicant_kind),
                mask_phone(r.applicant_phone),
                _local(r.created_at),
                str(r.accepted_on or ""),
                str(r.due_date or ""),
                t("export.yes") if r.due_provisional else "",
                r.window,
                r.clerk,
                r.reason,
            ]
        last = (page[-1].created_on, page[-1].number)


def _local(value) -> str:
    """A stored UTC time as the office's local time (minutes)."""
    when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone().strftime("%Y-%m-%d %H:%M")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    """Stored text for a spreadsheet cell: control characters shown as escapes, never kept raw."""
    if value is None:
        return ""
    s = str(value)
    return s if s.isprintable() else visible(s, single_line=True)


def headers() -> list[str]:
    return [t("export.col_" + c) for c in COLUMNS]


def export_cases(
    ws: Workstation,
    path: Path | str,
    *,
    start: date | None = None,
    end: date | None = None,
    force: bool = False,
    progress: Callable[[int, int], object] | None = None,
) -> ExportResult:
    """Write the cases opened between ``start`` and ``end`` (inclusive; None: no bound) to
    ``path`` (.csv or .xlsx), masked. ``progress(done, total)`` is called every page."""
    path = Path(path)
    fmt = export_format(path)
    if path.exists() and not force:
        raise ExportError(t("export.exists", path=path))
    if path.is_dir():
        raise ExportError(t("export.is_dir", path=path))
    total = count_cases(ws, start, end)
    part = path.with_name(f".{path.name}.part")
    done = 0

    def rows() -> Iterator[list[str]]:
        nonlocal done
        for row in masked_rows(ws, start, end):
            yield [_cell(v) for v in row]
            done += 1
            if progress is not None and done % PAGE == 0:
                progress(done, total)

    try:
        if fmt == "csv":
            _write_csv(part, rows())
        else:
            _write_xlsx(part, rows())
        os.replace(part, path)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise ExportError(t("export.cannot_write", path=path, error=exc.strerror or exc)) from None
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    if progress is not None:
        progress(done, total)
    return ExportResult(path, done)


def _write_csv(target: Path, rows: Iterator[list[str]]) -> None:
    with open(target, "w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(headers())
        for row in rows:
            out.writerow(["'" + v if v.startswith(_FORMULA_START) else v for v in row])
        fh.flush()
        os.fsync(fh.fileno())


def _write_xlsx(target: Path, rows: Iterator[list[str]]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    sheet = wb.create_sheet(t("export.sheet"))
    sheet.append(headers())

    def text_cell(v: str) -> WriteOnlyCell:
        c = WriteOnlyCell(sheet, value=v)
        c.data_type = "s"  # text, never a formula
        return c

    for row in rows:
        # openpyxl takes a str starting with "=" for a formula: only those need a cell object
        sheet.append([text_cell(v) if v.startswith("=") else v for v in row])
    wb.save(target)
