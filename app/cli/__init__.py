"""`yichuang`: the workstation (no sub-command) and the admin commands.

The commands call the same services as the window and hold no logic of their own.
Exit codes: 0 success, 1 the command failed (message on stderr), 2 usage error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from app.errors import CommandError  # noqa: E402  (re-exported for the commands' users)
from app.messages import t


def _data_dir_option(p: argparse.ArgumentParser, top: bool) -> None:
    p.add_argument(
        "--data-dir",
        metavar="DIR",
        default=None if top else argparse.SUPPRESS,
        help=t("cli.data_dir"),
    )


class _VersionAction(argparse.Action):
    """`--version`: the version, the commit and the build date (git is asked only here)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        from app.build_info import build_info

        print(build_info().line())
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    from app.cli import cases, config, printing  # the commands kept beside their kin
    from app.cli.common import gate  # commands that need an operator's login once accounts exist

    parser = argparse.ArgumentParser(prog="yichuang", description=t("cli.description"))
    parser.add_argument("--version", action=_VersionAction, help=t("cli.version"))
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
    p = add("get", t("cli.config_get"), config.cmd_config_get, cfg)
    p.add_argument("key", nargs="?", metavar="KEY", help=t("cli.config_key"))
    p = add("set", t("cli.config_set"), config.cmd_config_set, cfg)
    p.add_argument("key", metavar="KEY", help=t("cli.config_key"))
    p.add_argument("value", metavar="VALUE", help=t("cli.config_value"))
    gate(p, "settings")

    cat = sub.add_parser("catalog", help=t("cli.catalog")).add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    p = add("import", t("cli.catalog_import"), config.cmd_catalog_import, cat)
    p.add_argument("file", type=Path, metavar="FILE", help=t("cli.catalog_file"))
    gate(p, "settings")
    p = add("export", t("cli.catalog_export"), config.cmd_catalog_export, cat)
    p.add_argument("file", type=Path, metavar="FILE", help=t("cli.catalog_file"))

    demo = sub.add_parser("demo", help=t("cli.demo")).add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    p = add("seed", t("cli.demo_seed"), config.cmd_demo_seed, demo)
    p.add_argument("--cases", type=int, required=True, metavar="N", help=t("cli.demo_cases"))
    p.add_argument("--seed", type=int, default=2026, help=t("cli.demo_random_seed"))
    p.add_argument("--days", type=int, default=90, help=t("cli.demo_days"))
    gate(p, "settings")  # synthetic cases in a store that has accounts: the admin's call

    case = sub.add_parser("case", help=t("cli.case")).add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    p = add("list", t("cli.case_list"), cases.cmd_case_list, case)
    p.add_argument("--json", action="store_true", help=t("cli.json"))
    p.add_argument("--today", action="store_true", help=t("cli.case_today"))
    p.add_argument("--find", metavar="TEXT", help=t("cli.case_find"))
    p.add_argument("--limit", type=int, default=200, metavar="N", help=t("cli.case_limit"))
    p = add("show", t("cli.case_show"), cases.cmd_case_show, case)
    p.add_argument("number", metavar="NUMBER", help=t("cli.case_number"))
    p.add_argument("--json", action="store_true", help=t("cli.json"))
    p = add("print", t("cli.case_print"), cases.cmd_case_print, case)
    p.add_argument("number", metavar="NUMBER", help=t("cli.case_number"))
    p.add_argument(
        "--doc",
        choices=["receipt", "notice", "refusal", "pickup", "handover"],
        default="receipt",
        help=t("cli.case_doc"),
    )
    p.add_argument("--printer", metavar="URL", help=t("cli.printer_url"))
    p.add_argument("--preview", metavar="FILE.png", type=Path, help=t("cli.case_preview"))
    from app.cli.handover import register as register_handover

    register_handover(case, add)  # `case handover` (统一窗口出件)

    queue = sub.add_parser("print", help=t("cli.print_queue")).add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    add("drain", t("cli.print_drain"), printing.cmd_print_drain, queue)

    prn = sub.add_parser("printer", help=t("cli.printer")).add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    p = add("test", t("cli.printer_test"), printing.cmd_printer_test, prn)
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
    from app.cli.audit import register as register_audit
    from app.cli.backup import register as register_backup
    from app.cli.courier import register as register_courier
    from app.cli.db import register as register_db
    from app.cli.doctor import register as register_doctor
    from app.cli.evaluation import register as register_evaluation
    from app.cli.idcard import register as register_idcard
    from app.cli.keys import register as register_keys
    from app.cli.operators import register as register_operators
    from app.cli.stats import register as register_stats
    from app.cli.sync import register as register_sync
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
    register_idcard(sub, add)


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
    from app.store.lock import set_role

    set_role(_process_role(func))  # named to whoever finds the store in use (app.store.lock)
    from app.crashlog import install_log_redaction
    from app.domain.masking import redact

    install_log_redaction()
    try:
        if getattr(args, "login_action", None) is not None:
            from app.cli.common import check

            check(args)  # a shell is not a login: app/cli/common.py
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
        from app.store.db import StoreError, is_damaged

        if is_damaged(exc):  # what it is and what to do, not SQLAlchemy's traceback
            print(f"yichuang: {redact(_damaged_store_message(args))}", file=sys.stderr)
            return 1
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
def _process_role(func) -> str:
    """What this process is, for `restore` or `db encrypt` refusing while it has the store open."""
    name = getattr(func, "__name__", "")
    if name == "cmd_run":
        return "window"
    if name == "cmd_courier":
        return "courier"
    return " ".join(["yichuang", *name.removeprefix("cmd_").split("_")]).strip()


def _damaged_store_message(args) -> str:
    """Issue 18: the damaged store named, with the restore command of the latest backup."""
    from app.config import load_config, resolve_data_dir
    from app.services.backup import backup_dir, latest_backup

    data_dir = resolve_data_dir(getattr(args, "data_dir", None))
    try:
        folder = backup_dir(load_config(data_dir, create=False))
    except Exception:  # the settings may be damaged too: the default folder then
        folder = data_dir / "backups"
    where = f" --data-dir {data_dir}" if getattr(args, "data_dir", None) else ""
    newest = latest_backup(folder)
    path = data_dir / "yichuang.db"
    if newest is None:
        return t("store.damaged_no_backup", path=path, folder=folder, where=where)
    return t("store.damaged", path=path, command=f"yichuang restore {newest}{where}")


# --- commands ------------------------------------------------------------------------------
def cmd_run(args) -> int:
    import gc
    import os

    # Start-up only builds objects, and the cycle collector scanning them took a sixth of
    # the time to the clerk's first answer; the app enables it again once that is shown.
    gc.disable()
    from app.cli.common import open_ws

    ws = open_ws(args)
    if ws.config.get("store.encrypted"):
        _unlock_store(ws)  # in the terminal, before the window takes it over
    from app.cli.common import hold_store

    lock = hold_store(ws)  # from start to end, idle or not: restore waits for the window to close

    from app.crashlog import run_app
    from app.ui.app import YichuangApp

    try:
        return run_app(
            YichuangApp(ws), ws.config.data_dir, headless=bool(os.environ.get("YICHUANG_HEADLESS"))
        )
    finally:
        ws.close()
        lock.unshare()


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
    from app.cli import scans as cli_scans  # `yichuang scans …` (kept beside its code, loaded when used)

    return cli_scans.run(args)
