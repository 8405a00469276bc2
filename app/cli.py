"""`yichuang`: the workstation (no sub-command) and the admin commands.

The commands call the same services as the window and hold no logic of their own.
Exit codes: 0 success, 1 the command failed (message on stderr), 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from app import __version__
from app.errors import CommandError  # noqa: E402  (re-exported for the commands' users)
from app.messages import t


def _data_dir_option(p: argparse.ArgumentParser, top: bool) -> None:
    p.add_argument(
        "--data-dir",
        metavar="DIR",
        default=None if top else argparse.SUPPRESS,
        help=t("cli.data_dir"),
    )


def build_parser() -> argparse.ArgumentParser:
    from app.cli_login import gate  # commands that need an operator's login once accounts exist

    parser = argparse.ArgumentParser(prog="yichuang", description=t("cli.description"))
    parser.add_argument(
        "--version", action="version", version=f"yichuang {__version__}", help=t("cli.version")
    )
    _data_dir_option(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, help: str, func: Callable, parent=sub) -> argparse.ArgumentParser:
        p = parent.add_parser(name, help=help, description=help)
        _data_dir_option(p, top=False)
        p.set_defaults(func=func)
        return p

    add("run", t("cli.run"), cmd_run)

    cfg = sub.add_parser("config", help=t("cli.config")).add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    p = add("get", t("cli.config_get"), cmd_config_get, cfg)
    p.add_argument("key", nargs="?", metavar="KEY", help=t("cli.config_key"))
    p = add("set", t("cli.config_set"), cmd_config_set, cfg)
    p.add_argument("key", metavar="KEY", help=t("cli.config_key"))
    p.add_argument("value", metavar="VALUE", help=t("cli.config_value"))
    gate(p, "settings")

    cat = sub.add_parser("catalog", help=t("cli.catalog")).add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    p = add("import", t("cli.catalog_import"), cmd_catalog_import, cat)
    p.add_argument("file", type=Path, metavar="FILE", help=t("cli.catalog_file"))
    gate(p, "settings")
    p = add("export", t("cli.catalog_export"), cmd_catalog_export, cat)
    p.add_argument("file", type=Path, metavar="FILE", help=t("cli.catalog_file"))

    demo = sub.add_parser("demo", help=t("cli.demo")).add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    p = add("seed", t("cli.demo_seed"), cmd_demo_seed, demo)
    p.add_argument("--cases", type=int, required=True, metavar="N", help=t("cli.demo_cases"))
    p.add_argument("--seed", type=int, default=2026, help=t("cli.demo_random_seed"))
    p.add_argument("--days", type=int, default=90, help=t("cli.demo_days"))
    gate(p, "settings")  # synthetic cases in a store that has accounts: the admin's call

    case = sub.add_parser("case", help=t("cli.case")).add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    p = add("list", t("cli.case_list"), cmd_case_list, case)
    p.add_argument("--json", action="store_true", help=t("cli.json"))
    p.add_argument("--today", action="store_true", help=t("cli.case_today"))
    p.add_argument("--find", metavar="TEXT", help=t("cli.case_find"))
    p.add_argument("--limit", type=int, default=200, metavar="N", help=t("cli.case_limit"))
    p = add("show", t("cli.case_show"), cmd_case_show, case)
    p.add_argument("number", metavar="NUMBER", help=t("cli.case_number"))
    p.add_argument("--json", action="store_true", help=t("cli.json"))
    p = add("print", t("cli.case_print"), cmd_case_print, case)
    p.add_argument("number", metavar="NUMBER", help=t("cli.case_number"))
    p.add_argument(
        "--doc",
        choices=["receipt", "notice", "refusal", "pickup", "handover"],
        default="receipt",
        help=t("cli.case_doc"),
    )
    p.add_argument("--printer", metavar="URL", help=t("cli.printer_url"))
    p.add_argument("--preview", metavar="FILE.png", type=Path, help=t("cli.case_preview"))
    from app.cli_handover import register as register_handover

    register_handover(case, add)  # `case handover` (统一窗口出件)

    queue = sub.add_parser("print", help=t("cli.print_queue")).add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    add("drain", t("cli.print_drain"), cmd_print_drain, queue)

    prn = sub.add_parser("printer", help=t("cli.printer")).add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    p = add("test", t("cli.printer_test"), cmd_printer_test, prn)
    p.add_argument("url", nargs="?", metavar="URL", help=t("cli.printer_url"))

    scans = sub.add_parser("scans", help=t("cli.scans")).add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    add("watch", t("cli.scans_watch"), cmd_scans, scans)
    p = add("list", t("cli.scans_list"), cmd_scans, scans)
    p.add_argument("--json", action="store_true", help=t("cli.json"))
    _register_plugins(sub, add)
    return parser


def _register_plugins(sub, add) -> None:
    """Sub-commands kept beside their code: `sync` (the workstation's), `backup`/`restore`,
    `doctor` and `hub` (the platform's)."""
    from app.cli_audit import register as register_audit
    from app.cli_backup import register as register_backup
    from app.cli_courier import register as register_courier
    from app.cli_db import register as register_db
    from app.cli_doctor import register as register_doctor
    from app.cli_evaluation import register as register_evaluation
    from app.cli_keys import register as register_keys
    from app.cli_operators import register as register_operators
    from app.cli_stats import register as register_stats
    from app.cli_sync import register as register_sync
    from sync.hub.cli import register as register_hub

    register_sync(sub, add)
    register_backup(sub, add)
    register_hub(sub, add)
    register_doctor(sub, add)
    register_courier(sub, add)
    register_operators(sub, add)
    register_audit(sub, add)
    register_db(sub, add)
    register_evaluation(sub, add)
    register_stats(sub, add)
    register_keys(sub, add)


def _window_args(argv: Sequence[str] | None) -> argparse.Namespace | None:
    """`yichuang [--data-dir DIR] [run]` starts the window: parsed without building every
    sub-command's parser (tens of milliseconds of the clerk's first answer)."""
    rest = list(sys.argv[1:] if argv is None else argv)
    if rest.count("run") == 1 and rest[-1] == "run":
        rest.pop()
    elif rest.count("run") == 1 and rest[0] == "run":
        rest.pop(0)
    if not rest:
        return argparse.Namespace(data_dir=None, func=cmd_run)
    if len(rest) == 1 and rest[0].startswith("--data-dir=") and len(rest[0]) > len("--data-dir="):
        return argparse.Namespace(data_dir=rest[0].split("=", 1)[1], func=cmd_run)
    if len(rest) == 2 and rest[0] == "--data-dir" and not rest[1].startswith("-"):
        return argparse.Namespace(data_dir=rest[1], func=cmd_run)
    return None  # anything else: the full parser (help, errors, sub-commands)


def _choose_language(argv: Sequence[str] | None) -> None:
    """Speak the configured ui.language from the first line (the parser's help included)."""
    from app.config import load_config, resolve_data_dir
    from app.messages import set_language

    args = list(sys.argv[1:] if argv is None else argv)
    data_dir = None  # read by hand: a parser here would report bad usage before the language is known
    for i, arg in enumerate(args):
        if arg == "--data-dir" and i + 1 < len(args):
            data_dir = args[i + 1]
        elif arg.startswith("--data-dir="):
            data_dir = arg.split("=", 1)[1]
    try:
        set_language(load_config(resolve_data_dir(data_dir), create=False).language)
    except Exception:  # an unreadable config: the command itself reports it, in Chinese
        set_language("zh")
    _translate_argparse()


# argparse's own words (gettext msgids) and our message keys for them.
_ARGPARSE_WORDS = {
    "usage: ": "cli.argparse_usage",
    "positional arguments": "cli.argparse_positional",
    "options": "cli.argparse_options",
    "show this help message and exit": "cli.argparse_help",
    "%(prog)s: error: %(message)s\n": "cli.argparse_error",
    "the following arguments are required: %s": "cli.argparse_required",
    "invalid choice: %(value)r (choose from %(choices)s)": "cli.argparse_choice",
    "unrecognized arguments: %s": "cli.argparse_unrecognized",
    "invalid %(type)s value: %(value)r": "cli.argparse_invalid",
    "expected one argument": "cli.argparse_one_argument",
    "argument %(argument_name)s: %(message)s": "cli.argparse_argument",
}


def _translate_argparse() -> None:
    """argparse looks its fixed words up through gettext: answer from the message catalogue."""

    def gettext(text: str) -> str:
        key = _ARGPARSE_WORDS.get(text)
        return t(key) if key else text

    argparse._ = gettext  # type: ignore[attr-defined]


def main(argv: Sequence[str] | None = None) -> int:
    from app.private_files import restrict_umask

    # first: whatever this process creates (SQLite's own -wal/-shm included) is owner-only
    restrict_umask()
    args = _window_args(argv)  # the window reads its language from the settings itself
    if args is None:
        _choose_language(argv)
        args = build_parser().parse_args(argv)
    func = getattr(args, "func", cmd_run)
    from app.crashlog import install_log_redaction
    from app.domain.masking import redact

    install_log_redaction()
    try:
        if getattr(args, "login_action", None) is not None:
            from app.cli_login import check

            check(args)  # a shell is not a login: app/cli_login.py
        return func(args) or 0
    except CommandError as exc:
        print(f"yichuang: {redact(str(exc))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `yichuang case list | head`: the reader left, not an error
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # the known failures of the parts, as one clear line
        from app.config import ConfigError
        from app.store.db import StoreError

        if isinstance(exc, (ConfigError, StoreError)):
            print(f"yichuang: {redact(str(exc))}", file=sys.stderr)
            return 1
        # An unexpected failure: its traceback, as Python would print it, secrets masked.
        from app.crashlog import redacted_traceback

        sys.stderr.write(redacted_traceback(exc))
        return 1
    finally:
        if getattr(args, "login_ws", None) is not None:
            args.login_ws.close()


# --- helpers -------------------------------------------------------------------------------
def _workstation(args):
    if getattr(args, "login_action", None) is not None:  # the one its login was checked on
        from app.cli_login import workstation

        return workstation(args)
    from app.services.workstation import open_workstation

    return open_workstation(args.data_dir)


def _print_json(obj) -> None:
    # json escapes C0 controls itself; C1 controls, DEL and format characters (bidi overrides)
    # it leaves raw with ensure_ascii=False: escape them too, the JSON value stays exact.
    text = json.dumps(obj, ensure_ascii=False, indent=2)
    sys.stdout.write(_JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


_JSON_RAW = re.compile("[\x7f-\x9f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]")


def _v(text: object) -> str:
    """Stored text for the terminal: shown, never obeyed (no control or escape sequences)."""
    from app.domain.text import visible

    return visible(str(text))


def _cell(text: object, width: int) -> str:
    """A one-line table cell of stored text, padded to `width` terminal columns."""
    from app.domain.text import visible

    return _pad(visible(str(text), single_line=True), width)


# --- commands ------------------------------------------------------------------------------
def cmd_run(args) -> int:
    import gc
    import os

    # Start-up only builds objects, and the cycle collector scanning them took a sixth of
    # the time to the clerk's first answer; the app enables it again once that is shown.
    gc.disable()
    ws = _workstation(args)
    if ws.config.get("store.encrypted"):
        _unlock_store(ws)  # in the terminal, before the window takes it over

    from app.crashlog import run_app
    from app.ui.app import YichuangApp

    try:
        return run_app(
            YichuangApp(ws), ws.config.data_dir, headless=bool(os.environ.get("YICHUANG_HEADLESS"))
        )
    finally:
        ws.close()


def _unlock_store(ws, tries: int = 3) -> None:
    """The encrypted store's key, checked against the store: a wrong passphrase is asked
    again (up to `tries` times), then the start is refused with the reason."""
    from app.store.db import StoreError, schema_version_of

    for attempt in range(tries):
        try:
            schema_version_of(ws.config.db_path, ws.db_key)
            return
        except StoreError as exc:
            ws.forget_key()
            if attempt == tries - 1 or not sys.stdin.isatty():
                raise CommandError(str(exc)) from None
            print(f"yichuang: {exc}", file=sys.stderr)


def cmd_scans(args) -> int:
    from app import cli_scans  # `yichuang scans …` (kept beside its code, loaded when used)

    return cli_scans.run(args)


def cmd_config_get(args) -> int:
    from app.config import ConfigError, known_keys, load_config, resolve_data_dir

    config = load_config(resolve_data_dir(args.data_dir))
    if args.key is None:
        for key in known_keys():
            print(f"{key} = {config.shown(key)}")
        return 0
    try:
        print(config.shown(args.key))
    except ConfigError as exc:
        raise CommandError(str(exc)) from None
    return 0


def cmd_config_set(args) -> int:
    from app.config import ConfigError, load_config, resolve_data_dir

    config = load_config(resolve_data_dir(args.data_dir))
    value = _secret_value(args.key, args.value)
    try:
        config.set(args.key, value)
    except ConfigError as exc:
        raise CommandError(str(exc)) from None
    config.save()
    return 0


def _secret_value(key: str, value: str) -> str:
    """A secret setting (hub.token) never comes from the command line, which every local user
    can read (ps): ``-`` reads it from standard input (asked without echo at a terminal); an
    empty value (clearing it) is no secret. Any other value is a usage error."""
    from app.config import SECRET_KEYS

    if key not in SECRET_KEYS or value == "":
        return value
    if value != "-":
        print(f"yichuang: {t('secret.config_argv', key=key)}", file=sys.stderr)
        raise SystemExit(2)
    if sys.stdin is not None and sys.stdin.isatty():
        import getpass

        given = getpass.getpass(t("secret.config_prompt", key=key)).strip()
    else:
        given = (sys.stdin.readline() if sys.stdin is not None else "").strip()
    if not given:
        raise CommandError(t("secret.config_no_input", key=key))
    return given


def cmd_catalog_import(args) -> int:
    from app.services.catalogue_files import import_catalogue
    from forms.loader import CatalogueError

    ws = _workstation(args)
    try:
        cat = import_catalogue(ws.config.catalogue_dir, args.file)
    except CatalogueError as exc:
        for issue in exc.issues:
            print(str(issue), file=sys.stderr)
        raise CommandError(t("cli.import_failed", n=len(exc.issues))) from None
    print(t("cli.imported", version=cat.version, matters=len(cat.matters), bundles=len(cat.bundles)))
    return 0


def cmd_catalog_export(args) -> int:
    from app.services.catalogue_files import export_catalogue

    ws = _workstation(args)
    try:
        cat = export_catalogue(ws.config.catalogue_dir, args.file)
    except OSError as exc:
        raise CommandError(t("cli.cannot_write", path=args.file, error=exc.strerror or exc)) from None
    print(t("cli.exported", version=cat.version, path=args.file))
    return 0


def cmd_demo_seed(args) -> int:
    from app.services.demo import seed_cases

    if args.cases < 0:
        raise CommandError(t("cli.cases_min"))
    ws = _workstation(args)
    done = seed_cases(
        ws,
        args.cases,
        seed=args.seed,
        days=args.days,
        progress=lambda n: print(t("cli.seed_progress", n=n), file=sys.stderr) if n % 100_000 == 0 else None,
    )
    print(t("cli.seeded", n=done))
    return 0


def cmd_case_list(args) -> int:
    from app.services.cases import CaseService, case_to_dict

    if args.limit < 1:
        raise CommandError(t("cli.limit_min"))
    ws = _workstation(args)
    svc = CaseService(ws)
    day = ws.today() if args.today else None
    cases = (
        svc.find(args.find, day=day, limit=args.limit) if args.find else svc.list(day=day, limit=args.limit)
    )
    if args.json:
        _print_json([case_to_dict(c) for c in cases])
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
                    _pad(t("state." + c.state), 8),
                    _cell(c.applicant_name, 24),
                    _cell(c.subject_name, 30),
                    due,
                )
            )
        )
    return 0


def _pad(text: str, width: int) -> str:
    """Pad to `width` terminal columns.

    A terminal's width, not the printer's: wide CJK characters take two columns, East Asian
    ambiguous ones such as the middle dot in 买买提·艾力 take one (as terminals show them).
    """
    from rich.cells import cell_len

    return text + " " * max(0, width - cell_len(text))


def cmd_case_show(args) -> int:
    from app.domain.masking import mask_applicant_id, mask_phone
    from app.services.cases import CaseService, detail_to_dict

    ws = _workstation(args)
    detail = CaseService(ws).detail(args.number)
    if detail is None:
        from app.domain.numbering import parse_case_number

        try:
            parse_case_number(args.number)
        except ValueError as exc:  # not even a case number: say what is wrong with it
            raise CommandError(t("cli.about", what=_v(args.number), error=exc)) from None
        raise CommandError(t("case.not_found", number=args.number))
    data = detail_to_dict(detail)
    if args.json:
        _print_json(data)
        return 0
    c = detail.case
    print(f"{_v(c.number)}  {t('state.' + c.state)}")
    print(
        f"  {t('cases.col_subject')}: {_v(c.subject_name)} ({_v(c.subject_code)}) · {_v(c.catalogue_version)}"
    )
    print(
        f"  {t('cases.col_applicant')}: {_v(c.applicant_name)}"
        f"  {_v(mask_applicant_id(c.applicant_id_number, c.applicant_kind))}  {_v(mask_phone(c.applicant_phone))}"
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
        label = t("case.reason") if c.state == "refused" else t("case.remarks")
        print(f"  {label}: {_v(c.reason)}")
    print(f"  {t('intake.checklist')}:")
    for m in detail.marks:
        note = f"（{_v(m.note)}）" if m.note else ""
        print(f"    [{_pad(t('status.' + m.status), 4)}] {_v(m.item.name)}{note}")
    print(f"  {t('case.timeline')}:")
    from app.services.sync.actions import timeline

    for e, who, superseded in timeline(ws.store, c.number, detail.events):
        mark = f"  {t('sync.superseded_mark')}" if superseded else ""
        print(f"    {e.at.astimezone():%Y-%m-%d %H:%M:%S}  {t('event.' + e.kind)}  {_v(who)}{mark}")
    for j in detail.jobs:
        print(
            f"    {j.created_at.astimezone():%Y-%m-%d %H:%M:%S}  {t('doc.' + j.doc_kind)}  {t('job.' + j.state)}"
            f"  {_v(j.last_error)}".rstrip()
        )
    return 0


def cmd_case_print(args) -> int:
    """Reprint (补打) a document of a case.

    Exit 0 when every byte left for the printer (已打印 when it confirmed, 已发送 when it
    cannot answer); 3 when it should have confirmed and did not (待确认: check the paper,
    resend from the print queue); 1 when the job stays queued (the window's spool, or
    `yichuang print drain`, retries it).
    """
    from app.services.cases import CaseService
    from app.services.printing import (
        CLI_HOLD,
        DocumentUnavailable,
        PrintSpool,
        check_printer_url,
        reprint,
        write_preview,
    )
    from printing.transport import PrinterError

    if args.doc == "handover":  # the 领取凭证 of a handover at the window (pickup: its alias)
        args.doc = "pickup"
    ws = _workstation(args)
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


def cmd_print_drain(args) -> int:
    """Send every waiting job once; exit 1 if any is left (the window's spool, or the next
    run of this command, retries it)."""
    from app.messages import t
    from app.services.printing import PrintSpool

    ws = _workstation(args)
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
    from app.services.printing import print_test_page
    from printing.transport import PrinterError

    ws = _workstation(args)
    try:
        where, delivery = print_test_page(ws, args.url)
    except PrinterError as exc:
        raise CommandError(t("print.printer_error", error=exc)) from None
    if delivery.outcome == "unconfirmed":
        note = t(f"print.unconfirmed_{delivery.reason}", seconds=ws.config.get("printer.answer_timeout"))
        print(f"yichuang: {t('print.test_unconfirmed', url=where, note=note)}", file=sys.stderr)
        return 3
    print(t("print.test_printed" if delivery.printed else "print.test_sent", url=where))
    return 0
