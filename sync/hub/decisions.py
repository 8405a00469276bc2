"""A back-office decision on a case: whether it may be made, decided once here.

The hub's path (sync.hub.events.Events.backoffice_event, ``POST /api/v1/cases/{number}/events``)
and the console (sync.hub.console_queries, its case page) all ask this module.
"""

from __future__ import annotations

from app.domain import case_state as cs
from sync.hub.principal import Refusal


def check_kind(kind: str) -> None:
    """Refusal unless the back office may send events of ``kind``."""
    if kind not in cs.BACKOFFICE_KINDS:
        raise Refusal(
            "kind_not_allowed", f"the back office may send {', '.join(sorted(cs.BACKOFFICE_KINDS))}"
        )


def check_reason(kind: str, payload: dict) -> None:
    """Refusal unless a 不予许可 says why: the window prints its reason on the notice the
    applicant takes home, and the console asks for it too."""
    if kind == cs.DENIED:
        reason = payload.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise Refusal(
                "bad_payload", f"{kind} needs a reason: the window prints it on the 不予许可 notice"
            )


def check_decision(number: str, state: str | None, kind: str, *, seen: int | None, version: int) -> None:
    """Refusal unless decision ``kind`` may be made on case ``number`` now: the case is still
    at the version the decider saw (``seen``; None: not asked) — never applied over a change —
    and the decision fits its state."""
    if seen is not None and version != seen:
        raise Refusal("changed", f"case {number} changed since version {seen}")
    if not cs.fits(state, kind):
        raise Refusal("invalid_transition", f"{kind} does not apply to a case in state {state}")


def may_decide(user_departments, case_departments) -> bool:
    """Whether a console user of ``user_departments`` decides a case of ``case_departments``."""
    return bool(set(user_departments) & set(case_departments))
