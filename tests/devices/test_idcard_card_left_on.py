"""A card left lying on the reader is one read, even when reads fail in between (found at the
window under load: a READ answered too late still halts the card, the next FIND answers "no
card", and two of those with a failed read between them counted as the card lifted, so the
same card filled the intake form again a few seconds later)."""

from __future__ import annotations

import time

from app.services.idcard import CardPoller, CardPresented
from tests.devices.cards import RESIDENT
from tests.idcard_sim import SimReader


def events_for(poller: CardPoller, seconds: float) -> list:
    out = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        event = poller.next_event(0.2)
        if event is not None:
            out.append(event)
    return out


def test_failed_reads_between_no_card_answers_do_not_count_as_the_card_lifted():
    with SimReader(cards=[RESIDENT]) as sim:
        poller = CardPoller((sim.path, 115200))
        try:
            first = events_for(poller, 1.5)
            assert [type(e) for e in first] == [CardPresented]
            sim.mode = "bad_checksum"  # every READ fails (the card is halted all the same)
            assert not [e for e in events_for(poller, 1.5) if isinstance(e, CardPresented)]
            sim.mode = "normal"  # the card never moved: no second read
            assert not [e for e in events_for(poller, 1.5) if isinstance(e, CardPresented)]
            sim.remove()  # lifted, then laid again: a new read
            events_for(poller, 0.8)
            sim.put(RESIDENT)
            assert [type(e) for e in events_for(poller, 1.5) if isinstance(e, CardPresented)] == [
                CardPresented
            ]
        finally:
            poller.close()
