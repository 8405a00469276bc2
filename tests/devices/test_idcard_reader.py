"""devices.idcard.reader over real pyserial, against the simulated reader on a pty pair."""

from __future__ import annotations

import time

import pytest

from devices.idcard import protocol as p
from devices.idcard.reader import ReaderError, ReaderGone, SerialReader
from tests.devices import cards
from tests.idcard_sim import SimReader


@pytest.fixture
def sim():
    with SimReader(cards=[cards.RESIDENT]) as s:
        yield s


def test_a_normal_read_is_find_select_read_and_drops_the_photo(sim):
    with SerialReader(sim.path) as reader:
        card = reader.read_card()
    assert card == cards.RESIDENT
    assert sim.commands == [p.FIND, p.SELECT, p.READ]
    assert not hasattr(card, "photo")


def test_no_card_is_none(sim):
    sim.remove()
    with SerialReader(sim.path) as reader:
        assert reader.read_card() is None
    assert sim.commands == [p.FIND]


def test_status_and_sam_id(sim):
    with SerialReader(sim.path) as reader:
        assert reader.status() is True
        assert reader.sam_id() == "05.01-20100730-0000012345-1234567890"


def test_card_lifted_mid_read_is_a_reader_error_then_no_card(sim):
    sim.mode = "removed"
    with SerialReader(sim.path) as reader:
        with pytest.raises(ReaderError, match="reading the card failed") as e:
            reader.read_card()
        assert not isinstance(e.value, ReaderGone)
        sim.mode = "normal"
        assert reader.read_card() is None


@pytest.mark.parametrize("mode", ["bad_checksum", "truncated", "garbage"])
def test_broken_replies_are_reader_errors_not_a_lost_reader(sim, mode):
    sim.mode, sim.halt_after_read = mode, False
    with SerialReader(sim.path, timeout=0.5) as reader:
        t0 = time.monotonic()
        with pytest.raises(ReaderError) as e:
            reader.read_card()
        assert time.monotonic() - t0 < 3
        assert not isinstance(e.value, ReaderGone)
        sim.mode = "normal"
        assert reader.read_card() == cards.RESIDENT  # the next read recovers on the same port


def test_a_silent_reader_is_gone(sim):
    sim.mode = "silent"
    with SerialReader(sim.path, timeout=0.3) as reader, pytest.raises(ReaderGone, match="no answer"):
        reader.read_card()


def test_a_slow_reader_within_the_timeout_still_reads(sim):
    sim.mode, sim.slow_delay = "slow", 0.3
    with SerialReader(sim.path, timeout=1.0) as reader:
        assert reader.read_card() == cards.RESIDENT


def test_unplug_and_replug_at_the_same_path(sim):
    reader = SerialReader(sim.path, timeout=0.3)
    try:
        assert reader.read_card() == cards.RESIDENT
        sim.unplug()
        with pytest.raises(ReaderGone):
            reader.read_card()
        with pytest.raises(ReaderGone):  # no device at the path: opening fails
            reader.read_card()
        sim.replug()
        sim.put(cards.HKMO)
        assert reader.read_card() == cards.HKMO
    finally:
        reader.close()


def test_a_card_lying_on_a_real_reader_halts_after_a_read(sim):
    with SerialReader(sim.path) as reader:
        assert reader.read_card() == cards.RESIDENT
        assert reader.read_card() is None  # SAM modules answer 80 once after a read
        assert reader.read_card() == cards.RESIDENT


def test_no_such_port_is_gone():
    with pytest.raises(ReaderGone):
        SerialReader("/dev/nonexistent-idcard").read_card()


@pytest.mark.parametrize("card", [cards.FOREIGN_2017, cards.FOREIGN_2023, cards.HKMO, cards.RARE_NAME])
def test_other_cards_through_the_line(sim, card):
    sim.put(card)
    with SerialReader(sim.path) as reader:
        got = reader.read_card()
    assert got == card


def test_the_photo_is_dropped_not_kept(sim):
    import pickle

    from tests.idcard_sim import PHOTO

    with SerialReader(sim.path) as reader:
        card = reader.read_card()
        kept = pickle.dumps(card) + pickle.dumps({k: v for k, v in vars(reader).items() if k != "_serial"})
    assert card is not None and PHOTO[:64] not in kept


def test_a_second_program_on_the_same_reader_is_refused_not_interleaved(sim):
    with SerialReader(sim.path) as first:
        assert first.status()
        with pytest.raises(ReaderGone), SerialReader(sim.path) as second:
            second.status()
        assert first.read_card() == cards.RESIDENT
