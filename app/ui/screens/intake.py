"""The intake screen (受理): the first screen, where a clerk spends the day.

Find the matter or bundle, identify the applicant, tick the materials, decide. Widgets
render and dispatch; IntakeService decides and persists. Beside it: how its panes come up
(intake_panes), the returning applicant (intake_returning), the decisions (intake_decision), the
subject and checklist panes (app.ui.widgets), its layout (intake.tcss).
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Input, Static

from app.messages import t
from app.ui.permission import may
from app.ui.screens.intake_card import fill_from_card
from app.ui.screens.intake_panes import PaneMounter, header_text, no_intake_text
from app.ui.screens.intake_returning import ReturningApplicant
from app.ui.widgets.applicant_form import ApplicantForm
from app.ui.widgets.status_bar import StatusBar
from app.ui.widgets.subject_pane import SubjectPane
from app.ui.widgets.subject_search import SubjectSearch


class IntakeScreen(Screen):
    CSS_PATH = "intake.tcss"
    BINDINGS = [
        Binding("f2", "focus_search", t("key.search")),
        Binding("f3", "focus_applicant", t("key.applicant")),
        Binding("f4", "focus_checklist", t("key.checklist")),
        Binding("f5", "accept", t("key.accept"), priority=True),
        Binding("f6", "notify", t("key.notify"), tooltip=t("key.notify_full"), priority=True),
        Binding("f7", "refuse", t("key.refuse"), priority=True),
        Binding("f8", "cases", t("key.cases")),
        Binding("f9", "new_intake", t("key.new"), tooltip=t("key.new_full")),
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
        self.busy = False
        self.panes_ready = False
        self.panes = PaneMounter(self)
        self.returning = ReturningApplicant(self)
        self._decisions = None  # app.ui.screens.intake_decision.DecisionRunner, when first needed
        self.scan_holds: dict[int, str] = {}  # scan id -> material, until the case has a number (scans.py)

    # --- layout ------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(Text(header_text(self.app.ws)), id="intake-header")
        with Horizontal(id="intake-body"):
            with Vertical(id="intake-left"):
                yield SubjectSearch(id="subject-search")
                yield SubjectPane(id="subject-scroll")
            # The applicant form and the checklist are mounted right after the first frame
            # (intake_panes): the search is usable at once (start-up target).
        yield StatusBar(id="status-bar")

    def on_mount(self) -> None:
        if not may(self.app, "intake"):
            # the home of a role that does not take cases: its name and what it can do instead
            self.query_one("#intake-body").display = False
            self.mount(Static(Text(no_intake_text(self.app.ws)), id="intake-notice"), after="#intake-header")
        else:
            self.query_one("#search-input", Input).focus()
        self.call_after_refresh(self.panes.first_frame)

    @on(SubjectSearch.Answered)
    def _start_panes(self) -> None:
        self.panes.start()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        gate = self.ROLE_GATES.get(action)
        if gate is not None and not may(self.app, gate):
            return False  # not this role's: not in its footer (the app says why on the key)
        # Until the applicant and checklist panes are mounted only the search and the case
        # list make sense (the keys would act on widgets that are not there yet).
        return self.panes_ready or action in ("focus_search", "cases")

    # The checklist's widgets (a DataTable, the decision dialogs) are imported with the panes,
    # after the first answer: loading them before it cost the start-up ~20 ms (issue 18).
    @property
    def decisions(self):
        if self._decisions is None:
            from app.ui.screens.intake_decision import DecisionRunner

            self._decisions = DecisionRunner(self)
        return self._decisions

    def _checklist(self):
        from app.ui.widgets.checklist_table import ChecklistTable

        return self.query_one(ChecklistTable)

    @property
    def service(self):
        from app.services.intake import IntakeService

        return IntakeService(self.app.ws)

    def set_index(self, index) -> None:
        for search in self.query(SubjectSearch):  # none yet while the screen is composed
            search.set_index(index)

    def say(self, text: str, style: str = "") -> None:
        from app.ui.widgets.checklist_pane import ChecklistPane

        self.query_one(ChecklistPane).say(text, style)  # the message line, under the checklist

    # --- choosing the subject ---------------------------------------------------------------
    @on(SubjectSearch.Chosen)
    def choose_subject(self, event: SubjectSearch.Chosen) -> None:
        if not self.panes_ready:  # chosen as fast as typed at start-up: once the panes are up
            self.panes.chosen_early = event
            self.panes.start()
            return
        if self.draft and self.draft.case_number:
            self.say(t("intake.resumed_keeps_subject", number=self.draft.case_number), "yellow")
            return  # a resumed case keeps its subject
        if self.draft and any(m.status != "missing" for m in self._checklist().marks):
            from app.ui.screens.dialogs import ConfirmDialog  # loaded when first asked (start-up time)

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
        self.query_one(SubjectPane).show(self.draft, self.app.ws.catalogue)
        self._checklist().load(self.draft.marks)
        self.query_one("#applicant-id_number", Input).focus()

    def on_checklist_table_marks_changed(self) -> None:  # ChecklistTable.MarksChanged
        # the checklist pane shows the tally (app.ui.widgets.checklist_pane); the draft takes the marks
        if self.draft is not None:
            self.draft.marks = self._checklist().marks

    # --- applicant --------------------------------------------------------------------------
    @on(ApplicantForm.IdEntered)
    def _id_entered(self, event: ApplicantForm.IdEntered) -> None:
        self.returning.look_up(event.kind, event.id_number)

    @on(ApplicantForm.Corrected)
    def _applicant_corrected(self) -> None:
        from app.ui.widgets.checklist_pane import ChecklistPane

        if self.query_one(ChecklistPane).said == t("decide.fix_applicant"):
            self.say("")

    def action_use_returning(self) -> None:
        if not self.returning.use():
            self.say(t("intake.no_returning"), "yellow")
            return
        self.action_focus_checklist()

    def action_toggle_kind(self) -> None:
        self.query_one(ApplicantForm).toggle_kind()

    # --- the ID-card reader (issue 17 §2; app.ui.jobs hands the card here) --------------------
    # a card laid on the reader (the window's idcard job calls it): intake_card.py
    card_presented = fill_from_card

    # --- focus keys -------------------------------------------------------------------------
    def action_focus_search(self) -> None:
        self.query_one("#search-input", Input).focus()

    def action_focus_applicant(self) -> None:
        self.query_one("#applicant-id_number", Input).focus()

    def action_focus_checklist(self) -> None:
        self._checklist().focus()

    # --- decisions (intake_decision) ---------------------------------------------------------
    def action_accept(self) -> None:
        self.decisions.accept()

    def action_notify(self) -> None:
        self.decisions.notify()

    def action_refuse(self) -> None:
        self.decisions.refuse()

    # --- starting over ------------------------------------------------------------------------
    def is_dirty(self) -> bool:
        form = self.query_one(ApplicantForm)
        return self.draft is not None or any(form.values()[k] for k in ("id_number", "name"))

    def action_new_intake(self) -> None:
        if not self.is_dirty():
            self.reset()
            return

        from app.ui.screens.dialogs import ConfirmDialog  # loaded when first asked (start-up time)

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
        self.returning.found = None
        self.query_one(ApplicantForm).clear()
        self._checklist().load([])
        self.query_one(SubjectPane).clear()
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
        self.query_one(SubjectPane).show(self.draft, self.app.ws.catalogue)
        self._checklist().load(draft.marks)
        self.action_focus_checklist()

    def action_cases(self) -> None:
        # F8's screen, loaded when first opened (start-up time)
        from app.ui.screens.cases import CaseListScreen

        self.app.push_screen(CaseListScreen())
