"""`yichuang sync …`: the workstation's sync commands (registered by app.cli).

Only argparse is imported here at module level: every `yichuang` start pays for this file.
"""

from __future__ import annotations

import argparse


def register(sub, add) -> None:
    from app.messages import t

    p = add("sync", t("cli.sync_help"), cmd_sync)
    p.add_argument("--once", action="store_true", help=t("cli.sync_once"))
    p.add_argument("--quiet", action="store_true", help=t("cli.sync_quiet"))
    sp = p.add_subparsers(dest="sync_action", metavar="ACTION")
    q = add("export-bundle", t("cli.sync_export_bundle"), cmd_export_bundle, sp)
    q.add_argument("file", metavar="FILE", help=t("cli.sync_bundle_file"))
    from app.cli.common import gate

    gate(q, "sync")  # every unsent event, names and ID numbers included, in one file
    q = add("hub-key", t("cli.sync_hub_key"), cmd_hub_key, sp)
    q.add_argument("key", nargs="?", metavar="KEY", help=t("cli.sync_hub_key_arg"))
    gate(q, "settings")  # a setting: the key every bundle is sealed to
    q = add("status", t("cli.sync_status"), cmd_sync_status, sp)
    q.add_argument("--json", action="store_true", help=t("cli.json"))
    q = add("set-aside", t("cli.sync_set_aside"), cmd_set_aside, sp)
    q.add_argument("event_id", metavar="EVENT_ID", help=t("cli.sync_event_id"))
    q = add("retry", t("cli.sync_retry"), cmd_retry, sp)
    q.add_argument("event_id", metavar="EVENT_ID", help=t("cli.sync_event_id"))
    q = add("attach", t("cli.sync_attach"), cmd_attach, sp)
    q.add_argument("number", metavar="NUMBER", help=t("cli.case_number"))
    q.add_argument("file", metavar="FILE", help=t("cli.sync_attach_file"))
    q = add("deliver", t("cli.sync_deliver"), cmd_deliver, sp)
    q.add_argument("number", metavar="NUMBER", help=t("cli.case_number"))
    q.add_argument("--tracking", default="", metavar="S10", help=t("cli.sync_tracking"))
    q = add("withdraw", t("cli.sync_withdraw"), cmd_withdraw, sp)
    q.add_argument("number", metavar="NUMBER", help=t("cli.case_number"))
    q.add_argument("--reason", default="", metavar="TEXT", help=t("cli.sync_reason"))


def _fail(message: str) -> SystemExit:
    """Exit code 1 with the message on stderr, like app.cli's CommandError (not imported here:
    app.cli reaches the UI, and sync must not depend on Textual, even indirectly)."""
    import sys

    print(f"yichuang: {message}", file=sys.stderr)
    return SystemExit(1)


def _known(text: str, fallback: str) -> str:
    """A catalogue text, or the raw code when the catalogue has none (t() echoes the key)."""
    return fallback if text.startswith("sync.rule_") else text


def _ws(args):
    from app.services.workstation import open_workstation

    return open_workstation(args.data_dir)


# --- workstation ---------------------------------------------------------------------------------
def cmd_sync(args: argparse.Namespace) -> int:
    import sys

    ws = _ws(args)
    if not args.once:
        from app.services.sync.runner import SyncRunner

        runner = SyncRunner(ws)
        try:
            runner.run_forever(on_cycle=None if args.quiet else lambda st: print(st.line(), flush=True))
        except KeyboardInterrupt:
            return 130
        return 0
    from app.messages import t
    from app.services.sync.cycle import run_cycle

    rep = run_cycle(ws)  # never raises: a failure is in rep.error
    if not args.quiet:
        print(
            t(
                "sync.cli_once",
                pushed=rep.pushed,
                dup=rep.duplicates,
                refused=len(rep.refused),
                pulled=rep.pulled,
            )
            + (t("sync.cli_catalogue", version=rep.catalogue) if rep.catalogue else "")
            + (t("sync.cli_calendar", version=rep.calendar) if rep.calendar else "")
            + (t("sync.cli_attachments", n=rep.attachments) if rep.attachments else "")
        )
        from app.domain.failures import refusal_text

        for r in rep.refused:
            print(
                t(
                    "sync.cli_refused",
                    id=r.get("id"),
                    case=r.get("case"),
                    code=r.get("code"),
                    reason=refusal_text(str(r.get("code")), str(r.get("reason"))),
                ),
                file=sys.stderr,
            )
        if rep.operators_refused:
            from app.services.operators import refused_line

            for r in rep.operators_refused:
                print(refused_line(r), file=sys.stderr)
        if rep.skew_seconds is not None and abs(rep.skew_seconds) > 300:
            print(t("sync.cli_skew", seconds=f"{rep.skew_seconds:+.0f}"), file=sys.stderr)
    if rep.error is not None:
        failed = _fail(t("sync.cli_failed", error=rep.error, left=rep.left))
        if rep.error.advice:  # what to do; the library's own words are in sync status --json
            print(t("cli.sync_advice", advice=rep.error.advice), file=sys.stderr)
        raise failed
    if rep.left or rep.attachments_left:
        raise _fail(t("sync.cli_left", left=rep.left, attachments=rep.attachments_left))
    return 0


def cmd_export_bundle(args: argparse.Namespace) -> int:
    from pathlib import Path

    from app.cli.common import workstation
    from app.messages import t
    from app.services.sync.bundle_export import BundleError, export_bundle

    ws = workstation(args)
    try:
        out = export_bundle(ws, Path(args.file))
    except BundleError as exc:
        raise _fail(str(exc)) from None
    except OSError as exc:
        raise _fail(t("sync.cli_cannot_write", file=args.file, error=exc.strerror or exc)) from None
    print(
        t(
            "sync.cli_bundle_written",
            file=args.file,
            events=out["events"],
            attachments=out["attachments"],
            bytes=out["bytes"],
        )
    )
    if out["sealed_to"]:
        print(t("sealed.bundle_sealed", fingerprint=out["sealed_to"]))
    else:
        import sys

        print(t("sealed.bundle_plain"), file=sys.stderr)
    return 0


def cmd_hub_key(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from app.messages import t
    from app.services import sealed_files
    from app.services.sync import outbox

    store = _ws(args).store
    if args.key:
        try:
            sealed_files.set_hub_key(store, args.key, "set", datetime.now(UTC).isoformat(timespec="seconds"))
        except ValueError as exc:
            raise _fail(t("sealed.hub_key_bad", error=exc)) from None
        print(t("sealed.hub_key_set", fingerprint=sealed_files.hub_key_fingerprint(store)))
        return 0
    key = sealed_files.hub_key(store)
    if not key:
        print(t("sealed.hub_key_none"))
        return 0
    print(
        t(
            "sealed.hub_key_known",
            fingerprint=sealed_files.hub_key_fingerprint(store),
            source=outbox.read_state(store, sealed_files.HUB_KEY_SOURCE, ""),
        )
    )
    print(key)
    return 0


def cmd_sync_status(args: argparse.Namespace) -> int:
    import json

    from app.messages import t
    from app.services import operators
    from app.services.sync import attachments
    from app.services.sync.runner import SyncRunner

    ws = _ws(args)
    st = SyncRunner(ws).status(probe=False)
    waiting = attachments.pending(ws.store)
    accounts_refused = operators.refused_changes(ws)
    if args.json:
        doc = st.to_dict()
        doc["accounts_refused"] = accounts_refused
        doc["attachments"] = [
            {
                "sha256": a.sha256,
                "case": a.case_number,
                "name": a.name,
                "size": a.size,
                "uploaded": a.uploaded,
            }
            for a in waiting
        ]
        print(json.dumps(doc, ensure_ascii=False, indent=2, default=str))
        return 0
    print(st.line())
    for r in st.refused:
        status = t("sync.status_refused") if r["status"] == "refused" else t("sync.status_set_aside")
        print(
            t(
                "sync.cli_event",
                status=status,
                id=r["event_id"],
                case=r["case_number"],
                kind=t("event." + r["kind"]),
                code=r["code"],
                reason=r["reason"],
            )
        )
    for a in waiting:
        print(
            t(
                "sync.cli_attachment",
                sha=a.sha256[:12],
                case=a.case_number,
                name=a.name,
                uploaded=a.uploaded,
                size=a.size,
            )
        )
    for r in accounts_refused:
        print(f"{r['at'][:16]}  {operators.refused_line(r)}")
    for c in st.conflicts:
        print(
            t(
                "sync.cli_conflict",
                rule=_known(t("sync.rule_" + c.rule), c.rule),
                case=c.case_number,
                kind=t("event." + c.kind),
                origin=c.origin,
            )
        )
    return 0


def cmd_set_aside(args: argparse.Namespace) -> int:
    from app.messages import t
    from app.services.sync import actions

    if not actions.set_aside(_ws(args).store, args.event_id):
        raise _fail(t("sync.cli_not_refused", id=args.event_id))
    return 0


def cmd_retry(args: argparse.Namespace) -> int:
    from app.messages import t
    from app.services.sync import actions

    if not actions.retry(_ws(args).store, args.event_id):
        raise _fail(t("sync.cli_not_retryable", id=args.event_id))
    return 0


def cmd_attach(args: argparse.Namespace) -> int:
    from pathlib import Path

    from app.services.sync import actions

    ws = _ws(args)
    try:
        sha = actions.attach(ws, args.number.strip().upper(), Path(args.file))
    except OSError as exc:
        from app.messages import t

        raise _fail(t("sync.cli_cannot_read", file=args.file, error=exc.strerror or exc)) from None
    except ValueError as exc:
        raise _fail(str(exc)) from None
    print(sha)
    return 0


def _record(args, do) -> int:
    from app.services.sync import actions

    ws = _ws(args)
    try:
        ev = do(ws, args.number.strip().upper())
    except actions.NotAllowed as exc:
        raise _fail(str(exc)) from None
    print(ev.event_id)
    return 0


def cmd_deliver(args: argparse.Namespace) -> int:
    from app.services.sync import actions

    return _record(args, lambda ws, number: actions.deliver(ws, number, args.tracking))


def cmd_withdraw(args: argparse.Namespace) -> int:
    from app.services.sync import actions

    return _record(args, lambda ws, number: actions.withdraw(ws, number, args.reason))
