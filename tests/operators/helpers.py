"""Pilot helpers for operators: log in through the screen, record what the app says."""

from __future__ import annotations

from textual.widgets import Input

from app.ui.screens.login import LockScreen, LoginScreen
from tests.ui.test_intake_flow import wait_for

PASSWORD = "window-pass-1"


def make_operators(ws, *pairs: tuple[str, str], password: str = PASSWORD) -> None:
    """Accounts of any role in the window's store, as a hub sends them down (supervisors and
    admins are made only at the hub; a window's own add makes clerks and couriers)."""
    from app.domain.accounts import new_key
    from app.services import operators

    start = operators.pulled_cursor(ws)
    down = [
        {
            "name": name,
            "role": role,
            "hash": "",
            "key": new_key(password)[0],
            "disabled": False,
            "office": ws.office_code,
            "rev": start + i,
        }
        for i, (name, role) in enumerate(pairs, 1)
    ]
    operators.apply_pulled(ws, down, start + len(pairs))


def said(app) -> list[str]:
    """Every message the app shows from now on (toasts), in order."""
    out: list[str] = []
    notify = app.notify

    def recorded(message, **kw):
        out.append(str(message))
        notify(message, **kw)

    app.notify = recorded
    return out


def keys_landed(app) -> bool:
    """The keys pressed have been handled: none is held by the window's type-ahead (a key that
    arrives while the window is busy waits there, after `pilot.press` has returned) and no
    message is pending anywhere on the screen."""
    typeahead = app.typeahead
    return not typeahead.held and typeahead.settled()


async def log_in(app, pilot, name: str, password: str = PASSWORD) -> None:
    await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen))
    screen = app.screen
    screen.query_one("#login-name", Input).value = name
    screen.query_one("#login-password", Input).value = password
    screen.query_one("#login-password", Input).focus()
    await pilot.press("enter")
    await wait_for(
        pilot,
        lambda: keys_landed(app) and (not isinstance(app.screen, LoginScreen) or not app.screen.busy),
        timeout=40,
    )


async def unlock(app, pilot, password: str = PASSWORD) -> None:
    screen = app.screen
    assert isinstance(screen, LockScreen)
    await wait_for(pilot, lambda: bool(screen.query("#lock-password")))  # pushed, maybe not yet composed
    field = screen.query_one("#lock-password", Input)
    field.value = password
    field.focus()
    await pilot.press("enter")
    await wait_for(
        pilot,
        lambda: keys_landed(app) and (not isinstance(app.screen, LockScreen) or not app.screen.busy),
        timeout=40,
    )


def footer_keys(app) -> set[str]:
    return {key for key, b in app.screen.active_bindings.items() if b.binding.show}
