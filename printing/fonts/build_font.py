"""Rebuild the bundled receipt font (a maintainer tool, not imported at run time).

Source: Noto Sans CJK SC Regular (SIL OFL 1.1), e.g. from Debian's ``fonts-noto-cjk``
(/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc, face index 2).
The subset keeps ASCII/Latin-1, general punctuation, letter-like symbols, enclosed
numbers, CJK symbols and punctuation, full-width forms, every character of GBK (all
GB18030 two-byte characters), the whole of CJK Unified Ideographs and Extension A, and
every Extension B-F ideograph the source covers.  Hinting and OpenType layout are
dropped: thermal printers print at 203 dpi and we rasterise at 24 px.

Usage: python -m printing.fonts.build_font [SOURCE.ttc [FACE_INDEX]]
"""

from __future__ import annotations

import sys
from pathlib import Path

OUT = Path(__file__).with_name("YichuangHanSans-Regular.otf")
DEFAULT_SOURCE = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
FAMILY = "Yichuang Han Sans"


def _gbk_codepoints() -> set[int]:
    out: set[int] = set()
    for b1 in range(0x81, 0xFF):
        for b2 in list(range(0x40, 0x7F)) + list(range(0x80, 0xFF)):
            try:
                out.add(ord(bytes([b1, b2]).decode("gbk")))
            except UnicodeDecodeError:
                pass
    return out


def wanted_codepoints() -> set[int]:
    ranges = [
        (0x20, 0x7F),
        (0xA0, 0x180),
        (0x2000, 0x2070),
        (0x2100, 0x2200),
        (0x2460, 0x2500),
        (0x25A0, 0x2600),
        (0x3000, 0x3040),
        (0xFF00, 0xFFF0),
        (0x3400, 0x4DC0),
        (0x4E00, 0xA000),
        (0x20000, 0x2A6E0),
        (0x2A700, 0x2EE60),
    ]
    cps: set[int] = set()
    for lo, hi in ranges:
        cps.update(range(lo, hi))
    return cps | _gbk_codepoints()


def build(source: str = DEFAULT_SOURCE, index: int = 2) -> Path:
    from fontTools import subset
    from fontTools.ttLib import TTCollection, TTFont

    font = TTCollection(source).fonts[index] if source.endswith(".ttc") else TTFont(source)
    cps = wanted_codepoints() & set(font.getBestCmap())
    opts = subset.Options()
    opts.layout_features = []
    opts.hinting = False
    opts.name_IDs = ["*"]
    opts.notdef_outline = True
    opts.glyph_names = False
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=cps)
    sub.subset(font)
    # OFL 1.1: a Modified Version gets its own primary name.
    name = font["name"]
    for rec in list(name.names):
        if rec.nameID in (1, 16):
            rec.string = FAMILY
        elif rec.nameID == 4:
            rec.string = FAMILY + " Regular"
        elif rec.nameID == 6:
            rec.string = "YichuangHanSans-Regular"
        elif rec.nameID == 3:
            rec.string = "YichuangHanSans-Regular;subset-of-NotoSansCJKsc-Regular"
    font.save(OUT)
    return OUT


if __name__ == "__main__":
    src = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_SOURCE
    idx = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    print(build(src, idx))
