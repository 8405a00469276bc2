"""Matter/bundle search: an Input and its ranked results, updated on every keystroke."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from app.domain.line_breaking import first_fitting
from app.messages import t

MAX_HITS = 30


class ResultList(OptionList):
    BINDINGS = [Binding("escape", "back_to_input", show=False)]

    def action_back_to_input(self) -> None:
        self.screen.query_one("#search-input", Input).focus()


class SubjectSearch(Vertical):
    """Posts `SubjectSearch.Chosen` when the clerk picks a matter or bundle."""

    class Chosen(Message):
        def __init__(self, kind: str, code: str) -> None:
            super().__init__()
            self.kind = kind
            self.code = code

    class Answered(Message):
        """The first typed query has its answer on screen (posted once)."""

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.index = None  # app.domain.search.SearchIndex, set when the catalogue is loaded
        self._hits: list = []
        self._answered = False
        self._enter_waiting = False  # Enter pressed before the index arrived: choose then

    @property
    def answer_pending(self) -> bool:
        """A query is typed and the index is loaded, but its first answer is not painted yet."""
        typed = bool(self.query_one("#search-input", Input).value.strip())
        return typed and self.index is not None and not self._answered

    def compose(self) -> ComposeResult:
        yield Input(placeholder=t("intake.search_placeholder"), id="search-input")
        yield Static(t("intake.search_loading"), id="search-hint")
        yield ResultList(id="search-results")

    def on_mount(self) -> None:
        index = self.index or getattr(self.app, "index", None)
        if index is not None:  # loaded before this widget was mounted (is_mounted is still False)
            self.index = index
            self._show_index()

    def on_resize(self) -> None:
        # The placeholder that fits the field whole (never cut at its open bracket).
        field = self.query_one("#search-input", Input)
        width = field.content_region.width or self.content_region.width - 4
        long, short = t("intake.search_placeholder"), t("intake.search_placeholder_short")
        field.placeholder = first_fitting([long, short], max(width, 2))

    def set_index(self, index) -> None:
        """Use `index` from now on, and answer what was typed while it was loading."""
        self.index = index
        if self.is_mounted:
            self._show_index()  # else on_mount shows it

    def _show_index(self) -> None:
        self.query_one("#search-hint", Static).update("")
        self.refresh_results(self.query_one("#search-input", Input).value)
        if self._enter_waiting:  # the clerk typed `kcg⏎` before the index was loaded
            self._enter_waiting = False
            if self._hits:
                self._choose(self._hits[0].entry.kind, self._hits[0].entry.code)

    @on(Input.Changed, "#search-input")
    def _changed(self, event: Input.Changed) -> None:
        self._enter_waiting = False  # typing again after Enter: the earlier Enter no longer holds
        if event.value != event.input.value:
            # Keys typed ahead (`kcg` at start-up) have moved the field on: its own Changed is
            # queued behind this one and answers it; searching each step only delays that answer.
            return
        self.refresh_results(event.value)

    def refresh_results(self, query: str) -> None:
        results = self.query_one("#search-results", ResultList)
        hint = self.query_one("#search-hint", Static)
        if self.index is None:
            return
        self._hits = self.index.search(query, limit=MAX_HITS) if query.strip() else []
        results.clear_options()
        results.add_options(Option(self._label(h), id=f"{h.entry.kind}:{h.entry.code}") for h in self._hits)
        if self._hits:
            results.highlighted = 0
        hint.update(t("intake.no_match") if query.strip() and not self._hits else "")
        if query.strip() and not self._answered:
            self._answered = True
            self.call_after_refresh(self.post_message, self.Answered())

    @staticmethod
    def _label(hit) -> Text:
        e = hit.entry
        tag = t("intake.bundle") if e.kind == "bundle" else e.department
        return Text.assemble(e.name, "  ", (f"{tag} · {e.code}", "dim"))  # catalogue text is data

    @on(Input.Submitted, "#search-input")
    def _submitted(self, event: Input.Submitted) -> None:
        if self._hits:
            self._choose(self._hits[0].entry.kind, self._hits[0].entry.code)
        elif self.index is None and event.value.strip():
            self._enter_waiting = True

    def on_key(self, event) -> None:
        if event.key == "down" and self.query_one("#search-input", Input).has_focus and self._hits:
            event.stop()
            self.query_one("#search-results", ResultList).focus()

    @on(OptionList.OptionSelected, "#search-results")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        kind, code = str(event.option.id).split(":", 1)
        self._choose(kind, code)

    def _choose(self, kind: str, code: str) -> None:
        self.post_message(self.Chosen(kind, code))
