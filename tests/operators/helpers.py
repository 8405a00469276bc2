"""Pilot helpers for operators: log in through the screen, record what the app says."""

from __future__ import annotations

from textual.widgets import Input

from app.services.operators import add_operator
from app.ui.screens.login import LockScreen, LoginScreen
from tests.ui.test_intake_flow import wait_for

PASSWORD = "window-pass-1"


def make_operators(ws, *pairs: tuple[str, str]) -> None:
    for name, role in pairs:
        add_operator(ws, name, role, PASSWORD, actor="test")


def said(app) -> list[str]:
    """Every message the app shows from now on (toasts), in order."""
    out: list[str] = []
    notify = app.notify

    def recorded(message, **kw):
        out.append(str(message))
        notify(message, **kw)

    app.notify = recorded
    return out


async def log_in(app, pilot, name: str, password: str = PASSWORD) -> None:
    await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen))
    screen = app.screen
    screen.query_one("#login-name", Input).value = name
    screen.query_one("#login-password", Input).value = password
    screen.query_one("#login-password", Input).focus()
    await pilot.press("enter")
    await wait_for(pilot, lambda: not isinstance(app.screen, LoginScreen) or not app.screen.busy, timeout=40)


async def unlock(app, pilot, password: str = PASSWORD) -> None:
    screen = app.screen
    assert isinstance(screen, LockScreen)
    field = screen.query_one("#lock-password", Input)
    field.value = password
    field.focus()
    await pilot.press("enter")
    await wait_for(pilot, lambda: not isinstance(app.screen, LockScreen) or not app.screen.busy, timeout=40)


def footer_keys(app) -> set[str]:
    return {key for key, b in app.screen.active_bindings.items() if b.binding.show}
