"""`yichuang hub add-operator / passwd-operator / disable-operator / list-operators`: the
window operators' accounts kept at the hub (issue 8 §1; sync/hub/operator_store.py)."""

from __future__ import annotations

import argparse

from sync.hub.cli_common import fail, msg, open_store


def _new_password() -> str:
    """One line from a pipe, or asked twice at a terminal; never an argument."""
    import getpass
    import sys

    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        if not line:
            raise fail(msg("operator.no_password"))
        return line.rstrip("\r\n")
    first = getpass.getpass(msg("operator.ask_password"))
    if first != getpass.getpass(msg("operator.ask_again")):
        raise fail(msg("operator.mismatch"))
    return first


def _new_key() -> str:
    """The key string of a password typed here (app.domain.accounts): the private half is
    never kept, the operator derives it at a window when logging in."""
    from app.domain.accounts import new_key
    from app.domain.passwords import password_problem

    password = _new_password()
    problem = password_problem(password)
    if problem:
        raise fail(msg({"password.too_short": "password.too_short"}.get(problem, "password.too_simple")))
    return new_key(password)[0]


def cmd_hub_add_operator(args: argparse.Namespace) -> int:
    from app.domain.numbering import validate_office_code
    from sync.hub import operator_store

    office = args.office.strip()
    if office:
        try:
            office = validate_office_code(office)
        except ValueError as exc:
            raise fail(str(exc)) from None
    op_key = _new_key()
    hub = open_store(args)
    try:
        operator_store.add_operator(hub, args.name, args.role, op_key, office)
    except operator_store.OperatorProblem as exc:
        key = {"exists": "operator.exists", "bad_name": "operator.bad_name"}.get(exc.code)
        raise fail(msg(key, name=args.name) if key else exc.reason) from None
    finally:
        hub.close()
    print(msg("operator.added", name=args.name, role=msg(f"role.{args.role}")))
    return 0


def cmd_hub_passwd_operator(args: argparse.Namespace) -> int:
    from sync.hub import operator_store

    op_key = _new_key()
    hub = open_store(args)
    try:
        operator_store.set_password(hub, args.name, op_key)
    except operator_store.OperatorProblem as exc:
        if exc.code == "disabled":
            raise fail(msg("operator.is_disabled", name=args.name)) from None
        raise fail(msg("operator.unknown", name=args.name)) from None
    finally:
        hub.close()
    print(msg("operator.password_set", name=args.name))
    return 0


def cmd_hub_disable_operator(args: argparse.Namespace) -> int:
    from sync.hub import operator_store

    hub = open_store(args)
    try:
        operator_store.disable_operator(hub, args.name)
    except operator_store.OperatorProblem:
        raise fail(msg("operator.unknown", name=args.name)) from None
    finally:
        hub.close()
    print(msg("operator.disabled", name=args.name))
    return 0


def cmd_hub_list_operators(args: argparse.Namespace) -> int:
    import json

    from sync.hub import operator_store

    hub = open_store(args)
    try:
        rows = operator_store.list_operators(hub)
    finally:
        hub.close()
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for r in rows:
        state = msg("operator.state_disabled") if r["disabled"] else msg("operator.state_active")
        key = "" if r["has_key"] else f"\t{msg('accounts.no_key')}"
        print(
            f"{r['name']}\t{msg('role.' + r['role'])}\t{r['office'] or msg('hub.all_offices')}\t{state}{key}"
        )
    return 0
