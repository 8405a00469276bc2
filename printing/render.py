"""Blocks → the exact ESC/POS bytes, composed with python-escpos's Dummy printer.

Rules (see docs/printing.md):
* ``ESC @`` then ``FS &``: Chinese (Kanji) mode is switched on explicitly, never assumed
  from the printer's power-on state; ``ESC 3 30`` fixes the line pitch.  Text bytes are
  encoded here (GB18030/GBK/GB2312 per profile) and sent with ``_raw``: python-escpos's
  ``text()`` and its magic encoder are never used for text.
* A line with any character the printer's font lacks (not ASCII, not a two-byte code of
  the profile's set) is sent as a raster image (``GS v 0``) drawn with the bundled font.
* QR: ``GS ( k`` via python-escpos ``qr(native=True)`` when the profile supports it, else a
  raster image; CODE128: ``GS k 73`` with code-set switching, else raster.
* The job ends with ``FS .`` (back to single-byte mode), a feed and ``GS V`` (cut).
"""

from __future__ import annotations

from PIL import Image, ImageOps

from . import code128
from .documents import Document
from .fonts import CELL_H, render_cells
from .layout import QR, Barcode, Block, Feed, Line, layout
from .profiles import PrinterProfile
from .signing import Signer
from .templates import Template
from .text import char_width, str_width

ESC_INIT = b"\x1b@"
FS_KANJI_ON = b"\x1c&"
FS_KANJI_OFF = b"\x1c."
LINE_SPACING = 30  # dots; ESC 3 30 (= 1/6.8 in at 203 dpi, the usual default)
QR_EC_LEVEL = 1  # M
QR_QUIET = 4  # modules
BARCODE_HEIGHT = 64
_ALIGN = {"left": 0, "center": 1, "right": 2}


def native_line(text: str, profile: PrinterProfile) -> bytes | None:
    """Bytes for ``text`` from the printer's font, or None when it needs a raster."""
    out = bytearray()
    for ch in text:
        b = profile.native_bytes(ch)
        if b is None or len(b) != char_width(ch):
            return None
        out += b
    return bytes(out)


def line_height(size: int) -> int:
    return max(LINE_SPACING, CELL_H * size)


def raster_line(line: Line, profile: PrinterProfile) -> Image.Image:
    """The paper image of one text line (black on white, full paper width)."""
    ink = render_cells(
        line.text, profile.dots, bold=line.bold, scale_w=line.size, scale_h=line.size, align=line.align
    )
    canvas = Image.new("1", (profile.dots, line_height(line.size)), 0)
    canvas.paste(ink, (0, 0))
    return ImageOps.invert(canvas.convert("L"))


def qr_matrix(payload: str) -> list[list[bool]]:
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    q = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, box_size=1)
    q.add_data(payload.encode("utf-8"))
    q.make(fit=True)
    return q.get_matrix()


def qr_module_size(payload: str, profile: PrinterProfile) -> int:
    n = len(qr_matrix(payload))
    return max(2, min(6, int(profile.dots * 0.75) // (n + 2 * QR_QUIET)))


def qr_image(payload: str, module: int, width: int) -> Image.Image:
    """QR with its quiet zone, centred on a ``width``-dot strip; black on white."""
    m = qr_matrix(payload)
    n = len(m)
    side = (n + 2 * QR_QUIET) * module
    img = Image.new("L", (width, side), 255)
    x0 = (width - n * module) // 2
    y0 = QR_QUIET * module
    px = img.load()
    for r, row in enumerate(m):
        for c, v in enumerate(row):
            if v:
                for dy in range(module):
                    for dx in range(module):
                        px[x0 + c * module + dx, y0 + r * module + dy] = 0
    return img


def barcode_module(mods: str, profile: PrinterProfile) -> int:
    for w in (4, 3, 2):
        if (len(mods) + 20) * w <= profile.dots:
            return w
    return 1


def barcode_image(mods: str, module: int, width: int, height: int = BARCODE_HEIGHT) -> Image.Image:
    img = Image.new("L", (width, height), 255)
    x = (width - len(mods) * module) // 2
    px = img.load()
    for i, m in enumerate(mods):
        if m == "1":
            for dx in range(module):
                for y in range(height):
                    px[x + i * module + dx, y] = 0
    return img


class _Composer:
    def __init__(self, profile: PrinterProfile) -> None:
        from escpos.printer import Dummy

        self.profile = profile
        self.p = Dummy(profile=profile.escpos_profile)
        self.align = 0
        self.size = 0
        self.bold = 0

    def raw(self, b: bytes) -> None:
        self.p._raw(b)

    def set(self, align: int = 0, size: int = 1, bold: bool = False) -> None:
        gs = ((size - 1) << 4) | (size - 1)
        if align != self.align:
            self.raw(b"\x1ba" + bytes([align]))
            self.align = align
        if gs != self.size:
            self.raw(b"\x1d!" + bytes([gs]))
            self.size = gs
        if int(bold) != self.bold:
            self.raw(b"\x1bE" + bytes([int(bold)]))
            self.bold = int(bold)

    def image(self, img: Image.Image) -> None:
        self.set(0, 1, False)
        self.p.image(img, impl="bitImageRaster", center=False)

    def line(self, line: Line) -> None:
        b = native_line(line.text, self.profile)
        if b is None:
            self.image(raster_line(line, self.profile))
            return
        self.set(_ALIGN[line.align], line.size, line.bold)
        self.raw(b + b"\n")

    def qr(self, qr: QR) -> None:
        module = qr_module_size(qr.payload, self.profile)
        if self.profile.native_qr:
            from escpos.constants import QR_ECLEVEL_M

            self.set(1, 1, False)
            self.p.qr(qr.payload, ec=QR_ECLEVEL_M, size=module, native=True)
        else:
            self.image(qr_image(qr.payload, module, self.profile.dots))

    def barcode(self, bc: Barcode) -> None:
        mods = code128.modules(bc.data)
        w = barcode_module(mods, self.profile)
        if self.profile.native_barcode:
            data = code128.escpos_data(bc.data)
            self.set(1, 1, False)
            self.raw(b"\x1dh" + bytes([BARCODE_HEIGHT]) + b"\x1dw" + bytes([w]) + b"\x1dH\x00")
            self.raw(b"\x1dkI" + bytes([len(data)]) + data)
        else:
            self.image(barcode_image(mods, w, self.profile.dots))

    def compose(self, blocks: list[Block]) -> bytes:
        self.raw(ESC_INIT + FS_KANJI_ON + b"\x1b3" + bytes([LINE_SPACING]))
        for b in blocks:
            if isinstance(b, Line):
                self.line(b)
            elif isinstance(b, QR):
                self.qr(b)
            elif isinstance(b, Barcode):
                self.barcode(b)
            elif isinstance(b, Feed):
                self.raw(b"\x1bd" + bytes([b.lines]))
        self.set(0, 1, False)
        self.raw(FS_KANJI_OFF + b"\x1bd" + bytes([self.profile.feed_before_cut]))
        if self.profile.cutter:
            self.p.cut(feed=False)  # GS V 66 0
        return self.p.output


def compose(blocks: list[Block], profile: PrinterProfile) -> bytes:
    return _Composer(profile).compose(blocks)


def render(
    doc: Document,
    profile: PrinterProfile,
    signer: Signer | None = None,
    templates: dict[str, Template] | None = None,
) -> bytes:
    """The exact ESC/POS bytes of ``doc`` for ``profile``."""
    return compose(layout(doc, profile, signer, templates), profile)


def blocks_text(blocks: list[Block], columns: int) -> str:
    out: list[str] = []
    for b in blocks:
        if isinstance(b, Line):
            pad = columns - str_width(b.text) * b.size
            if b.align == "center":
                out.append(" " * (pad // 2) + b.text)
            elif b.align == "right":
                out.append(" " * pad + b.text)
            else:
                out.append(b.text)
        elif isinstance(b, QR):
            out.append(f"[二维码] {b.payload}")
        elif isinstance(b, Barcode):
            out.append(f"[条码] {b.data}")
        elif isinstance(b, Feed):
            out.extend([""] * b.lines)
    return "\n".join(line.rstrip() for line in out) + "\n"


def render_text(
    doc: Document,
    profile: PrinterProfile,
    signer: Signer | None = None,
    templates: dict[str, Template] | None = None,
) -> str:
    """What the paper shows, as plain text (raster lines included as their text)."""
    return blocks_text(layout(doc, profile, signer, templates), profile.columns)
