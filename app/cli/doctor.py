"""`yichuang doctor [--json]` (registered by app.cli): the findings of app.services.doctor, for
an admin at the terminal or a script.

Exit codes: 0 all is well (only ok/info findings), 1 at least one error, 3 warnings only.
Only argparse-free code at module level: every `yichuang` start imports this file.
"""

from __future__ import annotations


def register(sub, add) -> None:
    from app.messages import t

    p = add("doctor", t("doctor.cli_help"), cmd_doctor)
    p.add_argument("--json", action="store_true", help=t("doctor.cli_json"))


def cmd_doctor(args) -> int:
    import sys
    from datetime import UTC, datetime

    from app.build_info import build_info
    from app.messages import t
    from app.services.doctor import exit_code, open_for_doctor, run_checks

    ws, findings = open_for_doctor(args.data_dir)
    findings += run_checks(ws)
    ws.close()
    code = exit_code(findings)
    counts = {
        level: sum(1 for f in findings if f.level == level) for level in ("ok", "info", "warning", "error")
    }
    if args.json:
        from app.cli.common import print_json

        print_json(
            {
                "version": build_info().version,
                "build": build_info().to_dict(),
                "data_dir": str(ws.config.data_dir),
                "checked_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "exit_code": code,
                "counts": counts,
                "findings": [f.to_dict() for f in findings],
            }
        )
        return code
    from app.domain.text import visible

    labels = {
        "ok": t("doctor.level_ok"),
        "info": t("doctor.level_info"),
        "warning": t("doctor.level_warning"),
        "error": t("doctor.level_error"),
    }
    from rich.cells import cell_len

    width = max(cell_len(label) for label in labels.values())
    print(visible(t("doctor.title", path=ws.config.data_dir)))
    print(visible(t("doctor.build", line=build_info().line())))
    for f in findings:
        label = labels[f.level]
        tag = f"[{label}]" + " " * (width - cell_len(label))
        # a finding may quote a path, a printer's or hub's words: shown, never obeyed
        print(f"{tag} {visible(f.message, single_line=True)}")
        if f.advice:
            print(" " * (width + 3) + visible(t("doctor.advice", advice=f.advice), single_line=True))
    if code == 0:
        print(t("doctor.all_well"))
    else:
        print(t("doctor.summary", errors=counts["error"], warnings=counts["warning"]), file=sys.stderr)
    return code
