"""How the intake screen comes up fast: the search first (focused, the clerk can type), the
applicant form, the checklist pane and the footer right after the first frame, unless keys typed
at start-up are being answered (those come first). Also the header line and the notice a role
without intake sees instead."""

from __future__ import annotations

from textual.containers import Horizontal, Vertical

from app.messages import t
from app.ui.widgets.subject_search import SubjectSearch

PANES_AFTER = 0.15  # seconds after the first frame, unless typed keys are being answered


def header_text(ws) -> str:
    return t(
        "intake.header",
        office=ws.config.get("office.name"),
        window=ws.window,
        clerk=ws.clerk,
        date=ws.today().isoformat(),
    )


def no_intake_text(ws) -> str:
    """The home of a role that does not take cases: its name and what it can do instead."""
    op = ws.operator
    return t("intake.not_your_role", role=t(f"role.{op.role}") if op is not None else t("role.demo"))


class PaneMounter:
    def __init__(self, screen) -> None:
        self.screen = screen  # the IntakeScreen
        self.started = False
        self.chosen_early = None  # SubjectSearch.Chosen that came before the panes

    def first_frame(self) -> None:
        """The search is on screen and focused: the clerk can type. Now the rest."""
        self.screen.app.jobs.screen_ready()
        self.screen.set_timer(PANES_AFTER, self._unless_answering)

    def _unless_answering(self) -> None:
        # Keys typed at start-up are answered first: mounting the panes takes the screen
        # for tens of milliseconds, and the clerk is waiting for the answer, not the panes.
        if not self.screen.query_one(SubjectSearch).answer_pending:
            self.start()

    def start(self) -> None:
        if not self.started:
            self.started = True
            self.screen.call_after_refresh(self._mount)

    async def _mount(self) -> None:
        # imported here, not with the screen: the checklist's DataTable, the footer and the
        # dialogs behind them are not needed for the first answer (issue 18)
        from app.ui.screens import cases  # noqa: F401  (F8's and a scan's screens: loaded now, not mid-scan)
        from app.ui.widgets.applicant_form import ApplicantForm
        from app.ui.widgets.checklist_pane import ChecklistPane
        from app.ui.widgets.keys import KeyFooter

        screen = self.screen
        await screen.query_one("#intake-left", Vertical).mount(ApplicantForm(id="applicant-form"))
        await screen.query_one("#intake-body", Horizontal).mount(ChecklistPane(id="intake-right"))
        await screen.mount(KeyFooter())  # dozens of key widgets: after the first frame too
        screen.panes_ready = True
        screen.refresh_bindings()
        screen.app.jobs.panes_ready()
        if self.chosen_early is not None:
            early, self.chosen_early = self.chosen_early, None
            screen.choose_subject(early)
