"""Login and screen lock (issue 8 §1).

The login screen comes first once any operator account exists. The lock screen covers the
screens of the session without touching them (it is pushed on top, and popped on unlock), so
a half-typed intake is exactly where it was. Only the operator of the session can unlock it:
another operator at the lock screen is refused (they may end the session with Ctrl+Q, which
asks before discarding an intake in progress) — a session is never taken over silently.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Static

from app.messages import t
from app.ui.widgets.keys import KeyFooter


class LoginScreen(Screen):
    """Name and password; Enter in the password field logs in (checked in a thread)."""

    BINDINGS = [Binding("f2", "focus_name", t("key.login_name"))]
    AUTO_FOCUS = "#login-name"

    def __init__(self) -> None:
        super().__init__(id="login")
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog login-box"):
            yield Static(Text(t("login.title")), classes="dialog-title")
            yield Static(Text(t("login.office", office=self.app.ws.config.get("office.name"))))
            yield Input(placeholder=t("login.name"), id="login-name", max_length=32)
            yield Input(placeholder=t("login.password"), id="login-password", password=True, max_length=200)
            yield Static("", id="login-message")
            yield Static(Text(t("login.hint"), style="dim"))
        yield KeyFooter()

    def action_focus_name(self) -> None:
        self.query_one("#login-name", Input).focus()

    @on(Input.Submitted, "#login-name")
    def _name_done(self) -> None:
        self.query_one("#login-password", Input).focus()

    @on(Input.Submitted, "#login-password")
    def _submit(self) -> None:
        if self.busy:
            return
        name = self.query_one("#login-name", Input).value
        password = self.query_one("#login-password", Input).value
        if not name.strip():
            self.say(t("login.need_name"), "red")
            self.action_focus_name()
            return
        self.busy = True
        self.say(t("login.checking"), "dim")
        self._check(name, password)

    @work(thread=True, group="login", exclusive=True)
    def _check(self, name: str, password: str) -> None:
        from app.services.operators import OperatorError, login

        try:
            session = login(self.app.ws, name, password)
        except OperatorError as exc:
            self.app.call_from_thread(self._refused, str(exc))
            return
        except Exception as exc:  # noqa: BLE001  (the store cannot be opened: say so)
            self.app.call_from_thread(self._refused, t("error.store", error=exc))
            return
        self.app.call_from_thread(self._accepted, session)

    def _refused(self, message: str) -> None:
        self.busy = False
        field = self.query_one("#login-password", Input)
        field.value = ""
        field.focus()
        self.app.bell()
        self.say(message, "red")

    def _accepted(self, session) -> None:
        self.busy = False
        self.app.gates.logged_in(session)

    def say(self, text: str, style: str = "") -> None:
        self.query_one("#login-message", Static).update(Text(text, style=style))


class LockScreen(Screen):
    """Covers the session; the same operator's password unlocks it."""

    AUTO_FOCUS = "#lock-password"

    def __init__(self, name: str) -> None:
        super().__init__(id="lock")
        self.operator_name = name
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog login-box"):
            yield Static(Text(t("lock.title")), classes="dialog-title")
            yield Static(Text(t("lock.body", name=self.operator_name)), id="lock-body")
            yield Input(
                placeholder=t("lock.password", name=self.operator_name), id="lock-password", password=True
            )
            yield Static("", id="lock-message")
            yield Static(Text(t("lock.hint", name=self.operator_name), style="dim"))
        yield KeyFooter()

    @on(Input.Submitted, "#lock-password")
    def _submit(self, event: Input.Submitted) -> None:
        if self.busy:
            return
        self.busy = True
        self.say(t("login.checking"), "dim")
        self._check(event.value)

    @work(thread=True, group="unlock", exclusive=True)
    def _check(self, password: str) -> None:
        from app.services.operators import OperatorError, login

        try:  # the same rule as at login: wrong passwords count towards the account's lock
            session = login(self.app.ws, self.operator_name, password)
        except OperatorError as exc:
            self.app.call_from_thread(self._refused, str(exc))
            return
        except Exception as exc:  # noqa: BLE001  (the store busy or failing: say so, keep the session)
            self.app.call_from_thread(self._refused, t("error.store", error=exc))
            return
        self.app.call_from_thread(self._accepted, session)

    def _refused(self, message: str) -> None:
        self.busy = False
        field = self.query_one("#lock-password", Input)
        field.value = ""
        self.app.bell()
        self.say(message, "red")

    def _accepted(self, session) -> None:
        self.busy = False
        self.app.gates.unlocked(session)

    def say(self, text: str, style: str = "") -> None:
        self.query_one("#lock-message", Static).update(Text(text, style=style))
