"""`yichuang evaluate` (the counter terminal) and `yichuang followup list|close` (差评整改).

Exit codes: `followup list` 0 (overdue follow-ups are flagged in the list and counted on
stderr; `--json` has "overdue" per row); `followup close` 0 when closed, 1 when refused (no
note, unknown or closed follow-up) with the message on stderr.
"""

from __future__ import annotations

import sys

from app.errors import CommandError
from app.messages import t


def register(sub, add) -> None:
    add("evaluate", t("cli.evaluate"), cmd_evaluate)
    p = sub.add_parser("followup", help=t("cli.followup"))
    sp = p.add_subparsers(dest="followup_action", required=True, metavar="ACTION")
    q = add("list", t("cli.followup_list"), cmd_followup_list, sp)
    q.add_argument("--json", action="store_true", help=t("cli.json"))
    q.add_argument("--all", action="store_true", help=t("cli.followup_all"))
    q = add("close", t("cli.followup_close"), cmd_followup_close, sp)
    q.add_argument("id", type=int, metavar="ID", help=t("cli.followup_id"))
    q.add_argument("--note", default="", metavar="TEXT", help=t("cli.followup_note"))
    from app.cli.common import gate

    gate(q, "followup_close")


def _ws(args):
    from app.services.workstation import open_workstation

    return open_workstation(args.data_dir)


def cmd_evaluate(args) -> int:
    """The counter terminal on this data dir (the window's): waits for the window's asks."""
    import os

    ws = _ws(args)
    _ = ws.store  # opened (and migrated) before the screen comes up
    from app.crashlog import run_app
    from app.ui.counter import CounterApp

    try:
        return run_app(CounterApp(ws), ws.config.data_dir, headless=bool(os.environ.get("YICHUANG_HEADLESS")))
    finally:
        ws.close()


def _v(text: object) -> str:
    from app.domain.text import visible

    return visible(str(text), single_line=True)


def cmd_followup_list(args) -> int:
    from app.domain import evaluation as rules
    from app.services.evaluation import followups

    ws = _ws(args)
    try:
        rows = followups(ws, include_closed=args.all)
    finally:
        ws.close()
    if args.json:
        from app.cli.common import print_json

        print_json(rows)
        return 0
    if not rows:
        print(t("followup.none"))
        return 0
    print(
        "\t".join(
            (
                t("followup.col_id"),
                t("followup.col_case"),
                t("followup.col_level"),
                t("followup.col_due"),
                t("followup.col_left"),
                t("followup.col_state"),
                t("followup.col_reasons"),
            )
        )
    )
    overdue = 0
    for r in rows:
        if r["state"] == "closed":
            state, left = t("followup.closed"), ""
        elif r["overdue"]:
            overdue += 1
            state, left = t("followup.overdue_flag"), t("followup.days_over", days=-r["days_left"])
        else:
            state, left = t("followup.open"), t("followup.days_left", days=r["days_left"])
        reasons = "、".join(rules.reason_label(c) for c in r["reasons"])
        if r["comment"]:
            reasons = f"{reasons} {r['comment']}".strip()
        print(
            "\t".join(
                _v(x)
                for x in (
                    r["id"],
                    r["case"],
                    rules.level_label(r["level"]),
                    r["due_on"],
                    left,
                    state,
                    reasons,
                )
            )
        )
    if overdue:
        print(t("followup.overdue_count", count=overdue), file=sys.stderr)
    return 0


def cmd_followup_close(args) -> int:
    from app.cli.common import workstation
    from app.services.evaluation import EvaluationRefused, close_followup

    ws = workstation(args)
    try:
        row = close_followup(ws, args.id, args.note)
    except EvaluationRefused as exc:
        raise CommandError(str(exc)) from None
    finally:
        ws.close()
    print(t("followup.closed_done", id=row.id))
    return 0
