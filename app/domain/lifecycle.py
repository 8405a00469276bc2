"""Case lifecycle: the one table of states, event kinds and which event moves a case where.

Pure rules, shared by the window, the CLI and the hub. The window's decisions (notify, accept,
refuse) are looked up in the same table as the back office's: a decision is allowed from a
state exactly when its event fits that state. app.domain.case_state folds events with this
table to derive a case's state on both sides of sync.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

# States of a case.
CORRECTION: Final = "correction"  # 一次性告知 issued, waiting for the applicant to come back (补正)
ACCEPTED: Final = "accepted"  # 已受理
REFUSED: Final = "refused"  # 不予受理
IN_REVIEW: Final = "in_review"  # 审批中
COMPLETED: Final = "completed"  # 办结
DENIED: Final = "denied"  # 不予许可
DELIVERED: Final = "delivered"  # 已出件
WITHDRAWN: Final = "withdrawn"  # 已撤回

STATES: Final = (CORRECTION, ACCEPTED, REFUSED, IN_REVIEW, COMPLETED, DENIED, DELIVERED, WITHDRAWN)
# Decided by the back office, waiting at the window to be handed out (出件): the result or the
# 不予许可 decision. The handover panel, the sync screen and its count read this one tuple.
READY_FOR_PICKUP: Final = (COMPLETED, DENIED)

# Kinds of case events: the window writes intake decisions, the back office its decisions
# (through the hub), the window again the hand-out and withdrawal.
EVENT_CREATED: Final = "case.created"
EVENT_NOTIFIED: Final = "case.notified"  # 一次性告知
EVENT_ACCEPTED: Final = "case.accepted"  # 受理
EVENT_REFUSED: Final = "case.refused"  # 不予受理
EVENT_IN_REVIEW: Final = "case.in_review"  # 审批中
EVENT_CORRECTION_REQUESTED: Final = "case.correction_requested"  # 补正要求 (after acceptance)
EVENT_COMPLETED: Final = "case.completed"  # 办结
EVENT_DENIED: Final = "case.denied"  # 不予许可
EVENT_DELIVERED: Final = "case.delivered"  # 出件 (at the window or by EMS)
EVENT_WITHDRAWN: Final = "case.withdrawn"  # 撤回
EVENT_ATTACHMENT_ADDED: Final = "attachment.added"  # a scan; no state change
EVENT_NOTE: Final = "case.note"  # free remark; no state change
# A clerk showed the applicant's full ID/phone on screen (个人信息保护法: who looked, when); no state change.
EVENT_UNMASKED: Final = "case.unmasked"
# Courier steps of a waybill linked to the case (materials carried in, results carried out).
# They track the item, not the case's decision, so none changes the state: 出件 stays
# case.delivered, written when the result is handed over (at the window or on delivery).
EVENT_COURIER_ASSIGNED: Final = "courier.assigned"  # a waybill linked to the case at the window
EVENT_COURIER_PICKUP: Final = "courier.pickup"  # 揽收
EVENT_COURIER_TRANSIT: Final = "courier.transit"  # 在途
EVENT_COURIER_DELIVERED: Final = "courier.delivered"  # 妥投 (recipient, applicant or not)
EVENT_COURIER_FAILED: Final = "courier.failed"  # 投递失败 (reason)
COURIER_KINDS: Final = frozenset(
    {
        EVENT_COURIER_ASSIGNED,
        EVENT_COURIER_PICKUP,
        EVENT_COURIER_TRANSIT,
        EVENT_COURIER_DELIVERED,
        EVENT_COURIER_FAILED,
    }
)

# 好差评 (issue 8 §4): the applicant's rating after acceptance or handover (or that they declined),
# and the 差评整改 follow-up a bad rating opens and a supervisor closes. Facts about the service,
# not about the decision: none changes the state.
EVENT_EVALUATION_RATED: Final = "evaluation.rated"
EVENT_EVALUATION_DECLINED: Final = "evaluation.declined"
EVENT_FOLLOWUP_OPENED: Final = "followup.opened"
EVENT_FOLLOWUP_CLOSED: Final = "followup.closed"
EVALUATION_KINDS: Final = frozenset(
    {EVENT_EVALUATION_RATED, EVENT_EVALUATION_DECLINED, EVENT_FOLLOWUP_OPENED, EVENT_FOLLOWUP_CLOSED}
)

# The table: event kind -> (states it may start from, target state); None = no case yet.
TRANSITIONS: Final[Mapping[str, tuple[frozenset[str | None], str]]] = {
    EVENT_NOTIFIED: (frozenset({None, CORRECTION}), CORRECTION),
    EVENT_ACCEPTED: (frozenset({None, CORRECTION}), ACCEPTED),
    EVENT_REFUSED: (frozenset({None, CORRECTION}), REFUSED),
    EVENT_IN_REVIEW: (frozenset({ACCEPTED, IN_REVIEW}), IN_REVIEW),
    EVENT_CORRECTION_REQUESTED: (frozenset({ACCEPTED, IN_REVIEW}), CORRECTION),
    EVENT_COMPLETED: (frozenset({ACCEPTED, IN_REVIEW}), COMPLETED),
    EVENT_DENIED: (frozenset({ACCEPTED, IN_REVIEW}), DENIED),
    EVENT_DELIVERED: (frozenset({COMPLETED, DENIED}), DELIVERED),
    EVENT_WITHDRAWN: (frozenset({CORRECTION, ACCEPTED, IN_REVIEW}), WITHDRAWN),
}
NO_STATE_CHANGE: Final = (
    frozenset({EVENT_CREATED, EVENT_ATTACHMENT_ADDED, EVENT_NOTE, EVENT_UNMASKED})
    | COURIER_KINDS
    | EVALUATION_KINDS
)

# The window's intake decisions and the events they write.
EVENT_FOR: Final = {"notify": EVENT_NOTIFIED, "accept": EVENT_ACCEPTED, "refuse": EVENT_REFUSED}


class TransitionError(ValueError):
    pass


def next_state(current: str | None, decision: str) -> str:
    """The state after the window's `decision`, or TransitionError if the table forbids it."""
    kind = EVENT_FOR.get(decision)
    if kind is None:
        raise TransitionError(f"unknown decision {decision!r}")
    starts, target = TRANSITIONS[kind]
    if current not in starts:
        raise TransitionError(f"cannot {decision} a case in state {current!r}")
    return target


def is_open_for_intake(state: str) -> bool:
    """A case the window can still decide on (the applicant came back with the materials)."""
    return all(state in TRANSITIONS[kind][0] for kind in EVENT_FOR.values())
