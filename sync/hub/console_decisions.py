"""The console's back-office decisions on a case (issue 19: split from console_queries): the form,
its payload, the one check (sync.hub.decisions) and the write through the hub store."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.domain import lifecycle
from sync.hub import decisions
from sync.hub.console_queries import DECISIONS, MAX_TEXT, CaseSheet, case_sheet
from sync.hub.principal import Principal, Refusal
from sync.hub.store import HubStore


# --- decisions -------------------------------------------------------------------------------------------
class DecisionInvalid(ValueError):
    """Bad input; ``errors`` maps a form field to its message (nothing was written)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class DecisionRefused(Exception):
    """The decision no longer fits (the case changed, or its state forbids it); ``code`` says why."""

    def __init__(self, code: str, message: str, state: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.state = code, message, state


@dataclass(frozen=True)
class DecisionForm:
    decision: str
    version: int
    reason: str = ""  # 不予许可's reason; remarks otherwise
    materials: tuple[tuple[str, str], ...] = ()  # 补正: (material key, what is wrong)


def _clean(text: str, label: str, *, required: bool) -> str:
    from app.domain.text import FieldError, clean_text

    try:
        return clean_text(text or "", label, required=required, max_len=MAX_TEXT)
    except FieldError as exc:
        raise DecisionInvalid({"reason": exc.message}) from None


def build_payload(sheet: CaseSheet, form: DecisionForm) -> dict:
    """The event's payload, checked field by field (DecisionInvalid lists every bad field)."""
    from app.domain.text import FieldError, clean_text
    from app.messages import t

    if form.decision not in DECISIONS:
        raise DecisionInvalid({"decision": t("console.decision_unknown")})
    if form.decision == "deny":
        return {"reason": _clean(form.reason, t("console.deny_reason"), required=True)}
    if form.decision != "correction":
        remarks = _clean(form.reason, t("console.remarks"), required=False)
        return {"remarks": remarks} if remarks else {}
    errors: dict[str, str] = {}
    names = {m["key"]: m["name"] for m in sheet.checklist}
    chosen: list[dict] = []
    for key, note in form.materials:
        if key not in names:
            errors["materials"] = t("console.material_unknown")
            continue
        try:
            text = clean_text(
                note or "", t("console.material_note", name=names[key]), required=True, max_len=200
            )
        except FieldError as exc:
            errors[f"note_{key}"] = exc.message
            continue
        chosen.append({"k": key, "name": names[key], "note": text})
    if not form.materials:
        errors["materials"] = t("console.materials_required")
    try:
        remarks = clean_text(form.reason or "", t("console.remarks"), required=False, max_len=MAX_TEXT)
    except FieldError as exc:
        errors["reason"] = exc.message
        remarks = ""
    if errors:
        raise DecisionInvalid(errors)
    return {"reason": remarks, "materials": chosen}


def refused(number: str, state: str | None, code: str, reason: str) -> DecisionRefused:
    """A hub refusal (sync.hub.decisions) as the console says it to the user."""
    from app.messages import t

    if code == "changed":
        return DecisionRefused(
            "changed", t("console.case_changed", number=number, state=_state_name(state)), state
        )
    if code == "invalid_transition":
        return DecisionRefused(
            "invalid_transition", t("console.decision_no_longer_fits", state=_state_name(state)), state
        )
    return DecisionRefused(code, reason, state)


def check_decision(number: str, sheet: CaseSheet, form: DecisionForm) -> None:
    """DecisionRefused unless ``form``'s (known) decision may be made on the case as ``sheet``
    shows it: the hub's one check (sync.hub.decisions), asked before the confirmation page."""
    try:
        decisions.check_decision(
            number, sheet.case["state"], DECISIONS[form.decision], seen=form.version, version=sheet.version
        )
    except Refusal as r:
        raise refused(number, sheet.case["state"], r.code, r.reason) from None


def decide(
    store: HubStore,
    *,
    user_name: str,
    departments: Iterable[str],
    number: str,
    form: DecisionForm,
    office_scope: str = "",
) -> dict:
    """Record a decision by a console user, through the back office's one path; returns the case.

    Refused (DecisionRefused) when the user's departments do not decide this case, when the case
    changed since the user saw it (its version), or when the decision no longer fits its state
    (sync.hub.decisions decides, in the transaction that records it)."""
    from app.messages import t

    sheet = case_sheet(store, number)
    if sheet is None:
        raise DecisionRefused("unknown_case", t("console.case_not_found", number=number))
    if not decisions.may_decide(departments, sheet.departments):
        raise DecisionRefused("forbidden", t("console.not_your_case", number=number))
    payload = build_payload(sheet, form)
    who = Principal("backoffice", office_scope, "", user_name)
    try:
        detail, _ev = store.backoffice_event(
            who, number, DECISIONS[form.decision], payload, user_name, expect_version=form.version
        )
    except Refusal as r:
        current = case_sheet(store, number)
        raise refused(number, current.case["state"] if current else None, r.code, r.reason) from None
    return detail


def _state_name(state: str | None) -> str:
    from app.messages import t

    return t(f"state.{state}") if state in lifecycle.STATES else "—"
