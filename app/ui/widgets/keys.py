"""The footer, with F1 first, and the F1 panel that lists every key of the current screen.

At 80×24 the footer cannot hold every key of the intake screen (F10–F12, Ctrl+Q, Ctrl+Y
fall off the right). The footer shows what fits, and F1 — always its first key — lists
them all with the same descriptions (from the message catalogue).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static

from app.messages import t

HELP_ACTION = "show_keys"


class KeyFooter(Footer):
    """Textual's footer (compact), with the F1 key moved to the front so it always fits."""

    def __init__(self, **kw) -> None:
        kw.setdefault("compact", True)
        super().__init__(**kw)

    def compose(self) -> ComposeResult:
        widgets = list(super().compose())
        widgets.sort(key=lambda w: getattr(w, "action", "") != HELP_ACTION)  # stable: F1 first
        yield from widgets


def _own_actions(node) -> set[str]:
    """Actions bound in this project's classes (Textual's own widget keys have English text)."""
    actions: set[str] = set()
    for cls in type(node).__mro__:
        if not cls.__module__.startswith("app."):
            continue
        for b in cls.__dict__.get("BINDINGS", ()):
            actions.add(b.action if isinstance(b, Binding) else b[1])
    return actions


def screen_keys(screen) -> list[tuple[str, str]]:
    """(keys, description) for every key of ours on `screen`: first those active now (footer
    order), then those of its other widgets (e.g. the checklist's, once it has the focus)."""
    app = screen.app
    rows: dict[tuple[str, str], list[str]] = {}

    def add(node, bindings) -> None:
        actions = _own_actions(node)
        for binding in bindings:
            if not binding.description or binding.system or binding.action not in actions:
                continue
            shown = app.get_key_display(binding)
            keys = rows.setdefault((binding.action, binding.description), [])
            if shown not in keys:
                keys.append(shown)

    for active in screen.active_bindings.values():
        add(active.node, [active.binding])
    for node in screen.walk_children(with_self=False):
        add(node, [b for bs in node._bindings.key_to_bindings.values() for b in bs])
    return [(" / ".join(keys), description) for (_action, description), keys in rows.items()]


class KeysDialog(ModalScreen[None]):
    """Every key of the screen below, with what it does."""

    BINDINGS = [Binding("escape,f1", "close", t("key.back"))]

    def __init__(self, rows: list[tuple[str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog keys-dialog"):
            yield Static(t("help.title"), classes="dialog-title")
            yield DataTable(id="keys-table", cursor_type="row", zebra_stripes=True)
            yield Static(Text(t("help.close"), style="dim"))

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(t("help.col_key"), t("help.col_action"))
        for keys, description in self.rows:
            table.add_row(Text(keys, style="b"), Text(description))
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)
