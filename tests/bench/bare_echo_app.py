"""Baseline for the first-answer benchmark: a bare Textual app with one Input that echoes
what is typed into a line below it."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Input, Static


class BareEcho(App):
    def compose(self) -> ComposeResult:
        yield Input(placeholder="search", id="q")
        yield Static("", id="echo")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#echo", Static).update(event.value)


if __name__ == "__main__":
    BareEcho().run()
