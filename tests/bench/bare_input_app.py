"""Baseline for the start-up benchmark: a bare Textual app that shows one focused Input."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Input


class Bare(App):
    def compose(self) -> ComposeResult:
        yield Input(placeholder="search")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self.call_after_refresh(self.exit, "ready")


if __name__ == "__main__":
    Bare().run(headless=True)
