"""Baseline for the first-answer benchmark: a bare Textual app with one focused Input; what is
typed shows in the Input itself (issue 18: the baseline is an app with one Input, nothing more)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Input


class BareTyping(App):
    def compose(self) -> ComposeResult:
        yield Input(placeholder="search", id="q")

    def on_mount(self) -> None:
        self.query_one(Input).focus()


if __name__ == "__main__":
    BareTyping().run()
