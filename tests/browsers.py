"""Debian's chromium, headless, driven by Playwright (never a downloaded browser build: `make test`
installs the package), for the back office console's tests in every package.

Playwright's sync API must be gone before an asyncio (Textual pilot) test runs in the same
thread, so each package or module opens its own browser with `chromium()` in a fixture scoped to
it (tests/console/conftest.py: the package; a console test elsewhere: its module), never the
session. Screenshots go to tests/artefacts/console/ (gitignored): one per test at its end, and
any the test takes with ``shot(page, name)``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

from tests.hubs import PASSWORD
from tests.parts import require_or_skip

CHROMIUM = Path("/usr/bin/chromium")
ARTEFACTS = Path(__file__).resolve().parent / "artefacts" / "console"


_driver: list = []  # [Playwright, users]: one sync driver per thread, shared by nested scopes


def _playwright():
    """The worker's Playwright driver, started on first use. Two sync drivers cannot live in one
    thread (the first one's event loop counts as running), so a module's own browser opened
    while the package's is open shares the package's driver."""
    if not _driver:
        from playwright.sync_api import sync_playwright

        _driver[:] = [sync_playwright().start(), 0]
    _driver[1] += 1
    return _driver[0]


def _release() -> None:
    """Stop the driver when its last browser closes: the asyncio (Textual pilot) tests that run
    next in this thread need no loop counted as running."""
    _driver[1] -= 1
    if _driver[1] == 0:
        pw = _driver[0]
        _driver.clear()
        pw.stop()


def chromium(env: dict | None = None) -> Iterator:
    """A launched browser for a fixture to yield (skipped, or failed under CI, when missing)."""
    if not CHROMIUM.exists():
        require_or_skip("Debian's chromium is not installed (run sync/tools/ensure_chromium.sh)")
    pw = _playwright()
    try:
        # --no-sandbox: the tests run as root in a container, where chromium's sandbox cannot start
        kw = {"env": env} if env is not None else {}
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"], **kw)
        try:
            yield b
        finally:
            b.close()
    finally:
        _release()


def new_page(browser, request, width: int = 1280, height: int = 900) -> Iterator:
    """A page in a fresh context (zh-CN), screenshotted under the test's name at its end."""
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height})
    context.set_default_timeout(15_000)
    p = context.new_page()
    try:
        yield p
        with suppress(Exception):  # a page the test left broken: its own failure says why
            shot(p, request.node.name)
    finally:
        context.close()


def shot(page, name: str) -> Path:
    """A full-page screenshot kept as a test artefact."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def login(page, hub, name: str, password: str = PASSWORD) -> None:
    """Log in through the form, as a person would (keyboard: type, Enter)."""
    page.goto(hub.console("/login"))
    page.fill("#name", name)
    page.fill("#password", password)
    page.press("#password", "Enter")
    page.wait_for_load_state()
