"""The window's sync use cases: hand a result out, withdraw, set a refused event aside or send
it again, keep a scan. The UI and the CLI call these (never the outbox directly); each is one
transaction, and every refusal is a message from the catalogue.
"""

from __future__ import annotations

from pathlib import Path

from app.domain import case_state as cs
from app.messages import t
from app.services.sync import attachments, outbox
from app.services.sync.window_events import NotAllowed, record
from app.services.workstation import Workstation
from app.store.models import CaseEvent

__all__ = [
    "NotAllowed",
    "attach",
    "deliver",
    "record",
    "retry",
    "set_aside",
    "timeline",
    "waiting",
    "withdraw",
]


def deliver(
    ws: Workstation,
    number: str,
    tracking: str = "",
    *,
    collector: dict | None = None,
    outcome: str = "",
    also=None,
) -> CaseEvent:
    """出件: the result is handed out at the window, or sent by EMS with its item number.

    At the window the payload records who collected it (``collector``: role applicant or
    agent, name, ID number, the agent's written authorisation) and the decision handed out
    (``outcome``: completed or denied). ``also(session, payload)`` adds what belongs with the
    event (the 领取凭证's print job) in the same transaction.
    """
    payload: dict = {"method": "ems" if tracking else "window"}
    if tracking:
        payload["tracking"] = tracking.strip().upper()
    if collector:
        payload["collector"] = dict(collector)
    if outcome:
        payload["outcome"] = outcome
    extra = (lambda session: also(session, payload)) if also is not None else None
    return record(ws, number, cs.DELIVERED, payload, also=extra)


def withdraw(ws: Workstation, number: str, reason: str = "") -> CaseEvent:
    """撤回: the applicant withdraws the application."""
    return record(ws, number, cs.WITHDRAWN_EVENT, {"reason": reason})


def set_aside(store, event_id: str) -> bool:
    """The clerk chooses not to send a refused event: it stops blocking its case."""
    return outbox.set_aside(store, event_id)


def retry(store, event_id: str) -> bool:
    """Send a refused or set-aside event again (after the cause was fixed at the hub)."""
    return outbox.retry(store, event_id)


def attach(ws: Workstation, number: str, source: Path) -> str:
    """Keep a scan of a case in the attachment store and queue it for upload; its sha256."""
    return attachments.add(ws, number, source)


def waiting(store, limit: int = 200) -> list[dict]:
    """Events not yet at the hub, oldest first (for the sync screen)."""
    return outbox.waiting(store, limit)


def timeline(store, case_number: str, events: list[CaseEvent]) -> list[tuple[CaseEvent, str, str]]:
    """(event, who wrote it, its mark) for a case's timeline, wherever it is shown.

    A window's event is ``clerk@window``; the back office's is ``name（后台）`` (it has no
    window: the hub names it ``backoffice:NAME``); the hub's own notes are ``平台``. A
    superseded event (a withdrawal overruled by a decision) and one the clerk set aside (never
    sent) are kept and must be flagged: the mark says which ("" for the others).
    """
    origins, superseded = outbox.event_notes(store, case_number)
    aside = outbox.set_aside_ids(store, case_number)
    out = []
    for e in events:
        origin = origins.get(e.event_id, "")
        if e.workstation_id:
            who = f"{e.actor}@{e.workstation_id}"
        elif origin.startswith("backoffice:"):
            who = t("sync.actor_backoffice", name=e.actor or origin.split(":", 1)[1])
        elif origin.startswith("hub"):
            who = t("sync.actor_hub")
        else:
            who = e.actor or origin
        mark = (
            t("sync.superseded_mark")
            if e.event_id in superseded
            else t("sync.set_aside_mark")
            if e.event_id in aside
            else ""
        )
        out.append((e, who, mark))
    return out
