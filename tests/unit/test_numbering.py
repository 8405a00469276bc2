from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.iso7064 import mod_37_36

from app.domain.numbering import (
    CaseNumber,
    is_case_number,
    make_case_number,
    parse_case_number,
    validate_office_code,
    validate_workstation_id,
)

ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DAY = date(2026, 11, 21)


def test_canonical_form() -> None:
    n = make_case_number("320724100", "01", DAY, 1)
    assert str(n) == "320724100-01-261121-0001-1"
    assert n.compact() == "3207241000126112100011"
    assert n.check == mod_37_36.calc_check_digit("320724100012611210001")
    assert mod_37_36.is_valid(n.compact())


def test_parse_variants() -> None:
    n = make_case_number("320724100", "0A", DAY, 42)
    for text in (str(n), n.compact(), str(n).lower(), f"  {n.compact().lower()}\n"):
        assert parse_case_number(text) == n
        assert is_case_number(text)


def test_parse_bad_check() -> None:
    n = make_case_number("320724100", "01", DAY, 1)
    wrong = "2" if n.check != "2" else "3"
    with pytest.raises(ValueError, match="^案件编号校验失败$"):
        parse_case_number(str(n)[:-1] + wrong)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "320724100-01-261121-0001",
        "320724100-01-261121-1-1",
        "320724100_01_261121_0001_1",
        "3207241000126112100011X",
    ],
)
def test_parse_bad_format(text: str) -> None:
    with pytest.raises(ValueError, match="格式错误"):
        parse_case_number(text)
    assert not is_case_number(text)


def test_parse_bad_date_with_valid_check() -> None:
    body = "320724100" + "01" + "261321" + "0001"  # month 13
    with pytest.raises(ValueError, match="日期"):
        parse_case_number(body + mod_37_36.calc_check_digit(body))


def test_county_office_code() -> None:
    assert str(make_case_number("320724000", "01", DAY, 1)).startswith("320724000-")


@pytest.mark.parametrize(
    ("office", "fragment"),
    [
        ("32072410", "9位数字"),
        ("32072410A", "9位数字"),
        ("990724100", "省级行政区划"),
        ("320000000", "省级代码"),
    ],
)
def test_bad_office(office: str, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        validate_office_code(office)
    with pytest.raises(ValueError, match=fragment):
        make_case_number(office, "01", DAY, 1)


@pytest.mark.parametrize("ws", ["1", "001", "0-", "", "Ａ1"])
def test_bad_workstation(ws: str) -> None:
    with pytest.raises(ValueError, match="工作站编号"):
        validate_workstation_id(ws)


def test_workstation_upper_cased() -> None:
    assert validate_workstation_id("a1") == "A1"
    assert make_case_number("320724100", "a1", DAY, 1).workstation == "A1"


@pytest.mark.parametrize("seq", [0, 10000, -1, True])
def test_bad_seq(seq: int) -> None:
    with pytest.raises(ValueError, match="流水号"):
        make_case_number("320724100", "01", DAY, seq)


def test_bad_day() -> None:
    with pytest.raises(ValueError, match="2000至2099"):
        make_case_number("320724100", "01", date(1999, 12, 31), 1)


def test_direct_construction_is_validated() -> None:
    n = make_case_number("320724100", "01", DAY, 1)
    with pytest.raises(ValueError, match="校验失败"):
        CaseNumber(n.office, n.workstation, n.day, 2, n.check)


offices = st.builds(
    lambda county, town: county + town,
    st.sampled_from(["320724", "320106", "110105", "440305", "650102"]),
    st.text("0123456789", min_size=3, max_size=3),
)
parts = st.tuples(
    offices,
    st.text(ALNUM, min_size=2, max_size=2),
    st.dates(date(2000, 1, 1), date(2099, 12, 31)),
    st.integers(1, 9999),
)


@given(parts)
def test_round_trip(p: tuple) -> None:
    n = make_case_number(*p)
    assert parse_case_number(str(n)) == n
    assert parse_case_number(n.compact()) == n
    assert (n.office, n.workstation, n.day, n.seq) == p


@given(parts, parts)
def test_distinct_parts_give_distinct_numbers(a: tuple, b: tuple) -> None:
    if a != b:
        assert str(make_case_number(*a)) != str(make_case_number(*b))
        assert make_case_number(*a).compact() != make_case_number(*b).compact()


@given(parts, st.integers(0, 25), st.sampled_from(ALNUM + "-"))
def test_any_single_character_change_is_detected(p: tuple, pos: int, ch: str) -> None:
    text = str(make_case_number(*p))
    if text[pos] == ch:
        return
    changed = text[:pos] + ch + text[pos + 1 :]
    assert not is_case_number(changed)
