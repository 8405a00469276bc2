"""`yichuang stats [--json] [--from DATE --to DATE]` and `yichuang export cases FILE` (registered
by app.cli): the supervisor's figures (app.services.stats) and the masked case list
(app.services.case_export) for the office's own reports.

Only argparse-free code at module level: every `yichuang` start imports this file.
"""

from __future__ import annotations

from pathlib import Path


def register(sub, add) -> None:
    from app.cli.common import gate
    from app.messages import t

    p = add("stats", t("stats.cli_help"), cmd_stats)
    p.add_argument("--json", action="store_true", help=t("cli.json"))
    _period_options(p)
    gate(p, "supervisor_view")
    export = sub.add_parser("export", help=t("export.cli_help")).add_subparsers(
        dest="action", required=True, metavar="WHAT"
    )
    p = add("cases", t("export.cli_cases"), cmd_export_cases, export)
    p.add_argument("file", type=Path, metavar="FILE.xlsx|FILE.csv", help=t("export.cli_file"))
    _period_options(p)
    p.add_argument("--force", action="store_true", help=t("export.cli_force"))
    gate(p, "supervisor_view")


def _period_options(p) -> None:
    from app.messages import t

    p.add_argument("--from", dest="start", metavar="DATE", help=t("stats.cli_from"))
    p.add_argument("--to", dest="end", metavar="DATE", help=t("stats.cli_to"))


def _period(args, today):
    """(start, end) from --from/--to, or (None, None) when neither is given."""
    from app.domain.stats import PeriodError, parse_period
    from app.errors import CommandError

    if args.start is None and args.end is None:
        return None, None
    try:
        return parse_period(args.start, args.end, today)
    except PeriodError as exc:
        raise CommandError(str(exc)) from None


def days_left_text(n: int) -> str:
    from app.messages import t

    return t("stats.days_over", n=-n) if n < 0 else t("stats.days_left", n=n)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def cmd_stats(args) -> int:
    from app.cli.common import cell, open_ws, print_json
    from app.messages import t
    from app.services.stats import supervisor_view

    ws = open_ws(args)
    start, end = _period(args, ws.today())
    view = supervisor_view(ws, start=start, end=end)
    if args.json:
        print_json(view.to_dict())
        return 0
    names = {"today": t("stats.today"), "month": t("stats.month"), "range": t("stats.range")}
    for name, p in view.periods.items():
        c = p.totals
        print(f"{names[name]} {p.start.isoformat()} ~ {p.end.isoformat()}")
        print(
            "  "
            + t(
                "stats.totals",
                cases=c.cases,
                accepted=c.accepted,
                notified=c.notified,
                refused=c.refused,
            )
        )
        print(
            "  "
            + t(
                "stats.rates",
                first_visit=_pct(c.first_visit_rate),
                tolerated=_pct(c.tolerated_share),
                notices="-" if c.notices_per_case is None else f"{c.notices_per_case:.2f}",
            )
        )
        for dim in ("matter", "department", "window", "clerk"):
            rows = p.by[dim]
            if not rows:
                continue
            print(f"  {t('stats.by_' + dim)}")
            for r in rows[:10]:
                n = r.counts
                print(
                    f"    {cell(r.label, 34)} {n.decisions:>7}  {t('stats.row', accepted=n.accepted, notified=n.notified, refused=n.refused)}"
                )
        if p.refusals:
            print(f"  {t('stats.refusals')}")
            for reason, n in p.refusals[:10]:
                print(f"    {cell(reason, 40)} {n:>7}")
    d = view.deadlines
    print(t("stats.deadlines", overdue=d.overdue, today=d.due_today, soon=d.due_soon, open=d.open_cases))
    for w in d.cases:
        print(
            f"  {w.number}  {cell(w.subject, 30)} {w.due_date.isoformat()}"
            f"{t('result.provisional') if w.provisional else ''}  {days_left_text(w.days_left)}"
        )
    if view.evaluation is not None:
        print(t("stats.evaluation"))
        from app.services.stats import evaluation_lines

        for label, value in evaluation_lines(view.evaluation):
            print(f"  {label}：{value}")
    return 0


def cmd_export_cases(args) -> int:
    import sys

    from app.cli.common import open_ws
    from app.errors import CommandError
    from app.messages import t
    from app.services.case_export import ExportError, export_cases

    ws = open_ws(args)
    start, end = _period(args, ws.today())
    bar = _Progress(sys.stderr)
    try:
        result = export_cases(ws, args.file, start=start, end=end, force=args.force, progress=bar.update)
    except ExportError as exc:
        raise CommandError(str(exc)) from None
    finally:
        bar.close()
    print(t("export.done", path=result.path, n=result.rows))
    return 0


class _Progress:
    """Rows written so far, on stderr: a bar on a terminal, a line every 100,000 rows otherwise."""

    EVERY = 100_000

    def __init__(self, stream) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.bar = None
        self.task = None
        self.shown = 0

    def update(self, done: int, total: int) -> None:
        from app.messages import t

        if self.tty:
            if self.bar is None:
                from rich.console import Console
                from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

                self.bar = Progress(
                    TextColumn(t("export.progress_label")),
                    BarColumn(),
                    MofNCompleteColumn(),
                    console=Console(file=self.stream),
                    transient=True,
                )
                self.bar.start()
                self.task = self.bar.add_task("", total=total)
            self.bar.update(self.task, completed=done, total=total)
        elif done - self.shown >= self.EVERY:
            self.shown = done
            print(t("export.progress", done=done, total=total), file=self.stream)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
