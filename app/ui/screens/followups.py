"""差评整改: the follow-ups bad ratings opened, the overdue ones flagged; a supervisor closes one
with a note (Enter). app.services.evaluation decides and writes."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from app.domain import evaluation as rules
from app.messages import t
from app.ui.screens.dialogs import ReasonDialog
from app.ui.widgets.keys import KeyFooter
from app.ui.widgets.status_bar import StatusBar


class FollowupScreen(Screen):
    CSS_PATH = "evaluation.tcss"
    ROLE_GATES = {"close_followup": "followup_close"}
    BINDINGS = [
        Binding("escape", "back", t("key.back")),
        Binding("enter", "close_followup", t("key.followup_close")),
        Binding("f3", "toggle_closed", t("key.followup_all")),
    ]

    def __init__(self) -> None:
        super().__init__(id="followups")
        self.include_closed = False
        self.rows: dict[str, dict] = {}

    def compose(self) -> ComposeResult:
        yield Static(Text(t("followup.title")), id="followup-title", classes="section-title")
        yield DataTable(id="followup-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="followup-detail")
        yield StatusBar(id="status-bar")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(
            t("followup.col_id"),
            t("followup.col_case"),
            t("followup.col_level"),
            t("followup.col_due"),
            t("followup.col_left"),
            t("followup.col_state"),
            t("followup.col_reasons"),
        )
        self.query_one(DataTable).focus()
        self.reload()

    def reload(self) -> None:
        self._load(self.include_closed)

    @work(thread=True, exclusive=True, group="followups")
    def _load(self, include_closed: bool) -> None:
        from app.services.evaluation import followups

        try:
            rows = followups(self.app.ws, include_closed=include_closed)
        except Exception as exc:  # a store problem must not take the window down
            self.app.call_from_thread(self.app.notify, t("error.store", error=exc), severity="error")
            return
        self.app.call_from_thread(self._show, rows)

    def _show(self, rows: list[dict]) -> None:
        if not self.is_attached:
            return
        table = self.query_one(DataTable)
        table.clear()
        self.rows = {}
        overdue = 0
        for r in rows:
            self.rows[str(r["id"])] = r
            if r["state"] == "closed":
                state, left, style = Text(t("followup.closed")), "", ""
            elif r["overdue"]:
                overdue += 1
                state, style = Text(t("followup.overdue"), style="bold red"), "bold red"
                left = t("followup.days_over", days=-r["days_left"])
            else:
                state, style = Text(t("followup.open")), ""
                left = t("followup.days_left", days=r["days_left"])
            reasons = "、".join(rules.reason_label(c) for c in r["reasons"])
            if r["comment"]:
                reasons = f"{reasons}  {r['comment']}" if reasons else r["comment"]
            table.add_row(  # stored text is data: Text cells, never markup
                str(r["id"]),
                r["case"],
                Text(rules.level_label(r["level"])),
                Text(r["due_on"], style=style),
                Text(left, style=style),
                state,
                Text(reasons),
                key=str(r["id"]),
            )
        title = t("followup.title")
        title += " · " + (
            t("followup.summary", count=len(rows), overdue=overdue) if rows else t("followup.none")
        )
        self.query_one("#followup-title", Static).update(Text(title, style="bold red" if overdue else ""))

    def _current(self) -> dict | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return self.rows.get(str(key.value))

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        r = self._current()
        detail = ""
        if r is not None and r["state"] == "closed":
            detail = t("followup.closed_detail", by=r["closed_by"], note=r["note"])
        self.query_one("#followup-detail", Static).update(Text(detail))

    @on(DataTable.RowSelected)
    def _selected(self) -> None:
        self.action_close_followup()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        gate = self.ROLE_GATES.get(action)
        return gate is None or self.app.may(gate)

    def action_close_followup(self) -> None:
        r = self._current()
        if r is None or r["state"] == "closed":
            return

        def done(note: str | None) -> None:
            if note:
                self._close(r["id"], note)

        self.app.push_screen(
            ReasonDialog(
                t("followup.close_title", id=r["id"], case=r["case"]),
                t("followup.note"),
                required=True,
                hint=t("followup.note_hint"),
            ),
            done,
        )

    @work(thread=True, group="followup-close")
    def _close(self, followup_id: int, note: str) -> None:
        from app.services.evaluation import EvaluationRefused, close_followup

        try:
            close_followup(self.app.ws, followup_id, note)
        except EvaluationRefused as exc:
            self.app.call_from_thread(self.app.notify, str(exc), severity="error")
            return
        self.app.call_from_thread(self.app.notify, t("followup.closed_done", id=followup_id))
        kick = getattr(self.app, "kick_sync", None)
        if kick is not None:
            self.app.call_from_thread(kick)
        self.app.call_from_thread(self.reload)

    def action_toggle_closed(self) -> None:
        self.include_closed = not self.include_closed
        self.reload()

    def action_back(self) -> None:
        self.app.pop_screen()
