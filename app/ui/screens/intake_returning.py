"""A returning applicant: when the form has a valid ID, the store is asked (in a thread worker of
the intake screen) whether this person came before; their details are offered under the form and
F10 takes them. The service finds; this shows and fills."""

from __future__ import annotations

from functools import partial

from textual.css.query import NoMatches

from app.domain.masking import mask_phone
from app.messages import t
from app.ui.widgets.applicant_form import ApplicantForm


class ReturningApplicant:
    def __init__(self, screen) -> None:
        self.screen = screen  # the IntakeScreen: its service, message line and checklist key
        self.found = None  # a stored Applicant offered for reuse

    def look_up(self, kind: str, id_number: str) -> None:
        self.screen.run_worker(
            partial(self._look_up, kind, id_number), thread=True, exclusive=True, group="applicant-lookup"
        )

    def _look_up(self, kind: str, id_number: str) -> None:
        """In the screen's worker thread."""
        app = self.screen.app
        try:
            found = self.screen.service.find_applicant(kind, id_number)
        except Exception as exc:  # a store problem must not take the window down
            app.call_from_thread(self.screen.say, t("error.store", error=exc), "red")
            return
        app.call_from_thread(self._offer, found)

    def _offer(self, found) -> None:
        try:
            self._show(found)
        except NoMatches:  # the window closed while the store answered: nothing to show
            pass

    def _show(self, found) -> None:
        form = self.screen.query_one(ApplicantForm)
        values = form.values()
        if found is not None and (found.name, found.phone, found.address) == (
            values["name"].strip(),
            values["phone"].strip(),
            values["address"].strip(),
        ):
            found = None  # the form already holds these details: nothing to offer
        self.found = found
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

    def use(self) -> bool:
        """Fill the form with the offered details; False when nothing is offered."""
        a = self.found
        if a is None:
            return False
        form = self.screen.query_one(ApplicantForm)
        form.fill(kind=a.kind, id_number=a.id_number, name=a.name, phone=a.phone, address=a.address)
        form.show_returning("")
        self.found = None
        return True
