from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from printing.documents import mask_id
from printing.text import char_width, sanitize, str_width, two_columns, wrap


def test_widths_count_double_width() -> None:
    assert str_width("abc") == 3
    assert str_width("受理回执") == 8
    assert str_width("，。：") == 6
    assert str_width("买买提·艾力") == 12  # the middle dot prints full-width on GB printers
    assert char_width("\u0301") == 0


def test_sanitize_removes_every_control() -> None:
    hostile = "张\x1b@三\x1dV\x00\x1b\x64\x05\x7f\x9b\x85李\u202e四\n王"
    out = sanitize(hostile)
    assert all(ord(c) >= 0x20 and not (0x7F <= ord(c) <= 0x9F) for c in out)
    assert "\u202e" not in out
    assert out == "张@三Vd 李四 王"


def test_mask_id() -> None:
    assert mask_id("32072419900101123X") == "320724********123X"
    assert mask_id("320724900101123") == "320724*****1123"
    assert mask_id("91321204MA1XXXXX0Q", "enterprise") == "91321204MA1XXXXX0Q"
    assert mask_id("") == ""
    assert "1990" not in mask_id("32072419900101123X")


def test_wrap_keeps_words_and_punctuation() -> None:
    lines = wrap("受理编号：320724100-01-261121-0001-K", 32)
    assert lines == ["受理编号：", "320724100-01-261121-0001-K"]
    # closing punctuation never starts a line
    for ln in wrap("本回执是您办理业务的凭证，请妥善保管。容缺材料请在承诺日期前补交。", 16):
        assert ln[:1] not in "，。"
    assert wrap("承诺办结日期：2027年01月05日（推定）", 32)[-1].endswith("（推定）")


def test_two_columns_right_aligns() -> None:
    out = two_columns("1.营业执照", "复印件 2份", 32)
    assert len(out) == 1 and str_width(out[0]) == 32 and out[0].endswith("复印件 2份")
    out = two_columns("1.食品经营许可申请书（含法定代表人签字）", "原件 1份", 32, indent=2)
    assert all(str_width(x) <= 32 for x in out)
    assert out[-1].endswith("原件 1份") and out[-1].startswith("  ")


mixed = st.lists(
    st.sampled_from(list("ab1 -受理回执，。：（）·¥䶮𠀾ЖAＡ\u0301") + ["中文", "abc", "（推定）"]),
    max_size=60,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(mixed, st.integers(min_value=4, max_value=48), st.integers(min_value=0, max_value=6))
def test_wrap_never_exceeds_width(text: str, width: int, indent: int) -> None:
    indent = min(indent, width // 2)
    lines = wrap(text, width, indent)
    assert lines
    for ln in lines:
        assert str_width(ln) <= width
    # nothing but spaces is lost
    assert "".join(lines).replace(" ", "") == text.rstrip().replace(" ", "")


@settings(max_examples=150, deadline=None)
@given(mixed, st.sampled_from(["原件 1份", "复印件 12份"]), st.sampled_from([32, 42, 48]))
def test_two_columns_never_exceeds_width(left: str, right: str, width: int) -> None:
    for ln in two_columns(left, right, width):
        assert str_width(ln) <= width
