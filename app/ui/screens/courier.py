"""The courier screen: waybills scanned with a keyboard-wedge scanner, recorded once each.

A wedge scanner types a whole code in a few milliseconds and ends it with Enter (or Tab,
``courier.terminator``). The scan field takes the code and empties itself while handling
that very key, before the next code's first character is handled, so nothing typed in a
burst is lost or doubled; the code goes to one recording thread in order, and the screen
never waits for the store. A refusal is loud: a red message line and the terminal bell.
"""

from __future__ import annotations

import queue
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from app.domain import courier as rules
from app.messages import t
from app.ui.widgets.keys import KeyFooter
from app.ui.widgets.status_bar import StatusBar

_STOP = object()


class ScanField(Input):
    """An Input that hands over each scanned code as it ends and starts empty for the next.

    The terminator is handled here, in the field's own queue of keys, in order with the
    characters. As an Input binding it would bubble up to the app and run only after the
    app had forwarded the next code's first keys to the field: a burst would be cut wrong.
    """

    @dataclass
    class Scanned(Message):
        value: str
        # when the terminator key arrived from the terminal (the key event's own time, not when
        # a busy window got round to it: held type-ahead must not stretch the repeat window)
        at: float

    def __init__(self, terminator: str = "enter", **kw) -> None:
        super().__init__(**kw)
        self.terminator = terminator

    def _take(self, at: float) -> None:
        value = self.value
        self.value = ""  # now, in this key's handling: the next code's keys land in an empty field
        if value.strip():
            self.post_message(self.Scanned(value, at))

    async def _on_key(self, event) -> None:
        if event.key == self.terminator:  # "enter" or "tab"
            event.stop()
            event.prevent_default()
            self._take(event.time)
            return
        await super()._on_key(event)


@dataclass(frozen=True)
class _Job:
    raw: str
    at: float
    step: str
    recipient: str
    applicant: bool | None
    reason: str


class CourierScreen(Screen):
    CSS_PATH = "courier.tcss"
    BINDINGS = [
        Binding("escape", "back", t("key.back")),
        Binding("f2", "step('pickup')", t("key.step_pickup"), priority=True),
        Binding("f3", "step('transit')", t("key.step_transit"), priority=True),
        Binding("f4", "step('delivered')", t("key.step_delivered"), priority=True),
        Binding("f5", "step('failed')", t("key.step_failed"), priority=True),
        Binding("f6", "fail_reason", t("key.fail_reason"), priority=True),
        Binding("f7", "toggle_applicant", t("key.recipient_applicant"), priority=True),
        Binding("f8", "trip_slip", t("key.trip_slip"), priority=True),
        Binding("f9", "focus_scan", t("key.scan_field")),
        Binding("f10", "focus_case", t("key.case_field")),
        Binding("f11", "focus_recipient", t("key.recipient_field")),
    ]

    def __init__(self) -> None:
        super().__init__(id="courier")
        self.step = rules.PICKUP
        self.reason = rules.FAIL_REASONS[0]
        self.applicant = True
        self.case = ""  # the case for pickups: typed, or chosen by scanning its receipt
        self.outcomes: list = []  # every Outcome in order (the table shows them too)
        self.in_trip = 0  # recorded in the current trip
        self.trip = None
        self._queue: queue.Queue = queue.Queue()
        self._svc = None

    def compose(self) -> ComposeResult:
        terminator = str(self.app.ws.config.get("courier.terminator") or "enter")
        yield Static(Text(t("courier.title")), id="courier-title", classes="section-title")
        yield Static(id="courier-mode")
        yield Static(id="courier-message")
        yield ScanField(terminator, placeholder=t("courier.scan_placeholder"), id="courier-scan")
        yield Input(placeholder=t("courier.case_placeholder"), id="courier-case")
        yield Input(placeholder=t("courier.recipient_placeholder"), id="courier-recipient")
        yield DataTable(id="courier-table", cursor_type="row", zebra_stripes=True)
        yield StatusBar(id="status-bar")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(
            "",
            t("courier.col_waybill"),
            t("courier.col_case"),
            t("courier.col_step"),
            t("timeline.col_detail"),
        )
        self._show_mode()
        self.query_one("#courier-scan", ScanField).focus()
        self._recorder()

    def on_unmount(self) -> None:
        self._queue.put(_STOP)

    # --- scanning ----------------------------------------------------------------------------------
    @on(ScanField.Scanned)
    def _scanned(self, event: ScanField.Scanned) -> None:
        recipient = self.query_one("#courier-recipient", Input).value
        self._queue.put(_Job(event.value, event.at, self.step, recipient, self.applicant, self.reason))

    @on(Input.Changed, "#courier-case")
    def _case_typed(self, event: Input.Changed) -> None:
        self.case = event.value.strip()
        self._show_mode()

    @work(thread=True, group="courier")
    def _recorder(self) -> None:
        """The one recording thread: scans in the order they were made, never on the UI thread."""
        from app.services.courier import CourierService

        try:
            self._svc = CourierService(self.app.ws)
            self.trip = self._svc.open_trip("screen")
        except Exception as exc:  # a store problem: say so loudly, keep the screen
            self._ui(self._refused_text, t("error.store", error=exc))
            return
        self._ui(self._show_mode)
        while True:
            job = self._queue.get()
            if job is _STOP:
                return
            if callable(job):
                job()
                continue
            try:
                outcome = self._record(job)
            except Exception as exc:
                self._ui(self._refused_text, t("error.store", error=exc))
                continue
            self._ui(self._show_outcome, outcome)

    def _record(self, job: _Job):
        from app.services.courier import CASE_SET, Outcome, ScanInput, canonical_case, is_case_number

        svc = self._svc
        if is_case_number(job.raw):  # a receipt's barcode: the case for the next pickups
            number = canonical_case(job.raw)
            self.case = number
            return Outcome(CASE_SET, t("courier.case_chosen", case=number), case_number=number)
        return svc.record(
            self.trip,
            ScanInput(
                job.raw,
                job.step,
                case=self.case or None,
                recipient=job.recipient,
                recipient_is_applicant=job.applicant,
                reason=job.reason,
            ),
            seen_at=job.at,
        )

    def _ui(self, callback, *args) -> None:
        try:
            self.app.call_from_thread(callback, *args)
        except RuntimeError:  # the app is closing
            pass

    def _show_outcome(self, outcome) -> None:
        from app.services.courier import CASE_SET, ECHO

        self.outcomes.append(outcome)
        table = self.query_one(DataTable)
        if outcome.code == CASE_SET:
            self.query_one("#courier-case", Input).value = outcome.case_number
            self._message(outcome.message, "notice")
            return
        if outcome.code == "recorded":
            self.in_trip += 1
        mark = "✓" if outcome.code == "recorded" else ("!" if outcome.code == ECHO else "✗")
        style = "green" if mark == "✓" else ("yellow" if mark == "!" else "bold red")
        table.add_row(
            Text(mark, style=style),
            Text(outcome.waybill),
            Text(outcome.case_number),
            Text(rules.step_label(outcome.step) if outcome.step else ""),
            Text(outcome.message, style=style),
        )
        table.move_cursor(row=table.row_count - 1)
        if outcome.ok:
            self._message(outcome.message, "notice" if outcome.code == ECHO else "good")
        else:
            self._refused_text(outcome.message)
        self._show_mode()

    def _refused_text(self, message: str) -> None:
        self._message(message, "bad")
        self.app.bell()

    def _message(self, text: str, kind: str) -> None:
        line = self.query_one("#courier-message", Static)
        line.set_classes(kind)
        line.update(Text(("✗ " if kind == "bad" else "") + text))

    def _show_mode(self) -> None:
        count = self.in_trip
        mode = t(
            "courier.mode",
            step=rules.step_label(self.step),
            case=self.case or t("courier.none"),
            applicant=t("courier.yes") if self.applicant else t("courier.no"),
            reason=rules.fail_label(self.reason),
        )
        trip = t("courier.trip_info", trip=self.trip.label, count=count) if self.trip else ""
        self.query_one("#courier-mode", Static).update(Text(f"{mode}\n{trip}"))

    # --- keys --------------------------------------------------------------------------------------
    def action_step(self, step: str) -> None:
        if step in rules.STEPS:
            self.step = step
            self._show_mode()

    def action_fail_reason(self) -> None:
        i = rules.FAIL_REASONS.index(self.reason)
        self.reason = rules.FAIL_REASONS[(i + 1) % len(rules.FAIL_REASONS)]
        self._show_mode()

    def action_toggle_applicant(self) -> None:
        self.applicant = not self.applicant
        self._show_mode()

    def action_trip_slip(self) -> None:
        # queued behind the scans already made, so the slip lists every one of them
        self._queue.put(self._print_slip)

    def _print_slip(self) -> None:
        svc, trip = self._svc, self.trip
        if svc is None or trip is None:
            return
        if not svc.trip_scans(trip):
            self._ui(self._refused_text, t("courier.slip_empty"))
            return
        count = len(svc.trip_scans(trip))
        svc.print_slip(trip)
        self.trip = svc.open_trip("screen")
        self._ui(self._slip_done, count)

    def _slip_done(self, count: int) -> None:
        self.in_trip = 0
        self.query_one(DataTable).clear()
        self._message(t("courier.slip_queued", count=count), "good")
        self._show_mode()
        self.app.kick_spool()

    def action_focus_scan(self) -> None:
        self.query_one("#courier-scan", ScanField).focus()

    def action_focus_case(self) -> None:
        self.query_one("#courier-case", Input).focus()

    def action_focus_recipient(self) -> None:
        self.query_one("#courier-recipient", Input).focus()

    def action_back(self) -> None:
        self.app.pop_screen()
