"""`yichuang audit verify [--json]` (registered by app.cli): check the hash chain over this
workstation's events and name the first broken link.

Exit codes: 0 the chain is whole; 1 a link is broken (or the store cannot be read); 2 usage.
"""

from __future__ import annotations


def register(sub, add) -> None:
    from app.messages import t

    audit = sub.add_parser("audit", help=t("audit.cli_help")).add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    p = add("verify", t("audit.cli_verify"), cmd_audit_verify, audit)
    p.add_argument("--json", action="store_true", help=t("cli.json"))


def problem_text(b) -> str:  # noqa: ANN001 (app.domain.audit_chain.Break)
    from app.messages import t

    return t(f"audit.problem_{b.problem}", expected=b.expected, found=b.found)


def cmd_audit_verify(args) -> int:
    import sys

    from app.messages import t
    from app.services.audit import verify
    from app.services.workstation import open_workstation

    ws = open_workstation(args.data_dir)
    progress = None
    if sys.stderr.isatty():  # a long run shows it is alive; scripts get a quiet stderr

        def progress(n: int) -> None:
            print(t("audit.progress", events=n), file=sys.stderr, end="\r", flush=True)

    try:
        report = verify(ws.store, progress=progress)
    finally:
        ws.close()
    if progress is not None:
        print(file=sys.stderr)
    b = report.first_break
    if args.json:
        from app.cli import _print_json

        doc = {"data_dir": str(ws.config.data_dir), **report.to_json()}
        if b is not None:
            doc["first_break"]["message"] = problem_text(b)
        _print_json(doc)
        return 0 if b is None else 1
    if b is None:
        algs = ", ".join(f"{k} {v}" for k, v in sorted(report.algorithms.items())) or "-"
        print(t("audit.ok", events=report.events, algorithms=algs, n=report.tip.n, hash=report.tip.hash))
        return 0
    from app.domain.text import visible

    print(t("audit.broken", position=b.position, event_id=visible(b.event_id), n=b.n, row=b.row))
    print("  " + visible(problem_text(b), single_line=True))
    print(t("audit.broken_summary", checked=report.events - 1), file=sys.stderr)
    return 1
