"""Hostile text for the UI tests, and how to read back what a widget really shows."""

from __future__ import annotations

from hypothesis import strategies as st
from textual.widgets import DataTable
from textual.widgets._data_table import default_cell_formatter

# Pieces that Rich/Textual markup would take as tags, escapes or actions, mixed with CJK,
# a four-byte character (𠀾 U+2003E), spaces and control characters (refused at the field).
PIECES = [
    "[",
    "]",
    "[/]",
    "[b]",
    "[red]",
    "[asia]",
    "[@click=app.quit]",
    "[link=https://x]",
    "\\",
    "\\[",
    "$name",
    "李",
    "四",
    "王五",
    "𠀾",
    "ABC",
    " ",
    "·",
    "（",
]
CONTROLS = ["\x00", "\x07", "\x1b", "\x1d", "\x7f", "\u202e", "\u200b"]

hostile_text = st.lists(
    st.one_of(st.sampled_from(PIECES), st.sampled_from(PIECES), st.sampled_from(CONTROLS)),
    min_size=1,
    max_size=8,
).map("".join)


def shown(widget) -> str:
    """The plain text a Static/Label displays (after any markup would have been applied)."""
    visual = widget.visual
    return visual.plain if hasattr(visual, "plain") else str(visual)


def cell_shown(table: DataTable, row_key: str, column: int) -> str:
    """The plain text the table displays in a cell: str cells are parsed as markup there."""
    return default_cell_formatter(table.get_row(row_key)[column]).plain


def row_shown(table: DataTable, row: int) -> list[str]:
    return [default_cell_formatter(c).plain for c in table.get_row_at(row)]
