"""The intake screen's use of the ID-card reader (issue 17 §2): a card laid on the reader fills
the applicant. Kept beside the screen, as its decision runner and panes are."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.messages import t
from app.ui.permission import may
from app.ui.widgets.applicant_form import ApplicantForm

if TYPE_CHECKING:
    from app.services.idcard import CardPresented


def fill_from_card(screen: Any, event: CardPresented) -> None:  # screen: the IntakeScreen
    """A card laid on the reader: the applicant is the card's holder (a person), then the
    materials. A card with a problem (expired, number and chip disagree) fills nothing."""
    if not may(screen.app, "intake") or not screen.panes_ready:
        return
    if screen.busy:
        screen.say(t("window.idcard_busy"), "yellow")
        return
    if event.problem is not None:
        screen.app.bell()
        screen.say(t("window.idcard_refused", problem=event.problem_text), "red")
        return
    card = event.card
    form = screen.query_one(ApplicantForm)
    form.fill(
        kind="person",
        id_number=card.id_number,
        name=card.name,
        phone=form.value("phone"),
        address=card.address,
    )
    screen.say(
        t("window.idcard_filled", card_type=t("idcard.type_" + card.card_type), name=card.name), "green"
    )
    screen.action_focus_checklist()
