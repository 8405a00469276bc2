"""The screen's line-breaking rule for Chinese text (app.domain.line_breaking), tested directly."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.line_breaking import (
    NO_START,
    cells,
    clip,
    first_fitting,
    wrap,
    wrap_items,
)

HAN = st.sampled_from("公司登记备案申请书法定代表人董事监事经理任职文件食品经营许可")
PUNCT = st.sampled_from("、，。；：")
WORD = st.sampled_from(["kcg", "F10", "320724-YJS-001", "r", "x"])
BRACKETED = st.lists(HAN, min_size=1, max_size=6).map(lambda cs: "（" + "".join(cs) + "）")
# Text as it is written: punctuation and separators follow a word, never each other.
BASE = st.one_of(HAN, HAN, HAN, WORD, BRACKETED)
TRAILER = st.one_of(st.just(""), st.just(""), PUNCT, st.just(" · "), st.just(" "))
PIECE = st.tuples(BASE, TRAILER).map("".join)
TEXT = st.lists(PIECE, min_size=1, max_size=40).map("".join).filter(lambda s: s.strip())


def body(line: str, hang: int, first: bool) -> str:
    return line if first else line[hang:]


@settings(max_examples=300, deadline=None)
@given(TEXT, st.integers(min_value=18, max_value=60), st.integers(min_value=0, max_value=4))
def test_lines_fit_keep_every_character_and_hang(text, width, hang):
    lines = wrap(text, width, hang)
    assert all(cells(line) <= width for line in lines)
    assert all(line.startswith(" " * hang) for line in lines[1:])
    joined = "".join(body(line, hang, i == 0) for i, line in enumerate(lines))
    assert joined.replace(" ", "") == text.replace(" ", "")


@settings(max_examples=300, deadline=None)
@given(TEXT, st.integers(min_value=18, max_value=60), st.integers(min_value=0, max_value=4))
def test_no_line_starts_with_a_separator_or_closing_mark_and_brackets_stay_whole(text, width, hang):
    lines = wrap(text, width, hang)
    for line in lines[1:]:
        start = body(line, hang, False).lstrip(" ")
        assert start and start[0] not in NO_START, (text, lines)
    for line in lines:
        assert not line.rstrip().endswith("（"), lines
    # every bracketed part that fits a (continuation) line with the mark after it is on one line
    for part in re.findall(r"（[^（）]*）", text):
        if cells(part) + 3 <= width - hang:
            assert any(part in line for line in lines), (part, lines)


def test_the_issue_s_bundle_line_breaks_before_the_bracket_not_inside():
    line = "· 企业设立登记（有限责任公司）（市场监管局）"
    assert wrap(line, 30, hang=2) == ["· 企业设立登记（有限责任公司）", "  （市场监管局）"]
    assert wrap("一件事：开餐馆（320724-YJS-001）", 30) == ["一件事：开餐馆", "（320724-YJS-001）"]


def test_a_bracketed_part_longer_than_a_line_is_cut_but_never_before_its_closing_mark():
    lines = wrap("（排水户内部排水管网、专用检测井）", 10)
    assert "".join(lines) == "（排水户内部排水管网、专用检测井）"
    assert all(cells(x) <= 10 for x in lines)
    assert all(x[0] not in NO_START for x in lines[1:])


def test_key_hints_keep_each_key_with_its_label_and_the_separator_at_the_end():
    items = ["空格 收到/未收", "o 原件/复印件", "+/- 份数", "r 容缺", "x 不符合要求"]
    lines = wrap_items(items, 44)
    assert lines == ["空格 收到/未收 · o 原件/复印件 · +/- 份数 ·", "r 容缺 · x 不符合要求"]
    assert wrap_items(items, 100) == [" · ".join(items)]


def test_clip_ends_with_an_ellipsis_when_text_was_left():
    name = "排水户内部排水管网、专用检测井、排放口位置和口径的图纸及说明"
    lines = clip(name, 22, 2)
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert lines[0].startswith(name[:10]) and all(cells(x) <= 22 for x in lines)
    assert clip("营业执照", 22, 2) == ["营业执照"]


def test_the_placeholder_is_never_cut_at_an_open_bracket():
    long = "输入事项名称、拼音首字母（如 kcg）或编码"
    short = "事项名称、拼音首字母或编码"
    assert first_fitting([long, short], 60) == long
    assert first_fitting([long, short], 28) == short
    cut = first_fitting([long], 28)
    assert not cut.endswith("（") and cells(cut) <= 28


def test_width_must_hold_a_wide_character():
    with pytest.raises(ValueError):
        wrap("公司", 1)
