"""Browser tests of the back office console: a real hub process (the `console_hub` fixture,
tests/conftest.py) and Debian's chromium (tests/browsers.py)."""

from __future__ import annotations

import pytest

from tests.browsers import chromium, new_page


@pytest.fixture(scope="package")  # gone before the async tests of other packages run
def browser():
    yield from chromium()


@pytest.fixture
def page(browser, request):
    yield from new_page(browser, request)
