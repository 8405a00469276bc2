"""Keys typed ahead at 10 ms per key into the real `yichuang` in a pseudo-terminal (issue 17).

A pty driver types 30 whole intakes without ever waiting for the window (F2 kcg Enter, F3 ID,
Tab, name, Tab, phone, Tab, address, F4, Space x N, F5, Enter for the result dialog), 10 ms per
key, escape sequences as a terminal sends them. Then it quits and reads the store: every key
that is not where it was aimed (a character in the wrong field, or lost) is counted, field by
field, against what was typed. Target: 0 wrong, 0 lost.

    python -m tests.bench.bench_typeahead      # BENCH_INTAKES=N (default 30), BENCH_KEY_MS=10
"""

from __future__ import annotations

import contextlib
import difflib
import os
import sys
import tempfile
import time

from tests.bench.bench_first_answer import COLS, ROOT, ROWS
from tests.bench.common import report
from tests.ptys import PtyProgram

INTAKES = int(os.environ.get("BENCH_INTAKES", "30"))
KEY_S = float(os.environ.get("BENCH_KEY_MS", "10")) / 1000
SEQ = {
    "f2": "\x1bOQ",
    "f3": "\x1bOR",
    "f4": "\x1bOS",
    "f5": "\x1b[15~",
    "tab": "\t",
    "enter": "\r",
    "space": " ",
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "䶮秀英明华强芳敏静丽"


def person(i: int) -> dict[str, str]:
    from app.domain.identifiers import ric_check_char

    id17 = f"3207241985{(i % 12) + 1:02d}{(i % 28) + 1:02d}{i:03d}"
    return {
        "id_number": id17 + ric_check_char(id17),
        "name": SURNAMES[i % len(SURNAMES)] + GIVEN[i % len(GIVEN)] + GIVEN[(i * 3 + 1) % len(GIVEN)],
        "phone": f"138{i:08d}",
        "address": f"江苏省泰州市兴化市昭阳街道英武路{i + 1}号",
    }


def intake_keys(p: dict[str, str], marks: int) -> list[str]:
    keys = ["f2", *"kcg", "enter", "f3", *p["id_number"], "tab", *p["name"], "tab", *p["phone"], "tab"]
    return [*keys, *p["address"], "f4", *(["space"] * marks), "f5", "enter"]


def prepare(data_dir: str) -> int:
    """The demo store, no rating prompt (a bench has no applicant to rate): kcg's material count."""
    from app.services.intake import IntakeService
    from app.services.workstation import open_workstation

    ws = open_workstation(__import__("pathlib").Path(data_dir))
    try:
        ws.config.set("evaluation.prompt", "off")
        ws.config.save()
        code = next(b.code for b in ws.catalogue.bundles.values() if b.name == "开餐馆")
        return len(IntakeService(ws).new_draft("bundle", code).marks)
    finally:
        ws.close()


def stored(data_dir: str) -> int:
    import sqlite3

    try:
        with contextlib.closing(sqlite3.connect(f"file:{data_dir}/yichuang.db?mode=ro", uri=True)) as db:
            return db.execute("SELECT count(*) FROM case_record").fetchone()[0]
    except sqlite3.Error:
        return 0


def run(data_dir: str, keys: list[str], env: dict[str, str], expected: int) -> tuple[float, float]:
    term = PtyProgram(
        [sys.executable, "-m", "app", "--data-dir", data_dir], env, rows=ROWS, cols=COLS, controlling_tty=True
    )
    try:
        term.expect("受理", 60)
        start = time.perf_counter()
        for key in keys:
            term.send(SEQ.get(key, key).encode("utf-8"))
            time.sleep(KEY_S)
        typed = time.perf_counter() - start
        # The window may be behind the typist: wait until every intake is stored, or until no
        # new one has come for 20 s (those keys went somewhere else, or were lost).
        last, since = -1, time.perf_counter()
        while time.perf_counter() - since < 20:
            time.sleep(0.5)
            count = stored(data_dir)
            if count != last:
                last, since = count, time.perf_counter()
            if count >= expected:
                break
        caught_up = time.perf_counter() - start - typed
        if os.environ.get("BENCH_DEBUG"):
            import re

            print(re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", " ", term.text())[-3000:])
        term.stop()  # Ctrl+Q, as the clerk would
        return typed, caught_up
    finally:
        term.kill()


def misplaced(typed: str, stored: str) -> int:
    """Characters of `typed` missing from `stored` plus characters that do not belong there."""
    matcher = difflib.SequenceMatcher(a=typed, b=stored, autojunk=False)
    same = sum(block.size for block in matcher.get_matching_blocks())
    return (len(typed) - same) + (len(stored) - same)


def main() -> None:
    from app.services.cases import CaseService
    from app.services.workstation import open_workstation

    env = {k: v for k, v in os.environ.items() if not k.startswith("YICHUANG_")}
    env.update(PYTHONPATH=str(ROOT), TERM="xterm-256color", COLUMNS=str(COLS), LINES=str(ROWS))
    people = [person(i) for i in range(INTAKES)]
    with tempfile.TemporaryDirectory() as data_dir:
        marks = prepare(data_dir)
        keys = [k for p in people for k in intake_keys(p, marks)]
        typed_s, behind_s = run(data_dir, keys, env, INTAKES)
        ws = open_workstation(__import__("pathlib").Path(data_dir))
        try:
            cases = {c.applicant_id_number: c for c in CaseService(ws).list()}
        finally:
            ws.close()
    wrong = lost = 0
    missing = [i + 1 for i, p in enumerate(people) if p["id_number"] not in cases]
    stored_count = len(cases)
    for p in people:
        case = cases.pop(p["id_number"], None)
        if case is None:
            lost += sum(len(v) for v in p.values())  # the whole intake never reached the store
            continue
        stored = {
            "id_number": case.applicant_id_number,
            "name": case.applicant_name,
            "phone": case.applicant_phone,
            "address": case.applicant_address,
        }
        wrong += sum(misplaced(p[f], stored[f]) for f in p)
    stray = len(cases)  # cases under an ID nobody typed: the ID field took other keys
    report(
        f"type-ahead: {INTAKES} intakes typed into `yichuang` in a pty at {KEY_S * 1000:.0f} ms per key",
        {
            "keys typed": len(keys),
            "typing time": f"{typed_s:.1f} s",
            "last intake stored after the last key": f"{behind_s:.1f} s",
            "intakes stored": stored_count,
            "characters in a wrong field (target 0)": wrong,
            "characters lost with an intake that never stored (target 0)": lost,
            "cases under an ID nobody typed": stray,
            "intakes not stored (1-based)": " ".join(map(str, missing)) or "-",
            "verdict": "PASS" if wrong == lost == stray == 0 else "FAIL",
        },
    )


if __name__ == "__main__":
    main()
