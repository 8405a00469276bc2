"""Printer profiles: paper width, character set of the printer's font, native features.

``escpos_profile`` names the python-escpos capabilities profile used when composing
(image width checks); the fields here are what *we* rely on, because python-escpos's
database does not say which Chinese character set a printer's font covers.
"""

from __future__ import annotations

from dataclasses import dataclass

ENCODINGS = ("gb18030", "gbk", "gb2312")


@dataclass(frozen=True)
class PrinterProfile:
    name: str
    columns: int  # half-width columns of Font A (12 x 24 dots)
    dots: int  # printable width in dots
    encoding: str  # "gb18030" | "gbk" | "gb2312": bytes we send and glyphs the font has
    native_qr: bool  # GS ( k QR code
    native_barcode: bool  # GS k CODE128
    escpos_profile: str
    paper_mm: int = 58
    cutter: bool = True  # GS V; without a cutter we only feed to the tear bar
    feed_before_cut: int = 4  # lines fed so the last line passes the cutter
    # How the printer confirms a job (devices.printers.CONFIRM_MODES): "status" asks
    # DLE EOT 1 after the job, "process_id" sends GS ( H and waits for the printed-ID
    # answer, "none" never asks (such jobs end as 已发送, never 已打印).
    confirm: str = "status"
    description: str = ""

    def __post_init__(self) -> None:
        if self.encoding not in ENCODINGS:
            raise ValueError(f"unknown encoding {self.encoding!r}")
        if self.confirm not in ("none", "status", "process_id"):
            raise ValueError(f"unknown confirmation {self.confirm!r}")
        if self.columns * 12 > self.dots:
            raise ValueError("columns * 12 dots must fit the printable width")

    def native_bytes(self, ch: str) -> bytes | None:
        """The bytes that print ``ch`` from the printer's own font, or None.

        ASCII prints as one byte.  Other characters print natively only as a two-byte
        code of the profile's character set.  For GB18030 that is the GBK repertoire:
        four-byte forms (CJK Extension B, ¥, ・ …) and the two-byte codes that older
        GB18030 editions mapped to the private use area (䶮 at FE9F and the other
        Extension A / radical characters there) are never sent: printer fonts do not
        carry them reliably, so such text goes out as a raster image.
        """
        o = ord(ch)
        if 0x20 <= o < 0x7F:
            return ch.encode("ascii")
        if o < 0xA0 or 0xE000 <= o <= 0xF8FF:
            return None
        repertoire = "gbk" if self.encoding == "gb18030" else self.encoding
        try:
            ch.encode(repertoire)
            b = ch.encode(self.encoding)
        except UnicodeEncodeError:
            return None
        return b if len(b) == 2 else None


PROFILES: dict[str, PrinterProfile] = {
    p.name: p
    for p in (
        PrinterProfile(
            name="generic-58",
            columns=32,
            dots=384,
            encoding="gb18030",
            native_qr=True,
            native_barcode=True,
            escpos_profile="POS-5890",
            paper_mm=58,
            description="58 mm, GB18030 font (two-byte), GS ( k QR, CODE128",
        ),
        PrinterProfile(
            name="generic-80",
            columns=48,
            dots=576,
            encoding="gb18030",
            native_qr=True,
            native_barcode=True,
            escpos_profile="TM-T20II",
            paper_mm=80,
            description="80 mm, GB18030 font (two-byte), GS ( k QR, CODE128",
        ),
        PrinterProfile(
            name="xprinter-58",
            columns=32,
            dots=384,
            encoding="gb2312",
            native_qr=False,
            native_barcode=True,
            escpos_profile="POS-5890",
            paper_mm=58,
            cutter=False,
            description="58 mm Xprinter-style, GB2312 font only, no native QR (raster)",
        ),
        PrinterProfile(
            name="epson-tm-t88",
            columns=42,
            dots=512,
            encoding="gbk",
            native_qr=True,
            native_barcode=True,
            escpos_profile="TM-T88V",
            paper_mm=80,
            confirm="process_id",
            description="Epson TM-T88 (Chinese model), 80 mm paper, 180 dpi: 512 dots, 42 columns",
        ),
    )
}

DEFAULT_PROFILE = "generic-58"


def get_profile(name: str) -> PrinterProfile:
    try:
        return PROFILES[name]
    except KeyError:
        known = ", ".join(sorted(PROFILES))
        raise KeyError(f"unknown printer profile {name!r} (known: {known})") from None
