"""Browser tests of the back office console: a real hub process and Debian's chromium, headless,
driven by Playwright (never a downloaded browser build: `make test` installs the package).

Screenshots go to tests/artefacts/console/ (gitignored): one per test at its end, and any the
test takes with ``shot(page, name)``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.hubs import HubProcess
from tests.parts import require_or_skip

CHROMIUM = Path("/usr/bin/chromium")
ARTEFACTS = Path(__file__).resolve().parents[1] / "artefacts" / "console"
PASSWORD = "Secret-pass1"
SCJG = "320724-SCJG"  # 市场监管局 in the demo catalogue
XZSP = "320724-XZSP"  # 行政审批局


class ConsoleHub(HubProcess):
    """A hub process with helpers to make console users on its database."""

    def add_user(self, name: str, role: str = "backoffice", password: str = PASSWORD, depts=(SCJG,)):
        from sync.hub.console_store import ConsoleStore

        st = self.store()
        try:
            return ConsoleStore(st).add_user(name, role, password, list(depts))
        finally:
            st.close()

    def user(self, name: str):
        from sync.hub.console_store import ConsoleStore

        st = self.store()
        try:
            return ConsoleStore(st).user_by_name(name)
        finally:
            st.close()

    def console(self, path: str = "/") -> str:
        return f"{self.url}/console{path}"


@pytest.fixture
def console_hub(tmp_path: Path):
    h = ConsoleHub(tmp_path / "hub").start()
    yield h
    h.stop()


@pytest.fixture(scope="package")  # gone before the async tests of other packages run
def browser():
    if not CHROMIUM.exists():
        require_or_skip("Debian's chromium is not installed (run sync/tools/ensure_chromium.sh)")
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    # --no-sandbox: the tests run as root in a container, where chromium's sandbox cannot start
    b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
    yield b
    b.close()
    pw.stop()


def shot(page, name: str) -> Path:
    """A full-page screenshot kept as a test artefact."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def page(browser, request):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    p = context.new_page()
    yield p
    try:
        shot(p, request.node.name)
    finally:
        context.close()


def login(page, hub: ConsoleHub, name: str, password: str = PASSWORD) -> None:
    """Log in through the form, as a person would (keyboard: type, Enter)."""
    page.goto(hub.console("/login"))
    page.fill("#name", name)
    page.fill("#password", password)
    page.press("#password", "Enter")
    page.wait_for_load_state()
