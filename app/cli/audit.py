"""`yichuang audit verify [--json]` (registered by app.cli): check the hash chain over this
workstation's events and name the first broken link, then every case's record against its
events and name each field that does not match (which case, which field, stored vs derived).

Exit codes: 0 the chain is whole and every record matches its events; 1 a link is broken or a
record does not match (or the store cannot be read); 2 usage.
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


SHOWN_MISMATCHES = 50  # lines of the text output; --json names up to 1,000


def shown_value(m, value):  # noqa: ANN001 (app.domain.case_record.Mismatch)
    """A stored or derived value as output shows it: ID and phone numbers masked (an
    enterprise's credit code stays whole, as everywhere), the materials as compact JSON."""
    import json

    from app.domain.masking import mask_applicant_id, mask_phone

    if isinstance(value, bytes | bytearray):  # stored as a BLOB: shown, never decoded
        return "0x" + bytes(value[:64]).hex() + ("…" if len(value) > 64 else "")
    if m.field == "applicant_id_number" and isinstance(value, str):
        return mask_applicant_id(value, "enterprise" if m.kind == "enterprise" else "person")
    if m.field == "applicant_phone" and isinstance(value, str):
        return mask_phone(value)
    if m.field == "marks" and not isinstance(value, str | type(None)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return value


def mismatch_json(m) -> dict:  # noqa: ANN001
    return {**m.to_json(), "stored": shown_value(m, m.stored), "derived": shown_value(m, m.derived)}


def mismatch_text(m) -> str:  # noqa: ANN001
    from app.domain.text import visible
    from app.messages import t

    def text(value) -> str:  # noqa: ANN001
        if value is None:
            return t("audit.record_none")
        value = str(shown_value(m, value))
        return visible(value if len(value) <= 120 else value[:119] + "…", single_line=True)

    return t(
        "audit.record_mismatch",
        case=visible(m.case, single_line=True),
        field=t(f"audit.field_{m.field}"),
        name=m.field,
        stored=text(m.stored),
        derived=text(m.derived),
    )


def cmd_audit_verify(args) -> int:
    import sys

    from app.messages import t
    from app.services.audit import verify_all
    from app.services.workstation import open_workstation

    ws = open_workstation(args.data_dir)
    progress = None
    if sys.stderr.isatty():  # a long run shows it is alive; scripts get a quiet stderr

        def progress(n: int) -> None:
            print(t("audit.progress", events=n), file=sys.stderr, end="\r", flush=True)

    try:
        result = verify_all(ws.store, progress=progress)
    finally:
        ws.close()
    if progress is not None:
        print(file=sys.stderr)
    report, records = result.chain, result.records
    b = report.first_break
    if args.json:
        from app.cli.common import print_json

        doc = {"data_dir": str(ws.config.data_dir), **report.to_json(), "ok": result.ok}
        doc["chain_ok"] = report.ok
        if b is not None:
            doc["first_break"]["message"] = problem_text(b)
        doc["records"] = {**records.to_json(), "mismatches": [mismatch_json(m) for m in records.mismatches]}
        print_json(doc)
        return 0 if result.ok else 1
    if b is None:
        algs = ", ".join(f"{k} {v}" for k, v in sorted(report.algorithms.items())) or "-"
        print(t("audit.ok", events=report.events, algorithms=algs, n=report.tip.n, hash=report.tip.hash))
    else:
        from app.domain.text import visible

        print(t("audit.broken", position=b.position, event_id=visible(b.event_id), n=b.n, row=b.row))
        print("  " + visible(problem_text(b), single_line=True))
        print(t("audit.broken_summary", checked=report.events - 1), file=sys.stderr)
    if records.ok:
        print(t("audit.records_ok", cases=records.cases))
    else:
        print(t("audit.records_broken", count=records.count, cases=records.cases))
        for m in records.mismatches[:SHOWN_MISMATCHES]:
            print("  " + mismatch_text(m))
        if records.count > SHOWN_MISMATCHES:
            print(t("audit.records_more", more=records.count - SHOWN_MISMATCHES))
    return 0 if result.ok else 1
