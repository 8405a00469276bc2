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
        help="database URL (default: SQLite in the data dir; "
        "postgresql+psycopg://user@host:port/db for PostgreSQL)",
    )
    q.add_argument(
        "--upstream", metavar="URL", default="", help="provincial hub to forward province-level cases to"
    )
    q.add_argument("--upstream-token", metavar="TOKEN", default="")
    q.add_argument("--tls-cert", metavar="PEM", help="serve HTTPS with this certificate (chain)")
    q.add_argument("--tls-key", metavar="PEM", help="the certificate's private key")
    q = add("add-token", "create an API token (printed as the last line)", cmd_hub_add_token, hub)
    q.add_argument("--role", choices=["workstation", "backoffice", "hub"], required=True)
    q.add_argument("--office", default="", help="office code (workstation), county code prefix (hub)")
    q.add_argument("--workstation", default="", help="workstation id (role workstation)")
    q.add_argument("--name", default="", help="who holds it (back office: department or person)")
    q.add_argument("--db", metavar="URL")
    q = add(
        "import-bundle",
        "apply a bundle carried from a workstation (exactly once)",
        cmd_hub_import_bundle,
        hub,
    )
    q.add_argument("file")
    q.add_argument("--db", metavar="URL")
    q = add(
        "publish-catalogue",
        "publish a new catalogue version (workstations get a delta)",
        cmd_hub_publish_catalogue,
        hub,
    )
    q.add_argument("file")
    q.add_argument("--db", metavar="URL")
    q = add("publish-calendar", "publish a new working-day calendar", cmd_hub_publish_calendar, hub)
    q.add_argument("file")
    q.add_argument("--db", metavar="URL")


def _fail(message: str) -> SystemExit:
    """Exit code 1 with the message on stderr, like app.cli's CommandError (not imported here:
    app.cli reaches the UI, and sync must not depend on Textual, even indirectly)."""
    import sys

    print(f"yichuang: {message}", file=sys.stderr)
    return SystemExit(1)


# --- commands -------------------------------------------------------------------------------------------
def _hub_dir(args):
    import os
    from pathlib import Path

    d = args.data_dir or os.environ.get("YICHUANG_HUB_DIR")
    if not d:
        raise _fail("the hub needs --data-dir DIR (or YICHUANG_HUB_DIR)")
    return Path(d).expanduser().resolve()


def _hub(args):
    from sync.hub.store import open_hub

    try:
        return open_hub(_hub_dir(args), getattr(args, "db", None))
    except Exception as exc:  # a database that cannot be opened, as one line
        if exc.__class__.__module__.startswith(("sqlalchemy", "psycopg")):
            raise _fail(f"hub database: {exc}") from None
        raise


def cmd_hub_serve(args: argparse.Namespace) -> int:
    from sync.hub.serve import serve

    if args.upstream and not args.upstream_token:
        raise _fail("--upstream needs --upstream-token")
    if bool(args.tls_cert) != bool(args.tls_key):
        raise _fail("--tls-cert and --tls-key go together")
    serve(
        _hub_dir(args),
        args.host,
        args.port,
        args.db,
        args.upstream,
        args.upstream_token,
        tls=(args.tls_cert, args.tls_key) if args.tls_cert else None,
    )
    return 0


def cmd_hub_add_token(args: argparse.Namespace) -> int:
    from app.domain.numbering import validate_office_code, validate_workstation_id

    office, wsid = args.office.strip(), args.workstation.strip()
    try:
        if args.role == "workstation":
            if not office or not wsid:
                raise ValueError("--role workstation needs --office CODE and --workstation ID")
            office, wsid = validate_office_code(office), validate_workstation_id(wsid)
        elif args.role == "hub":
            if not (office.isdigit() and 2 <= len(office) <= 9):
                raise ValueError("--role hub needs --office with the county code prefix (e.g. 320724)")
            wsid = ""
        else:
            wsid = ""
    except ValueError as exc:
        raise _fail(str(exc)) from None
    hub = _hub(args)
    token = hub.add_token(args.role, office, wsid, args.name.strip())
    hub.close()
    scope = f"{office}/{wsid}" if args.role == "workstation" else (office or "all offices")
    print(f"new {args.role} token for {scope} (shown once; the hub keeps only its hash):")
    print(token)
    return 0


def cmd_hub_import_bundle(args: argparse.Namespace) -> int:
    from pathlib import Path

    from sync.hub.bundle_import import BundleError, import_bundle

    hub = _hub(args)
    try:
        out = import_bundle(hub, _hub_dir(args), Path(args.file))
    except BundleError as exc:
        raise _fail(f"bundle refused, nothing applied: {exc}") from None
    except OSError as exc:
        raise _fail(f"cannot read {args.file}: {exc.strerror or exc}") from None
    finally:
        hub.close()
    print(
        f"bundle of {out['office']}/{out['ws']}: {out['applied']} applied, {out['duplicate']} already here, "
        f"{len(out['refused'])} refused, {out['attachments']} attachments"
    )
    for r in out["refused"]:
        print(f"  refused {r['id']} ({r['case']}): {r['code']}: {r['reason']}")
    return 0


def cmd_hub_publish_catalogue(args: argparse.Namespace) -> int:
    from forms.loader import CatalogueError, catalogue_to_dict, load_catalogue

    try:
        cat = load_catalogue(args.file)
    except CatalogueError as exc:
        for issue in exc.issues:
            print(str(issue))
        raise _fail(f"{len(exc.issues)} error(s); nothing was published") from None
    hub = _hub(args)
    v = hub.publish_document("catalogue", catalogue_to_dict(cat))
    hub.close()
    print(f"published catalogue {v}")
    return 0


def cmd_hub_publish_calendar(args: argparse.Namespace) -> int:
    import json

    from app.domain.workdays import WorkCalendar

    try:
        cal = WorkCalendar.from_dict(json.loads(open(args.file, encoding="utf-8").read()))
    except (OSError, ValueError) as exc:
        raise _fail(f"{args.file}: {exc}") from None
    hub = _hub(args)
    v = hub.publish_document("calendar", cal.to_dict())
    hub.close()
    print(f"published calendar {v}")
    return 0
