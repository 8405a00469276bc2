"""What the CLI writes to a terminal: stored text is shown, never obeyed, and columns line up."""

from __future__ import annotations

import json
import sqlite3
import unicodedata

from app.services.intake import IntakeService
from tests.services.test_cli import run
from tests.services.test_intake import applicant, person_id, receive_all

HOSTILE = "李\x1b[2J四\x9b31m\x07\u202e"  # clear screen, C1 CSI, bell, right-to-left override


def _accept(ws, name: str, body17: str):
    svc = IntakeService(ws)
    draft = receive_all(svc.new_draft("matter", "320724-SCJG-0002"))
    draft.applicant = applicant(name=name, id_number=person_id(body17))
    return svc.accept(draft).case


def _store_hostile(ws, number: str) -> None:
    """Write hostile text straight into the store (as data from elsewhere could arrive)."""
    with sqlite3.connect(ws.config.db_path) as db:
        db.execute(
            "UPDATE case_record SET applicant_name = ?, reason = ? WHERE number = ?",
            (HOSTILE, "备注\x1b]0;owned\x07", number),
        )
        db.execute(
            "UPDATE case_event SET actor = ? WHERE case_number = ?",
            ("clerk\x1b[31m", number),
        )


def test_stored_control_characters_never_reach_the_terminal(ws, data_dir):
    case = _accept(ws, "张三", "32072419900307123")
    _store_hostile(ws, case.number)
    for args in (("case", "list"), ("case", "show", case.number), ("case", "list", "--find", "李")):
        r = run(data_dir, *args)
        assert r.returncode == 0, r.stderr
        out = r.stdout
        for ch in out:
            assert ch in "\n" or unicodedata.category(ch) not in ("Cc", "Cf"), (args, repr(ch))
        assert "李\\x1b[2J四\\x9b31m\\x07\\u202e" in out  # shown, visibly, in its place


def test_json_output_stays_exact(ws, data_dir):
    case = _accept(ws, "张三", "32072419900307123")
    _store_hostile(ws, case.number)
    listed = run(data_dir, "case", "list", "--json")
    shown = run(data_dir, "case", "show", case.number, "--json")
    for r in (listed, shown):
        assert r.returncode == 0, r.stderr
        assert not any(unicodedata.category(ch) in ("Cc", "Cf") for ch in r.stdout.replace("\n", ""))
    assert json.loads(listed.stdout)[0]["applicant"]["name"] == HOSTILE
    assert json.loads(shown.stdout)["applicant"]["name"] == HOSTILE


def _columns(text: str) -> int:
    """Terminal columns: wide and full-width characters take two, the rest (· U+00B7 too) one."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def test_case_list_columns_line_up_with_a_middle_dot(ws, data_dir):
    _accept(ws, "买买提·艾力", "65010119900307123")
    _accept(ws, "张三", "32072419900307123")
    r = run(data_dir, "case", "list")
    assert r.returncode == 0, r.stderr
    lines = [line for line in r.stdout.splitlines() if line.strip()]
    assert len(lines) == 2
    subject = "个体工商户注册登记"
    starts = {_columns(line[: line.index(subject)]) for line in lines}
    assert len(starts) == 1, r.stdout  # the matter column starts at the same terminal column
