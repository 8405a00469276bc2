"""The intake's three decisions (accept, notify, refuse) run for the screen: the draft made
ready from the form and checklist, the reason asked, the service called in a thread worker of the
screen, the result or the error shown. IntakeService decides; this only carries it out and shows
it. The type-ahead holds the keys (screen, "decision") while the decision runs."""

from __future__ import annotations

from functools import partial

from app.messages import t
from app.ui import reactions
from app.ui.screens.dialogs import DocumentDialog, ReasonDialog
from app.ui.widgets.applicant_form import ApplicantForm
from app.ui.widgets.checklist_table import ChecklistTable

RESULT_KEYS = {"accept": "result.accepted", "notify": "result.notified", "refuse": "result.refused"}


class DecisionRunner:
    def __init__(self, screen) -> None:
        self.screen = screen  # the IntakeScreen: its draft, scan holds, message line and keys

    @property
    def app(self):
        return self.screen.app

    def ready_draft(self):
        """The draft with the form's applicant, or None after telling the clerk what is wrong."""
        from app.services.intake import ApplicantInput, ValidationFailed, validate_applicant

        screen = self.screen
        if screen.busy:
            return None
        if screen.draft is None:
            screen.say(t("decide.need_subject"), "red")
            screen.action_focus_search()
            return None
        form = screen.query_one(ApplicantForm)
        screen.draft.applicant = ApplicantInput(**form.values())
        screen.draft.marks = screen.query_one(ChecklistTable).marks
        try:
            validate_applicant(screen.draft.applicant, self.app.ws.today())
        except ValidationFailed as exc:
            form.show_errors(exc.errors)
            form.focus_first_error(exc.errors)
            screen.say(t("decide.fix_applicant"), "red")
            return None
        form.show_errors({})
        return screen.draft

    # --- the three keys ------------------------------------------------------------------------
    def accept(self) -> None:
        from app.domain.intake import assess

        draft = self.ready_draft()
        if draft is None:
            return
        found = assess(draft.marks)
        if not found.can_accept:
            self.screen.say(t("decide.cannot_accept", count=len(found.missing_required)), "red")
            self.screen.action_focus_checklist()
            return
        self.decide("accept", "")

    def notify(self) -> None:
        from app.domain.intake import assess

        draft = self.ready_draft()
        if draft is None:
            return
        to_notify = assess(draft.marks).to_notify
        if not to_notify:
            self.screen.say(t("decide.nothing_missing"), "yellow")
            return

        def done(remarks: str | None) -> None:
            if remarks is not None:
                self.decide("notify", remarks)

        listed = "\n".join(f"· {m.item.name}" + (f"（{m.note}）" if m.note else "") for m in to_notify)
        self.app.push_screen(
            ReasonDialog(
                t("notify.title"),
                t("notify.remarks"),
                required=False,
                body=t("notify.listed", count=len(to_notify)) + "\n" + listed,
            ),
            done,
        )

    def refuse(self) -> None:
        if self.ready_draft() is None:
            return

        def done(reason: str | None) -> None:
            if reason:
                self.decide("refuse", reason)

        self.app.push_screen(
            ReasonDialog(
                t("refuse.title"), t("refuse.reason_field"), required=True, hint=t("refuse.reason_hint")
            ),
            done,
        )

    # --- running it ----------------------------------------------------------------------------
    def decide(self, decision: str, text: str) -> None:
        screen = self.screen
        screen.busy = True
        self.app.typeahead.hold(screen, "decision")  # keys typed next belong to its dialog or field
        screen.say("" if self.app.ws.store_open else t("status.store_opening"))
        screen.run_worker(partial(self._run, decision, text), thread=True, exclusive=True, group="decision")

    def _run(self, decision: str, text: str) -> None:
        """In the screen's worker thread."""
        from app.services.cases import CaseService
        from app.services.intake import IntakeService, ValidationFailed

        app = self.app
        # the services run what follows after commit (app.services.reactions) with the window's hands
        end, holds = reactions.WindowEnd(app), dict(self.screen.scan_holds)
        svc = IntakeService(app.ws, end)
        draft = self.screen.draft
        try:
            if decision == "accept":
                result = svc.accept(draft, scan_holds=holds)
            elif decision == "notify":
                result = svc.notify(draft, text, scan_holds=holds)
            else:
                result = svc.refuse(draft, text, scan_holds=holds)
        except ValidationFailed as exc:
            app.call_from_thread(self._failed, exc.errors)
            return
        except Exception as exc:  # store failures: tell the clerk, keep the draft
            app.call_from_thread(self._failed, {"store": t("error.store", error=exc)})
            return
        document = ""  # the text of the document the decision queued (shown as printed)
        try:
            detail = CaseService(app.ws).detail(result.case.number)
            if detail and detail.jobs:
                document = detail.jobs[-1].text
        except Exception:  # noqa: BLE001  (decided and committed: the dialog shows the headline)
            pass
        app.call_from_thread(self._decided, decision, result.case, document, end)

    def _failed(self, errors: dict[str, str]) -> None:
        screen = self.screen
        screen.busy = False
        self.app.typeahead.release(screen, "decision")
        screen.query_one(ApplicantForm).show_errors(errors)
        screen.say("；".join(errors.values()), "red")

    def _decided(self, decision: str, case, document: str, end: reactions.WindowEnd) -> None:
        """The decision is stored and its reactions ran (spool, sync, the held scans): the screen
        shows the result, then the rating asks (once the dialog is closed)."""
        screen = self.screen
        screen.busy = False
        self.app.typeahead.release(screen, "decision")
        headline = t(RESULT_KEYS[decision], number=case.number)
        if case.due_date:
            headline += "\n" + t(
                "result.due",
                date=case.due_date.isoformat(),
                provisional=t("result.provisional") if case.due_provisional else "",
            )
        screen.reset()
        self.app.push_screen(DocumentDialog(headline, document), lambda _: screen.action_focus_search())
        end.shown()
