"""The one rule that derives a case's state from its events, on both sides of sync."""

from __future__ import annotations

import uuid

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain import case_state as cs

WIN, BO = "320724100/01", "backoffice:市场监管局"


def ev(kind: str, lc: int, origin: str = WIN, n: int = 0, **payload) -> cs.Event:
    return cs.Event(str(uuid.UUID(int=lc * 1000 + n + hash(kind) % 997)), kind, lc, origin, payload)


def test_window_then_back_office_lifecycle():
    events = [
        ev(cs.CREATED, 1),
        ev(cs.ACCEPTED, 2),
        ev(cs.IN_REVIEW, 3, BO),
        ev(cs.COMPLETED, 4, BO),
        ev(cs.DELIVERED, 5),
    ]
    view = cs.derive(events)
    assert view.state == "delivered"
    assert view.conflicts == ()
    assert view.lc == 5


def test_withdrawal_concurrent_with_completion_is_a_recorded_conflict():
    base = [ev(cs.CREATED, 1), ev(cs.ACCEPTED, 2)]
    withdraw = ev(cs.WITHDRAWN_EVENT, 3, WIN, reason="申请人撤回")
    complete = ev(cs.COMPLETED, 3, BO)
    for order in ([*base, withdraw, complete], [*base, complete, withdraw]):
        view = cs.derive(order)
        assert view.state == "completed"  # the authority's decision ranks first
        assert [(c.rule, c.event_id) for c in view.conflicts] == [("superseded", withdraw.event_id)]


def test_withdrawal_after_seen_review_applies_and_is_flagged_when_concurrent():
    base = [ev(cs.CREATED, 1), ev(cs.ACCEPTED, 2)]
    view = cs.derive([*base, ev(cs.IN_REVIEW, 3, BO), ev(cs.WITHDRAWN_EVENT, 3, WIN)])
    assert view.state == cs.WITHDRAWN
    assert [c.rule for c in view.conflicts] == ["concurrent"]


def test_denial_reason_is_kept():
    view = cs.derive([ev(cs.CREATED, 1), ev(cs.ACCEPTED, 2), ev(cs.DENIED, 3, BO, reason="选址不符合规划")])
    assert (view.state, view.reason) == ("denied", "选址不符合规划")


def test_correction_request_reopens_the_case_for_the_window():
    view = cs.derive(
        [ev(cs.CREATED, 1), ev(cs.ACCEPTED, 2), ev(cs.CORRECTION_REQUESTED, 3, BO), ev(cs.ACCEPTED, 4)]
    )
    assert view.state == "accepted" and view.conflicts == ()


KINDS = sorted(cs.KNOWN_KINDS)
events_st = st.lists(
    st.builds(
        lambda k, lc, o, n: cs.Event(str(uuid.UUID(int=n)), k, lc, o, {}),
        st.sampled_from(KINDS),
        st.integers(1, 6),
        st.sampled_from([WIN, BO, "320724100/02"]),
        st.integers(0, 2**64),
    ),
    max_size=12,
    unique_by=lambda e: e.event_id,
)


@settings(max_examples=300, deadline=None)
@given(events_st, st.randoms(use_true_random=False), st.lists(st.integers(0, 11), max_size=6))
def test_any_order_and_duplication_gives_the_same_state(events, rnd, dup_idx):
    reference = cs.derive(events)
    shuffled = list(events) + [events[i] for i in dup_idx if i < len(events)]
    rnd.shuffle(shuffled)
    again = cs.derive(shuffled)
    assert again == reference


@settings(max_examples=200, deadline=None)
@given(events_st)
def test_every_event_is_either_applied_ignored_by_kind_or_a_conflict(events):
    view = cs.derive(events)
    changing = [e for e in events if e.kind not in cs.NO_STATE_CHANGE]
    superseded = {c.event_id for c in view.conflicts if c.rule == "superseded"}
    assert set(view.applied) | superseded == {e.event_id for e in changing}
    assert not set(view.applied) & superseded
