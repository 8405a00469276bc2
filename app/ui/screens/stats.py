"""The supervisor's view (Ctrl+R): today's and this month's intake, rates, refusal reasons,
超期预警 and 好差评, with charts drawn in the terminal.

The figures come from app.services.stats in a thread worker (the screen never waits on the
store); the view reloads when the clerk presses F5 and whenever sync has brought decisions
down (app.ui.app calls :meth:`StatsScreen.decisions_arrived`). Everything shown that comes
from the store (matter names, reasons, clerks' names) is plain text, never markup.
"""

from __future__ import annotations

from datetime import datetime

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Sparkline, Static

from app.messages import t
from app.services.stats import DIMENSIONS
from app.ui.widgets.keys import KeyFooter
from app.ui.widgets.status_bar import StatusBar

BARS_SHOWN = 10
LEVEL_STYLE = {"overdue": "bold red", "today": "bold yellow", "soon": "yellow"}


def pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def period_label(name: str) -> str:
    if name == "today":
        return t("stats.today")
    if name == "month":
        return t("stats.month")
    return t("stats.range")


def days_left_text(n: int) -> str:
    return t("stats.days_over", n=-n) if n < 0 else t("stats.days_left", n=n)


def _fit(text: str, width: int) -> str:
    """``text`` cut and padded to ``width`` terminal columns (CJK characters take two)."""
    out, used = [], 0
    for ch in text:
        w = cell_len(ch)
        if used + w > width:
            break
        out.append(ch)
        used += w
    return "".join(out) + " " * (width - used)


class BarChart(Widget):
    """Horizontal bars: one line per (label, value), scaled to the widest value."""

    DEFAULT_CSS = "BarChart { height: auto; }"

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.rows: list[tuple[str, int]] = []

    def set_rows(self, rows: list[tuple[str, int]]) -> None:
        self.rows = rows
        self.styles.height = max(1, len(rows))
        self.refresh(layout=True)

    def render(self) -> Text:
        if not self.rows:
            return Text(t("stats.empty"), style="dim")
        width = max(self.size.width, 20)
        label_w = min(max(cell_len(label) for label, _ in self.rows), max(8, width // 3))
        value_w = max(len(str(v)) for _, v in self.rows)
        bar_w = max(1, width - label_w - value_w - 3)
        top = max(v for _, v in self.rows) or 1
        out = Text()
        for i, (label, value) in enumerate(self.rows):
            if i:
                out.append("\n")
            out.append(_fit(label, label_w) + " ")  # plain text: a name is never markup
            n = round(bar_w * value / top)
            out.append("█" * n or ("▏" if value else ""), style="green")
            out.append(" " * (bar_w - max(n, 1 if value else 0)) + f" {value:>{value_w}}")
        return out


class StatsScreen(Screen):
    CSS_PATH = "stats.tcss"
    BINDINGS = [
        Binding("escape", "back", t("key.back")),
        Binding("f2", "period", t("key.stats_period")),
        Binding("f3", "dimension", t("key.stats_dimension")),
        Binding("f5", "refresh", t("key.stats_refresh")),
    ]

    def __init__(self) -> None:
        super().__init__(id="supervisor")
        self.view = None  # app.services.stats.SupervisorView, once loaded
        self.period = "month"
        self.dimension = 0
        self.loads = 0  # completed loads (tests wait on it)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="supervisor-body"):
            yield Static(Text(t("stats.title")), id="supervisor-title", classes="section-title")
            yield Static(Text(t("stats.loading")), id="supervisor-totals")
            yield Static("", id="supervisor-trend-label", classes="section-title")
            yield Sparkline([], id="supervisor-trend")
            with Horizontal(id="supervisor-charts"):
                with Vertical(classes="supervisor-chart"):
                    yield Static("", id="supervisor-bars-label", classes="section-title")
                    yield BarChart(id="supervisor-bars")
                with Vertical(classes="supervisor-chart"):
                    yield Static("", id="supervisor-refusals-label", classes="section-title")
                    yield BarChart(id="supervisor-refusals")
            yield Static("", id="supervisor-deadlines", classes="section-title")
            yield DataTable(id="supervisor-deadline-table", cursor_type="row", zebra_stripes=True)
            yield Static(Text(t("stats.evaluation")), classes="section-title")
            yield Static("", id="supervisor-evaluation")
        yield StatusBar(id="status-bar")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#supervisor-deadline-table", DataTable).add_columns(
            t("stats.col_number"),
            t("stats.col_subject"),
            t("stats.col_state"),
            t("stats.col_due"),
            t("stats.col_left"),
            t("stats.col_level"),
        )
        self.reload()

    # --- loading ------------------------------------------------------------------------------
    def reload(self) -> None:
        self._load()

    def decisions_arrived(self) -> None:
        """Sync applied decisions from the platform: the deadlines and states have moved."""
        self.reload()

    @work(thread=True, exclusive=True, group="supervisor")
    def _load(self) -> None:
        from app.services.stats import supervisor_view

        try:
            view = supervisor_view(self.app.ws)
        except Exception as exc:  # noqa: BLE001  (a busy or damaged store: say so, F5 tries again)
            self.app.call_from_thread(self._failed, exc)
            return
        self.app.call_from_thread(self._show, view, datetime.now())

    def _failed(self, exc: Exception) -> None:
        self.query_one("#supervisor-totals", Static).update(Text(t("stats.failed", error=exc), style="red"))

    def _show(self, view, when: datetime) -> None:
        with self.app.batch_update():  # one repaint for all the parts
            self._show_all(view, when)
        self.loads += 1

    def _show_all(self, view, when: datetime) -> None:
        self.view = view
        self.query_one("#supervisor-title", Static).update(
            Text(
                f"{t('stats.title')} · "
                + t("stats.as_of", today=view.today.isoformat(), time=f"{when:%H:%M:%S}")
            )
        )
        lines = Text()
        for name, p in view.periods.items():
            c = p.totals
            if lines:
                lines.append("\n")
            lines.append(f"{period_label(name)}  ", style="bold")
            lines.append(
                t("stats.totals", cases=c.cases, accepted=c.accepted, notified=c.notified, refused=c.refused)
            )
            lines.append("\n    ")
            notices = "-" if c.notices_per_case is None else f"{c.notices_per_case:.2f}"
            lines.append(
                t(
                    "stats.rates",
                    first_visit=pct(c.first_visit_rate),
                    tolerated=pct(c.tolerated_share),
                    notices=notices,
                )
            )
        self.query_one("#supervisor-totals", Static).update(lines)
        self.query_one("#supervisor-trend-label", Static).update(
            Text(t("stats.trend", days=len(view.trend), total=sum(n for _, n in view.trend)))
        )
        self.query_one("#supervisor-trend", Sparkline).data = [float(n) for _, n in view.trend]
        self._show_breakdown()
        self._show_deadlines()
        self._show_evaluation()

    def _current_period(self):
        periods = self.view.periods
        return periods.get(self.period) or next(iter(periods.values()))

    def _period_name(self) -> str:
        return period_label(
            self.period if self.period in self.view.periods else next(iter(self.view.periods))
        )

    def _show_breakdown(self) -> None:
        if self.view is None:
            return
        p = self._current_period()
        dim = DIMENSIONS[self.dimension]
        period = self._period_name()
        self.query_one("#supervisor-bars-label", Static).update(
            Text(t("stats.breakdown", period=period, dimension=t("stats.by_" + dim)))
        )
        self.query_one("#supervisor-bars", BarChart).set_rows(
            [(r.label, r.counts.decisions) for r in p.by[dim][:BARS_SHOWN]]
        )
        self.query_one("#supervisor-refusals-label", Static).update(
            Text(t("stats.refusals_of", period=period))
        )
        self.query_one("#supervisor-refusals", BarChart).set_rows(p.refusals[:BARS_SHOWN])

    def _show_deadlines(self) -> None:
        d = self.view.deadlines
        self.query_one("#supervisor-deadlines", Static).update(
            Text(
                t("stats.deadlines", overdue=d.overdue, today=d.due_today, soon=d.due_soon, open=d.open_cases)
            )
        )
        table = self.query_one("#supervisor-deadline-table", DataTable)
        table.clear()
        for w in d.cases:
            style = LEVEL_STYLE.get(w.level, "")
            due = w.due_date.isoformat() + (t("result.provisional") if w.provisional else "")
            table.add_row(
                Text(w.number),
                Text(w.subject),
                Text(t("state." + w.state)),
                Text(due),
                Text(days_left_text(w.days_left), style=style),
                Text(t("stats.level_" + w.level), style=style),
                key=w.number,
            )

    def _show_evaluation(self) -> None:
        self.query_one("#supervisor-evaluation", Static).update(evaluation_text(self.view.evaluation))

    # --- keys ---------------------------------------------------------------------------------
    def action_back(self) -> None:
        self.app.pop_screen()

    def action_refresh(self) -> None:
        self.reload()

    def action_period(self) -> None:
        self.period = "today" if self.period == "month" else "month"
        self._show_breakdown()

    def action_dimension(self) -> None:
        self.dimension = (self.dimension + 1) % len(DIMENSIONS)
        self._show_breakdown()

    @on(DataTable.RowSelected, "#supervisor-deadline-table")
    def _open_case(self, event: DataTable.RowSelected) -> None:
        from app.ui.screens.cases import CaseDetailScreen

        if event.row_key.value:
            self.app.push_screen(CaseDetailScreen(event.row_key.value))


def evaluation_text(summary: dict | None) -> Text:
    """The evaluation summary as labelled lines (app.services.stats.evaluation_lines)."""
    from app.services.stats import evaluation_lines

    if summary is None:
        return Text(t("stats.no_evaluation"), style="dim")
    out = Text()
    for label, value in evaluation_lines(summary):
        if out:
            out.append("\n")
        out.append(f"{label}：", style="bold")
        out.append(value)
    if summary.get("followups_overdue"):
        out.stylize("bold red", len(out) - len(value))
    return out
