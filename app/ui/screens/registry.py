"""The window's own keys in one table: the screens they open and the role each needs.

One line per key, in the footer's order. The app (app.ui.app) binds every line to its key,
hides the key from a role without the line's permission (app.domain.roles) and says why when
it is pressed anyway (app.ui.gates), and opens a fresh screen on each press. Lines without a
screen run the app action of their name (the lock, the rating).

Adding a screen to the window takes its module in app/ui/screens, one line here, its messages
(`key.NAME` for the footer; `action.GATE` for the refusal, when the permission is new) and its
tests. For example the print queue is the line
    Entry("print_queue", "f12", "key.print_queue", "print_queue", "app.ui.screens.print_queue:PrintQueueScreen")

Why not Textual's SCREENS/MODES: an installed screen is made once and kept when popped, so it
would not reload its data on the next press, and some screens take an argument (the scans
screen works on the checklist it was opened over). Modules are imported on the first press:
start-up loads none of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from textual.actions import parse
from textual.binding import Binding

from app.messages import t


@dataclass(frozen=True)
class Entry:
    name: str  # the action's name (open('NAME'), or the app's action_NAME without a screen)
    key: str
    label: str  # message key of the footer's text
    gate: str | None = None  # the permission the role needs (app.domain.roles); None: anyone
    screen: str = ""  # "module:Class"; "" = the app's own action `name`
    needs_store: bool = True  # nothing to show before the store is open: the key does nothing
    once: bool = True  # not opened over itself, nor over a dialog
    over: bool = False  # the screen is given the screen it is opened over
    priority: bool = False  # before the focused widget's own use of the key

    @property
    def action(self) -> str:
        return f"open({self.name!r})" if self.screen else self.name

    def binding(self) -> Binding:
        return Binding(self.key, self.action, t(self.label), priority=self.priority)

    def screen_class(self) -> type:
        module, _, cls = self.screen.partition(":")
        return getattr(import_module(module), cls)


# One line per key (the formatter leaves the table as it is).
# fmt: off
WINDOW: tuple[Entry, ...] = (
    Entry("print_queue", "f12", "key.print_queue", "print_queue", "app.ui.screens.print_queue:PrintQueueScreen"),
    # opened on every press, also over a dialog (as before the table; see the snapshot notes)
    Entry("sync_screen", "ctrl+y", "key.sync", "sync", "app.ui.screens.sync_screen:SyncScreen", needs_store=False, once=False),
    # the scans go to the checklist on screen: the intake in progress, or a case's detail
    Entry("scans", "ctrl+s", "key.scans", "scans", "app.ui.screens.scans:ScansScreen", over=True),
    Entry("courier", "ctrl+t", "key.courier", "courier", "app.ui.screens.courier:CourierScreen", needs_store=False),
    Entry("progress", "ctrl+g", "key.progress", "progress", "app.ui.screens.timeline:TimelineScreen", needs_store=False),
    Entry("pickup", "ctrl+o", "key.pickup", "pickup", "app.ui.screens.handover:HandoverScreen"),
    Entry("lock", "ctrl+l", "key.lock"),  # app.ui.gates: only a logged-in operator has it
    # priority: Textual's Input takes Ctrl+E (end of line), and the search has the focus
    Entry("evaluate", "ctrl+e", "key.evaluate", "evaluation", priority=True),  # app.ui.rating
    # 差评整改 is the supervisor's to close
    Entry("followups", "ctrl+f", "key.followups", "followup_close", "app.ui.screens.followups:FollowupScreen"),
    Entry("supervisor", "ctrl+r", "key.supervisor", "supervisor_view", "app.ui.screens.stats:StatsScreen"),
)
# fmt: on


def bindings(entries: tuple[Entry, ...]) -> list[Binding]:
    return [e.binding() for e in entries]


def find(entries: tuple[Entry, ...], action: str, parameters: tuple[object, ...] = ()) -> Entry | None:
    """The line of an action as Textual names it: ("open", ("NAME",)) or ("lock", ()), or as
    a binding spells it: "open('NAME')"."""
    if "(" in action:
        _, action, parameters = parse(action)
    name = parameters[0] if action == "open" and parameters else action
    return next((e for e in entries if e.name == name and (action == "open") == bool(e.screen)), None)
