"""The role check as screens ask it (app.domain.roles through the app's session)."""

from __future__ import annotations


def may(app, action: str) -> bool:
    """May the person at this app's keyboard do `action`? An app without sessions (a test
    frame hosting one screen) decides nothing: everything is allowed there."""
    check = getattr(app, "may", None)
    return True if check is None else bool(check(action))
