"""may(app, action): the one question a screen asks about the role at the keyboard.

It sits below the screens and the gatekeeper (app.ui.gates) alike: the gatekeeper opens the
home screen, so a screen importing the gatekeeper for this question would close a cycle.
"""

from __future__ import annotations


def may(app, action: str) -> bool:
    """May the person at this app's keyboard do `action`? An app without sessions (a test
    frame hosting one screen) decides nothing: everything is allowed there."""
    check = getattr(app, "may", None)
    return True if check is None else bool(check(action))
