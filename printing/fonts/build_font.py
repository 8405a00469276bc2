"""Rebuild the bundled receipt font (a maintainer tool, not imported at run time).

Source: Noto Sans CJK SC Regular (SIL OFL 1.1), e.g. from Debian's ``fonts-noto-cjk``
(/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc, face index 2).
The subset keeps ASCII/Latin-1, general punctuation, letter-like symbols, enclosed
numbers, CJK symbols and punctuation, full-width forms, every character of GBK (all
GB18030 two-byte characters), the whole of CJK Unified Ideographs and Extension A, and
every Extension B-F ideograph the source covers.  Hinting and OpenType layout are
dropped: thermal printers print at 203 dpi and we rasterise at 24 px.

OFL 1.1 asks a Modified Version not to use the original's names: ``rename`` gives every
name the font carries (name table, the CFF table's font name, FullName, FamilyName and the
FDArray font names, the OS/2 vendor ID) our own, and drops the Noto trademark line and the
vendor URL.  The copyright notice (name ID 0, CFF Notice) and the license (IDs 13, 14) stay,
as the OFL requires.

Usage: python -m printing.fonts.build_font [SOURCE.ttc [FACE_INDEX]]
       python -m printing.fonts.build_font --rename   (rename the shipped font in place;
                                                       outlines and glyph set unchanged)
"""

from __future__ import annotations

import sys
from pathlib import Path

OUT = Path(__file__).with_name("YichuangHanSans-Regular.otf")
DEFAULT_SOURCE = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
FAMILY = "Yichuang Han Sans"
PS_NAME = "YichuangHanSans-Regular"
VENDOR_ID = "NONE"  # no registered vendor ID (the source's is Google's "GOOG")
# Words that name the original font or its vendor; none may survive the rename.
FORBIDDEN = ("noto", "goog")
# Name IDs whose text is kept as it is: copyright, license, license URL.
KEPT_NAME_IDS = {0, 13, 14}
# Name IDs dropped: trademark (of the Noto name we no longer use), vendor URL.
DROPPED_NAME_IDS = {7, 11}


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


def _says_original(text: str) -> bool:
    low = text.lower()
    return any(word in low for word in FORBIDDEN)


def rename(font) -> None:
    """Give ``font`` (a fontTools TTFont of the subset) our names everywhere it has one."""
    name = font["name"]
    version = f"{font['head'].fontRevision:.3f}"
    new = {
        1: FAMILY,
        3: f"{version};{VENDOR_ID};{PS_NAME}",
        4: FAMILY + " Regular",
        6: PS_NAME,
        16: FAMILY,
    }
    for rec in list(name.names):
        if rec.nameID in DROPPED_NAME_IDS:
            name.names.remove(rec)
        elif rec.nameID in new:
            rec.string = new[rec.nameID]
    for rec in name.names:
        if rec.nameID not in KEPT_NAME_IDS and _says_original(rec.toUnicode()):
            raise SystemExit(f"name ID {rec.nameID} still names the original: {rec.toUnicode()!r}")
    font["OS/2"].achVendID = VENDOR_ID

    cff = font["CFF "].cff
    top = cff.topDictIndex[0]
    old_ps = cff.fontNames[0]
    cff.fontNames = [PS_NAME]
    top.FullName = FAMILY + " Regular"
    top.FamilyName = FAMILY
    # Keep the copyright (OFL); drop the trademark sentence about the name we no longer use.
    notice = getattr(top, "Notice", None)
    if notice:
        kept = [s for s in notice.split(". ") if "trademark" not in s.lower()]
        top.Notice = ". ".join(kept).rstrip(".") + "."
    for fd in getattr(top, "FDArray", None) or []:
        # "NotoSansCJKjp-Regular-Ideographs" -> "YichuangHanSans-Regular-Ideographs"
        suffix = fd.FontName[len(old_ps) :] if fd.FontName.startswith(old_ps) else ""
        fd.FontName = PS_NAME + suffix
        if _says_original(fd.FontName):
            raise SystemExit(f"CFF FDArray font name still names the original: {fd.FontName!r}")


def rename_shipped() -> Path:
    """Apply ``rename`` to the shipped font in place (no source font needed)."""
    from fontTools.ttLib import TTFont

    font = TTFont(OUT)
    rename(font)
    tmp = OUT.with_suffix(".tmp")
    font.save(tmp)
    tmp.replace(OUT)
    return OUT


def build(source: str = DEFAULT_SOURCE, index: int = 2, out: Path = OUT) -> Path:
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
    rename(font)
    font.save(out)
    return out


if __name__ == "__main__":
    if sys.argv[1:] == ["--rename"]:
        print(rename_shipped())
        raise SystemExit(0)
    src = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_SOURCE
    idx = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    print(build(src, idx))
