"""Merge the materials of several matters into one checklist (材料清单合并).

A bundle (一件事) asks for each shared document once: the 营业执照 that five matters
of 开餐馆 each ask for is handed in once. Materials are the same document when they
have the same ``key`` (the catalogue guarantees one name per key).

Pure Python, no UI, no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from forms.catalogue import Material, MaterialForm, Matter, Medium

__all__ = ["ChecklistItem", "merge_checklist", "matter_checklist", "material_count"]


@dataclass(frozen=True)
class ChecklistItem:
    """One line of a merged checklist: a document to hand in once.

    ``matters`` are the codes of the matters asking for it, in the order given.
    """

    key: str
    name: str
    form: MaterialForm
    copies: int
    required: bool
    tolerable: bool
    medium: Medium
    matters: tuple[str, ...]


class _Acc:
    """Mutable accumulator for one key while merging."""

    __slots__ = ("first", "original", "copies", "required", "all_required_tolerate", "paper", "matters")

    def __init__(self, first: Material) -> None:
        self.first = first
        self.original = False
        self.copies = 0
        self.required = False
        self.all_required_tolerate = True
        self.paper = False
        self.matters: dict[str, None] = {}

    def add(self, material: Material, matter_code: str) -> None:
        self.original = self.original or material.form == "original"
        self.copies = max(self.copies, material.copies)
        if material.required:
            self.required = True
            self.all_required_tolerate = self.all_required_tolerate and material.tolerable
        self.paper = self.paper or material.medium == "paper"
        self.matters.setdefault(matter_code, None)

    def item(self) -> ChecklistItem:
        return ChecklistItem(
            key=self.first.key,
            name=self.first.name,
            form="original" if self.original else "copy",
            copies=self.copies,
            required=self.required,
            tolerable=self.required and self.all_required_tolerate,
            medium="paper" if self.paper else "electronic",
            matters=tuple(self.matters),
        )


def merge_checklist(matters: Sequence[Matter]) -> tuple[ChecklistItem, ...]:
    """Merge the materials of ``matters`` into one item per material key.

    Rules (also in docs/catalogue.md):

    * one item per ``key``, in order of first appearance (matters in the given
      order, materials in each matter's order); ``name`` is the first one seen;
    * ``form`` is ``"original"`` (原件) if any matter asks for the original, else
      ``"copy"`` (复印件);
    * ``copies`` is the largest number any matter asks for;
    * ``required`` if any matter requires it;
    * ``tolerable`` (容缺) only if every matter that requires it tolerates it; an
      item no matter requires is never tolerable (容缺 applies to required items);
    * ``medium`` is ``"paper"`` if any matter asks for paper, else ``"electronic"``;
    * ``matters`` lists the codes of the matters asking for it, each once, in order.

    Passing the same matter twice changes nothing.
    """
    acc: dict[str, _Acc] = {}
    for matter in matters:
        for material in matter.materials:
            entry = acc.get(material.key)
            if entry is None:
                entry = acc[material.key] = _Acc(material)
            entry.add(material, matter.code)
    return tuple(entry.item() for entry in acc.values())


def matter_checklist(matter: Matter) -> tuple[ChecklistItem, ...]:
    """The checklist of a single matter (``merge_checklist([matter])``)."""
    return merge_checklist([matter])


def material_count(matters: Sequence[Matter]) -> int:
    """Materials asked before merging: the sum over matters of their material lists
    (the "40多份材料" of 开餐馆 before the bundle)."""
    return sum(len(matter.materials) for matter in matters)
