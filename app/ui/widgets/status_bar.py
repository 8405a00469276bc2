"""The status line, docked at the bottom of every screen, right above the footer: store,
operator, catalogue, print-queue and sync state, and the last message.

It breaks only between its parts (and between a part's own ` · ` pieces), never inside one, and
never starts a line with a separator: at 80 columns it takes two or three lines instead of
cutting the right end off."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static

PART_SEP = "  │  "
PIECE_SEP = " · "


def fit_parts(parts: list[Text], width: int) -> Text:
    """The parts laid out in lines of at most `width` cells, broken only between pieces."""
    pieces: list[tuple[str, Text]] = []  # (separator before it, piece)
    for part in parts:
        for i, piece in enumerate(part.split(PIECE_SEP, allow_blank=False)):
            pieces.append((PIECE_SEP if i else PART_SEP, piece))
    lines: list[Text] = []
    line = Text()
    for sep, piece in pieces:
        if not line.plain:
            line = piece.copy()
        elif width <= 0 or cell_len(line.plain) + cell_len(sep) + cell_len(piece.plain) <= width:
            line.append(sep)
            line.append_text(piece)
        else:
            lines.append(line)
            line = piece.copy()
    if line.plain:
        lines.append(line)
    return Text("\n").join(lines)


class StatusBar(Static):
    _shown: Text | None = None

    def on_mount(self) -> None:
        self.watch(self.app, "status_text", self._show, init=True)

    def on_resize(self) -> None:
        self._show()

    def _show(self, _text: str = "") -> None:
        # Never markup: the parts quote printer errors and store errors (data).
        parts = getattr(self.app, "status_parts", None)
        width = self.content_region.width or max(self.app.size.width - 2, 0)
        text = fit_parts(parts(), width) if parts else Text(_text)
        if text == self._shown:  # the same lines (the first resize): no new layout and frame
            return
        self._shown = text
        self.update(text)
