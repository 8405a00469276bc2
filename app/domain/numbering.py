"""Case numbers (案件编号), assigned offline and unique across a province.

Format (see docs/case-numbers.md)::

    {office:9 digits}-{workstation:2 of 0-9A-Z}-{YYMMDD}-{seq:4 digits}-{check}
    320724100-01-261121-0001-K

* office -- the 9-digit township/street administrative code of the service
  centre (a county-level centre uses its 6-digit county code + ``000``);
* workstation -- id of the workstation, unique inside the office;
* YYMMDD -- the day the number was issued (years 2000-2099);
* seq -- per workstation per day, 1..9999;
* check -- ISO 7064 MOD 37,36 over the 21 characters without hyphens.

Uniqueness needs no coordination: the (office, workstation) pair is unique in
the province and each workstation numbers its own days.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from stdnum.iso7064 import mod_37_36

from app.messages import t

_ALNUM36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

#: Two-digit province-level codes of GB/T 2260 (incl. 台湾 71, 香港 81, 澳门 82).
PROVINCE_CODES = frozenset(
    {
        "11", "12", "13", "14", "15",
        "21", "22", "23",
        "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46",
        "50", "51", "52", "53", "54",
        "61", "62", "63", "64", "65",
        "71", "81", "82",
    }
)  # fmt: skip

MAX_SEQ = 9999

_OFFICE_RE = re.compile(r"[0-9]{9}")
_WS_RE = re.compile(r"[0-9A-Z]{2}")
_COMPACT_RE = re.compile(r"([0-9]{9})([0-9A-Z]{2})([0-9]{6})([0-9]{4})([0-9A-Z])")
_HYPHENATED_RE = re.compile(r"([0-9]{9})-([0-9A-Z]{2})-([0-9]{6})-([0-9]{4})-([0-9A-Z])")


def validate_office_code(code: str) -> str:
    """Return the office code if it is 9 digits with a known province prefix.

    Raises ``ValueError`` with a Chinese message otherwise.
    """
    if not isinstance(code, str) or not _OFFICE_RE.fullmatch(code.strip()):
        raise ValueError(t("number.office_format", code=repr(code)))
    code = code.strip()
    if code[:2] not in PROVINCE_CODES:
        raise ValueError(t("number.office_province", code=code, prefix=code[:2]))
    if code[2:6] == "0000":
        raise ValueError(t("number.office_level", code=code))
    return code


def validate_workstation_id(ws: str) -> str:
    """Return the workstation id (upper-cased) if it is 2 characters of 0-9A-Z."""
    if not isinstance(ws, str):
        raise ValueError(t("number.ws_format", ws=repr(ws)))
    norm = ws.strip().upper()
    if not _WS_RE.fullmatch(norm):
        raise ValueError(t("number.ws_format", ws=repr(ws)))
    return norm


def _validate_day(day: date) -> date:
    if not isinstance(day, date):
        raise ValueError(t("number.day_type", day=repr(day)))
    if not 2000 <= day.year <= 2099:
        raise ValueError(t("number.day_range", day=day.isoformat()))
    return date(day.year, day.month, day.day)


def _validate_seq(seq: int) -> int:
    if isinstance(seq, bool) or not isinstance(seq, int) or not 1 <= seq <= MAX_SEQ:
        raise ValueError(t("number.seq_range", seq=repr(seq), max=MAX_SEQ))
    return seq


def _body(office: str, workstation: str, day: date, seq: int) -> str:
    return f"{office}{workstation}{day:%y%m%d}{seq:04d}"


def _calc_check(body: str) -> str:
    return mod_37_36.calc_check_digit(body, alphabet=_ALNUM36)


@dataclass(frozen=True)
class CaseNumber:
    """A validated case number; build it with :func:`make_case_number`."""

    office: str
    workstation: str
    day: date
    seq: int
    check: str

    def __post_init__(self) -> None:
        validate_office_code(self.office)
        if validate_workstation_id(self.workstation) != self.workstation:
            raise ValueError(t("number.ws_format", ws=repr(self.workstation)))
        _validate_day(self.day)
        _validate_seq(self.seq)
        if self.check != _calc_check(self.compact()[:-1]):
            raise ValueError(t("number.check"))

    def compact(self) -> str:
        """The 22 characters without hyphens (for barcodes)."""
        return _body(self.office, self.workstation, self.day, self.seq) + self.check

    def __str__(self) -> str:
        return f"{self.office}-{self.workstation}-{self.day:%y%m%d}-{self.seq:04d}-{self.check}"


def make_case_number(office: str, workstation: str, day: date, seq: int) -> CaseNumber:
    """Build the case number for the given parts; ``ValueError`` on bad parts."""
    office = validate_office_code(office)
    workstation = validate_workstation_id(workstation)
    day = _validate_day(day)
    seq = _validate_seq(seq)
    return _checked(office, workstation, day, seq, _calc_check(_body(office, workstation, day, seq)))


def _checked(office: str, workstation: str, day: date, seq: int, check: str) -> CaseNumber:
    """A CaseNumber of parts the caller validated and the check it computed over them: the
    hub parses every new case's number, and the dataclass's own check would compute it again."""
    num = object.__new__(CaseNumber)
    for name, value in (
        ("office", office),
        ("workstation", workstation),
        ("day", day),
        ("seq", seq),
        ("check", check),
    ):
        object.__setattr__(num, name, value)
    return num


def parse_case_number(text: str) -> CaseNumber:
    """Parse a case number typed or scanned in any of the usual forms.

    Accepts the hyphenated or compact form, lower case and surrounding spaces.
    Raises ``ValueError("案件编号校验失败")`` when the check character does not
    match, and ``ValueError`` with a format message for anything else.
    """
    if not isinstance(text, str):
        raise ValueError(t("number.format"))
    norm = text.strip().upper()
    match = _HYPHENATED_RE.fullmatch(norm) or _COMPACT_RE.fullmatch(norm)
    if match is None:
        raise ValueError(t("number.format"))
    office, ws, yymmdd, seq_text, check = match.groups()
    if _calc_check(office + ws + yymmdd + seq_text) != check:
        raise ValueError(t("number.check"))
    try:
        day = date(2000 + int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6]))
    except ValueError:
        raise ValueError(t("number.date", date=yymmdd)) from None
    office, ws = validate_office_code(office), validate_workstation_id(ws)
    # the check was computed over these very parts (the number's own text)
    return _checked(office, ws, _validate_day(day), _validate_seq(int(seq_text)), check)


def is_case_number(text: str) -> bool:
    """True when ``text`` parses as a valid case number."""
    try:
        parse_case_number(text)
    except ValueError:
        return False
    return True
