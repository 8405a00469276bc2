"""`yichuang hub …`: the county or provincial platform's commands (registered by app.cli).

The hub imports the domain and its own store, never a workstation module.
Only argparse is imported here at module level: every `yichuang` start pays for this file.
"""

from __future__ import annotations

import argparse


def register(sub, add) -> None:
    hub = sub.add_parser("hub", help="the platform server (county or provincial hub)").add_subparsers(
        dest="action", required=True
    )
    q = add("serve", "run the hub (HTTP, ASGI on uvicorn)", cmd_hub_serve, hub)
    q.add_argument("--host", default="127.0.0.1")
    q.add_argument("--port", type=int, default=8470)
    q.add_argument(
        "--db",
        metavar="URL",
        type=_db_url,
        help="database URL (default: SQLite in the data dir; "
        "postgresql+psycopg://user@host:port/db for PostgreSQL, the password in ~/.pgpass)",
    )
    q.add_argument(
        "--upstream", metavar="URL", default="", help="provincial hub to forward province-level cases to"
    )
    q.add_argument(
        "--upstream-token-file",
        metavar="PATH",
        default="",
        help="a file holding the upstream hub's token, readable by this user alone (chmod 600); "
        f"or set {ENV_UPSTREAM_TOKEN}",
    )
    # refused with a message, never used: a command line is every local user's to read (ps)
    q.add_argument("--upstream-token", action=_RefusedSecret, help=argparse.SUPPRESS)
    q.add_argument("--tls-cert", metavar="PEM", help="serve HTTPS with this certificate (chain)")
    q.add_argument("--tls-key", metavar="PEM", help="the certificate's private key")
    q = add("add-token", "create an API token (printed as the last line)", cmd_hub_add_token, hub)
    q.add_argument("--role", choices=["workstation", "backoffice", "hub"], required=True)
    q.add_argument("--office", default="", help="office code (workstation), county code prefix (hub)")
    q.add_argument("--workstation", default="", help="workstation id (role workstation)")
    q.add_argument("--name", default="", help="who holds it (back office: department or person)")
    q.add_argument(
        "--replace",
        action="store_true",
        help="a workstation that has a live token: revoke it and issue a new one",
    )
    q.add_argument("--expires", type=int, metavar="DAYS", help="the token expires after DAYS days")
    q.add_argument(
        "--public-key",
        action="append",
        default=[],
        metavar="B64",
        help="a public key of the workstation, as `yichuang keys` prints it there: Ed25519 (its "
        "bundles and receipts) or SM2 (receipts with audit.signature = sm2); repeat for both",
    )
    q.add_argument("--db", metavar="URL", type=_db_url)
    q = add(
        "set-key",
        "bind a workstation's receipt keys to its token (only the hub's admin binds keys)",
        cmd_hub_set_key,
        hub,
    )
    q.add_argument("id", help="the token's id (see list-tokens; `yichuang keys` prints it at the window)")
    q.add_argument(
        "--public-key", action="append", required=True, metavar="B64", help="Ed25519 or SM2; repeat for both"
    )
    q.add_argument("--db", metavar="URL", type=_db_url)
    q = add(
        "list-tokens", "list tokens (id, role, scope, use, expiry; never the token)", cmd_hub_list_tokens, hub
    )
    q.add_argument("--json", action="store_true", help="machine-readable output")
    q.add_argument("--db", metavar="URL", type=_db_url)
    q = add("revoke-token", "revoke a token by its id (see list-tokens)", cmd_hub_revoke_token, hub)
    q.add_argument("id", help="the token's id (at least 6 hex digits)")
    q.add_argument("--db", metavar="URL", type=_db_url)
    q = add(
        "add-user",
        "add a back office console user (password from standard input)",
        cmd_hub_add_user,
        hub,
    )
    q.add_argument("name", metavar="NAME")
    q.add_argument("--role", choices=["backoffice", "admin"], required=True)
    q.add_argument(
        "--department",
        action="append",
        default=[],
        metavar="CODE",
        help="a department the user decides for (e.g. 320724-SCJG); repeat for more",
    )
    q.add_argument("--db", metavar="URL", type=_db_url)
    q = add(
        "unlock-user",
        "lift a console user's login lock (recorded as shell:USER)",
        cmd_hub_unlock_user,
        hub,
    )
    q.add_argument("name", metavar="NAME")
    q.add_argument("--db", metavar="URL", type=_db_url)
    q = add(
        "import-bundle",
        "apply a bundle carried from a workstation (exactly once)",
        cmd_hub_import_bundle,
        hub,
    )
    q.add_argument("file")
    q.add_argument("--db", metavar="URL", type=_db_url)
    q = add(
        "bundle-key",
        "print the public key windows seal their bundles to (last line; for `yichuang sync hub-key`)",
        cmd_hub_bundle_key,
        hub,
    )
    q = add(
        "publish-catalogue",
        "publish a new catalogue version (workstations get a delta)",
        cmd_hub_publish_catalogue,
        hub,
    )
    q.add_argument("file")
    q.add_argument("--db", metavar="URL", type=_db_url)
    q = add("publish-calendar", "publish a new working-day calendar", cmd_hub_publish_calendar, hub)
    q.add_argument("file")
    q.add_argument("--db", metavar="URL", type=_db_url)
    q = add(
        "add-operator",
        "create a window operator account (password from stdin or asked twice)",
        cmd_hub_add_operator,
        hub,
    )
    q.add_argument("name", metavar="NAME")
    q.add_argument("--role", required=True, choices=["clerk", "courier", "supervisor", "admin"])
    q.add_argument("--office", default="", help="office code the account works at (empty: every office)")
    q.add_argument("--db", metavar="URL", type=_db_url)
    q = add(
        "passwd-operator",
        "set a new password for an operator account (stdin or asked twice); gives a key to an "
        "account made before keys",
        cmd_hub_passwd_operator,
        hub,
    )
    q.add_argument("name", metavar="NAME")
    q.add_argument("--db", metavar="URL", type=_db_url)
    q = add(
        "disable-operator",
        "disable an operator account (windows refuse it after their next sync)",
        cmd_hub_disable_operator,
        hub,
    )
    q.add_argument("name", metavar="NAME")
    q.add_argument("--db", metavar="URL", type=_db_url)
    q = add(
        "list-operators",
        "list operator accounts (never a password hash or key; 'no key' marks an account made "
        "before keys: reset its password with passwd-operator)",
        cmd_hub_list_operators,
        hub,
    )
    q.add_argument("--json", action="store_true", help="machine-readable output")
    q.add_argument("--db", metavar="URL", type=_db_url)


ENV_UPSTREAM_TOKEN = "YICHUANG_UPSTREAM_TOKEN"


class _RefusedSecret(argparse.Action):
    """An option that would put a secret on the command line: a usage error that names what
    to use instead (the value itself is never echoed)."""

    def __call__(self, parser, namespace, values, option_string=None):
        parser.error(_t("secret.upstream_token_argv"))


def _db_url(value: str) -> str:
    """``--db``: a URL without a password (libpq reads it from ~/.pgpass or PGPASSWORD)."""
    from app.domain.secret_input import url_has_password

    if url_has_password(value):
        raise argparse.ArgumentTypeError(_t("secret.db_password_argv"))
    return value


def _fail(message: str) -> SystemExit:
    """Exit code 1 with the message on stderr, like app.cli's CommandError (not imported here:
    app.cli reaches the UI, and sync must not depend on Textual, even indirectly)."""
    import sys

    print(f"yichuang: {message}", file=sys.stderr)
    return SystemExit(1)


def _t(key: str, **fields) -> str:
    from app.messages import t  # the one message catalogue (a domain module: allowed here)

    return t(key, **fields)


# --- commands -------------------------------------------------------------------------------------------
def _hub_dir(args):
    import os
    from pathlib import Path

    d = args.data_dir or os.environ.get("YICHUANG_HUB_DIR")
    if not d:
        raise _fail(_t("hub.need_data_dir"))
    return Path(d).expanduser().resolve()


def _hub(args):
    from sync.hub.store import open_hub

    try:
        return open_hub(_hub_dir(args), getattr(args, "db", None))
    except Exception as exc:  # a database that cannot be opened, as one line
        if exc.__class__.__module__.startswith(("sqlalchemy", "psycopg")):
            raise _fail(_t("hub.db_error", error=exc)) from None
        raise


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
        raise _fail(_t("secret.upstream_token_twice"))
    token = from_env
    if args.upstream_token_file:
        try:
            token = read_private_file(args.upstream_token_file)
        except SecretInputError as exc:
            raise _fail(exc.text) from None
    if args.upstream and not token:
        raise _fail(_t("hub.upstream_token"))
    register_secret(token)  # masked in the hub's logs and tracebacks like hub.token
    return token


def cmd_hub_serve(args: argparse.Namespace) -> int:
    from sync.hub.serve import serve

    token = upstream_token(args)
    if bool(args.tls_cert) != bool(args.tls_key):
        raise _fail(_t("hub.tls_pair"))
    serve(
        _hub_dir(args),
        args.host,
        args.port,
        args.db,
        args.upstream,
        token,
        tls=(args.tls_cert, args.tls_key) if args.tls_cert else None,
    )
    return 0


def _scope(role: str, office: str, ws: str) -> str:
    return f"{office}/{ws}" if role == "workstation" else (office or _t("hub.all_offices"))


def cmd_hub_add_token(args: argparse.Namespace) -> int:
    from app.domain.numbering import validate_office_code, validate_workstation_id
    from sync.hub.receipts import KeyRefused, parse_key
    from sync.hub.store import TokenExists

    office, wsid = args.office.strip(), args.workstation.strip()
    try:
        if args.role == "workstation":
            if not office or not wsid:
                raise ValueError(_t("hub.ws_needs"))
            office, wsid = validate_office_code(office), validate_workstation_id(wsid)
        elif args.role == "hub":
            if not (office.isdigit() and 2 <= len(office) <= 9):
                raise ValueError(_t("hub.hub_needs"))
            wsid = ""
        else:
            wsid = ""
    except ValueError as exc:
        raise _fail(str(exc)) from None
    if args.expires is not None and not 1 <= args.expires <= 36500:
        raise _fail(_t("hub.bad_expiry"))
    keys = [k.strip() for k in args.public_key if k.strip()]
    if keys and args.role != "workstation":
        raise _fail(_t("keys.only_workstation"))
    try:
        for k in keys:
            parse_key(k)
    except KeyRefused as exc:
        raise _fail(_t("hub.bad_public_key") + f"（{exc}）") from None
    hub = _hub(args)
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
        raise _fail(_t("hub.token_exists", scope=f"{exc.office}/{exc.ws}", ids=", ".join(exc.ids))) from None
    finally:
        hub.close()
    revoked = sorted(i for i in before if after[i]["revoked"])
    if revoked:
        print(_t("hub.token_replaces", ids=", ".join(revoked)))
    from sync.hub.store import hash_token

    mine = after[hash_token(token)[:16]]
    if mine["expires"]:
        print(_t("hub.token_expires", when=mine["expires"]))
    for k in mine["keys"]:
        print(_t("keys.bound", id=mine["id"], alg=k["alg"], kid=k["key_id"]))
    print(_t("hub.token_new", role=_t(f"hub.role_{args.role}"), scope=_scope(args.role, office, wsid)))
    print(token)
    return 0


def cmd_hub_set_key(args: argparse.Namespace) -> int:
    from sync.hub.receipts import KeyRefused

    hub = _hub(args)
    try:
        out = hub.set_keys(args.id, args.public_key)
    except KeyRefused as exc:
        raise _fail(str(exc)) from None
    except ValueError:
        raise _fail(_t("hub.revoke_bad_id")) from None
    except LookupError as exc:
        n = exc.args[0]
        raise _fail(
            _t("hub.revoke_none", id=args.id) if n == 0 else _t("hub.revoke_many", id=args.id, n=n)
        ) from None
    finally:
        hub.close()
    for k in out["keys"]:
        print(
            _t(
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
        f"{k['alg']}:{k['key_id']}" + ("" if k["trusted"] else _t("keys.unconfirmed_mark")) for k in keys
    )


def cmd_hub_list_tokens(args: argparse.Namespace) -> int:
    import json

    hub = _hub(args)
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
        print(_t("hub.tokens_none"))
        return 0
    cols = ("id", "role", "scope", "created", "last_used", "expires", "status", "keys")
    head = [_t(f"hub.col_{c}") for c in cols]
    table = [head] + [
        [
            r["id"],
            _t(f"hub.role_{r['role']}"),
            _scope(r["role"], r["office"], r["workstation"]) + (f" {r['name']}" if r["name"] else ""),
            r["created"][:16],
            r["last_used"][:16] or _t("hub.never"),
            r["expires"][:16] or _t("hub.never"),
            _t(f"hub.status_{r['status']}") + (f" {r['revoked'][:16]}" if r["revoked"] else ""),
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
    hub = _hub(args)
    try:
        out = hub.revoke_token(args.id)
    except ValueError:
        raise _fail(_t("hub.revoke_bad_id")) from None
    except LookupError as exc:
        n = exc.args[0]
        raise _fail(
            _t("hub.revoke_none", id=args.id) if n == 0 else _t("hub.revoke_many", id=args.id, n=n)
        ) from None
    finally:
        hub.close()
    if out["was_revoked"]:
        print(_t("hub.revoked_already", id=out["id"]))
    else:
        print(
            _t(
                "hub.revoked",
                id=out["id"],
                role=_t(f"hub.role_{out['role']}"),
                scope=_scope(out["role"], out["office"], out["workstation"]),
            )
        )
    return 0


def _read_password() -> str:
    """The first line of standard input; at a terminal, asked twice without echo."""
    import sys

    if sys.stdin.isatty():
        import getpass

        first = getpass.getpass(_t("hub.user_password_prompt"))
        if getpass.getpass(_t("hub.user_password_again")) != first:
            raise _fail(_t("hub.user_password_mismatch"))
        return first
    return sys.stdin.readline().rstrip("\r\n")


def cmd_hub_add_user(args: argparse.Namespace) -> int:
    from sync.hub.console_store import AccountError, ConsoleStore

    password = _read_password()
    hub = _hub(args)
    try:
        user = ConsoleStore(hub).add_user(args.name, args.role, password, args.department)
    except AccountError as exc:
        raise _fail(exc.text) from None
    finally:
        hub.close()
    print(
        _t(
            "hub.user_added",
            name=user.name,
            role=_t(f"console.role_{user.role}"),
            departments=", ".join(user.departments) or "-",
        )
    )
    return 0


def cmd_hub_unlock_user(args: argparse.Namespace) -> int:
    """For when no admin can log in to lift a lock (the admin's own account locked by a stranger)."""
    import getpass

    from sync.hub.console_store import AccountError, ConsoleStore

    actor = f"shell:{getpass.getuser()}"
    hub = _hub(args)
    try:
        accounts = ConsoleStore(hub)
        user = accounts.user_by_name(args.name.strip())
        if user is None:
            raise AccountError("console.user_unknown")
        accounts.lift_lock(user.id, actor)
    except AccountError as exc:
        raise _fail(exc.text) from None
    finally:
        hub.close()
    print(_t("hub.user_unlocked", name=user.name, actor=actor))
    return 0


def _bundle_message(exc) -> str:
    return getattr(exc, "text", "") or str(exc)


def cmd_hub_import_bundle(args: argparse.Namespace) -> int:
    from pathlib import Path

    from sync.hub.bundle_import import BundleError, import_bundle

    hub = _hub(args)
    try:
        out = import_bundle(hub, _hub_dir(args), Path(args.file))
    except BundleError as exc:
        raise _fail(_t("hub.bundle_refused", error=_bundle_message(exc))) from None
    except OSError as exc:
        raise _fail(_t("hub.cannot_read", file=args.file, error=exc.strerror or exc)) from None
    finally:
        hub.close()
    print(
        _t(
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
        print(_t("hub.bundle_refused_event", id=r["id"], case=r["case"], code=r["code"], reason=r["reason"]))
    return 0


def cmd_hub_bundle_key(args: argparse.Namespace) -> int:
    from sync.hub.bundle_key import key_path, load_or_create

    try:
        key = load_or_create(_hub_dir(args))
    except (OSError, ValueError) as exc:
        raise _fail(_t("sealed.hub_key_unreadable", path=key_path(_hub_dir(args)), error=exc)) from None
    print(_t("sealed.hub_key_show", fingerprint=key.fingerprint))
    print(key.public_b64)
    return 0


def cmd_hub_publish_catalogue(args: argparse.Namespace) -> int:
    from forms.loader import CatalogueError, catalogue_to_dict, load_catalogue

    try:
        cat = load_catalogue(args.file)
    except CatalogueError as exc:
        for issue in exc.issues:
            print(str(issue))
        raise _fail(_t("hub.catalogue_errors", n=len(exc.issues))) from None
    hub = _hub(args)
    v = hub.publish_document("catalogue", catalogue_to_dict(cat))
    hub.close()
    print(_t("hub.published_catalogue", version=v))
    return 0


def cmd_hub_publish_calendar(args: argparse.Namespace) -> int:
    import json

    from app.domain.workdays import WorkCalendar

    try:
        cal = WorkCalendar.from_dict(json.loads(open(args.file, encoding="utf-8").read()))
    except (OSError, ValueError) as exc:
        raise _fail(_t("hub.file_error", file=args.file, error=exc)) from None
    hub = _hub(args)
    v = hub.publish_document("calendar", cal.to_dict())
    hub.close()
    print(_t("hub.published_calendar", version=v))
    return 0


# --- operator accounts (issue 8 §1; sync/hub/operator_store.py) -----------------------------------------
def _new_password() -> str:
    """One line from a pipe, or asked twice at a terminal; never an argument."""
    import getpass
    import sys

    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        if not line:
            raise _fail(_t("operator.no_password"))
        return line.rstrip("\r\n")
    first = getpass.getpass(_t("operator.ask_password"))
    if first != getpass.getpass(_t("operator.ask_again")):
        raise _fail(_t("operator.mismatch"))
    return first


def _new_key() -> str:
    """The key string of a password typed here (app.domain.accounts): the private half is
    never kept, the operator derives it at a window when logging in."""
    from app.domain.accounts import new_key
    from app.domain.passwords import password_problem

    password = _new_password()
    problem = password_problem(password)
    if problem:
        raise _fail(_t({"password.too_short": "password.too_short"}.get(problem, "password.too_simple")))
    return new_key(password)[0]


def cmd_hub_add_operator(args: argparse.Namespace) -> int:
    from app.domain.numbering import validate_office_code
    from sync.hub import operator_store

    office = args.office.strip()
    if office:
        try:
            office = validate_office_code(office)
        except ValueError as exc:
            raise _fail(str(exc)) from None
    op_key = _new_key()
    hub = _hub(args)
    try:
        operator_store.add_operator(hub, args.name, args.role, op_key, office)
    except operator_store.OperatorProblem as exc:
        key = {"exists": "operator.exists", "bad_name": "operator.bad_name"}.get(exc.code)
        raise _fail(_t(key, name=args.name) if key else exc.reason) from None
    finally:
        hub.close()
    print(_t("operator.added", name=args.name, role=_t(f"role.{args.role}")))
    return 0


def cmd_hub_passwd_operator(args: argparse.Namespace) -> int:
    from sync.hub import operator_store

    op_key = _new_key()
    hub = _hub(args)
    try:
        operator_store.set_password(hub, args.name, op_key)
    except operator_store.OperatorProblem as exc:
        if exc.code == "disabled":
            raise _fail(_t("operator.is_disabled", name=args.name)) from None
        raise _fail(_t("operator.unknown", name=args.name)) from None
    finally:
        hub.close()
    print(_t("operator.password_set", name=args.name))
    return 0


def cmd_hub_disable_operator(args: argparse.Namespace) -> int:
    from sync.hub import operator_store

    hub = _hub(args)
    try:
        operator_store.disable_operator(hub, args.name)
    except operator_store.OperatorProblem:
        raise _fail(_t("operator.unknown", name=args.name)) from None
    finally:
        hub.close()
    print(_t("operator.disabled", name=args.name))
    return 0


def cmd_hub_list_operators(args: argparse.Namespace) -> int:
    import json

    from sync.hub import operator_store

    hub = _hub(args)
    try:
        rows = operator_store.list_operators(hub)
    finally:
        hub.close()
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for r in rows:
        state = _t("operator.state_disabled") if r["disabled"] else _t("operator.state_active")
        key = "" if r["has_key"] else f"\t{_t('accounts.no_key')}"
        print(f"{r['name']}\t{_t('role.' + r['role'])}\t{r['office'] or _t('hub.all_offices')}\t{state}{key}")
    return 0
