"""The clerk's marks on one material: what each key does to status and note."""

from __future__ import annotations

from dataclasses import replace

from app.domain.checklist import ChecklistItem
from app.domain.intake import Mark, assess, cycle_status

ITEM = ChecklistItem(
    key="lease_contract",
    name="房屋租赁合同",
    form="copy",
    copies=1,
    required=True,
    tolerable=False,
    medium="paper",
    matters=("320724-SCJG-001",),
)


def test_marking_a_defective_material_received_clears_its_note():
    defective = Mark(item=ITEM, status="defective", note="复印件不清晰")
    received = cycle_status(defective)
    assert received.status == "received" and received.note == ""
    assert received.to_compact() == {"k": ITEM.key, "s": "received"}
    assert assess([received]).can_accept


def test_space_toggles_received_and_missing():
    missing = Mark(item=ITEM)
    assert cycle_status(missing).status == "received"
    assert cycle_status(cycle_status(missing)) == missing
    assert cycle_status(replace(missing, status="tolerated")).status == "received"
