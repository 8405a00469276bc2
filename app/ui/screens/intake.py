"""The intake screen (受理): the first screen, where a clerk spends the day.

Find the matter or bundle, identify the applicant, tick the materials, decide. Widgets
render and dispatch; IntakeService decides and persists.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, Static

from app.domain.masking import mask_phone
from app.messages import t
from app.ui import reactions
from app.ui.permission import may
from app.ui.screens.cases import CaseListScreen
from app.ui.screens.dialogs import ConfirmDialog, DocumentDialog, ReasonDialog
from app.ui.widgets.applicant_form import ApplicantForm
from app.ui.widgets.checklist_table import ChecklistTable
from app.ui.widgets.keys import KeyFooter
from app.ui.widgets.status_bar import StatusBar
from app.ui.widgets.subject_search import SubjectSearch

PANES_AFTER = 0.15  # seconds after the first frame, unless typed keys are being answered


class IntakeScreen(Screen):
    BINDINGS = [
        Binding("f2", "focus_search", t("key.search")),
        Binding("f3", "focus_applicant", t("key.applicant")),
        Binding("f4", "focus_checklist", t("key.checklist")),
        Binding("f5", "accept", t("key.accept"), priority=True),
        Binding("f6", "notify", t("key.notify"), priority=True),
        Binding("f7", "refuse", t("key.refuse"), priority=True),
        Binding("f8", "cases", t("key.cases")),
        Binding("f9", "new_intake", t("key.new")),
        Binding("f10", "use_returning", t("key.use_applicant")),
        Binding("f11", "toggle_kind", t("key.kind")),
    ]
    # What the role needs for each key (app.domain.roles); the app hides and refuses the rest.
    ROLE_GATES = {
        "focus_search": "intake",
        "focus_applicant": "intake",
        "focus_checklist": "intake",
        "accept": "intake",
        "notify": "intake",
        "refuse": "intake",
        "new_intake": "intake",
        "use_returning": "intake",
        "toggle_kind": "intake",
        "cases": "cases",
    }

    def __init__(self) -> None:
        super().__init__(id="intake")
        self.draft = None  # app.services.intake.Draft
        self.returning = None  # a stored Applicant offered for reuse
        self.busy = False
        self.panes_ready = False
        self._panes_started = False
        self._chosen_early = None  # SubjectSearch.Chosen that came before the panes
        self.scan_holds: dict[int, str] = {}  # scan id -> material, until the case has a number (scans.py)

    # --- layout ------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(Text(self._header_text()), id="intake-header")
        with Horizontal(id="intake-body"):
            with Vertical(id="intake-left"):
                yield SubjectSearch(id="subject-search")
                with VerticalScroll(id="subject-scroll", can_focus=True):
                    yield Static(t("intake.no_subject"), id="subject-info")
            # The applicant form and the checklist are mounted right after the first frame
            # (see _mount_panes): the search is usable at once (start-up target).
        yield StatusBar(id="status-bar")

    def _header_text(self) -> str:
        ws = self.app.ws
        return t(
            "intake.header",
            office=ws.config.get("office.name"),
            window=ws.window,
            clerk=ws.clerk,
            date=ws.today().isoformat(),
        )

    def on_mount(self) -> None:
        if not may(self.app, "intake"):
            # the home of a role that does not take cases: its name and what it can do instead
            self.query_one("#intake-body").display = False
            self.mount(Static(Text(self._no_intake_text()), id="intake-notice"), after="#intake-header")
        else:
            self.query_one("#search-input", Input).focus()
        self.call_after_refresh(self._first_frame)

    def _no_intake_text(self) -> str:
        op = self.app.ws.operator
        return t("intake.not_your_role", role=t(f"role.{op.role}") if op is not None else t("role.demo"))

    def _first_frame(self) -> None:
        """The search is on screen and focused: the clerk can type. Now the rest."""
        self.app.jobs.screen_ready()
        self.set_timer(PANES_AFTER, self._mount_panes_unless_answering)

    def _mount_panes_unless_answering(self) -> None:
        # Keys typed at start-up are answered first: mounting the panes takes the screen
        # for tens of milliseconds, and the clerk is waiting for the answer, not the panes.
        if not self.query_one(SubjectSearch).answer_pending:
            self._start_panes()

    @on(SubjectSearch.Answered)
    def _start_panes(self) -> None:
        if not self._panes_started:
            self._panes_started = True
            self.call_after_refresh(self._mount_panes)

    async def _mount_panes(self) -> None:
        await self.query_one("#intake-left", Vertical).mount(ApplicantForm(id="applicant-form"))
        await self.query_one("#intake-body", Horizontal).mount(
            Vertical(
                Static(t("intake.checklist"), classes="section-title"),
                ChecklistTable(id="checklist"),
                Static(t("intake.checklist_keys"), id="checklist-keys"),
                Static("", id="checklist-summary"),
                Static("", id="intake-message"),
                id="intake-right",
            )
        )
        await self.mount(KeyFooter())  # dozens of key widgets: after the first frame too
        self.panes_ready = True
        self.refresh_bindings()
        self.app.jobs.panes_ready()
        if self._chosen_early is not None:
            self._chosen(self._chosen_early)
            self._chosen_early = None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        gate = self.ROLE_GATES.get(action)
        if gate is not None and not may(self.app, gate):
            return False  # not this role's: not in its footer (the app says why on the key)
        # Until the applicant and checklist panes are mounted only the search and the case
        # list make sense (the keys would act on widgets that are not there yet).
        return self.panes_ready or action in ("focus_search", "cases")

    @property
    def service(self):
        from app.services.intake import IntakeService

        return IntakeService(self.app.ws)

    def set_index(self, index) -> None:
        for search in self.query(SubjectSearch):  # none yet while the screen is composed
            search.set_index(index)

    def say(self, text: str, style: str = "") -> None:
        # Messages carry names and store errors: plain text, never markup.
        self.query_one("#intake-message", Static).update(Text(text, style=style))

    # --- choosing the subject ---------------------------------------------------------------
    @on(SubjectSearch.Chosen)
    def _chosen(self, event: SubjectSearch.Chosen) -> None:
        if not self.panes_ready:  # chosen as fast as typed at start-up: once the panes are up
            self._chosen_early = event
            self._start_panes()
            return
        if self.draft and self.draft.case_number:
            self.say(t("intake.resumed_keeps_subject", number=self.draft.case_number), "yellow")
            return  # a resumed case keeps its subject
        if self.draft and any(m.status != "missing" for m in self.query_one(ChecklistTable).marks):

            def done(ok: bool | None) -> None:
                if ok:
                    self._choose(event.kind, event.code)

            self.app.push_screen(
                ConfirmDialog(
                    t("intake.change_subject_title"),
                    t("intake.change_subject_body"),
                    yes=t("intake.change_subject_yes"),
                ),
                done,
            )
            return
        self._choose(event.kind, event.code)

    def _choose(self, kind: str, code: str) -> None:
        self.draft = self.service.new_draft(kind, code)  # type: ignore[arg-type]
        self._show_subject()
        self.query_one(ChecklistTable).load(self.draft.marks)
        self.query_one("#applicant-id_number", Input).focus()

    def _show_subject(self) -> None:
        d = self.draft
        cat = self.app.ws.catalogue
        kind = t("intake.bundle") if d.subject_kind == "bundle" else t("intake.matter")
        name = self.service.subject_name(d.subject_kind, d.subject_code)
        lines = [t("intake.selected", kind=kind, name=name, code=d.subject_code)]
        if d.subject_kind == "bundle":
            matters = cat.bundle_matters(d.subject_code)
            lines.append(
                t(
                    "intake.bundle_info",
                    count=len(matters),
                    departments=len({m.department for m in matters}),
                    materials=len(d.marks),
                    before=sum(len(m.materials) for m in matters),
                )
            )
            lines += [f"·\u00a0{m.name}（{m.department}）" for m in matters]  # every matter: the pane scrolls
        else:
            m = cat.matter(d.subject_code)
            if m.legal_days == 0:  # 即办: decided on the spot
                lines.append(t("intake.subject_info_now", department=m.department, fee=m.fee))
            elif m.promised_days == 0:  # promised on the spot, within a longer legal limit
                lines.append(
                    t("intake.subject_info_now_legal", department=m.department, legal=m.legal_days, fee=m.fee)
                )
            else:
                lines.append(
                    t(
                        "intake.subject_info",
                        department=m.department,
                        promised=m.promised_days,
                        legal=m.legal_days,
                        fee=m.fee,
                    )
                )
        text = Text("\n".join(lines))
        if d.case_number:
            text = Text.assemble((t("intake.resumed", number=d.case_number), "b"), "\n", text)
        self.query_one("#subject-info", Static).update(text)
        self.query_one("#subject-scroll", VerticalScroll).scroll_home(animate=False)

    @on(ChecklistTable.MarksChanged)
    def _marks_changed(self) -> None:
        from app.services.intake import marks_summary

        table = self.query_one(ChecklistTable)
        if self.draft is not None:
            self.draft.marks = table.marks
        summary = t("intake.summary", **marks_summary(table.marks)) if table.marks else ""
        self.query_one("#checklist-summary", Static).update(Text(summary))

    @on(ChecklistTable.NoteWanted)
    def _note_wanted(self, event: ChecklistTable.NoteWanted) -> None:
        table = self.query_one(ChecklistTable)

        def done(note: str | None) -> None:
            if note is not None:
                table.mark_defective(event.index, note or t("intake.defective_default"))
            table.focus()

        self.app.push_screen(
            ReasonDialog(
                t("intake.defective_title", name=table.marks[event.index].item.name),
                t("intake.defective_label"),
                required=False,
            ),
            done,
        )

    @on(ChecklistTable.Refused)
    def _refused_key(self, event: ChecklistTable.Refused) -> None:
        self.say(event.text, "red")

    # --- applicant --------------------------------------------------------------------------
    @on(ApplicantForm.IdEntered)
    def _id_entered(self, event: ApplicantForm.IdEntered) -> None:
        self._lookup_applicant(event.kind, event.id_number)

    @work(thread=True, exclusive=True, group="applicant-lookup")
    def _lookup_applicant(self, kind: str, id_number: str) -> None:
        try:
            found = self.service.find_applicant(kind, id_number)
        except Exception as exc:  # a store problem must not take the window down
            self.app.call_from_thread(self.say, t("error.store", error=exc), "red")
            return
        self.app.call_from_thread(self._offer_returning, found)

    def _offer_returning(self, found) -> None:
        form = self.query_one(ApplicantForm)
        values = form.values()
        if found is not None and (found.name, found.phone, found.address) == (
            values["name"].strip(),
            values["phone"].strip(),
            values["address"].strip(),
        ):
            found = None  # the form already holds these details: nothing to offer
        self.returning = found
        form.show_returning(
            t(
                "intake.returning",
                name=found.name,
                phone=mask_phone(found.phone) or "-",
                address=found.address or "-",
            )
            if found
            else ""
        )

    def action_use_returning(self) -> None:
        a = self.returning
        if a is None:
            self.say(t("intake.no_returning"), "yellow")
            return
        form = self.query_one(ApplicantForm)
        form.fill(kind=a.kind, id_number=a.id_number, name=a.name, phone=a.phone, address=a.address)
        form.show_returning("")
        self.returning = None
        self.action_focus_checklist()

    def action_toggle_kind(self) -> None:
        self.query_one(ApplicantForm).toggle_kind()

    # --- focus keys -------------------------------------------------------------------------
    def action_focus_search(self) -> None:
        self.query_one("#search-input", Input).focus()

    def action_focus_applicant(self) -> None:
        self.query_one("#applicant-id_number", Input).focus()

    def action_focus_checklist(self) -> None:
        self.query_one(ChecklistTable).focus()

    # --- decisions --------------------------------------------------------------------------
    def _ready_draft(self):
        """The draft with the form's applicant, or None after telling the clerk what is wrong."""
        from app.services.intake import ApplicantInput, ValidationFailed, validate_applicant

        if self.busy:
            return None
        if self.draft is None:
            self.say(t("decide.need_subject"), "red")
            self.action_focus_search()
            return None
        form = self.query_one(ApplicantForm)
        self.draft.applicant = ApplicantInput(**form.values())
        self.draft.marks = self.query_one(ChecklistTable).marks
        try:
            validate_applicant(self.draft.applicant, self.app.ws.today())
        except ValidationFailed as exc:
            form.show_errors(exc.errors)
            form.focus_first_error(exc.errors)
            self.say(t("decide.fix_applicant"), "red")
            return None
        form.show_errors({})
        return self.draft

    def action_accept(self) -> None:
        from app.domain.intake import assess

        draft = self._ready_draft()
        if draft is None:
            return
        found = assess(draft.marks)
        if not found.can_accept:
            self.say(t("decide.cannot_accept", count=len(found.missing_required)), "red")
            self.action_focus_checklist()
            return
        self._decide("accept", "")

    def action_notify(self) -> None:
        from app.domain.intake import assess

        draft = self._ready_draft()
        if draft is None:
            return
        if not assess(draft.marks).to_notify:
            self.say(t("decide.nothing_missing"), "yellow")
            return

        def done(remarks: str | None) -> None:
            if remarks is not None:
                self._decide("notify", remarks)

        listed = "\n".join(
            f"· {m.item.name}" + (f"（{m.note}）" if m.note else "") for m in assess(draft.marks).to_notify
        )
        self.app.push_screen(
            ReasonDialog(
                t("notify.title"),
                t("notify.remarks"),
                required=False,
                body=t("notify.listed", count=len(assess(draft.marks).to_notify)) + "\n" + listed,
            ),
            done,
        )

    def action_refuse(self) -> None:
        if self._ready_draft() is None:
            return

        def done(reason: str | None) -> None:
            if reason:
                self._decide("refuse", reason)

        self.app.push_screen(
            ReasonDialog(
                t("refuse.title"), t("refuse.reason_field"), required=True, hint=t("refuse.reason_hint")
            ),
            done,
        )

    def _decide(self, decision: str, text: str) -> None:
        self.busy = True
        self.app.typeahead.hold(self, "decision")  # keys typed next belong to its dialog or field
        self.say("" if self.app.ws.store_open else t("status.store_opening"))
        self._run_decision(decision, text)

    @work(thread=True, exclusive=True, group="decision")
    def _run_decision(self, decision: str, text: str) -> None:
        from app.services.cases import CaseService
        from app.services.intake import IntakeService, ValidationFailed

        # the services run what follows after commit (app.services.reactions) with the window's hands
        end, holds = reactions.WindowEnd(self.app), dict(self.scan_holds)
        svc = IntakeService(self.app.ws, end)
        try:
            if decision == "accept":
                result = svc.accept(self.draft, scan_holds=holds)
            elif decision == "notify":
                result = svc.notify(self.draft, text, scan_holds=holds)
            else:
                result = svc.refuse(self.draft, text, scan_holds=holds)
        except ValidationFailed as exc:
            self.app.call_from_thread(self._decision_failed, exc.errors)
            return
        except Exception as exc:  # store failures: tell the clerk, keep the draft
            self.app.call_from_thread(self._decision_failed, {"store": t("error.store", error=exc)})
            return
        document = ""  # the text of the document the decision queued (shown as printed)
        try:
            detail = CaseService(self.app.ws).detail(result.case.number)
            if detail and detail.jobs:
                document = detail.jobs[-1].text
        except Exception:  # noqa: BLE001  (decided and committed: the dialog shows the headline)
            pass
        self.app.call_from_thread(self._decided, decision, result.case, document, end)

    def _decision_failed(self, errors: dict[str, str]) -> None:
        self.busy = False
        self.app.typeahead.release(self, "decision")
        form = self.query_one(ApplicantForm)
        form.show_errors(errors)
        self.say("；".join(errors.values()), "red")

    def _decided(self, decision: str, case, document: str, end: reactions.WindowEnd) -> None:
        """The decision is stored and its reactions ran (spool, sync, the held scans): the screen
        shows the result, then the rating asks (once the dialog is closed)."""
        self.busy = False
        self.app.typeahead.release(self, "decision")
        key = {"accept": "result.accepted", "notify": "result.notified", "refuse": "result.refused"}[decision]
        headline = t(key, number=case.number)
        if case.due_date:
            headline += "\n" + t(
                "result.due",
                date=case.due_date.isoformat(),
                provisional=t("result.provisional") if case.due_provisional else "",
            )
        self.reset()
        self.app.push_screen(DocumentDialog(headline, document), lambda _: self.action_focus_search())
        end.shown()

    # --- starting over ------------------------------------------------------------------------
    def is_dirty(self) -> bool:
        form = self.query_one(ApplicantForm)
        return self.draft is not None or any(form.values()[k] for k in ("id_number", "name"))

    def action_new_intake(self) -> None:
        if not self.is_dirty():
            self.reset()
            return

        def done(ok: bool | None) -> None:
            if ok:
                self.reset()

        self.app.push_screen(
            ConfirmDialog(t("intake.discard_title"), t("intake.discard_body"), yes=t("intake.discard_yes")),
            done,
        )

    def reset(self) -> None:
        self.draft = None
        self.scan_holds = {}
        self.returning = None
        self.query_one(ApplicantForm).clear()
        self.query_one(ChecklistTable).load([])
        self.query_one("#subject-info", Static).update(t("intake.no_subject"))
        search = self.query_one("#search-input", Input)
        search.value = ""
        self.say("")
        search.focus()

    def load_draft(self, draft) -> None:
        """Resume a case awaiting correction (补正): same number, same subject."""
        self.reset()
        self.draft = draft
        a = draft.applicant
        self.query_one(ApplicantForm).fill(
            kind=a.kind, id_number=a.id_number, name=a.name, phone=a.phone, address=a.address
        )
        self._show_subject()
        self.query_one(ChecklistTable).load(draft.marks)
        self.action_focus_checklist()

    def action_cases(self) -> None:
        self.app.push_screen(CaseListScreen())
