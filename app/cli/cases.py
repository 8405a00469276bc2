"""`yichuang case list / show / print`: the cases in the store, and their documents."""

from __future__ import annotations

import sys

from app.cli.common import cell, open_ws, pad, print_json, shown
from app.errors import CommandError
from app.messages import t


def cmd_case_list(args) -> int:
    from app.services.cases import CaseService, case_to_dict

    if args.limit < 1:
        raise CommandError(t("cli.limit_min"))
    ws = open_ws(args)
    svc = CaseService(ws)
    day = ws.today() if args.today else None
    cases = (
        svc.find(args.find, day=day, limit=args.limit) if args.find else svc.list(day=day, limit=args.limit)
    )
    if args.json:
        print_json([case_to_dict(c) for c in cases])
        return 0
    if not cases:  # said on stderr: a script reading the list still sees none
        print(
            t("cli.case_list_none_found" if args.find or args.today else "cli.case_list_empty"),
            file=sys.stderr,
        )
        return 0
    for c in cases:
        due = (
            c.due_date.isoformat() + (t("result.provisional") if c.due_provisional else "")
            if c.due_date
            else "-"
        )
        print(
            "  ".join(
                (
                    c.number,
                    pad(t("state." + c.state), 8),
                    cell(c.applicant_name, 24),
                    cell(c.subject_name, 30),
                    due,
                )
            )
        )
    return 0


def cmd_case_show(args) -> int:
    from app.domain.identifiers import id_type_note
    from app.domain.masking import mask_applicant_id, mask_phone
    from app.services.cases import CaseService, decision_remarks, detail_to_dict, reason_label

    ws = open_ws(args)
    detail = CaseService(ws).detail(args.number)
    if detail is None:
        from app.domain.numbering import parse_case_number

        try:
            parse_case_number(args.number)
        except ValueError as exc:  # not even a case number: say what is wrong with it
            raise CommandError(t("cli.about", what=shown(args.number), error=exc)) from None
        raise CommandError(t("case.not_found", number=args.number))
    data = detail_to_dict(detail)
    if args.json:
        print_json(data)
        return 0
    c = detail.case
    print(f"{shown(c.number)}  {t('state.' + c.state)}")
    print(
        _field(
            t("cases.col_subject"),
            f"{shown(c.subject_name)} ({shown(c.subject_code)}) · {shown(c.catalogue_version)}",
        )
    )
    print(
        _field(
            t("cases.col_applicant"),
            f"{shown(c.applicant_name)}  {shown(mask_applicant_id(c.applicant_id_number, c.applicant_kind))}"
            + (f"（{note}）" if (note := id_type_note(c.applicant_kind, c.applicant_id_number)) else "")
            + f"  {shown(mask_phone(c.applicant_phone))}",
        )
    )
    if c.due_date:
        print(
            "  "
            + t(
                "result.due_now" if c.promised_days == 0 else "result.due",
                date=c.due_date.isoformat(),
                provisional=t("result.provisional") if c.due_provisional else "",
            )
        )
    if c.reason:
        print(_field(reason_label(c.state), shown(c.reason)))
    remarks = decision_remarks(detail.events)
    if remarks:  # the back office's remark on its 办结 / 不予许可
        print(_field(t("case.decision_remarks"), shown(remarks)))
    print(_field(t("intake.checklist"), ""))
    for m in detail.marks:
        note = f"（{shown(m.note)}）" if m.note else ""
        print(f"    [{pad(t('status.' + m.status), 4)}] {shown(m.item.name)}{note}")
    print(_field(t("case.timeline"), ""))
    from app.services.sync.actions import timeline

    for e, who, mark in timeline(ws.store, c.number, detail.events):  # mark: superseded, set aside
        mark = f"  {mark}" if mark else ""
        print(f"    {e.at.astimezone():%Y-%m-%d %H:%M:%S}  {t('event.' + e.kind)}  {shown(who)}{mark}")
    for j in detail.jobs:
        print(
            f"    {j.created_at.astimezone():%Y-%m-%d %H:%M:%S}  {t('doc.' + j.doc_kind)}  {t('job.' + j.state)}"
            f"  {shown(j.last_error)}".rstrip()
        )
    return 0


def _field(label: str, value: str) -> str:
    """One labelled line of `case show`, in the language's own punctuation (：in Chinese)."""
    return "  " + t("cli.field", label=label, value=value).rstrip()


def cmd_case_print(args) -> int:
    """Reprint (补打) a document of a case.

    Exit 0 when every byte left for the printer (已打印 when it confirmed, 已发送 when it
    cannot answer); 3 when it should have confirmed and did not (待确认: check the paper,
    resend from the print queue); 1 when the job stays queued (the window's spool, or
    `yichuang print drain`, retries it).
    """
    from app.printers import PrinterError
    from app.services.cases import CaseService
    from app.services.printing import (
        CLI_HOLD,
        DocumentUnavailable,
        PrintSpool,
        check_printer_url,
        reprint,
        write_preview,
    )

    if args.doc == "handover":  # the 领取凭证 of a handover at the window (pickup: its alias)
        args.doc = "pickup"
    ws = open_ws(args)
    if args.printer:
        try:
            check_printer_url(args.printer)
        except PrinterError as exc:
            raise CommandError(t("print.bad_printer", error=exc)) from None
    try:
        if args.preview is not None:
            try:
                job = write_preview(ws, args.number, args.doc, args.preview)
            except OSError as exc:
                raise CommandError(t("cli.about", what=args.preview, error=exc.strerror or exc)) from None
            print(t("print.preview_written", path=args.preview) + ("" if job else t("print.preview_fresh")))
            return 0
        job = reprint(ws, args.number, args.doc, printer_url=args.printer, hold=CLI_HOLD)
    except DocumentUnavailable as exc:
        raise CommandError(str(exc)) from None
    spool = PrintSpool(ws)
    result = spool.send(job.job_id)
    if not result.attempted and result.state == "sending":  # the workstation took it: wait
        result = spool.wait(job.job_id)
    if not result.ok:
        raise CommandError(
            t("print.not_printed", error=result.error or t("job." + result.state), job=job.job_id)
        )
    case = CaseService(ws).get(args.number)
    fields = {"doc": t("doc." + args.doc), "number": case.number if case else args.number, "job": job.job_id}
    if result.state == "unconfirmed":
        print(f"yichuang: {t('print.unconfirmed', note=result.error, **fields)}", file=sys.stderr)
        return 3
    print(t("print.printed" if result.state == "printed" else "print.sent_only", **fields))
    return 0
