"""The SAM protocol and the card's text as data: no serial line, no app."""

from __future__ import annotations

import datetime as dt

import pytest

from devices.idcard import protocol as p
from devices.idcard.card import CardError, build_text, parse_text, private_use
from tests.devices import cards


def test_find_command_matches_readers_manuals():
    # the bytes every vendor's manual prints for 寻找证/卡 and 选取证/卡 and 读卡
    assert p.build_command(*p.FIND).hex(" ") == "aa aa aa 96 69 00 03 20 01 22"
    assert p.build_command(*p.SELECT).hex(" ") == "aa aa aa 96 69 00 03 20 02 21"
    assert p.build_command(*p.READ).hex(" ") == "aa aa aa 96 69 00 03 30 01 32"


def test_find_reply_from_a_manual_parses():
    r = p.parse_response(bytes.fromhex("AAAAAA9669000800009F0000000097"))
    assert (r.sw1, r.sw2, r.sw3, r.data) == (0, 0, 0x9F, b"\0\0\0\0")
    assert r.ok


def test_read_reply_is_1295_bytes_and_splits_into_text_and_photo():
    text = build_text(cards.RESIDENT)
    data = (256).to_bytes(2, "big") + (1024).to_bytes(2, "big") + text + bytes(1024)
    frame = p.build_response(p.SW3_OK, data)
    assert len(frame) == 1295
    got_text, photo = p.split_read(p.parse_response(frame).data)
    assert got_text == text and len(photo) == 1024


def test_checksum_length_and_preamble_errors():
    frame = p.build_response(p.SW3_OK, b"abc")
    bad_sum = frame[:-1] + bytes([frame[-1] ^ 1])
    with pytest.raises(p.FrameError, match="checksum"):
        p.parse_response(bad_sum)
    with pytest.raises(p.FrameError, match="length"):
        p.parse_response(frame[:-2])  # truncated
    with pytest.raises(p.FrameError, match="length"):
        p.parse_response(frame + b"\0")
    with pytest.raises(p.FrameError, match="preamble"):
        p.parse_response(b"\x55" + frame[1:])
    with pytest.raises(p.FrameError):
        p.parse_response(b"garbage!")
    with pytest.raises(p.FrameError, match="implausible"):
        p.frame_length(p.PREAMBLE + b"\xff\xff")
    with pytest.raises(p.FrameError, match="SW1 SW2 SW3"):
        p.parse_response(p.PREAMBLE + b"\x00\x03\x00\x00" + bytes([0x03 ^ 0]))


@pytest.mark.parametrize("sw3", sorted(p.SW3_TEXT))
def test_every_status_round_trips_with_its_meaning(sw3):
    r = p.parse_response(p.build_response(sw3, sw1=0x6A, sw2=0x82))
    assert (r.sw1, r.sw2, r.sw3) == (0x6A, 0x82, sw3)
    assert r.ok == (sw3 in (0x90, 0x9F))
    assert r.status_text == p.SW3_TEXT[sw3]
    assert "unknown" in p.parse_response(p.build_response(0x55)).status_text


def test_command_round_trip_for_the_simulator():
    assert p.parse_command(p.build_command(*p.SAM_ID)) == (0x12, 0xFF, b"")


def test_split_read_refuses_lengths_that_do_not_add_up():
    with pytest.raises(p.FrameError):
        p.split_read((256).to_bytes(2, "big") + (1024).to_bytes(2, "big") + bytes(300))
    with pytest.raises(p.FrameError):
        p.split_read(b"\x00")


def test_resident_card_fields_by_width_spaces_stripped():
    card = parse_text(build_text(cards.RESIDENT))
    assert card == cards.RESIDENT
    assert card.card_type == "resident" and card.name == "王䶮"
    raw = build_text(cards.RESIDENT)
    assert raw[0:4].decode("utf-16-le") == "王䶮" and raw[4:30] == " ".encode("utf-16-le") * 13


def test_long_term_card_has_no_end_date():
    card = parse_text(build_text(cards.LONG_TERM))
    assert card.valid_to is None and not card.expired(dt.date(2099, 1, 1))
    assert card.as_json()["valid_to"] is None


def test_foreign_permanent_cards_both_layouts_are_not_residents():
    old = parse_text(build_text(cards.FOREIGN_2017))
    assert old.card_type == "foreign_permanent"
    assert (old.english_name, old.name, old.nation, old.id_number) == (
        "SMITH, JOHN",
        "约翰",
        "USA",
        "USA110080010201",
    )
    assert old.birth == dt.date(1980, 1, 2)
    new = parse_text(build_text(cards.FOREIGN_2023))
    assert new.card_type == "foreign_permanent" and new.id_number.startswith("9")
    # the same bytes read as a resident's card would give a different name: the type byte decides
    raw = bytearray(build_text(cards.FOREIGN_2017))
    assert raw[248:250] == "I".encode("utf-16-le")


def test_hkmotw_residence_permit_is_recognised():
    card = parse_text(build_text(cards.HKMO))
    assert card.card_type == "hkmotw_residence" and card.pass_number == "H12345678"
    assert card.nation == ""


def test_unknown_card_type_is_refused():
    raw = bytearray(build_text(cards.RESIDENT))
    raw[248:250] = "Q".encode("utf-16-le")
    with pytest.raises(CardError, match="unknown card type"):
        parse_text(bytes(raw))


def test_rare_characters_outside_the_bmp_come_through_exactly():
    card = parse_text(build_text(cards.RARE_NAME))
    assert card.name == "𠀀䶮" and ord(card.name[0]) == 0x20000


def test_a_lone_surrogate_is_refused_not_guessed():
    raw = bytearray(build_text(cards.RESIDENT))
    raw[0:2] = b"\x40\xd8"  # a high surrogate with no low one after it
    with pytest.raises(CardError, match="undecodable"):
        parse_text(bytes(raw))


def test_private_use_characters_pass_through_and_are_flagged():
    raw = bytearray(build_text(cards.RESIDENT))
    raw[0:2] = "\ue000".encode("utf-16-le")
    card = parse_text(bytes(raw))
    assert card.name[0] == "\ue000" and private_use(card.name)
    assert not private_use("王䶮")


def test_short_text_and_bad_dates_are_card_errors():
    with pytest.raises(CardError):
        parse_text(bytes(100))
    raw = bytearray(build_text(cards.RESIDENT))
    raw[36:52] = "19851399".encode("utf-16-le")
    with pytest.raises(CardError, match="birth"):
        parse_text(bytes(raw))


def test_json_keys_are_the_contract():
    assert list(cards.RESIDENT.as_json()) == [
        "name",
        "sex",
        "nation",
        "birth",
        "address",
        "id_number",
        "issuer",
        "valid_from",
        "valid_to",
        "card_type",
    ]
