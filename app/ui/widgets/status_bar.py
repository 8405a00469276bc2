"""One line above the footer: store, catalogue and print-queue state, and the last message."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class StatusBar(Static):
    def on_mount(self) -> None:
        self.watch(self.app, "status_text", self._show, init=True)

    def _show(self, text: str) -> None:
        # Never markup: the parts quote printer errors and store errors (data).
        line = getattr(self.app, "status_line", None)
        self.update(line() if line else Text(text))
