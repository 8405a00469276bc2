"""One rule table: the window's decisions and the sync fold agree for every state."""

from __future__ import annotations

import pytest

from app.domain import case_state as cs
from app.domain import lifecycle


def test_case_state_uses_the_lifecycle_table_itself():
    assert cs.TRANSITIONS is lifecycle.TRANSITIONS
    assert cs.NO_STATE_CHANGE is lifecycle.NO_STATE_CHANGE


@pytest.mark.parametrize("decision", sorted(lifecycle.EVENT_FOR))
@pytest.mark.parametrize("state", [None, *lifecycle.STATES])
def test_a_window_decision_is_allowed_exactly_where_its_event_fits(decision, state):
    kind = lifecycle.EVENT_FOR[decision]
    if cs.fits(state, kind):
        assert lifecycle.next_state(state, decision) == cs.TRANSITIONS[kind][1]
    else:
        with pytest.raises(lifecycle.TransitionError):
            lifecycle.next_state(state, decision)


def test_a_new_case_decided_at_the_window_derives_to_the_same_state():
    for decision, kind in lifecycle.EVENT_FOR.items():
        view = cs.derive([cs.Event("c", cs.CREATED, 1, "o/01"), cs.Event("d", kind, 2, "o/01")])
        assert view.state == lifecycle.next_state(None, decision)


def test_only_a_case_awaiting_correction_is_open_for_intake():
    assert [s for s in lifecycle.STATES if lifecycle.is_open_for_intake(s)] == [lifecycle.CORRECTION]
