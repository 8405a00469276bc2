from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.text import FieldError, check_phone, clean_text


def test_strips_and_returns() -> None:
    assert clean_text("  张三\u3000", "姓名", required=True, max_len=20) == "张三"


@pytest.mark.parametrize(
    "value",
    [
        "买买提·艾力",
        "𠀾小明",  # CJK Extension B
        "欧阳𪚥",
        "南京市玄武区中山路1号（东门），３楼",
        "李「小」明：“好”！",
        "葛\U000e0100",  # ideographic variation selector
        "O'Neil-Smith Jr.",
    ],
)
def test_allowed_text(value: str) -> None:
    assert clean_text(value, "姓名", required=True, max_len=50) == value


def test_required_empty() -> None:
    with pytest.raises(FieldError) as info:
        clean_text("   ", "姓名", required=True, max_len=20)
    assert info.value.field == "姓名"
    assert info.value.message == "姓名不能为空"
    assert isinstance(info.value, ValueError)
    assert str(info.value) == "姓名不能为空"


def test_optional_empty() -> None:
    assert clean_text("", "备注", required=False, max_len=20) == ""
    assert clean_text(None, "备注", required=False, max_len=20) == ""


@pytest.mark.parametrize(
    "ch",
    [
        "\x00",
        "\x1b",
        "\x1d",
        "\x7f",
        "\x85",
        "\x9b",
        "\t",
        "\n",
        "\u202e",
        "\u200b",
        "\u200d",
        "\ufeff",
        "\u00ad",
        "\u2028",
        "\ufffe",
        "\udc80",
    ],
)
def test_control_characters_rejected(ch: str) -> None:
    with pytest.raises(FieldError) as info:
        clean_text(f"南京{ch}市", "地址", required=True, max_len=50)
    assert info.value.message.startswith("地址含有不可见控制字符")
    assert info.value.field == "地址"


def test_escpos_injection_rejected() -> None:
    with pytest.raises(FieldError, match="不可见控制字符"):
        clean_text("张三\x1bd\x05\x1dV\x00", "姓名", required=True, max_len=50)


def test_max_len_counts_characters() -> None:
    assert clean_text("𠀾" * 5, "姓名", required=True, max_len=5) == "𠀾" * 5
    with pytest.raises(FieldError, match="姓名不能超过5个字"):
        clean_text("张" * 6, "姓名", required=True, max_len=5)


def test_multiline() -> None:
    assert (
        clean_text(" 第一行\r\n第二行 ", "备注", required=False, max_len=50, multiline=True)
        == "第一行\n第二行"
    )
    with pytest.raises(FieldError):
        clean_text("第一行\t第二行", "备注", required=False, max_len=50, multiline=True)


@given(st.text(st.characters(categories=["Lo", "Lu", "Ll", "Nd", "Po", "Ps", "Pe", "Zs"]), max_size=40))
def test_printable_text_survives(value: str) -> None:
    result = clean_text(value, "字段", required=False, max_len=100)
    assert result == value.strip()


@given(st.text(max_size=20), st.characters(categories=["Cc", "Cf"]), st.text(max_size=20))
def test_any_control_or_format_char_rejected(a: str, ch: str, b: str) -> None:
    value = "甲" + a + ch + b + "乙"
    with pytest.raises(FieldError):
        clean_text(value, "字段", required=True, max_len=1000)


# ---------------------------------------------------------------- phone


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13812345678", "13812345678"),
        (" 138 1234 5678 ", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 13812345678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("025-84561234", "025-84561234"),
        ("02584561234", "02584561234"),
        ("0518-8123456", "0518-8123456"),
        ("", ""),
    ],
)
def test_phone_ok(text: str, expected: str) -> None:
    assert check_phone(text) == expected


@pytest.mark.parametrize(
    "text", ["12812345678", "1381234567", "138123456789", "25-84561234", "025-123456", "abc", "110"]
)
def test_phone_bad(text: str) -> None:
    with pytest.raises(FieldError) as info:
        check_phone(text)
    assert info.value.field == "联系电话"
    assert "格式不正确" in info.value.message


def test_phone_required() -> None:
    with pytest.raises(FieldError, match="联系电话不能为空"):
        check_phone("  ", required=True)


def test_visible_escapes_controls_and_keeps_text():
    from app.domain.text import visible

    assert visible("李\x1b[2J四") == "李\\x1b[2J四"
    assert visible("\x9b31m\x00\x7f") == "\\x9b31m\\x00\\x7f"
    assert visible("abc\u202edef") == "abc\\u202edef"
    assert visible("买买提·艾力 𠀾 [b]x[/]") == "买买提·艾力 𠀾 [b]x[/]"
    assert visible("a\nb\tc") == "a\nb\tc"
    assert visible("a\nb\tc", single_line=True) == "a\\x0ab\\x09c"
