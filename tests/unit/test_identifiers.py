from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from app.domain.identifiers import (
    USCC_ALPHABET,
    check_credit_code,
    check_resident_id,
    check_waybill,
    mask_id,
    ric_check_char,
    s10_check_digit,
    uscc_check_char,
)

TODAY = date(2026, 11, 21)


def make_ric(area: str, birth: date, seq: int) -> str:
    body = f"{area}{birth:%Y%m%d}{seq:03d}"
    return body + ric_check_char(body)


def make_uscc(first17: str) -> str:
    return first17 + uscc_check_char(first17)


def make_s10(service: str, serial: str, country: str) -> str:
    return f"{service}{serial}{s10_check_digit(serial)}{country}"


# ---------------------------------------------------------------- 居民身份证


def test_stdnum_reference_number_passes() -> None:
    result = check_resident_id("360426199101010071", today=TODAY)
    assert result.ok and result.error == "" and result.warnings == ()
    assert result.birth_date == date(1991, 1, 1)
    assert result.gender == "男"


def test_check_digit_x_and_lowercase_and_spaces() -> None:
    # Find a real-format number whose check character is X.
    number = next(n for s in range(1, 1000) if (n := make_ric("320724", date(1990, 5, 17), s)).endswith("X"))
    result = check_resident_id(" " + number[:6] + " " + number[6:].lower() + " ", today=TODAY)
    assert result.ok, result.error
    assert result.value == number
    full_width = number.translate(str.maketrans("0123456789X", "０１２３４５６７８９ｘ"))
    assert check_resident_id(full_width, today=TODAY).value == number


def test_gender_from_17th_digit() -> None:
    assert check_resident_id(make_ric("110105", date(1985, 2, 3), 12), today=TODAY).gender == "女"
    assert check_resident_id(make_ric("110105", date(1985, 2, 3), 13), today=TODAY).gender == "男"


def test_wrong_check_digit() -> None:
    good = make_ric("320724", date(1990, 5, 17), 21)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    result = check_resident_id(bad, today=TODAY)
    assert not result.ok
    assert result.error.startswith("身份证号码校验位错误")
    assert result.value == bad


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "请输入"),
        ("   ", "请输入"),
        ("32072419900517", "应为18位"),
        ("320724900517123", "15位"),
        ("32072419900517A23X", "格式错误"),
    ],
)
def test_format_errors(text: str, fragment: str) -> None:
    result = check_resident_id(text, today=TODAY)
    assert not result.ok and fragment in result.error


def test_impossible_and_future_birth_dates() -> None:
    bad_day = "32072419900230123"  # 30 February
    assert "出生日期无效" in check_resident_id(bad_day + ric_check_char(bad_day), today=TODAY).error
    future = make_ric("320724", date(2026, 11, 22), 1)
    assert "晚于今天" in check_resident_id(future, today=TODAY).error
    assert check_resident_id(make_ric("320724", date(2026, 11, 21), 1), today=TODAY).ok


def test_unknown_area_code_is_only_a_warning() -> None:
    number = make_ric("329999", date(1990, 5, 17), 21)
    result = check_resident_id(number, today=TODAY)
    assert result.ok
    assert result.warnings == ("地区代码未收录，请核对",)
    # stdnum 2.2 refuses such numbers outright; worse, when the province part is
    # known but the county is not, is_valid() crashes with KeyError('county').
    with pytest.raises(KeyError):
        ric.is_valid(number)
    unknown_province = make_ric("999999", date(1990, 5, 17), 21)
    assert check_resident_id(unknown_province, today=TODAY).warnings == ("地区代码未收录，请核对",)
    assert not ric.is_valid(unknown_province)


def test_stdnum_rejects_area_created_after_birth_year_we_accept() -> None:
    # 灌南县 (320724) exists since 1996; a person born 1990 registered there later
    # holds a real 320724 number.  stdnum 2.2 calls it invalid.
    number = make_ric("320724", date(1990, 5, 17), 21)
    assert not ric.is_valid(number)
    result = check_resident_id(number, today=TODAY)
    assert result.ok and result.warnings == ()
    # Born after the county was created: stdnum agrees.
    assert ric.is_valid(make_ric("320724", date(1998, 5, 17), 21))


ric_bodies = st.builds(
    lambda area, birth, seq: f"{area}{birth:%Y%m%d}{seq:03d}",
    st.sampled_from(["110105", "320724", "320106", "440305", "650102", "999999"]),
    st.dates(date(1900, 1, 1), TODAY),
    st.integers(0, 999),
)


@given(ric_bodies)
def test_any_body_with_computed_check_passes(body: str) -> None:
    assert check_resident_id(body + ric_check_char(body), today=TODAY).ok


@given(ric_bodies, st.integers(0, 17), st.sampled_from("0123456789X"))
def test_any_single_change_fails(body: str, pos: int, ch: str) -> None:
    number = body + ric_check_char(body)
    if number[pos] == ch:
        ch = "0" if ch != "0" else "1"
    changed = number[:pos] + ch + number[pos + 1 :]
    assert not check_resident_id(changed, today=TODAY).ok


# ---------------------------------------------------------------- 统一社会信用代码


def test_known_real_credit_code() -> None:
    result = check_credit_code("91110000600037341L")
    assert result.ok and result.value == "91110000600037341L"
    assert check_credit_code("9111 0000 6000 3734 1l").ok


@pytest.mark.parametrize("prefix", ["91", "12", "51", "N2", "Y1", "93", "A1"])
def test_authorities_with_right_check_pass(prefix: str) -> None:
    code = make_uscc(prefix + "320724" + "MA1XYW12" + "3")
    result = check_credit_code(code)
    assert result.ok, result.error
    assert result.warnings == ()


def test_stdnum_uscc_bug_letter_authority() -> None:
    # python-stdnum 2.2 requires the first 8 characters to be digits and so
    # rejects codes from 农业农村 (N) and 其他 (Y) registration authorities.
    for prefix in ("N2", "Y1"):
        code = make_uscc(prefix + "320724" + "MA1XYW123")
        assert check_credit_code(code).ok
        assert not uscc.is_valid(code)
        assert uscc.calc_check_digit(code[:17]) == code[17]  # same check, wrong format rule
    assert uscc.is_valid(make_uscc("91320724MA1XYW123"))


def test_credit_code_errors() -> None:
    assert "请输入" in check_credit_code("").error
    assert "应为18位" in check_credit_code("9132072").error
    result = check_credit_code("91320724MA1XYW12O3")
    assert not result.ok and "O" in result.error
    assert "第3至8位" in check_credit_code(make_uscc("91A20724MA1XYW123")).error
    good = make_uscc("91320724MA1XYW123")
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    assert "校验位错误" in check_credit_code(bad).error


def test_unusual_authority_is_a_warning() -> None:
    result = check_credit_code(make_uscc("B1320724MA1XYW123"))
    assert result.ok
    assert result.warnings == ("登记管理部门代码不常见，请核对",)


uscc_bodies = st.builds(
    lambda a, b, region, org: a + b + region + org,
    st.sampled_from(USCC_ALPHABET),
    st.sampled_from(USCC_ALPHABET),
    st.text("0123456789", min_size=6, max_size=6),
    st.text(USCC_ALPHABET, min_size=9, max_size=9),
)


@given(uscc_bodies)
def test_credit_code_computed_check_passes(body: str) -> None:
    assert check_credit_code(make_uscc(body)).ok


@given(uscc_bodies, st.integers(0, 17), st.sampled_from(USCC_ALPHABET + "IOZSV"))
def test_credit_code_single_change_fails(body: str, pos: int, ch: str) -> None:
    code = make_uscc(body)
    if code[pos] == ch:
        ch = "I"
    changed = code[:pos] + ch + code[pos + 1 :]
    assert not check_credit_code(changed).ok


# ---------------------------------------------------------------- UPU S10


def test_reference_waybill() -> None:
    result = check_waybill("EA123456785CN")
    assert result.ok and result.value == "EA123456785CN"
    assert check_waybill(" ea 123456785 cn ").ok


def test_s10_special_check_values() -> None:
    # 11 - sum%11 == 10 -> 0 and == 11 -> 5.
    serials = {s10_check_digit(f"{n:08d}"): f"{n:08d}" for n in range(0, 3000)}
    assert s10_check_digit("00000000") == "5"  # sum 0 -> 11 -> 5
    zero_serial = next(
        f"{n:08d}"
        for n in range(100000)
        if sum(int(c) * w for c, w in zip(f"{n:08d}", (8, 6, 4, 2, 3, 5, 9, 7))) % 11 == 1
    )
    assert s10_check_digit(zero_serial) == "0"
    assert set(serials) <= set("0123456789")


def test_waybill_errors() -> None:
    assert "请输入" in check_waybill("").error
    assert "13位" in check_waybill("EA12345678CN").error
    assert "格式错误" in check_waybill("E1123456785CN").error
    assert "校验位错误" in check_waybill("EA123456784CN").error


def _s10_remainder(serial: str) -> int:
    return sum(int(c) * w for c, w in zip(serial, (8, 6, 4, 2, 3, 5, 9, 7))) % 11


def test_s10_blind_spot() -> None:
    # The S10 rule maps remainder 0 (11 -> 5) and remainder 6 (11 - 6 = 5) to the
    # same check digit, so some single-digit errors are undetectable by design.
    assert check_waybill("AA000000005CN").ok
    assert check_waybill("AA900000005CN").ok  # 9*8 = 72, 72 % 11 == 6


@given(
    st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2),
    st.text("0123456789", min_size=8, max_size=8),
    st.integers(0, 8),
    st.sampled_from("0123456789"),
)
def test_waybill_digit_change_detected_except_blind_spot(
    service: str, serial: str, pos: int, ch: str
) -> None:
    number = make_s10(service, serial, "CN")
    assert check_waybill(number).ok
    i = 2 + pos  # 8 serial digits, then the check digit
    if number[i] == ch:
        ch = str((int(ch) + 1) % 10)
    changed = number[:i] + ch + number[i + 1 :]
    if pos == 8:  # check digit changed: always detected
        assert not check_waybill(changed).ok
        return
    new_serial = changed[2:10]
    blind = {_s10_remainder(serial), _s10_remainder(new_serial)} == {0, 6}
    assert check_waybill(changed).ok == blind


# ---------------------------------------------------------------- masking


def test_mask_id() -> None:
    # the one rule of app.domain.masking: first 6 (the area) and last 4
    assert mask_id("32072419900517123X") == "320724********123X"
    assert mask_id("91320724MA1XYW1234") == "913207********1234"
    assert mask_id("12345678") == "1*****78"
    assert mask_id("1234") == "****"
    assert mask_id("") == ""


# --- a person's document: 居民身份证, 外国人永久居留身份证 (2017, 2023), 港澳台居民居住证 (issue 17) ---
def test_person_ids_name_their_document():
    from app.domain.identifiers import check_person_id, id_type_note, person_id_type

    today = date(2026, 12, 6)
    old = check_person_id("usa 1100 8001 0201", today)  # typed: spaces, lower case
    assert old.ok and old.value == "USA110080010201" and old.doc_type == "foreign_permanent"
    assert old.birth_date == date(1980, 1, 2)
    new = check_person_id("910840199001010017", today)
    assert new.ok and new.doc_type == "foreign_permanent" and not new.warnings  # 9: no county to look up
    assert not check_person_id("910840199001010018", today).ok  # GB 11643's check character
    hk = check_person_id("810000199001010019", today)
    assert hk.ok and hk.doc_type == "hkmotw_residence" and not hk.warnings
    assert check_person_id("320724198503170045", today).doc_type == "resident"
    assert not check_person_id("USA110089130201", today).ok  # born on the 13th month
    assert not check_person_id("US1110080010201", today).ok
    assert check_person_id("110105491231002", today).error  # a 15-digit first-generation number
    assert person_id_type("USA110080010201") == "foreign_permanent"
    assert id_type_note("person", "910840199001010017") == "外国人永久居留身份证"
    assert id_type_note("person", "320724198503170045") == id_type_note("enterprise", "x") == ""


def test_a_person_ids_errors_name_the_document_typed():
    """A foreigner's or a 港澳台 number is not called a 身份证 in its errors (issue 17 leftover)."""
    from app.domain.identifiers import check_person_id, typed_person_id_type

    today = date(2026, 12, 6)
    assert typed_person_id_type("U") == typed_person_id_type("9") == "foreign_permanent"
    assert typed_person_id_type("81") == typed_person_id_type("830000") == "hkmotw_residence"
    assert (
        typed_person_id_type("811234")
        == typed_person_id_type("3207")
        == typed_person_id_type("")
        == "resident"
    )
    assert check_person_id("91084019900101001", today).error == "外国人永久居留身份证号码应为18位，当前为17位"
    assert (
        check_person_id("910840199001010018", today).error == "外国人永久居留身份证号码校验位错误，请逐位核对"
    )
    assert check_person_id("810000199001010018", today).error == "港澳台居民居住证号码校验位错误，请逐位核对"
    assert check_person_id("USA11008001020", today).error.startswith("外国人永久居留身份证号码应为3个字母")
    assert check_person_id("32072419850317004", today).error == "身份证号码应为18位，当前为17位"
    assert check_person_id("", today).error == "请输入身份证号码"
