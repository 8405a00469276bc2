"""`yichuang case handover …`: 统一窗口出件 from the command line (registered by app.cli).

Only argparse work happens at import: every `yichuang` start pays for this file.
"""

from __future__ import annotations

import sys

from app.errors import CommandError
from app.messages import t


def register(case_sub, add) -> None:
    p = add("handover", t("cli.case_handover"), cmd_case_handover, case_sub)
    p.add_argument("number", metavar="NUMBER", help=t("cli.case_number"))
    # the number stays off the command line (/proc/PID/cmdline is readable by every user): "-" or
    # no option reads it from standard input or asks without echo; "--collector-id ID" is kept
    p.add_argument("--collector-id", default=None, metavar="ID", help=t("cli.collector_id_stdin"))
    p.add_argument("--agent-name", default="", metavar="NAME", help=t("cli.agent_name"))
    p.add_argument("--authorisation", default="", metavar="TEXT", help=t("cli.authorisation"))
    p.add_argument("--printer", metavar="URL", help=t("cli.printer_url"))
    p.epilog = t("cli.collector_id_epilog")


def read_collector_id(given: str | None) -> str:
    """The collector's ID number: as given, or (``-`` or not given) the first line of standard
    input, or asked at the terminal without echo."""
    if given is not None and given != "-":
        return given
    if sys.stdin is not None and sys.stdin.isatty():
        import getpass

        try:
            line = getpass.getpass(t("cli.collector_id_prompt"))
        except EOFError:
            line = ""
    else:
        line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line.strip():
        raise CommandError(t("cli.collector_id_missing"))
    return line.strip()


def cmd_case_handover(args) -> int:
    """Record the handover and print the 领取凭证.

    Exit 0 when recorded and every byte of the voucher left for the printer; 1 when refused
    (nothing recorded) or when the voucher stays queued (recorded; the spool retries it);
    3 when the printer did not confirm (recorded; check the paper).
    """
    from app.domain.text import visible
    from app.printers import PrinterError
    from app.services.handover import HandoverRefused, hand_over
    from app.services.printing import PrintSpool, check_printer_url
    from app.services.sync.actions import NotAllowed
    from app.services.workstation import open_workstation

    collector_id = read_collector_id(args.collector_id)
    ws = open_workstation(args.data_dir)
    if args.printer:
        try:
            check_printer_url(args.printer)
        except PrinterError as exc:
            raise CommandError(t("print.bad_printer", error=exc)) from None
    try:
        done = hand_over(
            ws, args.number, collector_id, args.agent_name, args.authorisation, printer_url=args.printer
        )
    except (HandoverRefused, NotAllowed) as exc:
        raise CommandError(visible(str(exc), single_line=True)) from None
    c = done.collector
    who = t("handover.who_agent", name=c.name) if c.role == "agent" else t("handover.who_applicant")
    print(visible(t("handover.done", number=done.event.case_number, who=who), single_line=True))
    spool = PrintSpool(ws)
    result = spool.send(done.job.job_id)
    if not result.attempted and result.state == "sending":  # the open window took it: wait
        result = spool.wait(done.job.job_id)
    if not result.ok:
        raise CommandError(
            t("print.not_printed", error=result.error or t("job." + result.state), job=done.job.job_id)
        )
    print(t("handover.printed", state=t("job." + result.state), job=done.job.job_id))
    if result.state == "unconfirmed":
        print(f"yichuang: {result.error}", file=sys.stderr)
        return 3
    return 0
