"""`yichuang hub …`: the county or provincial platform's commands (registered by app.cli).

The hub imports the domain and its own store, never a workstation module.
Only argparse is imported here at module level: every `yichuang` start pays for this file.
"""

from __future__ import annotations

import argparse

from sync.hub.cli_common import ENV_UPSTREAM_TOKEN, RefusedSecret, db_url, fail, hub_dir, msg, open_store
from sync.hub.cli_operators import (
    cmd_hub_add_operator,
    cmd_hub_disable_operator,
    cmd_hub_list_operators,
    cmd_hub_passwd_operator,
)


def register(sub, add) -> None:
    m = msg
    hub = sub.add_parser("hub", help=m("hub.help"), description=m("hub.help")).add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    q = add("serve", m("hub.help_serve"), cmd_hub_serve, hub)
    q.add_argument("--host", default="127.0.0.1", help=m("hub.help_host"))
    q.add_argument("--port", type=int, default=8470, help=m("hub.help_port"))
    q.add_argument("--db", metavar="URL", type=db_url, help=m("hub.help_db"))
    q.add_argument("--upstream", metavar="URL", default="", help=m("hub.help_upstream"))
    q.add_argument(
        "--upstream-token-file",
        metavar="PATH",
        default="",
        help=m("hub.help_upstream_token_file", env=ENV_UPSTREAM_TOKEN),
    )
    # refused with a message, never used: a command line is every local user's to read (ps)
    q.add_argument("--upstream-token", action=RefusedSecret, help=argparse.SUPPRESS)
    q.add_argument("--tls-cert", metavar="PEM", help=m("hub.help_tls_cert"))
    q.add_argument("--tls-key", metavar="PEM", help=m("hub.help_tls_key"))
    q.add_argument("--workers", type=int, default=1, metavar="N", help=m("hub.help_workers"))
    q = add("add-token", m("hub.help_add_token"), cmd_hub_add_token, hub)
    q.add_argument(
        "--role", choices=["workstation", "backoffice", "hub"], required=True, help=m("hub.help_token_role")
    )
    q.add_argument("--office", default="", help=m("hub.help_token_office"))
    q.add_argument("--workstation", default="", help=m("hub.help_token_workstation"))
    q.add_argument("--name", default="", help=m("hub.help_token_name"))
    q.add_argument("--replace", action="store_true", help=m("hub.help_token_replace"))
    q.add_argument("--expires", type=int, metavar="DAYS", help=m("hub.help_token_expires"))
    q.add_argument(
        "--public-key", action="append", default=[], metavar="B64", help=m("hub.help_token_public_key")
    )
    _db(q)
    q = add("set-key", m("hub.help_set_key"), cmd_hub_set_key, hub)
    q.add_argument("id", metavar="ID", help=m("hub.help_set_key_id"))
    q.add_argument(
        "--public-key", action="append", required=True, metavar="B64", help=m("hub.help_set_key_public_key")
    )
    _db(q)
    q = add("list-tokens", m("hub.help_list_tokens"), cmd_hub_list_tokens, hub)
    q.add_argument("--json", action="store_true", help=m("hub.help_json"))
    _db(q)
    q = add("revoke-token", m("hub.help_revoke_token"), cmd_hub_revoke_token, hub)
    q.add_argument("id", metavar="ID", help=m("hub.help_revoke_id"))
    _db(q)
    q = add("add-user", m("hub.help_add_user"), cmd_hub_add_user, hub)
    q.add_argument("name", metavar="NAME", help=m("hub.help_user_name"))
    q.add_argument("--role", choices=["backoffice", "admin"], required=True, help=m("hub.help_user_role"))
    q.add_argument(
        "--department", action="append", default=[], metavar="CODE", help=m("hub.help_user_department")
    )
    _db(q)
    q = add("unlock-user", m("hub.help_unlock_user"), cmd_hub_unlock_user, hub)
    q.add_argument("name", metavar="NAME", help=m("hub.help_user_name"))
    _db(q)
    q = add("release-address", m("hub.help_release_address"), cmd_hub_release_address, hub)
    q.add_argument("address", metavar="ADDRESS", help=m("hub.help_address"))
    _db(q)
    q = add("import-bundle", m("hub.help_import_bundle"), cmd_hub_import_bundle, hub)
    q.add_argument("file", metavar="FILE", help=m("hub.help_bundle_file"))
    _db(q)
    q = add("bundle-key", m("hub.help_bundle_key"), cmd_hub_bundle_key, hub)
    q = add("publish-catalogue", m("hub.help_publish_catalogue"), cmd_hub_publish_catalogue, hub)
    q.add_argument("file", metavar="FILE", help=m("hub.help_catalogue_file"))
    _db(q)
    q = add("publish-calendar", m("hub.help_publish_calendar"), cmd_hub_publish_calendar, hub)
    q.add_argument("file", metavar="FILE", help=m("hub.help_calendar_file"))
    _db(q)
    q = add("add-operator", m("hub.help_add_operator"), cmd_hub_add_operator, hub)
    q.add_argument("name", metavar="NAME", help=m("hub.help_operator_name"))
    q.add_argument(
        "--role",
        required=True,
        choices=["clerk", "courier", "supervisor", "admin"],
        help=m("hub.help_operator_role"),
    )
    q.add_argument("--office", default="", help=m("hub.help_operator_office"))
    _db(q)
    q = add("passwd-operator", m("hub.help_passwd_operator"), cmd_hub_passwd_operator, hub)
    q.add_argument("name", metavar="NAME", help=m("hub.help_operator_name"))
    _db(q)
    q = add("disable-operator", m("hub.help_disable_operator"), cmd_hub_disable_operator, hub)
    q.add_argument("name", metavar="NAME", help=m("hub.help_operator_name"))
    _db(q)
    q = add("list-operators", m("hub.help_list_operators"), cmd_hub_list_operators, hub)
    q.add_argument("--json", action="store_true", help=m("hub.help_json"))
    _db(q)


def _db(q: argparse.ArgumentParser) -> None:
    q.add_argument("--db", metavar="URL", type=db_url, help=msg("hub.help_db"))


def upstream_token(args: argparse.Namespace) -> str:
    """The upstream hub's token, from ``--upstream-token-file`` (a file only this user can read)
    or the environment. The variable is taken out of this process's environment once read, so
    nothing the hub might start inherits the county's key to the province."""
    import os

    from app.domain.masking import register_secret
    from app.domain.secret_input import SecretInputError, read_private_file

    from_env = os.environ.pop(ENV_UPSTREAM_TOKEN, "").strip()
    register_secret(from_env)
    if args.upstream_token_file and from_env:
        raise fail(msg("secret.upstream_token_twice"))
    token = from_env
    if args.upstream_token_file:
        try:
            token = read_private_file(args.upstream_token_file)
        except SecretInputError as exc:
            raise fail(exc.text) from None
    if args.upstream and not token:
        raise fail(msg("hub.upstream_token"))
    register_secret(token)  # masked in the hub's logs and tracebacks like hub.token
    return token


def cmd_hub_serve(args: argparse.Namespace) -> int:
    from sync.hub.serve import serve

    if not 1 <= args.workers <= 64:
        raise fail(msg("hub.workers_bad"))
    data_dir = hub_dir(args)
    if args.workers > 1:  # refused before anything is made: SQLite is one process's database
        from sync.hub.store import configured_url

        url = args.db or configured_url(data_dir) or ""
        if not url.startswith("postgresql"):
            raise fail(msg("hub.workers_need_postgres", n=args.workers))
        import sys

        if not sys.platform.startswith("linux"):  # elsewhere SO_REUSEPORT does not spread connections
            raise fail(msg("hub.workers_no_reuseport"))
    token = upstream_token(args)
    if bool(args.tls_cert) != bool(args.tls_key):
        raise fail(msg("hub.tls_pair"))
    serve(
        data_dir,
        args.host,
        args.port,
        args.db,
        args.upstream,
        token,
        tls=(args.tls_cert, args.tls_key) if args.tls_cert else None,
        workers=args.workers,
    )
    return 0


def _scope(role: str, office: str, ws: str) -> str:
    return f"{office}/{ws}" if role == "workstation" else (office or msg("hub.all_offices"))


def cmd_hub_add_token(args: argparse.Namespace) -> int:
    from app.domain.numbering import validate_office_code, validate_workstation_id
    from sync.hub.receipts import KeyRefused, parse_key
    from sync.hub.tokens import TokenExists

    office, wsid = args.office.strip(), args.workstation.strip()
    try:
        if args.role == "workstation":
            if not office or not wsid:
                raise ValueError(msg("hub.ws_needs"))
            office, wsid = validate_office_code(office), validate_workstation_id(wsid)
        elif args.role == "hub":
            if not (office.isdigit() and 2 <= len(office) <= 9):
                raise ValueError(msg("hub.hub_needs"))
            wsid = ""
        else:
            wsid = ""
    except ValueError as exc:
        raise fail(str(exc)) from None
    if args.expires is not None and not 1 <= args.expires <= 36500:
        raise fail(msg("hub.bad_expiry"))
    keys = [k.strip() for k in args.public_key if k.strip()]
    if keys and args.role != "workstation":
        raise fail(msg("keys.only_workstation"))
    try:
        for k in keys:
            parse_key(k)
    except KeyRefused as exc:
        raise fail(msg("hub.bad_public_key") + f"（{exc}）") from None
    hub = open_store(args)
    try:
        before = {r["id"] for r in hub.list_tokens() if not r["revoked"]}
        token = hub.add_token(
            args.role,
            office,
            wsid,
            args.name.strip(),
            public_key=keys,
            expires_days=args.expires,
            replace=args.replace,
        )
        after = {r["id"]: r for r in hub.list_tokens()}
    except TokenExists as exc:
        raise fail(msg("hub.token_exists", scope=f"{exc.office}/{exc.ws}", ids=", ".join(exc.ids))) from None
    finally:
        hub.close()
    revoked = sorted(i for i in before if after[i]["revoked"])
    if revoked:
        print(msg("hub.token_replaces", ids=", ".join(revoked)))
    from sync.hub.principal import hash_token

    mine = after[hash_token(token)[:16]]
    if mine["expires"]:
        print(msg("hub.token_expires", when=mine["expires"]))
    for k in mine["keys"]:
        print(msg("keys.bound", id=mine["id"], alg=k["alg"], kid=k["key_id"]))
    print(msg("hub.token_new", role=msg(f"hub.role_{args.role}"), scope=_scope(args.role, office, wsid)))
    print(token)
    return 0


def cmd_hub_set_key(args: argparse.Namespace) -> int:
    from sync.hub.receipts import KeyRefused

    hub = open_store(args)
    try:
        out = hub.set_keys(args.id, args.public_key)
    except KeyRefused as exc:
        raise fail(str(exc)) from None
    except ValueError:
        raise fail(msg("hub.revoke_bad_id")) from None
    except LookupError as exc:
        n = exc.args[0]
        raise fail(
            msg("hub.revoke_none", id=args.id) if n == 0 else msg("hub.revoke_many", id=args.id, n=n)
        ) from None
    finally:
        hub.close()
    for k in out["keys"]:
        print(
            msg(
                "keys.bound_scope",
                id=out["id"],
                scope=f"{out['office']}/{out['workstation']}",
                alg=k["alg"],
                kid=k["key_id"],
            )
        )
    return 0


def _keys_cell(keys: list[dict]) -> str:
    """A token's keys in one cell: ``ed25519:KEYID sm2:KEYID``, unconfirmed ones marked."""
    return " ".join(
        f"{k['alg']}:{k['key_id']}" + ("" if k["trusted"] else msg("keys.unconfirmed_mark")) for k in keys
    )


def cmd_hub_list_tokens(args: argparse.Namespace) -> int:
    import json

    hub = open_store(args)
    try:
        rows = hub.list_tokens()
    finally:
        hub.close()
    for r in rows:
        r["status"] = "revoked" if r["revoked"] else ("expired" if r["expired"] else "live")
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    if not rows:
        print(msg("hub.tokens_none"))
        return 0
    cols = ("id", "role", "scope", "created", "last_used", "expires", "status", "keys")
    head = [msg(f"hub.col_{c}") for c in cols]
    table = [head] + [
        [
            r["id"],
            msg(f"hub.role_{r['role']}"),
            _scope(r["role"], r["office"], r["workstation"]) + (f" {r['name']}" if r["name"] else ""),
            r["created"][:16],
            r["last_used"][:16] or msg("hub.never"),
            r["expires"][:16] or msg("hub.never"),
            msg(f"hub.status_{r['status']}") + (f" {r['revoked'][:16]}" if r["revoked"] else ""),
            _keys_cell(r["keys"]) or "-",
        ]
        for r in rows
    ]
    from printing.text import str_width as display_width  # CJK columns are two wide

    widths = [max(display_width(row[i]) for row in table) for i in range(len(head))]
    for row in table:
        print("  ".join(cell + " " * (w - display_width(cell)) for cell, w in zip(row, widths)).rstrip())
    return 0


def cmd_hub_revoke_token(args: argparse.Namespace) -> int:
    hub = open_store(args)
    try:
        out = hub.revoke_token(args.id)
    except ValueError:
        raise fail(msg("hub.revoke_bad_id")) from None
    except LookupError as exc:
        n = exc.args[0]
        raise fail(
            msg("hub.revoke_none", id=args.id) if n == 0 else msg("hub.revoke_many", id=args.id, n=n)
        ) from None
    finally:
        hub.close()
    if out["was_revoked"]:
        print(msg("hub.revoked_already", id=out["id"]))
    else:
        print(
            msg(
                "hub.revoked",
                id=out["id"],
                role=msg(f"hub.role_{out['role']}"),
                scope=_scope(out["role"], out["office"], out["workstation"]),
            )
        )
    return 0


def _read_password() -> str:
    """The first line of standard input; at a terminal, asked twice without echo."""
    import sys

    if sys.stdin.isatty():
        import getpass

        first = getpass.getpass(msg("hub.user_password_prompt"))
        if getpass.getpass(msg("hub.user_password_again")) != first:
            raise fail(msg("hub.user_password_mismatch"))
        return first
    return sys.stdin.readline().rstrip("\r\n")


def cmd_hub_add_user(args: argparse.Namespace) -> int:
    from sync.hub.console_store import AccountError, ConsoleStore

    password = _read_password()
    hub = open_store(args)
    try:
        user = ConsoleStore(hub).add_user(args.name, args.role, password, args.department)
    except AccountError as exc:
        raise fail(exc.text) from None
    finally:
        hub.close()
    print(
        msg(
            "hub.user_added",
            name=user.name,
            role=msg(f"console.role_{user.role}"),
            departments=", ".join(user.departments) or "-",
        )
    )
    return 0


def cmd_hub_unlock_user(args: argparse.Namespace) -> int:
    """For when no admin can log in to lift a lock (the admin's own account locked by a stranger)."""
    import getpass

    from sync.hub.console_store import AccountError, ConsoleStore

    actor = f"shell:{getpass.getuser()}"
    hub = open_store(args)
    try:
        accounts = ConsoleStore(hub)
        user = accounts.user_by_name(args.name.strip())
        if user is None:
            raise AccountError("console.user_unknown")
        accounts.lift_lock(user.id, actor)
    except AccountError as exc:
        raise fail(exc.text) from None
    finally:
        hub.close()
    print(msg("hub.user_unlocked", name=user.name, actor=actor))
    _say_held(accounts)
    return 0


def _say_held(accounts) -> None:  # noqa: ANN001
    """The addresses held back now: a user whose own address is held still cannot log in."""
    for held in accounts.held_addresses():
        until = held.held_until.astimezone().strftime("%H:%M")
        print(msg("hub.address_still_held", address=held.address, until=until))


def cmd_hub_release_address(args: argparse.Namespace) -> int:
    """Let a held client address try again now, from a shell on the hub (recorded as shell:USER)."""
    import getpass

    from sync.hub.console_store import AccountError, ConsoleStore, address_key

    actor = f"shell:{getpass.getuser()}"
    address = address_key(args.address) or args.address.strip()
    hub = open_store(args)
    try:
        ConsoleStore(hub).release_address(address, actor)
    except AccountError as exc:
        raise fail(exc.text) from None
    finally:
        hub.close()
    print(msg("hub.address_released", address=address, actor=actor))
    return 0


def _bundle_message(exc) -> str:
    return getattr(exc, "text", "") or str(exc)


def cmd_hub_import_bundle(args: argparse.Namespace) -> int:
    from pathlib import Path

    from sync.hub.bundle_import import BundleError, import_bundle

    hub = open_store(args)
    try:
        out = import_bundle(hub, hub_dir(args), Path(args.file))
    except BundleError as exc:
        raise fail(msg("hub.bundle_refused", error=_bundle_message(exc))) from None
    except OSError as exc:
        raise fail(msg("hub.cannot_read", file=args.file, error=exc.strerror or exc)) from None
    finally:
        hub.close()
    print(
        msg(
            "hub.bundle_done",
            office=out["office"],
            ws=out["ws"],
            applied=out["applied"],
            duplicate=out["duplicate"],
            refused=len(out["refused"]),
            attachments=out["attachments"],
        )
    )
    for r in out["refused"]:
        print(msg("hub.bundle_refused_event", id=r["id"], case=r["case"], code=r["code"], reason=r["reason"]))
    return 0


def cmd_hub_bundle_key(args: argparse.Namespace) -> int:
    from sync.hub.bundle_key import key_path, load_or_create

    try:
        key = load_or_create(hub_dir(args))
    except (OSError, ValueError) as exc:
        raise fail(msg("sealed.hub_key_unreadable", path=key_path(hub_dir(args)), error=exc)) from None
    print(msg("sealed.hub_key_show", fingerprint=key.fingerprint))
    print(key.public_b64)
    return 0


def cmd_hub_publish_catalogue(args: argparse.Namespace) -> int:
    from forms.loader import CatalogueError, catalogue_to_dict, load_catalogue

    try:
        cat = load_catalogue(args.file)
    except CatalogueError as exc:
        for issue in exc.issues:
            print(str(issue))
        raise fail(msg("hub.catalogue_errors", n=len(exc.issues))) from None
    hub = open_store(args)
    v = hub.publish_document("catalogue", catalogue_to_dict(cat))
    hub.close()
    print(msg("hub.published_catalogue", version=v))
    return 0


def cmd_hub_publish_calendar(args: argparse.Namespace) -> int:
    import json

    from app.domain.workdays import WorkCalendar

    try:
        cal = WorkCalendar.from_dict(json.loads(open(args.file, encoding="utf-8").read()))
    except (OSError, ValueError) as exc:
        raise fail(msg("hub.file_error", file=args.file, error=exc)) from None
    hub = open_store(args)
    v = hub.publish_document("calendar", cal.to_dict())
    hub.close()
    print(msg("hub.published_calendar", version=v))
    return 0
