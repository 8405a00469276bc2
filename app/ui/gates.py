"""Who is at the keyboard and what their role lets them do (issue 8 §1): the login, the role
gates (app.domain.roles), the idle lock and the lock key, for the window (app.ui.app).

Screens ask through may(app, action) (app.ui.permission: below both, since the gatekeeper opens
the home screen); the window's own keys carry their permission in the registry
(app.ui.screens.registry), a screen's keys in its ROLE_GATES.
"""

from __future__ import annotations

import time

from rich.text import Text

from app.messages import t
from app.ui.screens.intake import IntakeScreen


class Gatekeeper:
    """The window's session: login screen or demo clerk, role checks, screen lock."""

    def __init__(self, app) -> None:
        self.app = app
        self.ws = app.ws
        self.needs_login = False  # accounts exist: nothing works until someone logs in
        self.locked = False
        self.last_input = time.monotonic()
        self._idle_timer = None

    @property
    def closed(self) -> bool:
        """Nobody may act: the login screen is up, or the screen is locked."""
        return self.locked or (self.needs_login and self.ws.operator is None)

    def begin(self) -> None:
        """The login screen when accounts exist; else the demo's configured clerk, said so."""
        from app.services.operators import any_operators

        # the store's key, when it is encrypted, was asked for before the window opened
        self.needs_login = any_operators(self.ws.config.db_path, self.ws.resolved_key)
        if self.needs_login:
            from app.ui.screens.login import LoginScreen

            self.app.push_screen(LoginScreen())
            return
        self.app.set_status(
            "operator",
            Text(t("status.demo", name=self.ws.clerk), style="yellow"),
            short=Text(t("status.demo_short", name=self.ws.clerk), style="yellow"),
        )
        self.open_home()

    def open_home(self) -> None:
        app = self.app
        app.push_screen(IntakeScreen())  # the home of every role (without intake it says so)
        if (app.start == "courier" or not self.may("intake")) and self.may("courier"):
            app.action_open("courier")
        elif app.start == "courier":  # `yichuang courier` by a role without the courier screen
            self.refuse("courier")

    # --- the role's permissions ------------------------------------------------------------
    def may(self, action: str) -> bool:
        """May the person at the keyboard do `action` (app.domain.roles)? The demo's clerk
        (no accounts) may do the window's business, not the administrator's."""
        from app.domain.roles import allowed

        if self.closed:
            return False
        op = self.ws.operator
        return allowed(op.role if op is not None else None, action)

    def refuse(self, action: str) -> None:
        """Say why an action is not available to this role (bell and a message)."""
        op = self.ws.operator
        role = t(f"role.{op.role}") if op is not None and op.role else t("role.demo")
        self.app.bell()
        self.app.notify(
            t("role.refused", role=role, action=t(f"action.{action}")),
            severity="warning",
            timeout=6,
        )

    def gate_of(self, node, action: str) -> str | None:
        """The permission an action of `node` (the app or a screen) needs, if any."""
        from app.ui.screens.registry import find

        if node is self.app:
            entry = find(self.app.KEYS, action)
            return entry.gate if entry is not None else None
        gates = getattr(node, "ROLE_GATES", None) or {}
        return gates.get(action.split("(", 1)[0])

    def refused_key(self, key: str) -> str | None:
        """The permission missing for `key` on the current screen, if the key is one of ours."""
        if self.closed:
            return None
        try:
            chain = self.app.screen._modal_binding_chain
        except Exception:  # noqa: BLE001  (no screen yet)
            return None
        for node, bindings in chain:
            for binding in bindings.key_to_bindings.get(key, ()):
                gate = self.gate_of(node, binding.action)
                if gate is not None:
                    return None if self.may(gate) else gate
        return None

    # --- login and the lock ------------------------------------------------------------------
    def logged_in(self, session) -> None:
        """The login screen accepted `session`: its home screen, its name on the status line."""
        self.ws.operator = session
        self._show_operator()
        self.app.pop_screen()
        self.open_home()
        if self._idle_timer is None:
            self.last_input = time.monotonic()
            self._idle_timer = self.app.set_interval(1.0, self._check_idle)

    def unlocked(self, session) -> None:
        from app.ui.screens.login import LockScreen

        self.ws.operator = session  # the same person; the role as the store has it now
        self.locked = False
        self.last_input = time.monotonic()
        self._show_operator()
        if isinstance(self.app.screen, LockScreen):
            self.app.pop_screen()

    def _show_operator(self) -> None:
        op = self.ws.operator
        self.app.set_status(
            "operator", t("status.operator", name=op.name, role=t(f"role.{op.role}")), short=op.name
        )

    def touched(self) -> None:
        """A key or a click: the idle lock counts from now."""
        if not self.locked:
            self.last_input = time.monotonic()

    def idle_limit(self) -> float:
        """ui.lock_after: seconds without a key before the screen locks (0: never)."""
        try:
            return float(self.ws.config.get("ui.lock_after") or 0)
        except (TypeError, ValueError):
            return 600.0

    def _check_idle(self) -> None:
        limit = self.idle_limit()
        if not self.locked and self.ws.operator is not None and limit > 0:
            if time.monotonic() - self.last_input >= limit:
                self.lock()

    def lock(self) -> None:
        """Cover the session (whatever is on screen stays as it is beneath)."""
        from app.ui.screens.login import LockScreen

        if self.locked or self.ws.operator is None:
            return
        self.locked = True
        self.app.push_screen(LockScreen(self.ws.operator.name))

    def still_allowed(self) -> None:
        """After a sync (in its thread): an account disabled at the hub locks the screen, and
        the lock screen refuses it."""
        op = self.ws.operator
        if op is None:
            return
        from app.services.operators import check_still_allowed

        try:
            gone = check_still_allowed(self.ws, op)
        except Exception:  # noqa: BLE001  (the store is busy: next cycle)
            return
        if gone:
            try:
                self.app.call_from_thread(self.lock)
            except RuntimeError:  # the app is closing
                pass
