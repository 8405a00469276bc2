"""`yichuang operator add|list|disable|passwd`: the window's operator accounts.

Once any account exists, add, disable and passwd need the login of the operator who makes the
change (app/cli/common.py: `--operator NAME`, that operator's password first), and the change is
signed with that operator's key, the same signed change the window makes (app.services.operators,
app.domain.accounts): a supervisor or admin manages the office's clerks and couriers, everyone
changes their own password; supervisors and admins are made at the hub. The first account of a
store with none needs no login (the demo).

A password is never an argument (it would stay in the shell's history and in `ps`): it is
read from standard input when that is not a terminal (one line each: the login's password, then
the new one), else asked (the new one twice).
Exit codes: 0 done, 1 refused (message on stderr), 2 usage.
"""

from __future__ import annotations

import sys

from app.domain.roles import ROLES
from app.errors import CommandError
from app.messages import t


def register(sub, add) -> None:
    from app.cli.common import ANY, gate

    ops = sub.add_parser("operator", help=t("cli.operator")).add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    p = add("add", t("cli.operator_add"), cmd_operator_add, ops)
    p.add_argument("name", metavar="NAME", help=t("cli.operator_name"))
    p.add_argument("--role", required=True, choices=ROLES, help=t("cli.operator_role"))
    gate(p, "operators_admin")
    p = add("list", t("cli.operator_list"), cmd_operator_list, ops)
    p.add_argument("--json", action="store_true", help=t("cli.json"))
    p = add("disable", t("cli.operator_disable"), cmd_operator_disable, ops)
    p.add_argument("name", metavar="NAME", help=t("cli.operator_name"))
    gate(p, "operators_admin")
    p = add("passwd", t("cli.operator_passwd"), cmd_operator_passwd, ops)
    p.add_argument("name", metavar="NAME", help=t("cli.operator_name"))
    gate(p, ANY)  # one's own password; others' as app.domain.accounts allows


def read_new_password(stdin=None) -> str:
    """One line from a pipe, or asked twice at a terminal (both must match)."""
    import getpass

    stdin = stdin or sys.stdin
    if not stdin.isatty():
        line = stdin.readline()
        if not line:
            raise CommandError(t("operator.no_password"))
        return line.rstrip("\r\n")
    first = getpass.getpass(t("operator.ask_password"))
    second = getpass.getpass(t("operator.ask_again"))
    if first != second:
        raise CommandError(t("operator.mismatch"))
    return first


def _ws(args):
    from app.services.workstation import open_workstation

    return open_workstation(args.data_dir)


def _login_ws(args):
    from app.cli.common import workstation

    return workstation(args)


def _actor() -> str:
    """Who made the first account of a store without any: the computer's user."""
    import getpass

    try:
        return f"cli:{getpass.getuser()}"[:100]
    except Exception:  # noqa: BLE001  (no user name in a bare container)
        return "cli"


def _run(func, *a, **kw):
    from app.services.operators import OperatorError

    try:
        return func(*a, **kw)
    except OperatorError as exc:
        raise CommandError(str(exc)) from None


def cmd_operator_add(args) -> int:
    from app.services import operators

    name = _run(operators.check_name, args.name)
    password = read_new_password()
    ws = _login_ws(args)
    _run(
        operators.add_operator,
        ws,
        name,
        args.role,
        password,
        actor=getattr(args, "session", None) or _actor(),
    )
    print(t("operator.added", name=_v(name), role=t(f"role.{args.role}")))
    return 0


def _session(args):
    """The login these commands need: there is none only in a store without accounts, where
    there is nobody to change either."""
    if getattr(args, "session", None) is None:
        raise CommandError(t("operator.unknown", name=_v(args.name)))
    return args.session


def cmd_operator_passwd(args) -> int:
    from app.services import operators

    ws = _login_ws(args)
    session = _session(args)
    password = read_new_password()
    _run(operators.set_password, ws, args.name, password, actor=session)
    print(t("operator.password_set", name=_v(args.name)))
    return 0


def cmd_operator_disable(args) -> int:
    from app.services import operators

    ws = _login_ws(args)
    changed = _run(operators.disable_operator, ws, args.name, actor=_session(args))
    print(t("operator.disabled" if changed else "operator.already_disabled", name=_v(args.name)))
    return 0


def cmd_operator_list(args) -> int:
    from app.services import operators

    ws = _ws(args)
    try:
        rows = operators.list_operators(ws)
    finally:
        ws.close()
    if args.json:
        from app.cli.common import print_json

        print_json(rows)
        return 0
    if not rows:
        print(t("operator.none"))
        return 0
    for r in rows:
        state = t("operator.state_disabled") if r["disabled"] else t("operator.state_active")
        if r["locked_until"]:
            state = t("operator.state_locked", until=r["locked_until"])
        sync = t("operator.synced") if r["synced"] else t("operator.not_synced")
        if r["refused"]:
            sync = t("accounts.state_refused", reason=_v(r["refused"]))
        key = "" if r["has_key"] else f"\t{t('accounts.no_key')}"
        print(f"{_v(r['name'])}\t{t('role.' + r['role'])}\t{state}\t{sync}{key}")
    return 0


def _v(text: object) -> str:
    from app.domain.text import visible

    return visible(str(text), single_line=True)
