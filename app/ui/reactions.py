"""What the window does after a case changed at this desk: the UI's side of the reactions
table (issue 19 §1), in one place.

A screen that decided a case (intake) or handed a result out (pickup) shows its result and
calls react() with a CaseChanged, and does nothing else about it. The table says
what follows each kind: the print spool for the document just queued, a sync for the new
event, the scans the intake held until it had a case number, the applicant's rating.
When the services run their own reactions table after commit, the rows here shrink to what
only the window can do (show a rating ask), and react() is the one call to change.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# kind of change -> what follows, in this order
REACTIONS: dict[str, tuple[str, ...]] = {
    "accepted": ("print", "sync", "held_scans", "rating"),  # 受理: receipt, then 好差评
    "notified": ("print", "sync", "held_scans"),  # 一次性告知: the 补正 notice
    "refused": ("print", "sync", "held_scans"),  # 不予受理: the refusal notice
    "delivered": ("print", "sync", "rating"),  # 出件: the 领取凭证, then 好差评
}

# the rating's stage for each kind that asks for one (app.domain.evaluation)
RATING_STAGE = {"accepted": "accepted", "delivered": "delivered"}


@dataclass(frozen=True)
class CaseChanged:
    """A case was decided or handed out at this window (the store has it, committed)."""

    number: str
    kind: str  # a key of REACTIONS
    scan_holds: dict[int, str] = field(default_factory=dict)  # scan id -> material, held by the intake


def react(app, event: CaseChanged) -> None:
    """What follows `event`, at once (the spool's pass starts before the screen goes on). Call it
    once the result is on screen: the rating waits for a dialog on top to be closed."""
    for step in REACTIONS[event.kind]:
        if step == "print":
            app.kick_spool()
        elif step == "sync":
            app.kick_sync()
        elif step == "held_scans":
            from app.ui.screens.scans import file_held_scans

            file_held_scans(app, event.scan_holds, event.number)
        elif step == "rating":
            app.rating.ask_after(event.number, RATING_STAGE[event.kind])
