"""`yichuang print drain / printer test`: the print queue and the printer."""

from __future__ import annotations

import sys

from app.cli.common import open_ws
from app.errors import CommandError
from app.messages import t


def cmd_print_drain(args) -> int:
    """Send every waiting job once; exit 1 if any is left (the window's spool, or the next
    run of this command, retries it)."""
    from app.messages import t
    from app.services.printing import PrintSpool

    ws = open_ws(args)
    spool = PrintSpool(ws)
    numbers = {j.job_id: (j, n) for j, n in spool.jobs(active_only=True, limit=100_000)}
    results, left = spool.drain()
    for r in results:
        job, number = numbers.get(r.job_id, (None, ""))
        fields = {"doc": t("doc." + job.doc_kind) if job else "", "number": number, "job": r.job_id}
        if r.state == "printed":
            print(t("drain.printed", **fields))
        elif r.state == "sent":
            print(t("drain.sent", **fields))
        elif r.state == "unconfirmed":
            print(t("drain.unconfirmed", note=r.error, **fields))
        else:
            print(t("drain.failed", error=r.error, **fields), file=sys.stderr)
    if not results and not left:
        print(t("drain.empty"))
        return 0
    summary = t("drain.summary", attempted=len(results), left=left)
    if left:
        raise CommandError(summary)
    print(summary)
    return 0


def cmd_printer_test(args) -> int:
    from app.printers import PrinterError
    from app.services.printing import print_test_page

    ws = open_ws(args)
    try:
        where, delivery = print_test_page(ws, args.url)
    except PrinterError as exc:
        if exc.kind == "not_printer":
            raise CommandError(t("print.not_printer", url=args.url or ws.config.printer_url)) from None
        raise CommandError(t("print.printer_error", error=exc)) from None
    if delivery.reason == "not_printer":  # the page went to something that is no printer
        raise CommandError(t("print.not_printer", url=where))
    if delivery.outcome == "unconfirmed":
        note = t(f"print.unconfirmed_{delivery.reason}", seconds=ws.config.get("printer.answer_timeout"))
        print(f"yichuang: {t('print.test_unconfirmed', url=where, note=note)}", file=sys.stderr)
        return 3
    print(t("print.test_printed" if delivery.printed else "print.test_sent", url=where))
    return 0
