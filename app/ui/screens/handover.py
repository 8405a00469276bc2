"""统一窗口出件: the ready-for-pickup list and the handover of one case.

The list holds the back office's 办结 and 不予许可 cases. The clerk finds one by number, name
or ID number (or scans the receipt anywhere: the app opens it here), checks the collector —
the applicant by ID number, or an agent (F4) with the applicant's written authorisation —
and F5 records the handover and prints the 领取凭证. app.services.handover decides and writes.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from app.messages import t
from app.ui import reactions
from app.ui.permission import may
from app.ui.widgets.keys import KeyFooter
from app.ui.widgets.status_bar import StatusBar
from app.ui.widgets.times import local_time

_FIELDS = {
    "collector_id": "#pickup-collector-id",
    "agent_name": "#pickup-agent-name",
    "authorisation": "#pickup-authorisation",
}


class HandoverScreen(Screen):
    CSS_PATH = "handover.tcss"
    BINDINGS = [
        Binding("escape", "back", t("key.back")),
        Binding("f2", "focus_find", t("key.find")),
        Binding("f4", "toggle_agent", t("key.agent"), priority=True),
        Binding("f5", "hand_over", t("key.handover"), priority=True),
    ]

    def __init__(self, number: str | None = None) -> None:
        super().__init__(id="pickup")
        self.case = None  # the case being handed out (app.store.models.Case)
        self.agent = False
        self.busy = False
        self._open_when_loaded = number
        self._loads = 0

    def compose(self) -> ComposeResult:
        yield Static(t("pickup.title"), id="pickup-title", classes="section-title")
        yield Input(placeholder=t("pickup.find_placeholder"), id="pickup-find")
        yield DataTable(id="pickup-table", cursor_type="row", zebra_stripes=True)
        yield Static(Text(t("pickup.table_empty")), id="pickup-empty", classes="empty-note")
        with Vertical(id="pickup-panel"):
            yield Static("", id="pickup-case", classes="section-title")
            yield Static("", id="pickup-applicant")
            yield Static("", id="pickup-mode")
            yield Input(placeholder=t("pickup.collector_id"), id="pickup-collector-id", max_length=40)
            yield Input(placeholder=t("pickup.agent_name"), id="pickup-agent-name", max_length=60)
            yield Input(placeholder=t("pickup.authorisation"), id="pickup-authorisation", max_length=500)
            yield Static(t("pickup.hint"), id="pickup-hint")
            yield Static("", id="pickup-message")
        yield StatusBar(id="status-bar")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#pickup-table", DataTable).add_columns(
            t("cases.col_number"),
            t("cases.col_applicant"),
            t("cases.col_subject"),
            t("pickup.col_outcome"),
            t("pickup.col_decided"),
        )
        self.query_one("#pickup-panel").display = False
        self.query_one("#pickup-find", Input).focus()
        self.reload()

    # --- the list ----------------------------------------------------------------------------
    def reload(self) -> None:
        self._loads += 1
        self.app.typeahead.hold(self, "pickup-list")  # Enter acts on the list this text finds
        self._load(self.query_one("#pickup-find", Input).value, self._loads)

    @work(thread=True, exclusive=True, group="pickup-list")
    def _load(self, text: str, load: int) -> None:
        from app.services.handover import ready

        try:
            cases = ready(self.app.ws, text)
        except Exception as exc:  # a store problem must not take the window down
            self.app.call_from_thread(self.app.notify, t("error.store", error=exc), severity="error")
            self.app.call_from_thread(self._load_failed)
            return
        self.app.call_from_thread(self._show, cases, text, load)

    def _load_failed(self) -> None:
        self.app.typeahead.release(self, "pickup-list")
        if self._open_when_loaded:  # the case it was to open will not open: the keys go on
            self._open_when_loaded = None
            self.app.typeahead.release(self, "pickup-case")

    def _show(self, cases, text: str, load: int) -> None:
        if load != self._loads or not self.is_attached:
            return
        self.app.typeahead.release(self, "pickup-list")
        table = self.query_one("#pickup-table", DataTable)
        table.clear()
        for c in cases:
            table.add_row(  # stored text is data: Text cells, never markup
                c.number,
                Text(c.applicant_name),
                Text(c.subject_name),
                Text(t("state." + c.state)),
                Text(local_time(c.updated_at)),
                key=c.number,
            )
        title = t("pickup.found", count=len(cases)) if text.strip() else t("pickup.title")
        if not cases:
            title += " · " + t("pickup.empty")
        self.query_one("#pickup-title", Static).update(Text(title))
        table.set_class(not cases, "-empty")
        self.query_one("#pickup-empty", Static).display = not cases
        if self._open_when_loaded:
            number, self._open_when_loaded = self._open_when_loaded, None
            self.open_case(number)

    @on(Input.Changed, "#pickup-find")
    def _find(self) -> None:
        self.reload()

    @on(Input.Submitted, "#pickup-find")
    def _find_submitted(self) -> None:
        table = self.query_one("#pickup-table", DataTable)
        if table.row_count == 1:
            key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
            self.open_case(str(key.value))
        else:
            table.focus()

    @on(DataTable.RowSelected, "#pickup-table")
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        self.open_case(str(event.row_key.value))

    # --- one case ----------------------------------------------------------------------------
    def open_case(self, number: str) -> None:
        """Show the handover panel of case `number` (chosen, typed or scanned)."""
        self.app.typeahead.hold(self, "pickup-case")  # keys typed next are the collector's
        self._fetch_case(number)

    @work(thread=True, exclusive=True, group="pickup-case")
    def _fetch_case(self, number: str) -> None:
        from app.services.cases import CaseService

        try:
            case = CaseService(self.app.ws).get(number)
        except Exception as exc:  # a store problem must not take the window down
            self.app.call_from_thread(self.app.notify, t("error.store", error=exc), severity="error")
            self.app.call_from_thread(self.app.typeahead.release, self, "pickup-case")
            return
        self.app.call_from_thread(self._show_case, case, number)

    def _show_case(self, case, number: str) -> None:
        try:
            self._show_case_panel(case, number)
        finally:  # let the keys go once the focus is set (it lands with them, in order)
            self.app.typeahead.release(self, "pickup-case")

    def _show_case_panel(self, case, number: str) -> None:
        from app.domain.masking import mask_applicant_id
        from app.services.handover import READY_STATES

        if case is None or case.state not in READY_STATES:
            self.app.bell()
            message = (
                t("case.not_found", number=number)
                if case is None
                else t("handover.not_ready", number=case.number, state=t("state." + case.state))
            )
            self.app.notify(message, severity="warning")
            return
        self.case = case
        self.agent = False
        for selector in _FIELDS.values():
            self.query_one(selector, Input).value = ""
        self.query_one("#pickup-case", Static).update(
            Text(
                t("pickup.case", number=case.number, state=t("state." + case.state))
                + f" · {case.subject_name}"
            )
        )
        self.query_one("#pickup-applicant", Static).update(
            Text(
                t(
                    "pickup.applicant",
                    name=case.applicant_name,
                    id=mask_applicant_id(case.applicant_id_number, case.applicant_kind),
                )
            )
        )
        self.query_one("#pickup-panel").display = True
        self._show_mode()
        self.say("")
        self.query_one("#pickup-collector-id", Input).focus()

    def _show_mode(self) -> None:
        self.query_one("#pickup-mode", Static).update(
            Text(t("pickup.agent_mode") if self.agent else t("pickup.applicant_mode"))
        )
        self.query_one("#pickup-agent-name", Input).display = self.agent
        self.query_one("#pickup-authorisation", Input).display = self.agent

    def say(self, text: str, style: str = "") -> None:
        self.query_one("#pickup-message", Static).update(Text(text, style=style))

    @on(Input.Submitted, "#pickup-collector-id, #pickup-agent-name")
    def _next_field(self, event: Input.Submitted) -> None:
        if self.agent:
            nxt = "#pickup-agent-name" if event.input.id == "pickup-collector-id" else "#pickup-authorisation"
            self.query_one(nxt, Input).focus()

    def card_presented(self, event) -> None:
        """A card laid on the reader (issue 17 §2): the collector's ID, and in 代领 the agent's
        name too; the hand-over (F5) checks it as it checks a typed one."""
        if self.case is None:
            self.say(t("window.idcard_pickup_no_case"), "yellow")
            return
        if self.busy:
            self.say(t("window.idcard_busy"), "yellow")
            return
        if event.problem is not None:
            self.app.bell()
            self.say(t("window.idcard_refused", problem=event.problem_text), "red")
            return
        card = event.card
        collector = self.query_one("#pickup-collector-id", Input)
        collector.value = card.id_number
        collector.remove_class("-invalid")
        if self.agent:
            self.query_one("#pickup-agent-name", Input).value = card.name
            self.query_one("#pickup-authorisation", Input).focus()
        else:
            collector.focus()
        self.say(t("window.idcard_collector", name=card.name), "green")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("toggle_agent", "hand_over"):
            return self.case is not None
        return True

    def action_toggle_agent(self) -> None:
        self.agent = not self.agent
        self._show_mode()
        self.query_one("#pickup-agent-name" if self.agent else "#pickup-collector-id", Input).focus()

    def action_focus_find(self) -> None:
        self.query_one("#pickup-find", Input).focus()

    def action_back(self) -> None:
        if self.case is not None:
            self._close_case()
            return
        self.app.pop_screen()

    def _close_case(self) -> None:
        self.case = None
        self.query_one("#pickup-panel").display = False
        self.refresh_bindings()
        self.query_one("#pickup-find", Input).focus()

    def action_hand_over(self) -> None:
        if self.case is None or self.busy:
            return
        self.busy = True
        values = {k: self.query_one(sel, Input).value for k, sel in _FIELDS.items()}
        if not self.agent:
            values["agent_name"] = values["authorisation"] = ""
        for sel in _FIELDS.values():
            self.query_one(sel, Input).remove_class("-invalid")
        self._record(self.case.number, values)

    @work(thread=True, group="pickup-record")
    def _record(self, number: str, values: dict) -> None:
        """The store is written and the voucher rendered off the UI thread."""
        from app.services.handover import HandoverRefused, hand_over
        from app.services.sync.actions import NotAllowed

        end = reactions.WindowEnd(self.app)  # the services' reactions after commit: the window's hands
        try:
            done = hand_over(
                self.app.ws,
                number,
                values["collector_id"],
                values["agent_name"],
                values["authorisation"],
                window=end,
            )
        except HandoverRefused as exc:
            self.app.call_from_thread(self._refused, str(exc), exc.field)
            return
        except NotAllowed as exc:
            self.app.call_from_thread(self._refused, str(exc), "")
            return
        self.app.call_from_thread(self._handed_over, done, end)

    def _refused(self, message: str, field: str) -> None:
        self.busy = False
        self.app.bell()
        self.say(message, "bold red")
        selector = _FIELDS.get(field)
        if selector:
            widget = self.query_one(selector, Input)
            widget.add_class("-invalid")
            widget.focus()

    def _handed_over(self, done, end: reactions.WindowEnd) -> None:
        self.busy = False
        c = done.collector
        who = t("handover.who_agent", name=c.name) if c.role == "agent" else t("handover.who_applicant")
        self.app.notify(t("handover.done", number=done.event.case_number, who=who))
        # the voucher's print and a sync were kicked after commit (app.services.reactions); the
        # collector's rating asks now that the result is on screen
        end.shown()
        self._close_case()
        self.reload()


# --- scanned receipts, anywhere on the intake and case screens ---------------------------------
BURST_GAP = 0.05  # seconds: a wedge scanner types faster than this between keys, a person does not
HOLD_FLUSH = 0.12  # seconds after the last held key: it was no scan, the keys go where they belong


class ScanWatcher:
    """What a keyboard-wedge scanner types, recognised before the focused widget acts on Enter.

    Keys keep going to the focused widget as typed, with one exception: in a burst (keys
    faster than BURST_GAP) while no text field has the focus, the keys after the first are
    held back, so a QR payload's letters never act as the checklist's keys (o, r, x, -).
    On Enter, the burst (or the focused field's text) is checked with the pure recogniser;
    a receipt or case number opens the case and the Enter and the scanned text are consumed;
    a forged receipt is refused with the bell. Anything else is replayed unchanged.
    """

    SCREENS = ("intake", "cases", "pickup", "case")

    def __init__(self, app) -> None:
        self.app = app
        self.burst: list[str] = []
        self.held: list = []
        self.last = 0.0
        self._flush_timer = None

    def _watching(self) -> bool:
        from app.ui.screens.cases import CaseDetailScreen

        screen = self.app.screen
        return screen.id in self.SCREENS or isinstance(screen, CaseDetailScreen)

    def key(self, event, now: float) -> bool:
        """True when the key was taken (held or consumed); False: dispatch it as usual."""
        if not self._watching() or not self.app.ws.store_open:
            self._reset()
            return False
        focused = self.app.focused
        in_field = isinstance(focused, Input)
        if event.key == "enter":
            return self._enter(focused if in_field else None)
        ch = event.character
        if ch is None or len(ch) != 1 or not ch.isprintable() or ch == " ":  # no scan has a space
            self._flush()
            self.burst = []
            return False
        fast = bool(self.burst) and now - self.last <= BURST_GAP
        if not fast:
            self._flush()
            self.burst = []
        self.burst.append(ch)
        self.last = now
        if fast and not in_field:
            self.held.append(event)
            self._arm_flush()
            return True
        return False

    def _enter(self, field) -> bool:
        from app.services.handover import recognise_scan

        burst = "".join(self.burst)
        # The field's whole text first: on a busy machine the burst may have missed its
        # first keys; then the burst alone (the field held other text before the scan).
        candidates = [field.value] if field is not None and field.value else []
        if len(self.burst) > 1 and burst not in candidates:
            candidates.append(burst)
        scan, text = None, ""
        for text in candidates:
            scan = recognise_scan(self.app.ws, text)
            if scan is not None:
                break
        if scan is None:
            self._flush()
            self.burst = []
            return False
        if field is not None:  # the scanned text is no search, name or ID
            value = field.value
            field.value = value[: -len(text)] if text != value and value.endswith(text) else ""
        self.held.clear()
        self._reset()
        open_scanned(self.app, scan)
        return True

    def _arm_flush(self) -> None:
        if self._flush_timer is not None:
            self._flush_timer.stop()
        self._flush_timer = self.app.set_timer(HOLD_FLUSH, self._flush)

    def _flush(self) -> None:
        """Not a scan after all: the held keys go to whoever has the focus now, in order."""
        if self._flush_timer is not None:
            self._flush_timer.stop()
            self._flush_timer = None
        held, self.held = self.held, []
        for event in held:
            target = self.app.focused or self.app.screen
            target._forward_event(event)

    def _reset(self) -> None:
        self._flush()
        self.burst = []


def open_scanned(app, scan) -> None:
    """A recognised scan: a forged receipt is refused loudly; a case ready for pickup opens
    in the handover panel, any other case in its detail (for a role that may see cases)."""
    if not may(app, "cases"):
        app.refuse("cases")
        return
    if scan.kind == "forged":
        app.bell()
        app.notify(scan.reason, title=t("pickup.title"), severity="error", timeout=12)
        return
    _open_scanned_case(app, scan.number)


def _open_scanned_case(app, number: str) -> None:
    from app.services.cases import CaseService
    from app.services.handover import READY_STATES
    from app.ui.screens.cases import CaseDetailScreen

    case = CaseService(app.ws).get(number)  # one indexed read (< 1 ms): no worker needed
    if case is None:
        app.bell()
        app.notify(t("scan.receipt_not_found", number=number), severity="warning", timeout=8)
        return
    app.notify(t("scan.opened", number=number))
    if case.state in READY_STATES:
        if isinstance(app.screen, HandoverScreen):
            app.screen.open_case(case.number)
        else:
            screen = HandoverScreen(case.number)
            app.push_screen(screen)
            # the keys typed after the scan are the collector's: held from this Enter's own
            # dispatch until the panel it opens has the focus (HandoverScreen._show_case lets go)
            app.typeahead.hold(screen, "pickup-case")
        return
    app.push_screen(CaseDetailScreen(case.number))
