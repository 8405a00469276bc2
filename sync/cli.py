"""`yichuang sync …` and `yichuang hub …` (registered by app.cli._register_plugins).

Only argparse is imported here at module level: every `yichuang` start pays for this file.
"""

from __future__ import annotations

import argparse


def register(sub, add) -> None:
    p = add("sync", "sync with the county platform (one cycle with --once, else keep syncing)", cmd_sync)
    p.add_argument("--once", action="store_true", help="one cycle; exit 1 if anything is left unsent")
    p.add_argument("--quiet", action="store_true")
    sp = p.add_subparsers(dest="sync_action", metavar="ACTION")
    q = add(
        "export-bundle",
        "write everything unsent to a signed, compressed file (no link at all)",
        cmd_export_bundle,
        sp,
    )
    q.add_argument("file")
    q = add("status", "what waits, conflicts, last success", cmd_sync_status, sp)
    q.add_argument("--json", action="store_true")
    q = add(
        "set-aside", "stop sending an event the hub refused (it no longer blocks its case)", cmd_set_aside, sp
    )
    q.add_argument("event_id")
    q = add("retry", "send a refused or set-aside event again", cmd_retry, sp)
    q.add_argument("event_id")
    q = add("attach", "keep a scan of a case and queue it for upload", cmd_attach, sp)
    q.add_argument("number")
    q.add_argument("file")
    q = add("deliver", "hand out the result of a case (出件)", cmd_deliver, sp)
    q.add_argument("number")
    q.add_argument("--tracking", default="", help="EMS 政务专递 item number (S10)")
    q = add("withdraw", "the applicant withdraws (撤回)", cmd_withdraw, sp)
    q.add_argument("number")
    q.add_argument("--reason", default="")

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


def _ws(args):
    from app.services.workstation import open_workstation

    return open_workstation(args.data_dir)


# --- workstation ---------------------------------------------------------------------------------
def cmd_sync(args: argparse.Namespace) -> int:
    import sys

    ws = _ws(args)
    if not args.once:
        from app.services.sync_runner import SyncRunner

        runner = SyncRunner(ws)
        try:
            runner.run_forever(on_cycle=None if args.quiet else lambda st: print(st.line(), flush=True))
        except KeyboardInterrupt:
            return 130
        return 0
    from sync.client import run_cycle

    rep = run_cycle(ws)
    if not args.quiet:
        print(
            f"pushed {rep.pushed} (duplicates {rep.duplicates}, refused {len(rep.refused)}), pulled {rep.pulled}"
            + (f", catalogue {rep.catalogue}" if rep.catalogue else "")
            + (f", calendar {rep.calendar}" if rep.calendar else "")
            + (f", attachments {rep.attachments}" if rep.attachments else "")
        )
        for r in rep.refused:
            print(
                f"  refused {r.get('id')} ({r.get('case')}): {r.get('code')}: {r.get('reason')}",
                file=sys.stderr,
            )
        if rep.skew_seconds is not None and abs(rep.skew_seconds) > 300:
            print(
                f"warning: this computer's clock is {rep.skew_seconds:+.0f} s off the hub's", file=sys.stderr
            )
    if rep.error is not None:
        raise _fail(f"sync failed ({rep.error.kind}): {rep.error}; {rep.left} event(s) left unsent")
    if rep.left or rep.attachments_left:
        raise _fail(f"{rep.left} event(s) and {rep.attachments_left} attachment(s) left unsent")
    return 0


def cmd_export_bundle(args: argparse.Namespace) -> int:
    from pathlib import Path

    from sync.bundle import BundleError, export_bundle

    ws = _ws(args)
    try:
        out = export_bundle(ws, Path(args.file))
    except BundleError as exc:
        raise _fail(str(exc)) from None
    except OSError as exc:
        raise _fail(f"cannot write {args.file}: {exc.strerror or exc}") from None
    print(
        f"wrote {args.file}: {out['events']} events, {out['attachments']} attachments, {out['bytes']} bytes"
    )
    return 0


def cmd_sync_status(args: argparse.Namespace) -> int:
    import json

    from app.services.sync_runner import SyncRunner

    st = SyncRunner(_ws(args)).status(probe=False)
    if args.json:
        print(json.dumps(st.to_dict(), ensure_ascii=False, indent=2, default=str))
        return 0
    print(st.line())
    for r in st.refused:
        print(f"  {r['status']:9} {r['event_id']} {r['case_number']} {r['kind']}: {r['code']}: {r['reason']}")
    for c in st.conflicts:
        print(f"  conflict {c.rule} {c.case_number} {c.kind} ({c.origin})")
    return 0


def cmd_set_aside(args: argparse.Namespace) -> int:
    from sync import local

    if not local.set_aside(_ws(args).store, args.event_id):
        raise _fail(f"{args.event_id} is not a refused event")
    return 0


def cmd_retry(args: argparse.Namespace) -> int:
    from sync import local

    if not local.retry(_ws(args).store, args.event_id):
        raise _fail(f"{args.event_id} is not a refused or set-aside event")
    return 0


def cmd_attach(args: argparse.Namespace) -> int:
    from pathlib import Path

    from sync import attachments

    ws = _ws(args)
    try:
        sha = attachments.add(ws, args.number.strip().upper(), Path(args.file))
    except (OSError, ValueError) as exc:
        raise _fail(str(exc)) from None
    print(sha)
    return 0


def _record(args, kind: str, payload: dict) -> int:
    from sync import local

    ws = _ws(args)
    try:
        ev = local.record(ws, args.number.strip().upper(), kind, payload)
    except local.NotAllowed as exc:
        raise _fail(str(exc)) from None
    print(ev.event_id)
    return 0


def cmd_deliver(args: argparse.Namespace) -> int:
    from app.domain import case_state as cs

    payload = {"method": "ems" if args.tracking else "window"}
    if args.tracking:
        payload["tracking"] = args.tracking.strip().upper()
    return _record(args, cs.DELIVERED, payload)


def cmd_withdraw(args: argparse.Namespace) -> int:
    from app.domain import case_state as cs

    return _record(args, cs.WITHDRAWN_EVENT, {"reason": args.reason})


# --- hub -------------------------------------------------------------------------------------------
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

    from sync.bundle import BundleError, import_bundle

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
