"""Servers and browsers the tests need: skipped where missing, except under CI."""

from __future__ import annotations

import os

import pytest


def require_or_skip(reason: str) -> None:
    """Skip a test whose server or browser is missing; under CI (`CI=true`) fail instead, so a
    green run cannot hide a missing install step."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason} (CI=true: missing parts fail, they are not skipped)")
    pytest.skip(reason)
