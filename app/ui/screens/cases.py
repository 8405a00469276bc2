"""The case list (today's cases; find by number, name or ID) and the case detail."""

from __future__ import annotations

from functools import partial
from typing import Protocol, runtime_checkable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from app.domain.masking import mask_applicant_id, mask_phone
from app.messages import t
from app.ui.permission import may
from app.ui.widgets.keys import KeyFooter
from app.ui.widgets.status_bar import StatusBar
from app.ui.widgets.times import local_time


class CaseListScreen(Screen):
    BINDINGS = [
        Binding("escape", "back", t("key.back")),
        Binding("f2", "focus_find", t("key.find")),
        Binding("f3", "toggle_today", t("key.today")),
        Binding("f4", "focus_table", t("key.open")),
    ]

    def __init__(self) -> None:
        super().__init__(id="cases")
        self.today_only = True
        # the latest search wins: a search per keystroke runs in a thread, and an older, slower
        # one finishing last must not replace the list (an exact ID showed "0 found")
        self._loads = 0

    def compose(self) -> ComposeResult:
        yield Static(t("cases.today"), id="cases-title", classes="section-title")
        yield Input(placeholder=t("cases.find_placeholder"), id="cases-find")
        yield DataTable(id="cases-table", cursor_type="row", zebra_stripes=True)
        yield StatusBar(id="status-bar")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        # the state right after the number, then the matter, then the applicant (a long company
        # name no longer squeezes the matter): at 80 columns the state and the matter are in view
        table.add_columns(
            t("cases.col_number"),
            t("cases.col_state"),
            t("cases.col_subject"),
            t("cases.col_applicant"),
            t("cases.col_time"),
            t("cases.col_due"),
        )
        self.query_one("#cases-find", Input).focus()
        self.reload()

    def reload(self) -> None:
        self._loads += 1
        self._load(self.query_one("#cases-find", Input).value, self.today_only, self._loads)

    @work(thread=True, exclusive=True, group="case-list")
    def _load(self, text: str, today_only: bool, load: int) -> None:
        from app.services.cases import CaseService

        svc = CaseService(self.app.ws)
        day = self.app.ws.today() if today_only else None
        try:
            cases = svc.find(text, day=day) if text.strip() else svc.list(day=day)
        except Exception as exc:  # a store problem must not take the window down
            self.app.call_from_thread(
                self.app.notify, t("error.store", error=exc), severity="error", markup=False
            )
            return
        self.app.call_from_thread(self._show, cases, text, load)

    def _show(self, cases, text: str, load: int) -> None:
        if load != self._loads or not self.is_attached:
            return  # a newer search is under way (or the screen closed): its answer shows
        table = self.query_one(DataTable)
        table.clear()
        for c in cases:
            due = f"{c.due_date}{t('result.provisional') if c.due_provisional else ''}" if c.due_date else ""
            # Stored text is data: Text cells, which the table never parses as markup.
            table.add_row(
                c.number,  # generated: digits, letters and dashes
                Text(t(f"state.{c.state}")),
                Text(c.subject_name),
                Text(c.applicant_name),
                Text(local_time(c.created_at)),
                Text(due),
                key=c.number,
            )
        title = t("cases.today") if self.today_only else t("cases.all")
        if text.strip():
            title += " · " + t("cases.found", count=len(cases))
        self.query_one("#cases-title", Static).update(Text(title))

    @on(Input.Changed, "#cases-find")
    def _find(self) -> None:
        self.reload()

    @on(Input.Submitted, "#cases-find")
    def _submitted(self) -> None:
        self.action_focus_table()

    @on(DataTable.RowSelected, "#cases-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        self.app.push_screen(CaseDetailScreen(str(event.row_key.value)))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_focus_find(self) -> None:
        self.query_one("#cases-find", Input).focus()

    def action_focus_table(self) -> None:
        self.query_one(DataTable).focus()

    def action_toggle_today(self) -> None:
        self.today_only = not self.today_only
        self.reload()


@runtime_checkable
class DraftHome(Protocol):
    """The screen a resumed case goes back to (the intake, under the list), found in the stack by
    what it does: app.ui.screens.intake opens the case list, so this module does not import it."""

    def load_draft(self, draft) -> None: ...


class CaseDetailScreen(Screen):
    BINDINGS = [
        Binding("escape", "back", t("key.back")),
        Binding("f6", "resume", t("key.resume")),
        Binding("f7", "reprint", t("key.reprint")),
        Binding("f9", "view_document", t("key.view_doc")),
        Binding("f10", "unmask", t("key.unmask")),
    ]
    ROLE_GATES = {"resume": "intake", "reprint": "cases", "view_document": "cases", "unmask": "unmask"}

    def __init__(self, number: str) -> None:
        super().__init__()
        self.number = number
        self.detail = None
        # The applicant's full ID/phone are shown only after F10 (an audited case.unmasked
        # event) and only while this screen is in front: leaving it masks them again.
        self.unmasked = False
        self.documents: list[str] = []  # kinds this case has (receipt, notice, …)
        self._loads = 0  # the latest load wins: an older worker's answer is dropped

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static("", id="case-detail")
        yield StatusBar(id="status-bar")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._load()

    def print_jobs_changed(self) -> None:
        """The spool finished a pass: the jobs' states shown here may be stale."""
        if self.is_attached and self.app.is_running:
            self._load()

    def _load(self) -> None:
        self._loads += 1
        self._fetch(self.app, self._loads)

    @work(thread=True, group="case-detail")
    def _fetch(self, app, load: int) -> None:
        from app.services.cases import CaseService
        from app.services.printing import available_documents

        try:
            from app.services.sync.actions import timeline

            detail = CaseService(app.ws).detail(self.number)
            kinds = available_documents(app.ws, detail.case) if detail else []
            # who wrote each event, in words (back office, platform), and which were overruled
            rows = timeline(app.ws.store, detail.case.number, detail.events) if detail else []
        except Exception as exc:  # a store problem must not take the window down
            answer = (partial(app.notify, severity="error"), t("error.store", error=exc))
        else:
            answer = (self._show, detail, kinds, load, rows)
        try:
            app.call_from_thread(*answer)
        except RuntimeError:  # the window closed meanwhile
            pass

    def _show(
        self, detail, kinds: list[str] | None = None, load: int | None = None, rows: list | None = None
    ) -> None:
        from app.services.cases import decision_remarks, reason_label
        from app.ui.screens.print_queue import doc_text, job_state_text

        if (load is not None and load != self._loads) or not self.is_attached:
            return  # a newer load is on its way, or the screen is gone
        self.detail = detail
        self.refresh_bindings()  # F6 only for a case awaiting correction
        self.documents = list(kinds or [])
        if detail is None:
            self.query_one("#case-detail", Static).update(Text(t("case.not_found", number=self.number)))
            return
        c = detail.case
        if self.unmasked:
            idn, phone = c.applicant_id_number, c.applicant_phone
        else:
            idn, phone = (
                mask_applicant_id(c.applicant_id_number, c.applicant_kind),
                mask_phone(c.applicant_phone),
            )
        # Every line is plain Text: names, addresses, reasons and notes are data, never markup.
        lines: list[Text | str] = [
            Text.assemble((t("case.title", number=c.number), "b"), f"  ·  {t('state.' + c.state)}"),
            f"{c.subject_name}（{c.subject_code}） · {c.catalogue_version}",
            f"{t('intake.applicant')}：{c.applicant_name}  {idn}  {phone}  {c.applicant_address}",
        ]
        if self.unmasked:
            lines.append(Text(t("unmask.shown"), style="bold yellow"))
        if c.due_date:
            lines.append(
                t(
                    "result.due",
                    date=c.due_date.isoformat(),
                    provisional=t("result.provisional") if c.due_provisional else "",
                )
            )
        if c.reason:  # 不予受理理由 / 不予许可理由; the notice's 告知说明 otherwise
            label = reason_label(c.state) if c.state in ("refused", "denied") else t("case.remarks")
            lines.append(f"{label}：{c.reason}")
        remarks = decision_remarks(detail.events)
        if remarks:  # the back office's remark on its 办结 / 不予许可
            lines.append(f"{t('case.decision_remarks')}：{remarks}")
        lines.append("")
        lines.append(Text(t("intake.checklist"), style="b"))
        for m in detail.marks:
            lines.append(
                f"  {t('status.' + m.status):<4} {m.item.name}" + (f"（{m.note}）" if m.note else "")
            )
        lines.append("")
        lines.append(Text(t("case.timeline"), style="b"))
        rows = rows or [(e, f"{e.actor}@{e.workstation_id}", "") for e in detail.events]
        for e, who, mark in rows:  # mark: superseded or set aside (app.services.sync.actions)
            mark = f"  {mark}" if mark else ""
            lines.append(f"  {local_time(e.at)}  {t('event.' + e.kind)}  {who}{mark}")
        for j in detail.jobs:
            lines.append(f"  {local_time(j.created_at)}  {doc_text(j)}  {job_state_text(j)}  {j.last_error}")
        self.query_one("#case-detail", Static).update(
            Text("\n").join(Text(x) if isinstance(x, str) else x for x in lines)
        )

    def action_back(self) -> None:
        self.app.pop_screen()

    def on_screen_suspend(self) -> None:
        """Another screen or dialog covers this one: the full numbers go away with it."""
        self._mask_again()

    def _mask_again(self) -> None:
        if self.unmasked:
            self.unmasked = False
            if self.detail is not None:
                self._show(self.detail, self.documents)

    def action_unmask(self) -> None:
        """F10: show the full ID and phone number, recorded as a case.unmasked event (who, when);
        F10 again masks them."""
        if self.unmasked:
            self._mask_again()
            return
        if self.detail is None:
            return
        self._record_unmask()

    @work(thread=True, exclusive=True, group="case-unmask")
    def _record_unmask(self) -> None:
        from app.services.cases import record_unmask

        try:
            record_unmask(self.app.ws, self.number, screen="case_detail")
        except Exception as exc:  # nothing recorded, so nothing is shown
            self.app.call_from_thread(self.app.notify, t("unmask.failed", error=exc), severity="error")
            return
        self.app.call_from_thread(self._unmasked)

    def _unmasked(self) -> None:
        if not self.is_attached or self.app.screen is not self:
            return  # the clerk left meanwhile: the event says it was asked for, the screen shows nothing
        self.unmasked = True
        self._load()  # shows the numbers and the new event in the timeline

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Resume (F6) is offered only for a case awaiting correction, and only to a role
        that takes cases."""
        gate = self.ROLE_GATES.get(action)
        if gate is not None and not may(self.app, gate):
            return False
        if action == "resume":
            return bool(self.detail and self.detail.case.state == "correction")
        return True

    def action_resume(self) -> None:
        from app.services.intake import IntakeService

        try:
            draft = IntakeService(self.app.ws).resume(self.number)
        except (LookupError, ValueError) as exc:
            self.app.notify(str(exc), severity="warning", markup=False)
            return
        while not isinstance(self.app.screen, DraftHome):  # back to the intake, under the list
            self.app.pop_screen()
        self.app.screen.load_draft(draft)

    # --- documents: reprint (补打) and view ------------------------------------------------
    def _choose_document(self, then) -> None:
        """Call `then(kind)` with the document the clerk picks (at once if there is one)."""
        from app.ui.screens.print_queue import DocumentChoiceDialog

        if not self.documents:
            self.app.notify(t("reprint.none", number=self.number), severity="warning", markup=False)
            return
        if len(self.documents) == 1:
            then(self.documents[0])
            return
        self.app.push_screen(
            DocumentChoiceDialog(t("reprint.choose_title"), self.documents),
            lambda kind: then(kind) if kind else None,
        )

    def action_reprint(self) -> None:
        from app.ui.screens.dialogs import ConfirmDialog

        number = self.detail.case.number if self.detail else self.number

        def confirm(kind: str) -> None:
            doc = t("doc." + kind)
            self.app.push_screen(
                ConfirmDialog(
                    t("reprint.confirm_title", doc=doc), t("reprint.confirm_body", doc=doc, number=number)
                ),
                lambda ok: self._reprint(kind) if ok else None,
            )

        self._choose_document(confirm)

    @work(thread=True, group="case-reprint")
    def _reprint(self, kind: str) -> None:
        from app.services.printing import DocumentUnavailable, reprint

        try:
            reprint(self.app.ws, self.number, kind)
        except DocumentUnavailable as exc:
            self.app.call_from_thread(self.app.notify, str(exc), severity="warning", markup=False)
            return
        self.app.call_from_thread(self._reprinted, kind)

    def _reprinted(self, kind: str) -> None:
        self.app.notify(t("reprint.queued", doc=t("doc." + kind)), markup=False)
        self.app.kick_spool()
        self._load()

    def action_view_document(self) -> None:
        self._choose_document(self._view)

    @work(thread=True, group="case-view-document")
    def _view(self, kind: str) -> None:
        from app.services.printing import DocumentUnavailable, document_text

        case = self.detail.case if self.detail else None
        if case is None:
            return
        try:
            text = document_text(self.app.ws, case, kind)
        except DocumentUnavailable as exc:
            self.app.call_from_thread(self.app.notify, str(exc), severity="warning", markup=False)
            return
        headline = f"{t('doc.' + kind)} · {case.number}"  # DocumentDialog shows it as plain text
        from app.ui.screens.dialogs import DocumentDialog

        self.app.call_from_thread(self.app.push_screen, DocumentDialog(headline, text))
