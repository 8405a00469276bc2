"""`yichuang`: the workstation (no sub-command) and the admin commands.

The commands call the same services as the window and hold no logic of their own.
Exit codes: 0 success, 1 the command failed (message on stderr), 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from app import __version__
from app.errors import CommandError  # noqa: E402  (re-exported for the commands' users)


def _data_dir_option(p: argparse.ArgumentParser, top: bool) -> None:
    p.add_argument(
        "--data-dir",
        metavar="DIR",
        default=None if top else argparse.SUPPRESS,
        help="data directory (default: $YICHUANG_DATA_DIR or the platform's user data dir)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="yichuang", description="一窗: the comprehensive-window workstation"
    )
    parser.add_argument("--version", action="version", version=f"yichuang {__version__}")
    _data_dir_option(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, help: str, func: Callable, parent=sub) -> argparse.ArgumentParser:
        p = parent.add_parser(name, help=help, description=help)
        _data_dir_option(p, top=False)
        p.set_defaults(func=func)
        return p

    add("run", "start the workstation (the default)", cmd_run)

    cfg = sub.add_parser("config", help="read or change settings").add_subparsers(
        dest="action", required=True
    )
    p = add("get", "print a setting (or all with no KEY)", cmd_config_get, cfg)
    p.add_argument("key", nargs="?")
    p = add("set", "change a setting", cmd_config_set, cfg)
    p.add_argument("key")
    p.add_argument("value")

    cat = sub.add_parser("catalog", help="the matter catalogue").add_subparsers(dest="action", required=True)
    p = add(
        "import",
        "validate and install a catalogue file (nothing is installed if any error)",
        cmd_catalog_import,
        cat,
    )
    p.add_argument("file", type=Path)
    p = add("export", "write the active catalogue to a file", cmd_catalog_export, cat)
    p.add_argument("file", type=Path)

    demo = sub.add_parser("demo", help="demo data").add_subparsers(dest="action", required=True)
    p = add("seed", "fill the store with realistic synthetic cases", cmd_demo_seed, demo)
    p.add_argument("--cases", type=int, required=True, metavar="N")
    p.add_argument("--seed", type=int, default=2026, help="random seed (same seed, same cases)")
    p.add_argument("--days", type=int, default=90, help="spread cases over this many past days")

    case = sub.add_parser("case", help="cases").add_subparsers(dest="action", required=True)
    p = add("list", "list cases (newest first)", cmd_case_list, case)
    p.add_argument("--json", action="store_true")
    p.add_argument("--today", action="store_true", help="only today's cases")
    p.add_argument("--find", metavar="TEXT", help="case number, ID number or applicant name")
    p.add_argument("--limit", type=int, default=200)
    p = add("show", "show one case with its timeline", cmd_case_show, case)
    p.add_argument("number")
    p.add_argument("--json", action="store_true")
    p = add("print", "print (or reprint) a document of a case", cmd_case_print, case)
    p.add_argument("number")
    p.add_argument("--doc", choices=["receipt", "notice", "refusal", "pickup", "handover"], default="receipt")
    p.add_argument("--printer", metavar="URL", help="printer URL (default: the configured printer)")
    p.add_argument(
        "--preview",
        metavar="FILE.png",
        type=Path,
        help="write the PNG of what was printed instead of printing",
    )

    prn = sub.add_parser("printer", help="printers").add_subparsers(dest="action", required=True)
    p = add("test", "print a test page", cmd_printer_test, prn)
    p.add_argument("url", nargs="?")
    _register_plugins(sub, add)
    return parser


def _register_plugins(sub, add) -> None:
    """Sub-commands kept beside their code: `sync` (the workstation's) and `hub` (the platform's)."""
    from app.cli_sync import register as register_sync
    from sync.hub.cli import register as register_hub

    register_sync(sub, add)
    register_hub(sub, add)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", cmd_run)
    try:
        return func(args) or 0
    except CommandError as exc:
        print(f"yichuang: {exc}", file=sys.stderr)
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
            print(f"yichuang: {exc}", file=sys.stderr)
            return 1
        raise


# --- helpers -------------------------------------------------------------------------------
def _workstation(args):
    from app.services.workstation import open_workstation

    return open_workstation(args.data_dir)


def _print_json(obj) -> None:
    json.dump(obj, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


# --- commands ------------------------------------------------------------------------------
def cmd_run(args) -> int:
    ws = _workstation(args)
    import os

    from app.ui.app import YichuangApp

    YichuangApp(ws).run(headless=bool(os.environ.get("YICHUANG_HEADLESS")))
    ws.close()
    return 0


def cmd_config_get(args) -> int:
    from app.config import ConfigError, known_keys, load_config, resolve_data_dir

    config = load_config(resolve_data_dir(args.data_dir))
    if args.key is None:
        for key in known_keys():
            print(f"{key} = {config.get(key)}")
        return 0
    try:
        print(config.get(args.key))
    except ConfigError as exc:
        raise CommandError(str(exc)) from None
    return 0


def cmd_config_set(args) -> int:
    from app.config import ConfigError, load_config, resolve_data_dir

    config = load_config(resolve_data_dir(args.data_dir))
    try:
        config.set(args.key, args.value)
    except ConfigError as exc:
        raise CommandError(str(exc)) from None
    config.save()
    return 0


def cmd_catalog_import(args) -> int:
    from app.services.catalogue_files import import_catalogue
    from forms.loader import CatalogueError

    ws = _workstation(args)
    try:
        cat = import_catalogue(ws.config.catalogue_dir, args.file)
    except CatalogueError as exc:
        for issue in exc.issues:
            print(str(issue), file=sys.stderr)
        raise CommandError(f"{len(exc.issues)} error(s); nothing was imported") from None
    print(f"imported catalogue {cat.version}: {len(cat.matters)} matters, {len(cat.bundles)} bundles")
    return 0


def cmd_catalog_export(args) -> int:
    from app.services.catalogue_files import export_catalogue

    ws = _workstation(args)
    try:
        cat = export_catalogue(ws.config.catalogue_dir, args.file)
    except OSError as exc:
        raise CommandError(f"cannot write {args.file}: {exc.strerror or exc}") from None
    print(f"exported catalogue {cat.version} to {args.file}")
    return 0


def cmd_demo_seed(args) -> int:
    from app.services.demo import seed_cases

    if args.cases < 0:
        raise CommandError("--cases must be 0 or more")
    ws = _workstation(args)
    done = seed_cases(
        ws,
        args.cases,
        seed=args.seed,
        days=args.days,
        progress=lambda n: print(f"  {n} cases", file=sys.stderr) if n % 100_000 == 0 else None,
    )
    print(f"seeded {done} cases")
    return 0


def cmd_case_list(args) -> int:
    from app.messages import t
    from app.services.cases import CaseService, case_to_dict

    if args.limit < 1:
        raise CommandError("--limit must be 1 or more")
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
                    _pad(c.applicant_name, 24),
                    _pad(c.subject_name, 30),
                    due,
                )
            )
        )
    return 0


def _pad(text: str, width: int) -> str:
    """Pad to `width` terminal columns (CJK characters take two)."""
    from printing.text import pad_right

    return pad_right(text, width)


def cmd_case_show(args) -> int:
    from app.messages import t
    from app.services.cases import CaseService, detail_to_dict

    ws = _workstation(args)
    detail = CaseService(ws).detail(args.number)
    if detail is None:
        from app.domain.numbering import parse_case_number

        try:
            parse_case_number(args.number)
        except ValueError as exc:  # not even a case number: say what is wrong with it
            raise CommandError(f"{args.number}: {exc}") from None
        raise CommandError(t("case.not_found", number=args.number))
    data = detail_to_dict(detail)
    if args.json:
        _print_json(data)
        return 0
    c = detail.case
    print(f"{c.number}  {t('state.' + c.state)}")
    print(f"  {t('cases.col_subject')}: {c.subject_name} ({c.subject_code}) · {c.catalogue_version}")
    print(f"  {t('cases.col_applicant')}: {c.applicant_name}  {c.applicant_id_number}  {c.applicant_phone}")
    if c.due_date:
        print(
            "  "
            + t(
                "result.due",
                date=c.due_date.isoformat(),
                provisional=t("result.provisional") if c.due_provisional else "",
            )
        )
    if c.reason:
        label = t("case.reason") if c.state == "refused" else t("case.remarks")
        print(f"  {label}: {c.reason}")
    print(f"  {t('intake.checklist')}:")
    for m in detail.marks:
        note = f"（{m.note}）" if m.note else ""
        print(f"    [{_pad(t('status.' + m.status), 4)}] {m.item.name}{note}")
    print(f"  {t('case.timeline')}:")
    from app.services.sync.actions import timeline

    for e, who, superseded in timeline(ws.store, c.number, detail.events):
        mark = f"  {t('sync.superseded_mark')}" if superseded else ""
        print(f"    {e.at.astimezone():%Y-%m-%d %H:%M:%S}  {t('event.' + e.kind)}  {who}{mark}")
    for j in detail.jobs:
        print(
            f"    {j.created_at.astimezone():%Y-%m-%d %H:%M:%S}  {t('doc.' + j.doc_kind)}  {j.state}"
            f"  {j.last_error}".rstrip()
        )
    return 0


def cmd_case_print(args) -> int:
    """Reprint (补打) a document of a case; exit 0 only when the printer took every byte.

    On failure the job stays in the print queue, where the workstation retries it.
    """
    from app.messages import t
    from app.services.cases import CaseService
    from app.services.printing import (
        CLI_HOLD,
        SEND_TIMEOUT,
        DocumentUnavailable,
        PrintSpool,
        check_printer_url,
        reprint,
        write_preview,
    )
    from printing.transport import PrinterError

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
                raise CommandError(f"{args.preview}: {exc.strerror or exc}") from None
            print(t("print.preview_written", path=args.preview) + ("" if job else t("print.preview_fresh")))
            return 0
        job = reprint(ws, args.number, args.doc, printer_url=args.printer, hold=CLI_HOLD)
    except DocumentUnavailable as exc:
        raise CommandError(str(exc)) from None
    spool = PrintSpool(ws)
    result = spool.send(job.job_id)
    if not result.attempted and result.state == "sending":  # the workstation took it: wait
        result = spool.wait(job.job_id, SEND_TIMEOUT + 5)
    if not result.ok:
        raise CommandError(
            t("print.not_printed", error=result.error or t("job." + result.state), job=job.job_id)
        )
    case = CaseService(ws).get(args.number)
    print(
        t(
            "print.printed",
            doc=t("doc." + args.doc),
            number=case.number if case else args.number,
            job=job.job_id,
        )
    )
    return 0


def cmd_printer_test(args) -> int:
    from app.messages import t
    from app.services.printing import print_test_page
    from printing.transport import PrinterError

    ws = _workstation(args)
    try:
        where = print_test_page(ws, args.url)
    except PrinterError as exc:
        raise CommandError(t("print.printer_error", error=exc)) from None
    print(t("print.test_sent", url=where))
    return 0
