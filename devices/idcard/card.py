"""The card's 256 bytes of text (UCS-2 little-endian, fields padded with spaces) as an IdCard.

Layouts, in bytes (one character is two bytes); the card type is the character at byte 248 in
every layout (a space on a 居民身份证):

* 居民身份证 (GA 467): name 30, sex 2, nation 4, birth 16, address 70, ID number 36,
  issuing authority 30, valid from 16, valid to 16 (a date or 长期), reserved 36.
* 港澳台居民居住证 (type ``J``): as the resident card, the nation field reserved; the
  reserved tail holds the travel permit number 18 and the issue count 4.
* 外国人永久居留身份证, 2017 layout (type ``I``): English name 120, sex 2, permit number 30,
  nationality 6 (GB/T 2659 letters), Chinese name 30, valid from 16, valid to 16, birth 16,
  version 4, authority code 8.
* 外国人永久居留身份证, 2023 layout (type ``Y``, 18-digit numbers starting with 9): it follows
  the resident card's positions for name, sex, birth, number, authority and dates; the
  English name sits where the resident card has its address. (From readers' vendors' notes,
  not from the National Immigration Administration's text: checked only by the number's
  leading 9 and its MOD 11-2 check.)

Names with rare characters: the text is UCS-2 (GB 13000, the BMP). Characters outside it
(e.g. U+20000 𠀀) cannot be UCS-2; a reader that sends them as a UTF-16 surrogate pair gets
them decoded exactly, a lone surrogate is refused (CardError) rather than guessed, and the
registry's own rare characters arrive in the private use area (U+E000–U+F8FF), passed through
as they are and flagged by :func:`private_use`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

RESIDENT = "resident"
FOREIGN_PERMANENT = "foreign_permanent"
HKMOTW_RESIDENCE = "hkmotw_residence"
CARD_TYPES = (RESIDENT, FOREIGN_PERMANENT, HKMOTW_RESIDENCE)
LONG_TERM = "长期"
TYPE_OFFSET = 248


class CardError(ValueError):
    """Text that is not a card's: wrong size, undecodable, impossible dates, unknown type."""


@dataclass(frozen=True)
class IdCard:
    name: str
    sex: str  # "1" male, "2" female (GB/T 2261.1)
    nation: str  # ethnic group code (resident), nationality (foreigner), "" (居住证)
    birth: dt.date
    address: str
    id_number: str
    issuer: str
    valid_from: dt.date
    valid_to: dt.date | None  # None: 长期 (no end)
    card_type: str = RESIDENT
    english_name: str = ""  # foreigner's card
    pass_number: str = ""  # 港澳台居民居住证: the travel permit's number

    def expired(self, today: dt.date) -> bool:
        return self.valid_to is not None and self.valid_to < today

    def as_json(self) -> dict[str, str | None]:
        """The CLI's keys (a contract): dates ISO, valid_to None for 长期."""
        return {
            "name": self.name,
            "sex": self.sex,
            "nation": self.nation,
            "birth": self.birth.isoformat(),
            "address": self.address,
            "id_number": self.id_number,
            "issuer": self.issuer,
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "card_type": self.card_type,
        }


# (field, byte offset, byte width)
RESIDENT_LAYOUT = (
    ("name", 0, 30),
    ("sex", 30, 2),
    ("nation", 32, 4),
    ("birth", 36, 16),
    ("address", 52, 70),
    ("id_number", 122, 36),
    ("issuer", 158, 30),
    ("valid_from", 188, 16),
    ("valid_to", 204, 16),
)
HKMOTW_EXTRA = (("pass_number", 220, 18),)
FOREIGN_2017_LAYOUT = (
    ("english_name", 0, 120),
    ("sex", 120, 2),
    ("id_number", 122, 30),
    ("nation", 152, 6),
    ("name", 158, 30),
    ("valid_from", 188, 16),
    ("valid_to", 204, 16),
    ("birth", 220, 16),
    ("issuer", 240, 8),
)
FOREIGN_2023_LAYOUT = (
    ("name", 0, 30),
    ("sex", 30, 2),
    ("birth", 36, 16),
    ("english_name", 52, 70),
    ("id_number", 122, 36),
    ("issuer", 158, 30),
    ("valid_from", 188, 16),
    ("valid_to", 204, 16),
)
LAYOUTS = {" ": RESIDENT_LAYOUT, "": RESIDENT_LAYOUT, "J": RESIDENT_LAYOUT + HKMOTW_EXTRA}
LAYOUTS |= {"I": FOREIGN_2017_LAYOUT, "Y": FOREIGN_2023_LAYOUT}
TYPE_OF = {" ": RESIDENT, "": RESIDENT, "J": HKMOTW_RESIDENCE, "I": FOREIGN_PERMANENT, "Y": FOREIGN_PERMANENT}


def _field(text: bytes, offset: int, width: int) -> str:
    try:
        value = text[offset : offset + width].decode("utf-16-le")
    except UnicodeDecodeError as e:  # a lone surrogate: never guess a name's character
        raise CardError(f"undecodable text at byte {offset}: {e.reason}") from None
    return value.strip(" \x00")


def _date(value: str, what: str) -> dt.date:
    try:
        return dt.datetime.strptime(value, "%Y%m%d").date()
    except ValueError:
        raise CardError(f"{what}: {value!r} is not a date") from None


def parse_text(text: bytes) -> IdCard:
    """The card's text (256 bytes; a longer buffer is cut at 256) as an IdCard; CardError."""
    if len(text) < 256:
        raise CardError(f"card text of {len(text)} bytes, 256 expected")
    text = text[:256]
    kind = _field(text, TYPE_OFFSET, 2)
    layout = LAYOUTS.get(kind)
    if layout is None:
        raise CardError(f"unknown card type {kind!r}")
    values = {name: _field(text, offset, width) for name, offset, width in layout}
    to = values.get("valid_to", "")
    return IdCard(
        name=values.get("name", "") or values.get("english_name", ""),
        sex=values.get("sex", ""),
        nation=values.get("nation", "") if kind != "J" else "",
        birth=_date(values.get("birth", ""), "birth"),
        address=values.get("address", ""),
        id_number=values.get("id_number", "").upper(),
        issuer=values.get("issuer", ""),
        valid_from=_date(values.get("valid_from", ""), "valid from"),
        valid_to=None if to == LONG_TERM else _date(to, "valid to"),
        card_type=TYPE_OF[kind],
        english_name=values.get("english_name", ""),
        pass_number=values.get("pass_number", ""),
    )


def private_use(value: str) -> bool:
    """Whether ``value`` holds a private-use character (a registry rare character that only
    the Ministry's font draws): the clerk should look at the name."""
    return any(0xE000 <= ord(c) <= 0xF8FF or ord(c) >= 0xF0000 for c in value)


def build_text(card: IdCard) -> bytes:
    """The 256 bytes a card with these values carries (the simulator and tests use it)."""
    kind = {RESIDENT: " ", HKMOTW_RESIDENCE: "J", FOREIGN_PERMANENT: "I"}[card.card_type]
    if card.card_type == FOREIGN_PERMANENT and len(card.id_number) == 18:
        kind = "Y"
    values = {
        "name": card.name,
        "english_name": card.english_name,
        "sex": card.sex,
        "nation": card.nation,
        "birth": card.birth.strftime("%Y%m%d"),
        "address": card.address,
        "id_number": card.id_number,
        "issuer": card.issuer,
        "valid_from": card.valid_from.strftime("%Y%m%d"),
        "valid_to": card.valid_to.strftime("%Y%m%d") if card.valid_to else LONG_TERM,
        "pass_number": card.pass_number,
    }
    out = bytearray(" ".encode("utf-16-le") * 128)
    for name, offset, width in LAYOUTS[kind]:
        raw = values[name].encode("utf-16-le", "surrogatepass")
        if len(raw) > width:
            raise CardError(f"{name} longer than {width} bytes")
        out[offset : offset + width] = raw + " ".encode("utf-16-le") * ((width - len(raw)) // 2)
    out[TYPE_OFFSET : TYPE_OFFSET + 2] = kind.encode("utf-16-le")
    return bytes(out)
