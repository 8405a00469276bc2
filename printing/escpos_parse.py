"""Parse the ESC/POS subset we emit into operations (for the preview, decoding and tests).

Anything outside the subset is reported as an ``unknown`` op with the offending byte, so
tests can assert that no unexpected command reaches the printer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ESC, FS, GS, LF = 0x1B, 0x1C, 0x1D, 0x0A


@dataclass
class Op:
    name: str
    args: tuple = ()
    data: bytes = b""
    offset: int = 0
    raw: bytes = field(default=b"", repr=False)


class ParseError(ValueError):
    pass


def _need(data: bytes, i: int, n: int) -> bytes:
    if i + n > len(data):
        raise ParseError(f"truncated command at {i}")
    return data[i : i + n]


# complexity: one branch per ESC/POS command
def parse(data: bytes, encoding: str = "gb18030") -> list[Op]:  # noqa: C901
    ops: list[Op] = []
    i = 0
    n = len(data)
    kanji = False
    text = bytearray()
    text_start = 0

    def flush_text() -> None:
        nonlocal text
        if text:
            ops.append(Op("text", data=bytes(text), offset=text_start))
            text = bytearray()

    while i < n:
        b = data[i]
        if b >= 0x20 and b != 0x7F:
            if not text:
                text_start = i
            if b >= 0x80:
                if not kanji:
                    text.append(b)  # code-page byte (we never send these)
                    i += 1
                    continue
                # two- or four-byte GB character
                if i + 1 < n and 0x30 <= data[i + 1] <= 0x39:
                    ln = 4
                else:
                    ln = 2
                chunk = data[i : i + ln]
                if len(chunk) < ln or any(c < 0x30 for c in chunk[1:]):
                    flush_text()
                    ops.append(Op("unknown", (b,), offset=i, raw=bytes([b])))
                    i += 1
                    continue
                text += chunk
                i += ln
                continue
            text.append(b)
            i += 1
            continue
        flush_text()
        start = i
        if b == LF:
            ops.append(Op("lf", offset=i))
            i += 1
        elif b == ESC and i + 1 < n:
            c = data[i + 1]
            if c == 0x40:  # ESC @
                ops.append(Op("init", offset=i))
                kanji = False
                i += 2
            elif c == 0x61:  # ESC a n
                ops.append(Op("align", (_need(data, i + 2, 1)[0] % 48,), offset=i))
                i += 3
            elif c == 0x45:  # ESC E n
                ops.append(Op("bold", (_need(data, i + 2, 1)[0] & 1,), offset=i))
                i += 3
            elif c == 0x64:  # ESC d n
                ops.append(Op("feed", (_need(data, i + 2, 1)[0],), offset=i))
                i += 3
            elif c == 0x33:  # ESC 3 n
                ops.append(Op("line_spacing", (_need(data, i + 2, 1)[0],), offset=i))
                i += 3
            elif c == 0x32:  # ESC 2
                ops.append(Op("line_spacing", (30,), offset=i))
                i += 2
            else:
                ops.append(Op("unknown", (b, c), offset=i, raw=data[i : i + 2]))
                i += 2
        elif b == FS and i + 1 < n and data[i + 1] in (0x26, 0x2E):
            kanji = data[i + 1] == 0x26
            ops.append(Op("kanji_on" if kanji else "kanji_off", offset=i))
            i += 2
        elif b == GS and i + 1 < n:
            c = data[i + 1]
            if c == 0x21:  # GS ! n
                v = _need(data, i + 2, 1)[0]
                ops.append(Op("size", (((v >> 4) & 7) + 1, (v & 7) + 1), offset=i))
                i += 3
            elif c == 0x56:  # GS V m [n]
                m = _need(data, i + 2, 1)[0]
                if m in (65, 66, 97, 98, 103, 104):
                    ops.append(Op("cut", (m, _need(data, i + 3, 1)[0]), offset=i))
                    i += 4
                else:
                    ops.append(Op("cut", (m,), offset=i))
                    i += 3
            elif c in (0x68, 0x77, 0x48, 0x66):  # GS h / GS w / GS H / GS f
                name = {0x68: "barcode_height", 0x77: "barcode_width", 0x48: "hri_pos", 0x66: "hri_font"}[c]
                ops.append(Op(name, (_need(data, i + 2, 1)[0],), offset=i))
                i += 3
            elif c == 0x6B:  # GS k m ...
                m = _need(data, i + 2, 1)[0]
                if m >= 65:
                    ln = _need(data, i + 3, 1)[0]
                    payload = _need(data, i + 4, ln)
                    ops.append(Op("barcode", (m,), data=payload, offset=i))
                    i += 4 + ln
                else:
                    end = data.index(0, i + 3)
                    ops.append(Op("barcode", (m,), data=data[i + 3 : end], offset=i))
                    i = end + 1
            elif c == 0x28 and i + 2 < n and data[i + 2] == 0x6B:  # GS ( k
                hdr = _need(data, i + 3, 2)
                ln = hdr[0] + 256 * hdr[1]
                body = _need(data, i + 5, ln)
                cn, fn = body[0], body[1]
                if cn != 0x31:
                    ops.append(Op("unknown", (b, c, cn), offset=i, raw=data[i : i + 5 + ln]))
                elif fn == 65:
                    ops.append(Op("qr_model", (body[2] - 48,), offset=i))
                elif fn == 67:
                    ops.append(Op("qr_size", (body[2],), offset=i))
                elif fn == 69:
                    ops.append(Op("qr_ec", (body[2] - 48,), offset=i))
                elif fn == 80:
                    ops.append(Op("qr_store", data=body[3:], offset=i))
                elif fn == 81:
                    ops.append(Op("qr_print", offset=i))
                else:
                    ops.append(Op("unknown", (b, c, fn), offset=i, raw=data[i : i + 5 + ln]))
                i += 5 + ln
            elif c == 0x76 and i + 2 < n and data[i + 2] == 0x30:  # GS v 0 m xL xH yL yH
                hdr = _need(data, i + 3, 5)
                wb = hdr[1] + 256 * hdr[2]
                h = hdr[3] + 256 * hdr[4]
                body = _need(data, i + 8, wb * h)
                ops.append(Op("raster", (wb * 8, h, hdr[0]), data=body, offset=i))
                i += 8 + wb * h
            else:
                ops.append(Op("unknown", (b, c), offset=i, raw=data[i : i + 2]))
                i += 2
        else:
            ops.append(Op("unknown", (b,), offset=i, raw=bytes([b])))
            i += 1
        ops[-1].raw = ops[-1].raw or data[start:i]
    flush_text()
    return ops
