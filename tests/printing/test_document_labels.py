"""Document wording (issue 7, section 5): each document names its number as such documents
do, the same on paper and on screen; the 容缺 reminder only where there are 容缺 items."""

from __future__ import annotations

from dataclasses import replace

from app.messages import t
from printing.profiles import get_profile
from printing.render import render
from printing.samples import kcg_receipt, sample_document
from tests.printing.paper import read_paper

PROFILE = get_profile("generic-58")
REMINDER = "容缺材料请在承诺日期前补交"


def number_label(text: str, number: str) -> str:
    """The label printed in front of the case number ("受理编号" in "受理编号：3207…")."""
    flat = text.replace("\n", "")
    head = flat[: flat.index(number)].rstrip("：: ")
    return head[-4:]


def test_notice_and_refusal_are_not_labelled_as_accepted():
    for kind in ("notice", "refusal"):
        doc = sample_document(kind)
        paper = read_paper(render(doc, PROFILE), "generic-58").text
        label = number_label(paper, doc.case_number)
        assert label == "案件编号", (kind, label)
        assert "受理编号" not in paper
        # the window names the number of a notice or refusal the same way
        assert label in t(f"result.{'notified' if kind == 'notice' else 'refused'}", number=doc.case_number)
    # the receipt of an accepted case keeps its 受理编号
    doc = sample_document("receipt")
    assert number_label(read_paper(render(doc, PROFILE), "generic-58").text, doc.case_number) == "受理编号"


def test_the_tolerance_reminder_prints_only_with_tolerated_items():
    with_items = read_paper(render(kcg_receipt(tolerated=2), PROFILE), "generic-58").text
    assert "容缺材料（2项）" in with_items and REMINDER in with_items.replace("\n", "")
    none = kcg_receipt(tolerated=0)
    none = replace(none, tolerated_until=None)
    without = read_paper(render(none, PROFILE), "generic-58").text
    assert "容缺" not in without
    assert "本回执是您办理业务的凭证" in without.replace("\n", "")  # the other notes stay
