"""The status line, docked at the bottom of every screen, right above the footer: store,
operator, catalogue, print-queue and sync state, and the last message.

It breaks only between its parts (and between a part's own ` · ` pieces), never inside one, and
never starts a line with a separator. It keeps to at most two lines (issue 21: a failing printer
and an unreachable hub took four at 80 columns): each part in full when all fit on one line;
else each part's short form (the printer's count and F12, the link's state and Ctrl+Y: the
details are on those screens); else the informational parts (catalogue, operator) give way;
a fault is never dropped for them."""

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


MAX_LINES = 2
# what gives way first when even the short forms take more than MAX_LINES: information, not faults
YIELDS = ("catalogue", "operator")


def fit_status(forms: list[tuple[str, Text, Text]], width: int, max_lines: int = MAX_LINES) -> Text:
    """The status line from (part, full, short) forms: at most ``max_lines`` lines of ``width``."""

    def lines(text: Text) -> int:
        return len(text.plain.split("\n")) if text.plain else 0

    full = fit_parts([f for _, f, _ in forms], width)
    if width <= 0 or lines(full) <= 1:
        return full
    kept = list(forms)
    shown = fit_parts([s for _, _, s in kept], width)
    for part in YIELDS:
        if lines(shown) <= max_lines:
            return shown
        kept = [f for f in kept if f[0] != part]
        shown = fit_parts([s for _, _, s in kept], width)
    if lines(shown) <= max_lines:
        return shown
    return Text("\n").join(shown.split("\n")[:max_lines])  # whole pieces only, the first ones


class StatusBar(Static):
    _shown: Text | None = None

    def on_mount(self) -> None:
        self.watch(self.app, "status_text", self._show, init=True)

    def on_resize(self) -> None:
        self._show()

    def _show(self, _text: str = "") -> None:
        # Never markup: the parts quote printer errors and store errors (data).
        forms = getattr(self.app, "status_forms", None)
        width = self.content_region.width or max(self.app.size.width - 2, 0)
        text = fit_status(forms(), width) if forms else Text(_text)
        if text == self._shown:  # the same lines (the first resize): no new layout and frame
            return
        self._shown = text
        self.update(text)
