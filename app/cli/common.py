"""The command line's login (issue 16 §4): a shell on the window PC is not a login.

A command that changes accounts or settings, shows full personal data or exports it is marked
with ``gate(parser, action)`` where it is registered. Once any operator account exists in the
store, app.cli.main runs ``require_login`` before it: the operator's name comes from
``--operator NAME`` (or is asked at a terminal), the password from the first line of standard
input (or asked at the terminal without echo; never an argument), checked by the window's own
login with its lockout (app.services.operators.login), and the command runs only if that
operator's role may do ``action`` (app.domain.roles). The session (its key signs account
changes) is handed to the command as ``args.session`` and becomes the workstation's acting
operator. A store with no accounts (the demo) stays open: ``args.session`` is None.

The gated commands (README "Command line" says the same):

    config set, catalog import, db encrypt, backup, restore, demo seed   settings (admin)
    stats, export cases                                                  supervisor_view
    sync export-bundle                                                   sync
    followup close                                                       followup_close
    operator add, operator disable                                       operators_admin
    operator passwd                      any operator (their own; others' by app.domain.accounts)
"""

from __future__ import annotations

import json
import re
import sys

from app.errors import CommandError
from app.messages import t

ANY = "*"  # any logged-in operator; the service's own rule decides the rest


def gate(p, action: str, *, unreadable_store_ok: bool = False) -> None:
    """Mark the command `p` as needing a login of an operator allowed to `action` (ANY: any).
    `unreadable_store_ok`: `restore`, the cure for a store that cannot be read (where no login
    can be checked); it goes on without one there, as it would after the file was moved away."""
    p.add_argument("--operator", metavar="NAME", default=None, help=t("cli_login.option"))
    p.set_defaults(login_action=action, login_unreadable_ok=unreadable_store_ok)
    p.epilog = (
        t("cli_login.epilog_any") if action == ANY else t("cli_login.epilog", action=t(f"action.{action}"))
    )


def _read_name(args) -> str:
    if args.operator:
        return args.operator
    if not sys.stdin.isatty():
        raise CommandError(t("cli_login.need_operator"))
    return input(t("cli_login.ask_name")).strip()


def _read_password(name: str) -> str:
    """The first line of standard input, or asked at the terminal without echo."""
    from app.domain.text import visible

    if sys.stdin.isatty():
        import getpass

        return getpass.getpass(t("cli_login.ask_password", name=visible(name, single_line=True)))
    line = sys.stdin.readline()
    if not line:
        raise CommandError(t("cli_login.no_password", name=visible(name, single_line=True)))
    return line.rstrip("\r\n")


def require_login(args, ws):
    """The logged-in operator (app.services.operators.Session) the command `args` runs for, or
    None in a store without accounts; CommandError when there is no login, a wrong password, a
    lock, or a role that may not do the command's action."""
    from app.domain.masking import register_secret
    from app.domain.text import visible
    from app.services.operators import OperatorError, accounts_of, login

    action = getattr(args, "login_action", None)
    if action is None:
        return None
    found = accounts_of(ws)
    if found == "none" or (found == "unknown" and getattr(args, "login_unreadable_ok", False)):
        return None
    if found == "unknown":  # fail closed: a store that cannot be read is never the demo
        ws.store  # noqa: B018  (opening it says why it cannot be read)
    name = _read_name(args)
    password = _read_password(name)
    register_secret(password)  # masked in anything this process writes out
    try:
        session = login(ws, name, password)
    except OperatorError as exc:
        raise CommandError(str(exc)) from None
    if action != ANY and not session.may(action):
        raise CommandError(
            t(
                "cli_login.not_allowed",
                name=visible(session.name, single_line=True),
                role=t(f"role.{session.role}"),
                action=t(f"action.{action}"),
            )
        )
    return session


def check(args) -> None:
    """app.cli.main's step before a gated command: `args.session` is the login (None: the
    demo), `args.login_ws` the workstation it was checked on (the command goes on with it:
    an encrypted store's passphrase is asked once)."""
    if getattr(args, "login_action", None) is None:
        return
    from app.services.workstation import open_workstation

    ws = open_workstation(args.data_dir)
    try:
        args.session = require_login(args, ws)
    except BaseException:
        ws.close()
        raise
    args.login_ws = ws


def workstation(args):
    """The gated command's workstation: the one its login was checked on, with the logged-in
    operator as its acting operator (the actor of what it writes)."""
    ws = getattr(args, "login_ws", None)
    if ws is None:
        from app.services.workstation import open_workstation

        ws = args.login_ws = open_workstation(args.data_dir)
    session = getattr(args, "session", None)
    if session is not None:
        ws.operator = session
    return ws


def close(args) -> None:
    ws = getattr(args, "login_ws", None)
    if ws is not None:
        ws.close()


# --- output and the store, shared by every command module --------------------------------
def open_ws(args):
    if getattr(args, "login_action", None) is not None:  # the one its login was checked on
        return workstation(args)
    from app.services.workstation import open_workstation

    return open_workstation(args.data_dir)


def hold_store(ws):
    """The store's lock, shared, for a window's whole life (issue 18): an idle window still
    has the store open, and `restore` or `db encrypt` must wait until it is closed."""
    from app.store.lock import StoreBusy, share

    try:
        return share(ws.config.db_path)
    except StoreBusy as exc:
        raise CommandError(str(exc)) from None


def print_json(obj) -> None:
    # json escapes C0 controls itself; C1 controls, DEL and format characters (bidi overrides)
    # it leaves raw with ensure_ascii=False: escape them too, the JSON value stays exact.
    text = json.dumps(obj, ensure_ascii=False, indent=2)
    sys.stdout.write(_JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


_JSON_RAW = re.compile("[\x7f-\x9f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]")


def shown(text: object) -> str:
    """Stored text for the terminal: shown, never obeyed (no control or escape sequences)."""
    from app.domain.text import visible

    return visible(str(text))


def cell(text: object, width: int) -> str:
    """A one-line table cell of stored text in exactly `width` terminal columns."""
    from app.domain.text import visible

    return pad(cut(visible(str(text), single_line=True), width), width)


def cut(text: str, width: int) -> str:
    """At most `width` terminal columns: a longer text is cut and ends in an ellipsis, so the
    columns after it stay in line (the JSON output keeps every character)."""
    from rich.cells import cell_len, set_cell_size

    if cell_len(text) <= width:
        return text
    return set_cell_size(text, width - 1).rstrip() + "…"


def pad(text: str, width: int) -> str:
    """Pad to `width` terminal columns.

    A terminal's width, not the printer's: wide CJK characters take two columns, East Asian
    ambiguous ones such as the middle dot in 买买提·艾力 take one (as terminals show them).
    """
    from rich.cells import cell_len

    return text + " " * max(0, width - cell_len(text))
