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
        # shown, visibly, in its place (a list's column cuts it after its width, with an ellipsis)
        whole = "李\\x1b[2J四\\x9b31m\\x07\\u202e"
        assert whole in out if args[1] == "show" else "李\\x1b[2J四\\x9b31m\\x07\\…" in out, out


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


def test_case_list_columns_line_up_after_a_long_name(ws, data_dir):
    # issue 18: a name longer than its column pushed the rest of the line out of place
    _accept(ws, "欧阳娜娜" * 8, "32072419900307123")
    _accept(ws, "张三", "11010119900307123")
    r = run(data_dir, "case", "list")
    assert r.returncode == 0, r.stderr
    lines = [line for line in r.stdout.splitlines() if line.strip()]
    subject = "个体工商户注册登记"
    starts = {_columns(line[: line.index(subject)]) for line in lines}
    assert len(starts) == 1, r.stdout
    assert "…" in r.stdout  # the long name is cut, visibly


def test_case_list_of_an_empty_store_says_so(ws, data_dir):
    r = run(data_dir, "case", "list")
    assert r.returncode == 0, r.stderr
    assert r.stdout == ""  # scripts reading stdout see no case
    assert "没有" in r.stderr, r.stderr


def test_case_show_uses_one_colon_style(ws, data_dir):
    case = _accept(ws, "张三", "32072419900307123")
    r = run(data_dir, "case", "show", case.number)
    assert r.returncode == 0, r.stderr
    labelled = [
        line.strip()
        for line in r.stdout.splitlines()[1:]
        if line.startswith("  ") and not line.startswith("    ")
    ]
    assert labelled and all(": " not in line for line in labelled), r.stdout
    assert any(line.startswith("事项：") for line in labelled), r.stdout


def test_case_show_names_a_denial_reason_as_such(ws, data_dir):
    from tests.services.test_handover import decided_case

    number = decided_case(ws, "case.denied")
    r = run(data_dir, "case", "show", number)
    assert r.returncode == 0, r.stderr
    assert "不予许可理由：不符合条件" in r.stdout, r.stdout
    assert "告知说明" not in r.stdout


def test_config_get_spells_switches_as_they_are_set(data_dir):
    # issue 18: `config get` printed Python's `False`
    r = run(data_dir, "config", "get")
    assert r.returncode == 0, r.stderr
    assert "store.encrypted = false（否）" in r.stdout, r.stdout
    assert "False" not in r.stdout and "True" not in r.stdout
    one = run(data_dir, "config", "get", "store.encrypted")
    assert one.stdout.strip() == "false"
