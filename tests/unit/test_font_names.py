"""The bundled font is a renamed subset of Noto Sans CJK SC (OFL 1.1).

The OFL asks a Modified Version not to carry the original's names: nothing in the font may
still say Noto or carry Google's vendor ID, except the copyright and license notices the
OFL requires us to keep. The rename must not change the glyph set.
"""

from __future__ import annotations

import pytest
from fontTools.ttLib import TTFont
from PIL import ImageFont

from printing.fonts import FONT_PATH
from printing.fonts.build_font import _gbk_codepoints

# The subset as built from fonts-noto-cjk 1:20220127 (see printing/fonts/OFL.txt).
GLYPHS = 31256
FORBIDDEN = ("noto", "goog")
NOTICE_NAME_IDS = {0, 13, 14}  # copyright, license description, license URL


def says_original(text: str) -> bool:
    low = text.lower()
    return any(word in low for word in FORBIDDEN)


@pytest.fixture(scope="module")
def font() -> TTFont:
    return TTFont(FONT_PATH)


def test_no_name_record_names_the_original(font):
    offending = [
        (rec.nameID, rec.toUnicode())
        for rec in font["name"].names
        if rec.nameID not in NOTICE_NAME_IDS and says_original(rec.toUnicode())
    ]
    assert offending == []


def test_unique_and_postscript_names_are_ours(font):
    name = font["name"]
    assert name.getDebugName(1) == "Yichuang Han Sans"
    assert name.getDebugName(6) == "YichuangHanSans-Regular"
    assert "YichuangHanSans-Regular" in name.getDebugName(3)


def test_vendor_id_is_not_googles(font):
    assert not says_original(font["OS/2"].achVendID)


def test_cff_names_are_ours(font):
    cff = font["CFF "].cff
    top = cff.topDictIndex[0]
    assert cff.fontNames == ["YichuangHanSans-Regular"]
    assert top.FullName == "Yichuang Han Sans Regular"
    assert top.FamilyName == "Yichuang Han Sans"
    fd_names = [fd.FontName for fd in top.FDArray]
    assert fd_names and all(n.startswith("YichuangHanSans-Regular") for n in fd_names)
    # The notice keeps the copyright (as the OFL requires) but not the Noto trademark line.
    assert top.Notice.startswith("Copyright 2014-2021 Adobe")
    assert not says_original(top.Notice)


def test_no_cff_string_names_the_original(font):
    # Every string the CFF table stores, including any the rename left unused.
    strings = [s if isinstance(s, str) else s.decode("latin-1") for s in font["CFF "].cff.strings.strings]
    assert [s for s in strings if "noto" in s.lower()] == []
    assert b"Noto" not in font.reader["CFF "]


def test_freetype_sees_our_family():
    assert ImageFont.truetype(str(FONT_PATH), 24).getname() == ("Yichuang Han Sans", "Regular")


def test_glyph_set_unchanged(font):
    assert len(font.getGlyphOrder()) == GLYPHS
    cmap = set(font.getBestCmap())
    # every GBK character but one the source lacks (U+2252 ≒) is in the font
    assert _gbk_codepoints() - cmap == {0x2252}
