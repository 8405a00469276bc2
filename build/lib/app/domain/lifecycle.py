"""Case lifecycle: the states a case can be in and which decisions move it where.

Pure rules, shared by the window, the CLI and (later) the hub, which derives the same state
from the same events.
"""

from __future__ import annotations

from typing import Final

# States of a case. The window sets the first three; the back office sends the rest (issue 4).
CORRECTION: Final = "correction"  # 一次性告知 issued, waiting for the applicant to come back (补正)
ACCEPTED: Final = "accepted"  # 已受理
REFUSED: Final = "refused"  # 不予受理
IN_REVIEW: Final = "in_review"  # 审批中
COMPLETED: Final = "completed"  # 办结
DENIED: Final = "denied"  # 不予许可
DELIVERED: Final = "delivered"  # 已出件
WITHDRAWN: Final = "withdrawn"  # 已撤回 (see app.domain.case_state)

STATES: Final = (CORRECTION, ACCEPTED, REFUSED, IN_REVIEW, COMPLETED, DENIED, DELIVERED, WITHDRAWN)

# Decisions at the window and the states they may start from (None = a new case).
_ALLOWED: Final[dict[str, tuple[str | None, ...]]] = {
    "notify": (None, CORRECTION),
    "accept": (None, CORRECTION),
    "refuse": (None, CORRECTION),
}

_TARGET: Final = {"notify": CORRECTION, "accept": ACCEPTED, "refuse": REFUSED}

# Event kinds, written with each change; also the unit that sync sends.
EVENT_FOR: Final = {"notify": "case.notified", "accept": "case.accepted", "refuse": "case.refused"}
EVENT_CREATED: Final = "case.created"


class TransitionError(ValueError):
    pass


def next_state(current: str | None, decision: str) -> str:
    """The state after `decision`, or TransitionError if it is not allowed from `current`."""
    allowed = _ALLOWED.get(decision)
    if allowed is None:
        raise TransitionError(f"unknown decision {decision!r}")
    if current not in allowed:
        raise TransitionError(f"cannot {decision} a case in state {current!r}")
    return _TARGET[decision]


def is_open_for_intake(state: str) -> bool:
    """A case the window can still decide on (the applicant came back with the materials)."""
    return state == CORRECTION
