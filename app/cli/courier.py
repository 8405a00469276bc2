"""`yichuang courier …`: the courier screen, and scans from serial / HID-POS scanners and scripts.

Exit codes: 0 every line recorded (an echo within a second is a notice, not a rejection);
1 any line rejected (each on stderr with its line number); 2 usage.
"""

from __future__ import annotations

import sys

from app.messages import t

STEPS = ("pickup", "transit", "delivered", "failed")
FAIL_REASONS = ("no_answer", "bad_address", "refused", "other")


def register(sub, add) -> None:
    p = add("courier", t("cli.courier"), cmd_courier)
    sp = p.add_subparsers(dest="courier_action", metavar="ACTION")
    q = add("record", t("cli.courier_record"), cmd_courier_record, sp)
    q.add_argument("--step", required=True, choices=STEPS, help=t("cli.courier_step"))
    q.add_argument("--case", metavar="NUMBER", help=t("cli.courier_case"))
    q.add_argument("--recipient", metavar="NAME", default="", help=t("cli.courier_recipient"))
    q.add_argument("--applicant", action="store_true", help=t("cli.courier_applicant"))
    q.add_argument("--reason", choices=FAIL_REASONS, default="", help=t("cli.courier_reason"))
    q.add_argument("waybill", metavar="WAYBILL|-", help=t("cli.courier_waybill"))
    q = add("scans", t("cli.courier_scans"), cmd_courier_scans, sp)
    q.add_argument("--json", action="store_true", help=t("cli.json"))
    q.add_argument("--limit", type=_positive, default=1000, metavar="N", help=t("cli.courier_limit"))
    q.add_argument("--page", type=_positive, default=1, metavar="P", help=t("cli.courier_page"))


def _positive(text: str) -> int:
    import argparse

    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(t("cli.limit_min"))
    return n


def _ws(args):
    from app.services.workstation import open_workstation

    return open_workstation(args.data_dir)


def cmd_courier(args) -> int:
    """`yichuang courier`: the workstation, opened on the courier screen."""
    import os

    ws = _ws(args)
    from app.cli.common import hold_store
    from app.crashlog import run_app
    from app.ui.app import YichuangApp

    lock = hold_store(ws)  # as the window: restore and db encrypt wait until it is closed
    try:
        return run_app(
            YichuangApp(ws, start="courier"),
            ws.config.data_dir,
            headless=bool(os.environ.get("YICHUANG_HEADLESS")),
        )
    finally:
        ws.close()
        lock.unshare()


def _lines(args):
    """(line number, text) of what to record: the argument, or standard input line by line."""
    if args.waybill != "-":
        yield 1, args.waybill
        return
    for i, line in enumerate(sys.stdin, 1):  # read as it comes: a serial scanner sends slowly
        if line.strip():
            yield i, line


def cmd_courier_record(args) -> int:
    from app.domain.courier import split_line
    from app.services.courier import ECHO, CourierService, ScanInput

    ws = _ws(args)
    try:
        svc = CourierService(ws)
        trip = svc.open_trip("cli")
        ok = bad = 0
        for number, line in _lines(args):
            try:
                raw, case = split_line(line)
            except ValueError as exc:
                print(t("courier.line_error", line=number, error=exc), file=sys.stderr)
                bad += 1
                continue
            got = svc.record(
                trip,
                ScanInput(
                    raw,
                    args.step,
                    case=case or args.case,
                    recipient=args.recipient,
                    recipient_is_applicant=True if args.applicant else None,
                    reason=args.reason,
                ),
            )
            if got.code == ECHO:
                print(t("courier.line_notice", line=number, message=got.message), file=sys.stderr)
            elif got.ok:
                ok += 1
                print(_v(got.message))
            else:
                bad += 1
                print(t("courier.line_error", line=number, error=_v(got.message)), file=sys.stderr)
        svc.close_trip(trip)
        print(t("courier.summary", ok=ok, bad=bad), file=sys.stderr)
        return 1 if bad else 0
    finally:
        ws.close()


def _v(text: object) -> str:
    """Scanned text for the terminal: shown, never obeyed (control characters escaped)."""
    from app.domain.text import visible

    return visible(str(text))


def _local(iso: str) -> str:
    """A stored time as the clerk's clock reads it (the JSON output keeps ISO 8601)."""
    from datetime import datetime

    try:
        return f"{datetime.fromisoformat(iso).astimezone():%Y-%m-%d %H:%M:%S}"
    except ValueError:
        return iso


def cmd_courier_scans(args) -> int:
    from app.services.courier import CourierService

    ws = _ws(args)
    try:
        svc = CourierService(ws)
        rows, total = svc.scans(args.limit, args.page), svc.scan_count()
    finally:
        ws.close()
    first = (args.page - 1) * args.limit
    if total > len(rows):  # on stderr: what is not shown, and how to see it
        more = t("courier.scans_more", page=args.page + 1) if first + len(rows) < total else ""
        print(
            t("courier.scans_shown", first=first + 1 if rows else 0, last=first + len(rows), total=total)
            + more,
            file=sys.stderr,
        )
    if args.json:
        from app.cli.common import print_json

        print_json(rows)
        return 0
    if not rows:
        print(t("courier.no_scans"))
        return 0
    head = [
        t("courier.col_waybill"),
        t("courier.col_case"),
        t("courier.col_step"),
        t("courier.col_at"),
        t("courier.col_operator"),
    ]
    print("\t".join(head))
    from app.domain.courier import step_label

    for r in rows:
        print(
            "\t".join(
                _v(x)
                for x in (r["waybill"], r["case"], step_label(r["step"]), _local(r["at"]), r["operator"])
            )
        )
    return 0
