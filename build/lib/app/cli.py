"""`yichuang`: the workstation (no sub-command) and the admin commands.

The commands call the same services as the window and hold no logic of their own.
Exit codes: 0 success, 1 the command failed (message on stderr), 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Callable, Sequence

from app import __version__


class CommandError(Exception):
    """A failure to report on stderr with exit code 1."""


def _data_dir_option(p: argparse.ArgumentParser, top: bool) -> None:
    p.add_argument(
        "--data-dir", metavar="DIR", default=None if top else argparse.SUPPRESS,
        help="data directory (default: $YICHUANG_DATA_DIR or the platform's user data dir)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="yichuang", description="一窗: the comprehensive-window workstation")
    parser.add_argument("--version", action="version", version=f"yichuang {__version__}")
    _data_dir_option(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, help: str, func: Callable, parent=sub) -> argparse.ArgumentParser:
        p = parent.add_parser(name, help=help, description=help)
        _data_dir_option(p, top=False)
        p.set_defaults(func=func)
        return p

    add("run", "start the workstation (the default)", cmd_run)

    cfg = sub.add_parser("config", help="read or change settings").add_subparsers(dest="action", required=True)
    p = add("get", "print a setting (or all with no KEY)", cmd_config_get, cfg)
    p.add_argument("key", nargs="?")
    p = add("set", "change a setting", cmd_config_set, cfg)
    p.add_argument("key")
    p.add_argument("value")

    cat = sub.add_parser("catalog", help="the matter catalogue").add_subparsers(dest="action", required=True)
    p = add("import", "validate and install a catalogue file (nothing is installed if any error)", cmd_catalog_import, cat)
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
    p.add_argument("--printer", metavar="URL")

    prn = sub.add_parser("printer", help="printers").add_subparsers(dest="action", required=True)
    p = add("test", "print a test page", cmd_printer_test, prn)
    p.add_argument("url", nargs="?")
    _register_plugins(sub, add)
    return parser


def _register_plugins(sub, add) -> None:
    """Sub-commands owned by other packages (sync/: `sync`, `hub`), if present."""
    try:
        from sync.cli import register
    except ImportError:
        return
    register(sub, add)


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
    from app.ui.app import YichuangApp

    import os

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
    done = seed_cases(ws, args.cases, seed=args.seed, days=args.days,
                      progress=lambda n: print(f"  {n} cases", file=sys.stderr) if n % 100_000 == 0 else None)
    print(f"seeded {done} cases")
    return 0


def cmd_case_list(args) -> int:
    from app.services.cases import CaseService, case_to_dict

    ws = _workstation(args)
    svc = CaseService(ws)
    day = ws.today() if args.today else None
    cases = svc.find(args.find, day=day, limit=args.limit) if args.find else svc.list(day=day, limit=args.limit)
    if args.json:
        _print_json([case_to_dict(c) for c in cases])
        return 0
    from app.messages import t

    for c in cases:
        due = f"{c.due_date}{'*' if c.due_provisional else ''}" if c.due_date else "-"
        print(f"{c.number}  {t('state.' + c.state):<6}  {c.applicant_name}  {c.subject_name}  {due}")
    return 0


def cmd_case_show(args) -> int:
    from app.messages import t
    from app.services.cases import CaseService, detail_to_dict

    ws = _workstation(args)
    detail = CaseService(ws).detail(args.number)
    if detail is None:
        raise CommandError(t("case.not_found", number=args.number))
    data = detail_to_dict(detail)
    if args.json:
        _print_json(data)
        return 0
    c = detail.case
    print(f"{c.number}  {t('state.' + c.state)}")
    print(f"  {c.subject_name} ({c.subject_code}), catalogue {c.catalogue_version}")
    print(f"  {c.applicant_name}  {c.applicant_id_number}  {c.applicant_phone}")
    if c.due_date:
        print(f"  accepted {c.accepted_on}, due {c.due_date}{' (provisional)' if c.due_provisional else ''}")
    if c.reason:
        print(f"  reason: {c.reason}")
    for m in detail.marks:
        print(f"  [{m.status:9}] {m.item.name}")
    for e in detail.events:
        print(f"  {e.at:%Y-%m-%d %H:%M:%S}  {e.kind}  {e.actor}@{e.workstation_id}")
    for j in detail.jobs:
        print(f"  print {j.doc_kind} {j.state} ({j.attempts} attempts) {j.last_error}")
    return 0


def cmd_case_print(args) -> int:
    from app.messages import t
    from app.services.cases import CaseService
    from app.services.printing import PrintSpool, queue_case_document

    ws = _workstation(args)
    case = CaseService(ws).get(args.number)
    if case is None:
        raise CommandError(t("case.not_found", number=args.number))
    with ws.store.write() as s:
        job = queue_case_document(ws, s, case, args.doc, reprint=True, printer_url=args.printer)
    result = PrintSpool(ws).send(job.job_id)
    if not result.ok:
        raise CommandError(f"printer: {result.error} (the job is queued and will be retried by the workstation)")
    print(f"printed {args.doc} of {case.number} ({job.job_id})")
    return 0


def cmd_printer_test(args) -> int:
    from app.services.printing import print_test_page

    ws = _workstation(args)
    try:
        where = print_test_page(ws, args.url)
    except Exception as exc:
        from printing.transport import PrinterError

        if isinstance(exc, PrinterError):
            raise CommandError(f"printer: {exc}") from None
        raise
    print(f"test page sent to {where}")
    return 0
