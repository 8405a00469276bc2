"""`yichuang scans …`: the scanner inbox from the command line (registered by app.cli).

``scans watch`` runs the same watcher as the window, in the foreground (admins, tests);
``scans list`` shows every scan: id, file name, size, sha256 and state.
"""

from __future__ import annotations

import argparse
import sys

from app.errors import CommandError
from app.messages import t


def run(args: argparse.Namespace) -> int:
    return {"watch": cmd_watch, "list": cmd_list}[args.action](args)


def _ws(args):
    from app.services.workstation import open_workstation

    return open_workstation(args.data_dir)


def _v(text: object) -> str:
    """Stored text for the terminal: shown, never obeyed (file names come from outside)."""
    from app.domain.text import visible

    return visible(str(text), single_line=True)


def _line(scan) -> str:
    from app.domain.scans import human_size
    from app.services.scans import reason_text

    if scan.state == "refused":
        return t("scan.cli_refused", name=_v(scan.name), reason=_v(reason_text(scan)))
    pages = t("scan.pages", pages=scan.pages) if scan.pages else t("scan.pages_unknown")
    return t(
        "scan.cli_taken",
        id=scan.id,
        name=_v(scan.name),
        kind=scan.kind.upper(),
        pages=pages,
        size=human_size(scan.size),
        sha256=scan.sha256,
    )


def cmd_watch(args: argparse.Namespace) -> int:
    import signal
    import threading

    from app.services.scans import ScanInbox, ScannerError

    ws = _ws(args)
    try:
        inbox = ScanInbox(
            ws,
            on_scan=lambda scan: print(_line(scan), flush=True),
            on_error=lambda exc: print(
                f"yichuang: {t('scan.error', error=exc)}", file=sys.stderr, flush=True
            ),
        )
    except ScannerError as exc:
        raise CommandError(str(exc)) from None
    # SIGTERM (a service manager, a test) stops as cleanly as Ctrl+C: nothing taken half-way.
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: inbox.stop())
    print(t("scan.cli_watching", path=_v(inbox.inbox)), file=sys.stderr, flush=True)
    try:
        inbox.run_forever()
    except ScannerError as exc:
        raise CommandError(str(exc)) from None
    except KeyboardInterrupt:
        inbox.stop()
        return 130
    finally:
        inbox.stop()
        ws.close()
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    import json
    import re

    from app.domain.scans import human_size
    from app.services.scans import list_scans, scan_to_dict, state_text

    ws = _ws(args)
    scans = list_scans(ws)
    if args.json:
        text = json.dumps([scan_to_dict(s) for s in scans], ensure_ascii=False, indent=2)
        # JSON escapes C0 controls; C1, DEL and bidi/format characters in names it keeps raw
        raw = re.compile("[\x7f-\x9f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
        sys.stdout.write(raw.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")
        return 0
    if not scans:
        print(t("scan.cli_none"))
        return 0
    for s in scans:
        print(
            "  ".join(
                (
                    f"{s.id:>5}",
                    _v(s.name),
                    human_size(s.size),
                    s.sha256 or "-" * 64,
                    _v(state_text(s)),
                )
            )
        )
    return 0
