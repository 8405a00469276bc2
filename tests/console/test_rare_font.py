"""A name with a rare character is drawn, not boxed, on a PC with only the usual fonts (issue 18:
`𠀾小明` showed as □□□). Chromium is given Debian's default fonts only (DejaVu, Liberation: no
CJK Extension B), so without the hub's web font 𠀾 is drawn as the .notdef box.
The test reads the glyph's pixels: 𠀾 in the page must differ from the box of a code point no
font has, and the font slice is fetched only by a page that shows a rare character."""

from __future__ import annotations

import io
import os
import time
from datetime import UTC, date, datetime

import pytest
from PIL import Image, ImageChops

from tests.browsers import CHROMIUM, chromium, login, new_page
from tests.hubs import OFFICE, SCJG, WSID, XZSP
from tests.sync.helpers import case_events, number, push

pytestmark = pytest.mark.slow  # a hub process and a browser

RARE = "\U0002003e"  # 𠀾, CJK Extension B
NOWHERE = "\U0003fffd"  # a code point no font has: drawn as the .notdef box


@pytest.fixture(scope="module")
def plain_browser(tmp_path_factory):
    """Chromium that sees Debian's default fonts only (DejaVu, Liberation), whatever else this
    machine has installed (ensure_chromium.sh adds a Chinese font for the screenshots)."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed")
    root = tmp_path_factory.mktemp("fontconfig")
    conf = root / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        "<dir>/usr/share/fonts/truetype/dejavu</dir><dir>/usr/share/fonts/truetype/liberation</dir>"
        f"<cachedir>{root}/cache</cachedir></fontconfig>"
    )
    yield from chromium(env={**os.environ, "FONTCONFIG_FILE": str(conf)})


@pytest.fixture
def page(plain_browser, request):
    yield from new_page(plain_browser, request)


def _glyph(page, text: str) -> Image.Image:
    """``text`` drawn large in the page's own font stack, as a black-and-white bitmap."""
    page.evaluate(
        """t => { const s = document.createElement('span'); s.id = 'probe'; s.textContent = t;
                  s.style.fontSize = '96px'; s.style.lineHeight = '1'; s.style.padding = '4px';
                  document.querySelector('#applicant').appendChild(s); }""",
        text,
    )
    probe = page.locator("#probe")
    png = probe.screenshot()
    page.evaluate("document.getElementById('probe').remove()")
    return Image.open(io.BytesIO(png)).convert("L").point(lambda v: 255 if v > 128 else 0)


def _ink(img: Image.Image) -> int:
    return img.histogram()[0]  # black dots (the bitmap is 0 or 255)


def _differ(one: Image.Image, other: Image.Image) -> int:
    """Dots that differ, the two bitmaps laid on a common canvas (their widths may differ)."""
    w, h = max(one.width, other.width), max(one.height, other.height)
    a, b = Image.new("L", (w, h), 255), Image.new("L", (w, h), 255)
    a.paste(one, (0, 0))
    b.paste(other, (0, 0))
    return _ink(ImageChops.invert(ImageChops.difference(a, b)))


def test_a_rare_character_of_a_name_is_drawn_not_boxed(console_hub, page, request):
    hub = console_hub
    num = number(1, OFFICE, WSID, date.today())
    events = case_events(num, office=OFFICE, ws=WSID, subject="320724-SCJG-0001")
    now = datetime.now(UTC).isoformat(timespec="milliseconds")
    for e in events:
        e["at"] = now
    events[1]["p"]["applicant"]["name"] = RARE + "小明"
    assert push(hub.url, hub.token("workstation", OFFICE, WSID), events).json()["ok"] == 2
    hub.add_user("管理员", "admin", depts=(SCJG, XZSP))

    fonts: list[str] = []
    page.on("request", lambda r: fonts.append(r.url) if "/console/fonts/rare-" in r.url else None)
    login(page, hub, "管理员")
    page.goto(hub.console("/"))
    page.wait_for_load_state("networkidle")
    assert fonts == []  # no rare character on the page: no font fetched

    # (not waiting for "load": the page's load waits for the font, cut on this first request)
    page.goto(hub.console(f"/cases/{num}"), wait_until="domcontentloaded")
    assert RARE + "小明" in page.locator("#applicant").inner_text()
    # the page itself asks for the slice holding 𠀾 (its first cut takes a few seconds): wait
    # until the glyph is drawn, then compare it with the box
    deadline = time.monotonic() + 60
    while True:
        rare, box = _glyph(page, RARE), _glyph(page, NOWHERE)
        differ = _differ(rare, box)
        if differ > 0.5 * _ink(box) or time.monotonic() > deadline:
            break
        page.wait_for_timeout(500)
    assert _ink(rare) > 400, _ink(rare)  # something is drawn
    # the box's outline is a few hundred dots; a different glyph differs in most of them
    assert differ > 0.5 * _ink(box), (differ, _ink(box), _ink(rare))
    assert len(fonts) == 1 and "/console/fonts/rare-" in fonts[0], fonts
    rare.save(request.config.rootpath / "tests" / "artefacts" / "console" / "rare_glyph.png")
    box.save(request.config.rootpath / "tests" / "artefacts" / "console" / "notdef_glyph.png")
