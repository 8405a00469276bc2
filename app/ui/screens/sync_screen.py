"""The sync screen: what waits to be sent, what the platform refused, every conflict,
and the 办结 cases ready for pickup (出件)."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Static

from app.messages import t
from app.ui.permission import may
from app.ui.widgets.keys import KeyFooter
from app.ui.widgets.status_bar import StatusBar
from app.ui.widgets.times import local_time

SECTIONS = ("refused", "conflicts", "ready", "waiting")


def attention(rows: dict[str, int], *, waiting_blocked: bool) -> dict[str, str]:
    """Which sections need the clerk, by section name: ``-urgent`` (the platform refused a
    record: set it aside or send it again) or ``-attention`` (a conflict to look at, records
    stuck behind a refusal). Records waiting to be sent and results ready for pickup are the
    day's normal counts: they do not stand out (issue 21)."""
    marks: dict[str, str] = {}
    if rows.get("refused"):
        marks["refused"] = "-urgent"
    if rows.get("conflicts"):
        marks["conflicts"] = "-attention"
    if rows.get("waiting") and waiting_blocked:
        marks["waiting"] = "-attention"
    return marks


class SyncScreen(Screen):
    BINDINGS = [
        Binding("escape", "back", t("key.back")),
        Binding("f5", "sync_now", t("key.sync_now")),
        Binding("f6", "set_aside", t("key.set_aside")),
        Binding("f7", "retry", t("key.retry")),
        Binding("f8", "deliver", t("key.deliver")),
    ]
    ROLE_GATES = {"deliver": "pickup"}  # 出件 by EMS: a handover, whoever may hand results out

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        gate = self.ROLE_GATES.get(action)
        return gate is None or may(self.app, gate)

    def __init__(self) -> None:
        super().__init__(id="sync")
        self.status = None
        self._waiting_blocked = False

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static("", id="sync-summary", classes="section-title")
            for name in SECTIONS:
                yield Static(t(f"sync.section_{name}"), id=f"sync-title-{name}", classes="sync-section")
                yield DataTable(id=f"sync-{name}", cursor_type="row", zebra_stripes=True)
                yield Static(Text(t(f"sync.empty_{name}")), id=f"sync-empty-{name}", classes="empty-note")
        yield StatusBar(id="status-bar")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#sync-refused", DataTable).add_columns(
            t("sync.col_case"),
            t("sync.col_kind"),
            t("sync.col_status"),
            t("sync.col_reason"),
            t("sync.col_time"),
        )
        self.query_one("#sync-conflicts", DataTable).add_columns(
            t("sync.col_case"), t("sync.col_kind"), t("sync.col_rule"), t("sync.col_time")
        )
        self.query_one("#sync-ready", DataTable).add_columns(
            t("sync.col_case"), t("sync.col_applicant"), t("sync.col_subject"), t("sync.col_time")
        )
        self.query_one("#sync-waiting", DataTable).add_columns(
            t("sync.col_case"), t("sync.col_kind"), t("sync.col_status"), t("sync.col_time")
        )
        self.reload()

    def reload(self) -> None:
        self._load()

    def sync_cycle_ended(self) -> None:
        """Called by the window's sync job after every cycle: the screen never goes stale."""
        self._load()

    @work(thread=True, exclusive=True, group="sync-screen")
    def _load(self) -> None:
        from app.services.sync import actions
        from app.services.sync.runner import SyncRunner

        runner = getattr(self.app, "sync_runner", None) or SyncRunner(self.app.ws)
        status = runner.status()
        waiting = actions.waiting(self.app.ws.store)
        self.app.call_from_thread(self._show, status, waiting)

    def _show(self, status, waiting) -> None:
        self.status = status
        # bar_text() is markup built by our code from catalogue messages and counts only.
        self.query_one("#sync-summary", Static).update(
            Text.assemble(f"{t('sync.title')} · ", Text.from_markup(status.bar_text()))
        )
        refused = self.query_one("#sync-refused", DataTable)
        refused.clear()
        for r in status.refused:
            refused.add_row(  # Text cells: the platform's reason is data, never markup
                r["case_number"],
                t("event." + r["kind"]),
                t("sync.status_" + r["status"]),
                Text(f"{r['code']}: {r['reason']}"),
                local_time(r["at"]),
                key=r["event_id"],
            )
        conflicts = self.query_one("#sync-conflicts", DataTable)
        conflicts.clear()
        for c in status.conflicts:
            conflicts.add_row(
                c.case_number,
                t("event." + c.kind),
                t("sync.rule_" + c.rule),
                local_time(c.found_at),
                key=f"{c.id}",
            )
        ready = self.query_one("#sync-ready", DataTable)
        ready.clear()
        for c in status.ready:
            ready.add_row(
                c.number,  # generated: digits, letters and dashes
                Text(c.applicant_name),
                Text(c.subject_name),
                local_time(c.updated_at),
                key=c.number,
            )
        wt = self.query_one("#sync-waiting", DataTable)
        wt.clear()
        self._waiting_blocked = any(w["blocked"] for w in waiting)
        for w in waiting:
            wt.add_row(
                w["case_number"],
                t("event." + w["kind"]),
                t("sync.blocked") if w["blocked"] else t("sync.pending"),
                local_time(w["at"]),
                key=w["event_id"],
            )
        self._mark_sections()

    def _mark_sections(self) -> None:
        """Only a section that needs the clerk stands out (a refusal in red); one with rows reads
        as normal text, an empty one is quiet and says so."""
        rows = {name: self.query_one(f"#sync-{name}", DataTable).row_count for name in SECTIONS}
        marks = attention(rows, waiting_blocked=self._waiting_blocked)
        for name in SECTIONS:
            title = self.query_one(f"#sync-title-{name}", Static)
            title.set_class(bool(rows[name]), "-has-rows")
            title.set_class(marks.get(name) == "-attention", "-attention")
            title.set_class(marks.get(name) == "-urgent", "-urgent")
            self.query_one(f"#sync-empty-{name}", Static).display = not rows[name]

    def _selected(self, table_id: str) -> str | None:
        table = self.query_one(table_id, DataTable)
        if table.row_count == 0:
            return None
        key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return str(key.value)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_sync_now(self) -> None:
        from app.services.sync.runner import SyncRunner

        runner = getattr(self.app, "sync_runner", None)
        if not (runner or SyncRunner(self.app.ws)).configured:  # it would wait for nothing
            self.app.notify(t("sync.now_not_configured"), severity="warning")
            return
        if runner is not None:
            runner.kick()
            self.app.notify(t("sync.now_running"))
            self.set_timer(2.0, self.reload)
        else:
            self._sync_once()

    @work(thread=True, group="sync-screen-once")
    def _sync_once(self) -> None:
        from app.services.sync.runner import SyncRunner

        rep = SyncRunner(self.app.ws).cycle()
        msg = (
            t("sync.done", pushed=rep.pushed, pulled=rep.pulled)
            if rep.ok
            else t("sync.failed", error=rep.error)
        )
        self.app.call_from_thread(self.app.notify, msg, severity="information" if rep.ok else "warning")
        self.app.call_from_thread(self.reload)

    def action_set_aside(self) -> None:
        eid = self._selected("#sync-refused")
        if eid is None:
            self.app.notify(t("sync.pick_row"), severity="warning")
            return
        self._run_action("set_aside", eid)

    def action_retry(self) -> None:
        eid = self._selected("#sync-refused")
        if eid is None:
            self.app.notify(t("sync.pick_row"), severity="warning")
            return
        self._run_action("retry", eid)

    def action_deliver(self) -> None:
        number = self._selected("#sync-ready")
        if number is None:
            self.app.notify(t("sync.pick_row"), severity="warning")
            return
        # handing out goes through the pickup panel: it checks who collects (ID, authorisation)
        # and prints the 领取凭证, which a bare "delivered" event from here skipped
        from app.ui.screens.handover import HandoverScreen

        self.app.push_screen(HandoverScreen(number))

    @work(thread=True, group="sync-screen-action")
    def _run_action(self, action: str, key: str) -> None:
        """The store is written off the UI thread, through the window's sync use cases."""
        from app.services.sync import actions

        ws = self.app.ws
        message, severity = "", "information"
        try:
            if action == "set_aside":
                if actions.set_aside(ws.store, key):
                    message = t("sync.set_aside_done")
            elif action == "retry":
                if actions.retry(ws.store, key):
                    message = t("sync.retry_done")
        except actions.NotAllowed as exc:
            message, severity = str(exc), "warning"
        if message:
            self.app.call_from_thread(self.app.notify, message, severity=severity, markup=False)
        self.app.call_from_thread(self.reload)
