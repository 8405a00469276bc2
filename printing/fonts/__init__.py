"""The bundled CJK font and the cell renderer shared by raster lines and the preview.

Every character is drawn into a fixed grid like a printer's own font: a half-width cell
is 12 x 24 dots, a full-width cell 24 x 24 dots (the printer's Font A).  So a line printed
as an image lines up with the lines printed as text, and the preview of text looks like
the raster of the same text.

Extra fallback fonts (e.g. an office's font with full CJK Extension B) can be listed in
the environment variable ``YICHUANG_PRINT_FONTS`` (paths separated by ``os.pathsep``);
they are tried after the bundled font.  A character no font has is drawn as a box with
its code point in hex, never as '?'.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from ..text import char_width

FONT_PATH = Path(__file__).with_name("YichuangHanSans-Regular.otf")
CELL_W = 12  # dots per column
CELL_H = 24  # dots per text row (Font A)
_PX = 24  # em size used for rasterising


def _font_paths() -> list[Path]:
    paths = [FONT_PATH]
    for p in os.environ.get("YICHUANG_PRINT_FONTS", "").split(os.pathsep):
        if p.strip():
            paths.append(Path(p.strip()))
    return paths


@lru_cache(maxsize=8)
def _load(paths: tuple[Path, ...]) -> list[tuple[ImageFont.FreeTypeFont, frozenset[int]]]:
    from fontTools.ttLib import TTFont

    out = []
    for p in paths:
        if not p.exists():
            continue
        try:
            cmap = TTFont(str(p), lazy=True, fontNumber=0).getBestCmap()
            out.append((ImageFont.truetype(str(p), _PX), frozenset(cmap)))
        except Exception:  # an unreadable extra font is skipped, not fatal
            continue
    return out


def fonts() -> list[tuple[ImageFont.FreeTypeFont, frozenset[int]]]:
    return _load(tuple(_font_paths()))


def covers(ch: str) -> bool:
    """True when some available font has a glyph for ``ch``."""
    o = ord(ch)
    return any(o in cps for _, cps in fonts())


def _font_for(ch: str) -> ImageFont.FreeTypeFont | None:
    o = ord(ch)
    for f, cps in fonts():
        if o in cps:
            return f
    return None


@lru_cache(maxsize=8192)
def glyph(ch: str) -> Image.Image:
    """A 1-bit image of one character cell (12 or 24 dots wide, 24 high); 255 = ink."""
    w = CELL_W * max(1, char_width(ch))
    img = Image.new("L", (w, CELL_H), 0)
    if ch == " ":
        return img.point(lambda v: 255 if v >= 128 else 0, "1")
    d = ImageDraw.Draw(img)
    f = _font_for(ch)
    if f is None:
        # Missing everywhere: a box with the hex code point (readable, never '?').
        d.rectangle((0, 0, w - 1, CELL_H - 1), outline=255)
        hexs = f"{ord(ch):X}"
        small = fonts()[0][0].font_variant(size=9) if fonts() else ImageFont.load_default()
        half = (len(hexs) + 1) // 2
        d.text((2, 2), hexs[:half], font=small, fill=255)
        d.text((2, 12), hexs[half:], font=small, fill=255)
    else:
        # Centre the glyph horizontally; vertical position from the font's ascent so
        # every glyph sits on the same baseline.
        left, top, right, bottom = f.getbbox(ch)
        adv = f.getlength(ch)
        x = (w - adv) / 2
        ascent, descent = f.getmetrics()
        y = (CELL_H - (ascent + descent)) / 2 + 1
        d.text((x, y), ch, font=f, fill=255)
    return img.point(lambda v: 255 if v >= 110 else 0, "1")


def render_cells(
    text: str,
    width_dots: int | None = None,
    bold: bool = False,
    scale_w: int = 1,
    scale_h: int = 1,
    align: str = "left",
) -> Image.Image:
    """Draw ``text`` on the printer's grid; returns mode "1" with 1 = ink (white on black).

    ``width_dots`` pads the image to the paper width, placing the text by ``align``.
    """
    cols = sum(max(1, char_width(c)) if char_width(c) else 0 for c in text)
    line = Image.new("1", (max(1, cols * CELL_W), CELL_H), 0)
    x = 0
    for ch in text:
        cw = char_width(ch)
        if cw == 0:
            continue
        g = glyph(ch)
        line.paste(g, (x, 0))
        if bold:
            line.paste(g, (x + 1, 0), g)
        x += g.width
    if scale_w != 1 or scale_h != 1:
        line = line.resize((line.width * scale_w, line.height * scale_h), Image.Resampling.NEAREST)
    if width_dots is None:
        return line
    out = Image.new("1", (width_dots, line.height), 0)
    w = min(line.width, width_dots)
    if align == "center":
        x0 = (width_dots - w) // 2
    elif align == "right":
        x0 = width_dots - w
    else:
        x0 = 0
    out.paste(line.crop((0, 0, w, line.height)), (x0, 0))
    return out
