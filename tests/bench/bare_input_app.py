"""Baseline for the start-up benchmark: a bare Textual app that shows one focused Input."""

from __future__ import annotations

import os
import time

from textual.app import App, ComposeResult
from textual.widgets import Input


class Bare(App):
    def compose(self) -> ComposeResult:
        yield Input(placeholder="search")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self.call_after_refresh(self._note_ready)

    def _note_ready(self) -> None:
        target = os.environ.get("YICHUANG_READY_FILE")
        if target:
            with open(target, "w", encoding="ascii") as fh:
                fh.write(repr(time.time()))
        self.exit("ready")


if __name__ == "__main__":
    Bare().run(headless=True)
