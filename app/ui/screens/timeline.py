"""Progress query (办理进度): a case's whole timeline, found by typing or scanning its number.

The receipt's barcode types the case number; its QR code types the signed query URL, whose
signature is checked before the case is shown. An ID card laid on the reader (issue 17 §2)
lists the holder's cases and shows the newest one's progress; Enter on another shows its own. Every event is listed with when and who:
intake, the back office's decisions that sync brought down, courier steps, the hand-out.
"""

from __future__ import annotations

import json

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from app.domain import courier as rules
from app.messages import t
from app.ui.widgets.keys import KeyFooter
from app.ui.widgets.status_bar import StatusBar
from app.ui.widgets.times import FULL, local_time


def event_detail(kind: str, payload: dict) -> str:
    """What the timeline says beside an event (from its payload; shown as plain text)."""
    parts: list[str] = []
    if kind.startswith("courier."):
        parts.append(str(payload.get("waybill", "")))
        if payload.get("recipient"):
            who = str(payload["recipient"])
            if payload.get("recipient_is_applicant") is True:
                who += f"（{t('courier.yes')}）"
            parts.append(f"{t('courier.recipient')}：{who}")
        if payload.get("reason"):
            parts.append(rules.fail_label(str(payload["reason"])))
    elif kind.startswith(("evaluation.", "followup.")):
        from app.domain import evaluation as ratings

        parts.append(ratings.event_summary(kind, payload))
    else:
        reason = payload.get("reason")
        if isinstance(reason, str) and reason:
            parts.append(reason)
        remarks = payload.get("remarks")  # the back office's remark on its 办结 / 不予许可
        if isinstance(remarks, str) and remarks.strip():
            parts.append(f"{t('case.decision_remarks')}：{remarks.strip()}")
    return "  ".join(p for p in parts if p)


class TimelineScreen(Screen):
    CSS_PATH = "timeline.tcss"
    BINDINGS = [
        Binding("escape", "back", t("key.back")),
        Binding("f2", "focus_find", t("key.find")),
    ]

    def __init__(self, number: str = "") -> None:
        super().__init__(id="timeline")
        self.number = number
        self.shown: str | None = None  # the case number on screen
        self.holder = ""  # a card's holder and their cases, above the case shown

    def compose(self) -> ComposeResult:
        yield Static(Text(t("timeline.title")), id="timeline-title", classes="section-title")
        yield Input(placeholder=t("timeline.placeholder"), id="timeline-find")
        yield Static(id="timeline-head")
        yield DataTable(id="timeline-cases", cursor_type="row", zebra_stripes=True)  # a card's holder's
        yield DataTable(id="timeline-table", cursor_type="row", zebra_stripes=True)
        yield StatusBar(id="status-bar")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#timeline-table", DataTable).add_columns(
            t("timeline.col_at"), t("timeline.col_what"), t("timeline.col_who"), t("timeline.col_detail")
        )
        cases = self.query_one("#timeline-cases", DataTable)
        cases.add_columns(
            t("cases.col_number"), t("cases.col_subject"), t("pickup.col_outcome"), t("timeline.col_at")
        )
        cases.display = False
        find = self.query_one("#timeline-find", Input)
        find.focus()
        if self.number:
            self._load(self.number)

    @on(Input.Submitted, "#timeline-find")
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value
        event.input.value = ""  # ready for the next scan
        if text.strip():
            self.query_one("#timeline-cases", DataTable).display = False  # a number: one case
            self.holder = ""
            self._load(text)

    # --- the ID-card reader (issue 17 §2; app.ui.jobs hands the card here) --------------------
    def card_presented(self, event) -> None:
        """A card laid on the reader: the holder's cases. An expired card still finds them (a
        query is no acceptance: the person may be here to renew it); a card whose number and
        chip disagree is refused, as everywhere."""
        if event.problem not in (None, "idcard.expired", "idcard.private_char"):
            self.app.bell()
            self._not_found(t("window.idcard_refused", problem=event.problem_text))
            return
        self._cases_of(event.card.id_number, event.card.name)

    @work(thread=True, exclusive=True, group="timeline")
    def _cases_of(self, id_number: str, name: str) -> None:
        from app.domain.masking import mask_applicant_id
        from app.services.cases import CaseService

        cases = CaseService(self.app.ws).of_applicant(id_number)
        who = {"name": name, "id": mask_applicant_id(id_number, "person")}
        if not cases:
            self._ui(self._no_cases, t("window.idcard_progress_none", **who))
            return
        self._ui(self._show_cases, cases, t("window.idcard_progress_found", count=len(cases), **who))
        self._look_up(cases[0].number)

    def _no_cases(self, message: str) -> None:
        self.query_one("#timeline-cases", DataTable).display = False
        self.holder = ""
        self._not_found(message)

    def _show_cases(self, cases, message: str) -> None:
        table = self.query_one("#timeline-cases", DataTable)
        table.clear()
        for c in cases:  # stored text is data: Text cells, never markup
            table.add_row(
                c.number,
                Text(c.subject_name),
                Text(t("state." + c.state)),
                Text(local_time(c.updated_at)),
                key=c.number,
            )
        table.display = True
        table.focus()
        self.holder = message

    @on(DataTable.RowSelected, "#timeline-cases")
    def _case_chosen(self, event: DataTable.RowSelected) -> None:
        self._load(str(event.row_key.value))

    @work(thread=True, exclusive=True, group="timeline")
    def _load(self, text: str) -> None:
        self._look_up(text)

    def _look_up(self, text: str) -> None:
        """In a worker: the case that `text` (a number, a receipt's QR code) names, shown."""
        from app.services.cases import CaseService
        from app.services.sync.actions import timeline

        ws = self.app.ws
        number = text.strip()
        if "?" in number or "n=" in number:  # the receipt's QR code: signed query URL
            from app.services.handover import recognise_scan

            # the window's own check of a scanned receipt: signature, and what it promises
            # against the case's record (issue 16 §3)
            scan = recognise_scan(ws, number)
            if scan is None or scan.kind != "receipt":
                self._ui(self._not_found, scan.reason if scan is not None else t("timeline.qr_unverified"))
                return
            number = scan.number
        detail = CaseService(ws).detail(number)
        if detail is None:
            self._ui(self._not_found, t("timeline.not_found", number=number))
            return
        # who wrote each event, as `case show` and the case detail say it (clerk@window,
        # 王芳（后台）, 平台), and whether a later decision superseded it
        self._ui(self._show, detail, timeline(ws.store, detail.case.number, detail.events))

    def _ui(self, callback, *args) -> None:
        try:
            self.app.call_from_thread(callback, *args)
        except RuntimeError:
            pass

    def _not_found(self, message: str) -> None:
        self.shown = None
        self.query_one("#timeline-table", DataTable).clear()
        head = self.query_one("#timeline-head", Static)
        head.set_classes("bad")
        head.update(Text("✗ " + message))
        self.app.bell()

    def _show(self, detail, rows: list) -> None:
        c = detail.case
        self.shown = c.number
        head = self.query_one("#timeline-head", Static)
        head.set_classes("")
        line = t(
            "timeline.head",
            number=c.number,
            subject=c.subject_name,
            applicant=c.applicant_name,
            state=t("state." + c.state),
        )
        head.update(Text(f"{self.holder}\n{line}" if self.holder else line))
        table = self.query_one("#timeline-table", DataTable)
        table.clear()
        for e, who, mark in rows:  # mark: superseded or set aside (app.services.sync.actions)
            payload = json.loads(e.payload_json or "{}")
            note = event_detail(e.kind, payload)
            table.add_row(
                Text(local_time(e.at, FULL)),
                Text(t("event." + e.kind)),
                Text(who),
                Text(f"{note} {mark}".strip()),
            )

    def action_focus_find(self) -> None:
        self.query_one("#timeline-find", Input).focus()

    def action_back(self) -> None:
        self.app.pop_screen()
