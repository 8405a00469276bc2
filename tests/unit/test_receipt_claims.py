"""What a version-2 receipt promises against what the case's record says was issued
(app.domain.receipt_scan.claim_differs, shared by the window's scan and the hub's check)."""

from __future__ import annotations

from datetime import date

from app.domain.receipt_scan import claim_differs, issued_paper
from printing.signing import Claim

CASE = "320724100-01-261121-0001-K"
MATTER = "320724-SCJG-0001"
PERSON = {"kind": "person", "id_number": "320724199003071234", "name": "张秀英"}


def claim(
    document="receipt", applicant="320724********1234", name="张秀英", day=date(2026, 11, 21), matter=MATTER
):
    return Claim.of(
        CASE, document, matter, applicant, name, day, date(2026, 12, 3) if document == "receipt" else None
    )


def accepted(applicant=PERSON, on="2026-11-21", at="2026-11-21T01:30:00.000+00:00"):
    return issued_paper("case.accepted", at, {"applicant": applicant, "accepted_on": on})


def notified(applicant=PERSON, at="2026-11-20T17:30:00.000+00:00", local_day=None):
    return issued_paper("case.notified", at, {"applicant": applicant}, local_day=local_day)


def test_a_paper_the_record_issued_matches() -> None:
    assert claim_differs(claim(), MATTER, [accepted()]) == []
    assert issued_paper("case.note", "2026-11-21T00:00:00+00:00", {}) is None


def test_each_difference_is_named() -> None:
    assert claim_differs(claim(matter="320724-SCJG-0002"), MATTER, [accepted()]) == ["matter"]
    assert claim_differs(claim(applicant="320724********9999"), MATTER, [accepted()]) == ["applicant"]
    assert claim_differs(claim(name="张秀荣"), MATTER, [accepted()]) == ["applicant"]
    assert claim_differs(claim(day=date(2026, 11, 25)), MATTER, [accepted()]) == ["date"]
    assert claim_differs(claim("notice"), MATTER, [accepted()]) == ["document"]
    assert claim_differs(claim(), MATTER, []) == ["document"]


def test_the_applicant_as_each_paper_printed_it() -> None:
    """Corrected between the notice and the acceptance: each paper matches its own event."""
    before = dict(PERSON, name="张秀瑛")
    papers = [notified(before), accepted()]
    assert claim_differs(claim("notice", name="张秀瑛", day=date(2026, 11, 21)), MATTER, papers) == []
    assert claim_differs(claim(), MATTER, papers) == []
    assert claim_differs(claim(name="张秀瑛"), MATTER, papers) == ["applicant"]


def test_a_notices_day_at_the_hub_allows_for_the_windows_zone_and_exactly_at_the_window() -> None:
    # 01:30 in China on the 21st is 17:30 UTC on the 20th
    assert claim_differs(claim("notice", day=date(2026, 11, 21)), MATTER, [notified()]) == []
    assert claim_differs(claim("notice", day=date(2026, 11, 23)), MATTER, [notified()]) == ["date"]
    local = notified(local_day=date(2026, 11, 21))  # the window knows its own day
    assert claim_differs(claim("notice", day=date(2026, 11, 21)), MATTER, [local]) == []
    assert claim_differs(claim("notice", day=date(2026, 11, 20)), MATTER, [local]) == ["date"]


def test_an_enterprise_is_printed_and_compared_whole() -> None:
    ent = {"kind": "enterprise", "id_number": "91320724MA1XYZ1234", "name": "灌南县某某餐饮有限公司"}
    c = claim(applicant="91320724MA1XYZ1234", name=ent["name"])
    assert claim_differs(c, MATTER, [accepted(ent)]) == []
    assert claim_differs(c, MATTER, [accepted(PERSON)]) == ["applicant"]
