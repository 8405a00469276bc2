"""What the clerk marked on the checklist, and what may be decided from it.

Pure rules: no store, no UI. The checklist comes from `merge_checklist`; marks are what the
clerk recorded for each item.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from app.domain.checklist import ChecklistItem

Status = Literal["missing", "received", "tolerated", "defective"]


@dataclass(frozen=True)
class Mark:
    """The clerk's record for one checklist item."""

    item: ChecklistItem
    status: Status = "missing"
    form: str = ""  # what was handed in: original / copy ("" = as the catalogue asks)
    copies: int = 0  # how many were handed in (0 = as the catalogue asks)
    note: str = ""  # why defective / what to bring

    @property
    def handed_form(self) -> str:
        return self.form or self.item.form

    @property
    def handed_copies(self) -> int:
        return self.copies or self.item.copies

    def to_compact(self) -> dict[str, Any]:
        """What the clerk did, without the item itself (that lives in the checklist snapshot)."""
        out: dict[str, Any] = {"k": self.item.key, "s": self.status}
        if self.status == "received":
            if self.form and self.form != self.item.form:
                out["f"] = self.form
            if self.copies and self.copies != self.item.copies:
                out["c"] = self.copies
        if self.note:
            out["n"] = self.note
        return out

    def to_dict(self) -> dict[str, Any]:
        """The full view (item and mark), for JSON output and documents."""
        d = item_to_dict(self.item)
        d.update(
            status=self.status,
            got_form=self.handed_form if self.status == "received" else "",
            got_copies=self.handed_copies if self.status == "received" else 0,
            note=self.note,
        )
        return d


def item_to_dict(i: ChecklistItem) -> dict[str, Any]:
    return {
        "key": i.key,
        "name": i.name,
        "form": i.form,
        "copies": i.copies,
        "required": i.required,
        "tolerable": i.tolerable,
        "medium": i.medium,
        "matters": list(i.matters),
    }


def item_from_dict(d: dict[str, Any]) -> ChecklistItem:
    return ChecklistItem(
        key=d["key"],
        name=d["name"],
        form=d["form"],
        copies=int(d["copies"]),
        required=bool(d["required"]),
        tolerable=bool(d["tolerable"]),
        medium=d["medium"],
        matters=tuple(d.get("matters", ())),
    )


def marks_from_compact(items: Sequence[ChecklistItem], compact: Sequence[dict[str, Any]]) -> list[Mark]:
    """Rebuild the marks of a stored case; items without a record are missing."""
    by_key = {c["k"]: c for c in compact}
    out = []
    for item in items:
        c = by_key.get(item.key, {})
        out.append(
            Mark(
                item=item,
                status=c.get("s", "missing"),
                form=c.get("f", ""),
                copies=int(c.get("c", 0)),
                note=c.get("n", ""),
            )
        )
    return out


def blank_marks(items: Iterable[ChecklistItem]) -> list[Mark]:
    return [Mark(item=i) for i in items]


def cycle_status(mark: Mark) -> Mark:
    """Space bar: missing → received → missing (容缺 and 不符 have their own keys).

    A material marked received is acceptable, so a 不符合要求 note on it no longer holds.
    """
    if mark.status == "received":
        return replace(mark, status="missing")
    return replace(mark, status="received", note="")


def tolerate(mark: Mark) -> Mark:
    """容缺 only where the catalogue allows it; toggles back to missing."""
    if not (mark.item.required and mark.item.tolerable):
        raise ValueError(mark.item.name)
    return replace(mark, status="missing" if mark.status == "tolerated" else "tolerated")


@dataclass(frozen=True)
class Assessment:
    received: tuple[Mark, ...]
    tolerated: tuple[Mark, ...]
    missing_required: tuple[Mark, ...]  # missing or defective, not tolerated: block acceptance
    missing_optional: tuple[Mark, ...]

    @property
    def can_accept(self) -> bool:
        return not self.missing_required

    @property
    def to_notify(self) -> tuple[Mark, ...]:
        """一次性告知 lists every required material that is missing or wrong, all at once."""
        return self.missing_required


def assess(marks: Sequence[Mark]) -> Assessment:
    received, tolerated, missing_req, missing_opt = [], [], [], []
    for m in marks:
        if m.status == "received":
            received.append(m)
        elif m.status == "tolerated" and m.item.required and m.item.tolerable:
            tolerated.append(m)
        elif m.item.required:
            missing_req.append(m)
        else:
            missing_opt.append(m)
    return Assessment(tuple(received), tuple(tolerated), tuple(missing_req), tuple(missing_opt))
