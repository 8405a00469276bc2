"""A web font for the rare characters of names (issue 18: `𠀾小明` drawn as boxes on a PC with only
the usual fonts).

The source is the font the receipts already ship (printing/fonts, a subset of Noto Sans CJK SC
under the SIL OFL 1.1, renamed as the OFL asks); its CJK Extension A, Extension B–F and
compatibility ideographs are served in slices of ``SLICE`` characters, each declared with its
``unicode-range`` in /console/fonts/rare.css: a browser fetches a slice only when a page shows
one of its characters and no earlier font in the console's font list has it, so a PC with
usual fonts loads nothing for ordinary names and a few tens of kilobytes for a rare one.

A slice is cut from the source on first request (fontTools) and kept in the hub's data folder,
named by the source's digest, so a new source font is never mixed with old slices.
"""

from __future__ import annotations

import hashlib
import io
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sync.hub.console import web

FAMILY = "Yichuang Rare"
SLICE = 256  # characters per slice: a rare name costs one or two slices of ~60 kB


def _rare(cp: int) -> bool:
    """Characters an office PC's usual fonts (GBK-era) often lack: CJK Extension A, the
    compatibility ideographs, and everything from Extension B on."""
    return 0x3400 <= cp <= 0x4DBF or 0xF900 <= cp <= 0xFAFF or cp >= 0x20000


def source() -> Path:
    from printing.fonts import FONT_PATH

    return Path(FONT_PATH)


@dataclass(frozen=True)
class Plan:
    digest: str  # of the source font
    slices: tuple[tuple[int, ...], ...]  # the code points of each slice, ascending


@lru_cache(maxsize=2)
def _plan(path: Path, stamp: tuple[int, int]) -> Plan:
    from fontTools.ttLib import TTFont

    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    cps = sorted(cp for cp in TTFont(str(path), lazy=True).getBestCmap() if _rare(cp))
    return Plan(digest, tuple(tuple(cps[i : i + SLICE]) for i in range(0, len(cps), SLICE)))


def plan() -> Plan:
    path = source()
    st = path.stat()
    return _plan(path, (st.st_size, st.st_mtime_ns))


def ranges(cps: tuple[int, ...]) -> str:
    """A slice's code points as a CSS unicode-range (runs of consecutive code points joined)."""
    out: list[str] = []
    start = prev = cps[0]
    for cp in (*cps[1:], -1):
        if cp == prev + 1:
            prev = cp
            continue
        out.append(f"U+{start:X}" if start == prev else f"U+{start:X}-{prev:X}")
        start = prev = cp
    return ", ".join(out)


def stylesheet() -> str:
    p = plan()
    faces = [
        f'@font-face {{ font-family: "{FAMILY}"; src: url({web.url(f"/fonts/rare-{p.digest}-{i}.woff")})'
        f' format("woff"); font-display: swap; unicode-range: {ranges(cps)}; }}'
        for i, cps in enumerate(p.slices)
    ]
    return "\n".join(faces) + "\n"


_lock = threading.Lock()


def _subset(path: Path, cps: tuple[int, ...], flavor: str | None) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(str(path))
    opts = subset.Options()
    opts.layout_features = []
    opts.hinting = False
    opts.name_IDs = ["*"]  # the copyright and the OFL notice travel with every slice
    opts.name_languages = ["*"]
    opts.notdef_outline = True
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=cps)
    sub.subset(font)
    font.flavor = flavor
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def slice_bytes(cache: Path, index: int) -> bytes | None:
    """Slice ``index`` as WOFF, cut once and kept in ``cache``; None when there is no such slice."""
    p = plan()
    if not 0 <= index < len(p.slices):
        return None
    path = cache / f"rare-{p.digest}-{index}.woff"
    if path.is_file():
        return path.read_bytes()
    with _lock:  # one cut at a time: a page asking for five slices does not load the source five times
        if path.is_file():
            return path.read_bytes()
        # straight from the source (a few seconds); cutting the whole rare set first costs a minute
        data = _subset(source(), p.slices[index], "woff")
        cache.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
        return data


CACHE_HEADERS = {"Cache-Control": "public, max-age=31536000, immutable", "X-Content-Type-Options": "nosniff"}


async def css(request: Request) -> Response:
    text = await run_in_threadpool(stylesheet)
    return Response(text, media_type="text/css", headers={"Cache-Control": "no-cache"})


async def font(request: Request) -> Response:
    digest, _, index = request.path_params["name"].rpartition("-")
    if digest != plan().digest or not index.isdigit() or len(index) > 4:
        return Response(status_code=404)
    data = await run_in_threadpool(slice_bytes, web.ctx(request).data_dir / "fonts", int(index))
    if data is None:
        return Response(status_code=404)
    return Response(data, media_type="font/woff", headers=CACHE_HEADERS)


def routes() -> list[Route]:
    return [
        Route("/fonts/rare.css", css, methods=["GET"]),
        Route("/fonts/rare-{name}.woff", font, methods=["GET"]),
    ]
