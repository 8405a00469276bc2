"""The paper, rendered from the very ESC/POS bytes the printer gets.

The interpreter covers the subset :mod:`printing.render` emits: ESC @, FS &, FS ., ESC 3,
ESC a, GS !, ESC E, text in the profile's encoding, GS ( k QR (drawn from the stored
data), GS k CODE128, GS v 0 raster, LF, ESC d, GS V.  Printer fonts are emulated with
the bundled font on the same 12/24-dot grid used for raster lines.
"""

from __future__ import annotations

from PIL import Image, ImageOps

from . import code128
from .escpos_parse import Op, parse
from .fonts import CELL_H, render_cells
from .profiles import PrinterProfile
from .render import LINE_SPACING, barcode_image, qr_image
from .text import str_width

MARGIN = 8  # blank dots above and below the printed area in the preview
CUT_MARK = 6


class _State:
    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.kanji = False
        self.align = 0
        self.size_w = 1
        self.size_h = 1
        self.bold = False
        self.spacing = LINE_SPACING
        self.bc_height = 162
        self.bc_width = 3
        self.qr_size = 3
        self.qr_data = b""


def _decode(data: bytes, st: _State, profile: PrinterProfile) -> str:
    enc = profile.encoding if st.kanji else "cp437"
    return data.decode(enc, errors="replace")


# complexity: one branch per ESC/POS command the preview draws
def _walk(data: bytes, profile: PrinterProfile):  # noqa: C901
    """Yield (kind, payload, state) items: ('line', text), ('image', Image L black-on-white),
    ('qr', payload), ('barcode', text), ('cut', None), ('feed', dots)."""
    st = _State()
    buf = ""
    had_text = False
    for op in parse(data, profile.encoding):
        n = op.name
        if n == "text":
            buf += _decode(op.data, st, profile)
            had_text = True
            continue
        if n == "lf":
            yield "line", buf, st
            buf = ""
            had_text = False
            continue
        if had_text and n in ("raster", "qr_print", "barcode", "feed", "cut", "init"):
            yield "line", buf, st  # printers print a pending line before these
            buf = ""
            had_text = False
        if n == "init":
            st.reset()
        elif n == "kanji_on":
            st.kanji = True
        elif n == "kanji_off":
            st.kanji = False
        elif n == "align":
            st.align = op.args[0]
        elif n == "size":
            st.size_w, st.size_h = op.args
        elif n == "bold":
            st.bold = bool(op.args[0])
        elif n == "line_spacing":
            st.spacing = op.args[0]
        elif n == "feed":
            yield "feed", op.args[0] * st.spacing, st
        elif n == "barcode_height":
            st.bc_height = op.args[0]
        elif n == "barcode_width":
            st.bc_width = op.args[0]
        elif n == "qr_size":
            st.qr_size = op.args[0]
        elif n == "qr_store":
            st.qr_data = op.data
        elif n == "qr_print":
            yield "qr", st.qr_data.decode("utf-8", errors="replace"), st
        elif n == "barcode":
            yield "barcode", op, st
        elif n == "raster":
            w, h, _m = op.args
            img = Image.frombytes("1", (w, h), op.data)
            yield "image", ImageOps.invert(img.convert("L")), st
        elif n == "cut":
            yield "cut", None, st
        elif n == "unknown":
            yield "unknown", op, st
    if buf:
        yield "line", buf, st


_ALIGN_NAMES = {0: "left", 1: "center", 2: "right"}


def preview_png(data: bytes, profile: PrinterProfile) -> Image.Image:
    """The paper as a greyscale image (white paper, black dots), ``profile.dots`` wide."""
    pieces: list[Image.Image] = []
    width = profile.dots
    for kind, payload, st in _walk(data, profile):
        if kind == "line":
            ink = render_cells(
                payload,
                width,
                bold=st.bold,
                scale_w=st.size_w,
                scale_h=st.size_h,
                align=_ALIGN_NAMES.get(st.align, "left"),
            )
            h = max(st.spacing, CELL_H * st.size_h)
            canvas = Image.new("1", (width, h), 0)
            canvas.paste(ink, (0, 0))
            pieces.append(ImageOps.invert(canvas.convert("L")))
        elif kind == "image":
            img = payload
            if img.width < width:
                strip = Image.new("L", (width, img.height), 255)
                x = {0: 0, 1: (width - img.width) // 2, 2: width - img.width}.get(st.align, 0)
                strip.paste(img, (x, 0))
                img = strip
            pieces.append(img.crop((0, 0, width, img.height)))
        elif kind == "qr":
            pieces.append(qr_image(payload, st.qr_size, width))
        elif kind == "barcode":
            op: Op = payload
            if op.args[0] == 73:
                vals, _ = code128.parse_escpos_data(op.data)
                mods = code128.modules_from_values(vals)
                pieces.append(barcode_image(mods, st.bc_width, width, st.bc_height))
        elif kind == "feed":
            pieces.append(Image.new("L", (width, payload), 255))
        elif kind == "cut":
            cut = Image.new("L", (width, CUT_MARK), 255)
            for x in range(0, width, 8):
                for dx in range(4):
                    if x + dx < width:
                        cut.putpixel((x + dx, CUT_MARK // 2), 128)
            pieces.append(cut)
    total = sum(p.height for p in pieces) + 2 * MARGIN
    page = Image.new("L", (width, total), 255)
    y = MARGIN
    for p in pieces:
        page.paste(p, (0, y))
        y += p.height
    return page


def decode_text(data: bytes, profile: PrinterProfile) -> str:
    """The printed text; codes and images as bracketed placeholders.

    Text lines are aligned within the paper's columns like on paper; a raster image shows
    as ``[图像 W×H]``, a QR code as ``[二维码] payload``, a barcode as ``[条码] data``, the
    cut as ``[切纸]``, anything outside our command subset as ``[未知指令 …]``.
    """
    out: list[str] = []
    cols = profile.columns
    for kind, payload, st in _walk(data, profile):
        if kind == "line":
            pad = max(0, cols - str_width(payload) * st.size_w)
            lead = {1: pad // 2, 2: pad}.get(st.align, 0)
            out.append((" " * lead + payload).rstrip())
        elif kind == "image":
            out.append(f"[图像 {payload.width}×{payload.height}]")
        elif kind == "qr":
            out.append(f"[二维码] {payload}")
        elif kind == "barcode":
            op: Op = payload
            text = code128.parse_escpos_data(op.data)[1] if op.args[0] == 73 else op.data.decode("latin-1")
            out.append(f"[条码] {text}")
        elif kind == "feed":
            out.extend([""] * (payload // max(1, st.spacing)))
        elif kind == "cut":
            out.append("[切纸]")
        elif kind == "unknown":
            out.append(f"[未知指令 {payload.raw.hex(' ')}]")
    return "\n".join(out) + "\n"
