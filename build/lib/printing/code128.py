"""CODE128 for case numbers: code sets B and C, switched so digit runs take half the width.

``escpos_data`` gives the data bytes of ``GS k 73`` (``{B``/``{C`` select code sets, set C
data are binary pair values), ``modules`` the bar pattern (1 = bar) the printer makes of
them, used for raster barcodes and by the preview.
"""

from __future__ import annotations

from barcode.charsets.code128 import CODES  # the 106 symbol patterns of ISO/IEC 15417

STOP = "1100011101011"
START_B, START_C, CODE_B, CODE_C = 104, 105, 100, 99


def encodable(text: str) -> bool:
    return bool(text) and all(32 <= ord(c) < 127 for c in text)


def _plan(text: str) -> list[tuple[str, str]]:
    """Split into (set, chunk) with set "B" or "C"."""
    out: list[tuple[str, str]] = []
    i, n = 0, len(text)
    while i < n:
        j = i
        while j < n and text[j].isdigit():
            j += 1
        run = j - i
        at_edge = i == 0 or j == n
        if run >= 6 or (run >= 4 and at_edge) or (run >= 2 and i == 0 and j == n):
            if run % 2:
                # The odd digit goes with set B: at the end when the run starts the
                # text, else at the start.
                if i == 0:
                    out.append(("C", text[i : j - 1]))
                    out.append(("B", text[j - 1]))
                else:
                    out.append(("B", text[i]))
                    out.append(("C", text[i + 1 : j]))
            else:
                out.append(("C", text[i:j]))
            i = j
            continue
        k = max(j, i + 1)
        out.append(("B", text[i:k]))
        i = k
    merged: list[tuple[str, str]] = []
    for s, chunk in out:
        if merged and merged[-1][0] == s:
            merged[-1] = (s, merged[-1][1] + chunk)
        else:
            merged.append((s, chunk))
    return merged


def values(text: str) -> list[int]:
    """Symbol values including start and check (without stop)."""
    if not encodable(text):
        raise ValueError("CODE128 here takes printable ASCII only")
    plan = _plan(text)
    vals: list[int] = []
    for idx, (s, chunk) in enumerate(plan):
        if idx == 0:
            vals.append(START_C if s == "C" else START_B)
        else:
            vals.append(CODE_C if s == "C" else CODE_B)
        if s == "C":
            vals.extend(int(chunk[k : k + 2]) for k in range(0, len(chunk), 2))
        else:
            vals.extend(ord(c) - 32 for c in chunk)
    check = vals[0] + sum(i * v for i, v in enumerate(vals[1:], start=1))
    vals.append(check % 103)
    return vals


def modules_from_values(vals: list[int]) -> str:
    return "".join(CODES[v] for v in vals) + STOP


def modules(text: str) -> str:
    return modules_from_values(values(text))


def escpos_data(text: str) -> bytes:
    """Data for ``GS k 73 n d1..dn``."""
    out = bytearray()
    for s, chunk in _plan(text):
        if s == "C":
            out += b"{C" + bytes(int(chunk[k : k + 2]) for k in range(0, len(chunk), 2))
        else:
            out += b"{B" + chunk.replace("{", "{{").encode("ascii")
    return bytes(out)


def parse_escpos_data(data: bytes) -> tuple[list[int], str]:
    """Inverse of :func:`escpos_data`: (values with start and check, human-readable text)."""
    vals: list[int] = []
    text = []
    cur = None
    i = 0
    while i < len(data):
        b = data[i]
        if b == 0x7B and i + 1 < len(data):  # '{'
            nxt = data[i + 1]
            if nxt in (0x41, 0x42, 0x43):  # {A {B {C
                s = chr(nxt)
                if cur is None:
                    vals.append({"A": 103, "B": START_B, "C": START_C}[s])
                else:
                    vals.append({"A": 101, "B": CODE_B, "C": CODE_C}[s])
                cur = s
                i += 2
                continue
            if nxt == 0x7B and cur in ("A", "B"):
                vals.append(ord("{") - 32)
                text.append("{")
                i += 2
                continue
        if cur == "C":
            vals.append(b)
            text.append(f"{b:02d}")
        elif cur in ("A", "B"):
            vals.append(b - 32 if b >= 32 else b + 64)
            text.append(chr(b))
        else:
            raise ValueError("CODE128 data must start with a code set selector")
        i += 1
    if not vals:
        raise ValueError("empty CODE128 data")
    check = vals[0] + sum(i * v for i, v in enumerate(vals[1:], start=1))
    vals.append(check % 103)
    return vals, "".join(text)
