"""The footer, with F1 first, and the F1 panel that lists every key of the current screen.

The footer's order is what a clerk uses most: F1 (the list of every key), Esc (the way back,
where the screen has it), then the function keys in number order (F2–F9 on the intake screen),
then the other keys in the order they are bound (Ctrl+Q last). It shows only the keys whose label fits whole: a key that
does not fit is left out, never cut; F1 lists them all, grouped by what the clerk does, in key
order, with the same descriptions (from the message catalogue).
"""

from __future__ import annotations

import re

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static

from app.messages import t

_FN = re.compile(r"^f(\d+)$")


def footer_rank(key: str) -> tuple[int, int]:
    """Where a key goes in the footer: F1, Esc (the way back), F2…F12, then the rest (in bound
    order), Ctrl+Q last."""
    first = key.split(",")[0]
    fn = _FN.match(first)
    if first == "f1":
        return (0, 0)
    if first == "escape":
        return (1, 0)
    if fn:
        return (2, int(fn.group(1)))
    if first == "ctrl+q":
        return (4, 0)
    return (3, 0)


class KeyFooter(Footer):
    """Textual's footer (compact), in the clerk's order, showing only the keys that fit whole.

    `own_only`: only the screen's own keys (the rating screen faces the applicant: no clerk's
    keys there)."""

    def __init__(self, *, own_only: bool = False, **kw) -> None:
        kw.setdefault("compact", True)
        super().__init__(**kw)
        self.own_only = own_only
        self._laid_out_for = 0

    def compose(self) -> ComposeResult:
        widgets = list(super().compose())
        if self.own_only:
            own = _own_actions(self.screen)
            widgets = [w for w in widgets if getattr(w, "action", "") in own]
        else:  # a screen of its own (the rating) keeps the order it binds its keys in
            order = {id(w): i for i, w in enumerate(widgets)}
            widgets.sort(key=lambda w: (footer_rank(getattr(w, "key", "")), order[id(w)]))
        width = self.size.width or self.app.size.width
        self._laid_out_for = width
        used = 0
        for w in widgets:
            need = _entry_width(w)
            if used + need > width:
                break  # the rest are in F1's list; a label is never cut
            used += need + 1  # compact keys keep one column between them
            yield w

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._laid_out_for and self.is_attached:
            self.call_after_refresh(self.recompose)


def _entry_width(w) -> int:
    """Columns of a compact FooterKey: its key, a space, its label."""
    key = cell_len(getattr(w, "key_display", ""))
    description = getattr(w, "description", "")
    return key + (1 + cell_len(description) if description else 0)


def _own_actions(node) -> set[str]:
    """Actions bound in this project's classes (Textual's own widget keys have English text)."""
    actions: set[str] = set()
    for cls in type(node).__mro__:
        if not cls.__module__.startswith("app."):
            continue
        for b in cls.__dict__.get("BINDINGS", ()):
            actions.add(b.action if isinstance(b, Binding) else b[1])
    return actions


# F1's groups, by what the clerk does with the keys (the window's own keys last)
GROUP_SCREEN, GROUP_WIDGETS, GROUP_SCREENS, GROUP_WINDOW = "screen", "widgets", "screens", "window"
GROUPS = (GROUP_SCREEN, GROUP_WIDGETS, GROUP_SCREENS, GROUP_WINDOW)
_WINDOW_ACTIONS = {"show_keys", "quit_safely", "lock"}
_SHOWN_AS = {"space": "Space"}


def _group(node, binding) -> str:
    from textual.app import App
    from textual.screen import Screen

    if isinstance(node, App):
        return GROUP_WINDOW if binding.action in _WINDOW_ACTIONS else GROUP_SCREENS
    return GROUP_SCREEN if isinstance(node, Screen) else GROUP_WIDGETS


def screen_keys(screen) -> list[tuple[str, str]]:
    """(keys, description) for every key of ours on `screen`, grouped by what the clerk does
    (this screen's work, the focused table's keys, other screens, the window); each group has a
    heading row ("", heading) and its keys in key order (F1…F12, Esc, the rest as bound)."""
    app = screen.app
    rows: dict[tuple[str, str], tuple[str, list[str], tuple[int, int], int]] = {}

    def add(node, bindings) -> None:
        actions = _own_actions(node)
        for binding in bindings:
            if not binding.description or binding.system or binding.action not in actions:
                continue
            shown = app.get_key_display(binding)
            shown = _SHOWN_AS.get(shown, shown)
            description = binding.tooltip or binding.description  # the footer's label may be short
            key = (binding.action, description)
            if key not in rows:
                rows[key] = (_group(node, binding), [], footer_rank(binding.key), len(rows))
            if shown not in rows[key][1]:
                rows[key][1].append(shown)

    for active in screen.active_bindings.values():
        add(active.node, [active.binding])
    for node in screen.walk_children(with_self=False):
        add(node, [b for bs in node._bindings.key_to_bindings.values() for b in bs])
    out: list[tuple[str, str]] = []
    for group in GROUPS:
        members = sorted((r for r in rows.items() if r[1][0] == group), key=lambda r: (r[1][2], r[1][3]))
        if members:
            out.append(("", t(f"help.group_{group}")))
            out += [(" / ".join(keys), description) for (_a, description), (_g, keys, _r, _o) in members]
    return out


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
            if keys:
                table.add_row(Text(keys, style="b"), Text(description))
            else:  # a group's heading
                table.add_row(Text(""), Text(description, style="bold underline"))
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)
