"""The Textual app: a thin frame that owns the workstation and hands each job to its part.

keys and screens    app.ui.screens.registry (one line per key: screen, permission, footer text)
login, roles, lock  app.ui.gates
background work     app.ui.background (the supervisor) running app.ui.jobs (store, index,
                    catalogue, spool, sync, backup, scanner, follow-ups)
after a decision    app.ui.reactions (spool, sync, held scans, the rating ask), called by the
                    screen that decided
好差评               app.ui.rating, with the counter terminal's side in app.ui.counter_watch
"""

from __future__ import annotations

import time
from pathlib import Path

from rich.text import Text
from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive

from app.messages import t
from app.ui.background import Background
from app.ui.gates import Gatekeeper
from app.ui.jobs import WindowJobs
from app.ui.rating import RatingFlow
from app.ui.screens import registry
from app.ui.screens.intake import IntakeScreen
from app.ui.typeahead import TypeAhead, as_enter

# The first screen's stylesheet, read with the app's own: a screen bringing a stylesheet the
# app has not read makes Textual parse every stylesheet again as it opens (start-up time).
FIRST_SCREEN_CSS = (Path(__file__).parent / "screens" / IntakeScreen.CSS_PATH).resolve()

# The status line's parts, left to right, whichever is set first (unknown parts follow).
STATUS_PARTS = ("store", "operator", "catalogue", "printer", "sync", "scanner", "followups", "backup")


class YichuangApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "yichuang"
    KEYS = registry.WINDOW  # the window's screens, the lock and the rating, with their permissions
    BINDINGS = [
        Binding(
            "f1", "show_keys", t("key.help"), tooltip=t("key.help_full"), priority=True
        ),  # lists every key
        Binding("ctrl+q", "quit_safely", t("key.quit"), priority=True),
        *registry.bindings(KEYS),
    ]
    ENABLE_COMMAND_PALETTE = False  # every action has its own key; no English palette

    status_text: reactive[str] = reactive("")

    def __init__(self, ws, *, start: str = "intake", **kw) -> None:
        own = self.CSS_PATH if isinstance(self.CSS_PATH, list) else [self.CSS_PATH]
        kw.setdefault("css_path", [*own, FIRST_SCREEN_CSS])
        super().__init__(**kw)
        self.ws = ws
        self.start = start  # "courier": `yichuang courier` opens on the courier screen
        self.started = time.perf_counter()
        # set by the window's jobs (app.ui.jobs) as they come up
        self.index = None  # app.domain.search.SearchIndex, once loaded
        self.sync_runner = None  # app.services.sync.runner.SyncRunner, once the store is open
        self.scan_feed = None  # app.ui.screens.scans.ScanFeed, once the store is open
        self._status: dict[str, Text] = {part: Text("") for part in STATUS_PARTS}
        self._status["store"] = Text(t("status.store_opening"))
        self._status_short: dict[str, Text] = {}
        self._scans = None  # app.ui.screens.handover.ScanWatcher, once the store is open
        self.background = Background(self)
        self.jobs = WindowJobs(self, self.background)
        self.gates = Gatekeeper(self)
        self.rating = RatingFlow(self)
        self.typeahead = TypeAhead(self)  # keys typed ahead land where they were aimed

    def _fatal_error(self) -> None:
        """Textual's own prints the traceback with every frame's local variables: applicants'
        data, hub.token, typed passwords. Ours prints it without them, secrets masked."""
        import sys

        from app.crashlog import fatal_error_renderable

        self.bell()
        error = sys.exc_info()[1] or self._exception
        self._exit_renderables.append(fatal_error_renderable(self.console, error))
        self._close_messages_no_wait()

    def on_mount(self) -> None:
        self.title = t("app.title")
        self.sub_title = f"{self.ws.config.get('office.name')} · {self.ws.window}"
        self.jobs.start()
        self.gates.begin()

    def on_unmount(self) -> None:
        self.typeahead.stop()
        self.background.stop()

    def on_worker_state_changed(self, event) -> None:
        self.background.worker_changed(event)

    # --- the role's keys (app.ui.gates) ---------------------------------------------------------
    @property
    def gate_closed(self) -> bool:
        """Nobody may act: the login screen is up, or the screen is locked."""
        return self.gates.closed

    def may(self, action: str) -> bool:
        return self.gates.may(action)

    def refuse(self, action: str) -> None:
        self.gates.refuse(action)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # a key the role cannot use is not shown in the footer, nor run (on_event says why)
        if action in ("show_keys", "quit_safely"):
            return True
        if self.gates.closed:
            return False
        if action == "lock":
            return self.ws.operator is not None  # the demo has no one to unlock it
        entry = registry.find(self.KEYS, action, parameters)
        return entry is None or entry.gate is None or self.may(entry.gate)

    async def on_event(self, event) -> None:
        """A key the role may not use is refused; a receipt scanned anywhere on the intake and
        case screens opens its case."""
        from textual import events

        if isinstance(event, events.Key):
            if not self.screen_stack:  # the window is closing: no field is left for a late key
                return
            if not event.is_forwarded:
                as_enter(event)
        if isinstance(event, events.Key) and not event.is_forwarded and not self.typeahead.admit(event):
            return  # held until the keys before it have landed; it comes back here in order
        if isinstance(event, (events.Key, events.MouseDown)):
            self.gates.touched()  # the idle lock counts from the last key
        if isinstance(event, events.Key) and not event.is_forwarded and not event.is_printable:
            # function and control keys only: a scanner's burst of characters pays nothing here
            missing = self.gates.refused_key(event.key)
            if missing is not None:  # hidden from this role's footer; say why it does nothing
                event.stop()
                self.refuse(missing)
                return
        if (
            isinstance(event, events.Key)
            and not event.is_forwarded
            and self.ws.store_open
            and not self.gates.closed
        ):
            if self._scans is None:
                from app.ui.screens.handover import ScanWatcher

                self._scans = ScanWatcher(self)
            # timed when the terminal sent the key, not when a busy window got to it
            if self._scans.key(event, event.time):
                return
        await super().on_event(event)

    # --- the window's keys (app.ui.screens.registry) -------------------------------------------
    def action_open(self, name: str) -> None:
        """A fresh screen of the registry's line `name`, if the role may and it makes sense now."""
        from textual.screen import ModalScreen

        entry = registry.find(self.KEYS, "open", (name,))
        if entry is None:
            return
        if entry.gate is not None and not self.may(entry.gate):
            self.refuse(entry.gate)
            return
        if entry.needs_store and not self.ws.store_open:
            return
        cls = entry.screen_class()
        if entry.once and isinstance(self.screen, (cls, ModalScreen)):
            return
        self.push_screen(cls(self.screen) if entry.over else cls())

    def action_lock(self) -> None:
        self.gates.lock()

    def action_evaluate(self) -> None:
        self.rating.ask_on_screen()

    def action_show_keys(self) -> None:
        """F1: every key of the current screen (the footer shows only what fits)."""
        from app.ui.widgets.keys import KeysDialog, screen_keys

        if isinstance(self.screen, KeysDialog):
            self.screen.dismiss(None)
            return
        self.push_screen(KeysDialog(screen_keys(self.screen)))

    def action_quit_safely(self) -> None:
        """Quit, but never throw away an intake in progress without asking."""
        from app.ui.screens.dialogs import ConfirmDialog

        intake = next((s for s in self.screen_stack if isinstance(s, IntakeScreen)), None)
        if intake is None or not intake.panes_ready or not intake.is_dirty():
            self.exit()
            return

        def done(ok: bool | None) -> None:
            if ok:
                self.exit()

        self.push_screen(ConfirmDialog(t("quit.title"), t("intake.discard_body"), yes=t("key.quit")), done)

    # --- what screens ask of the window ---------------------------------------------------------
    def kick_spool(self) -> None:
        """A print-queue pass now (a decision, a reprint, a trip slip)."""
        self.jobs.kick_spool()

    def kick_sync(self) -> None:
        self.jobs.kick_sync()

    def refresh_print_status(self) -> None:
        """Recount the queue now (after the clerk resent or cancelled a job)."""
        self.background.start("print-count")

    def notify(self, message: str, *, markup: bool = False, **kw) -> None:  # type: ignore[override]
        """Toasts quote names, numbers and errors: plain text unless a caller asks for markup."""
        super().notify(message, markup=markup, **kw)

    def set_status(
        self, part: str, text: str | Text, style: str = "", *, short: str | Text | None = None
    ) -> None:
        """Set one part of the status line; a str is shown literally (errors quote data). ``short``
        is what the part says when the line has no room for it all (widgets/status_bar.py)."""
        self._status[part] = text if isinstance(text, Text) else Text(text, style=style)
        if short is None:
            self._status_short.pop(part, None)
        else:
            self._status_short[part] = short if isinstance(short, Text) else Text(short, style=style)
        self.status_text = "  │  ".join(v.plain for v in self._status.values() if v.plain)

    def status_parts(self) -> list[Text]:
        """The status line's parts that have something to say, in order, with their styles."""
        return [v for v in self._status.values() if v.plain]

    def status_forms(self) -> list[tuple[str, Text, Text]]:
        """(part, full text, short text) of each part that has something to say, in order."""
        return [(k, v, self._status_short.get(k, v)) for k, v in self._status.items() if v.plain]

    def status_line(self) -> Text:
        """The status line on one line: its parts with their own styles."""
        return Text("  │  ").join(self.status_parts())
