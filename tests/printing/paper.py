"""What arrived at a test printer, decoded: text, QR payloads, the cut."""

from __future__ import annotations

from dataclasses import dataclass

from printing.escpos_parse import parse
from printing.preview import decode_text
from printing.profiles import get_profile


@dataclass(frozen=True)
class Paper:
    text: str
    qr: list[str]
    ops: list[str]

    @property
    def cut(self) -> bool:
        return bool(self.ops) and self.ops[-1] == "cut"


def read_paper(data: bytes, profile: str = "generic-80") -> Paper:
    prof = get_profile(profile)
    text = decode_text(data, prof)
    qr = [line.split("] ", 1)[1] for line in text.splitlines() if line.startswith("[二维码] ")]
    return Paper(text, qr, [o.name for o in parse(data, prof.encoding)])
