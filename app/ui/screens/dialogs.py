"""Small modal dialogs: a reason to type, a yes/no confirmation, a printed document to read."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from app.domain.text import FieldError, clean_text
from app.messages import t
from app.ui.widgets.keys import KeyFooter


class ReasonDialog(ModalScreen[str | None]):
    """Asks for a text (refusal reason, notice remarks); None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", t("key.cancel"))]
    AUTO_FOCUS = "#reason-input"

    def __init__(self, title: str, label: str, *, required: bool, body: str = "", hint: str = "") -> None:
        super().__init__()
        self.title_text, self.label, self.required = title, label, required
        self.body, self.hint = body, hint

    def compose(self) -> ComposeResult:
        # Titles and bodies quote material names and notes: plain text, never markup.
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            if self.body:
                with VerticalScroll(classes="dialog-body"):
                    yield Static(self.body, markup=False)
            yield Static(f"{self.label}{self.hint}", markup=False)
            yield Input(id="reason-input", max_length=500)
            yield Static("", id="reason-error", classes="field-error", markup=False)
            yield Static(f"[dim]Enter {t('key.confirm')} · Esc {t('key.cancel')}[/]")
        yield KeyFooter()

    @on(Input.Submitted, "#reason-input")
    def _submit(self, event: Input.Submitted) -> None:
        try:
            text = clean_text(event.value, self.label, required=self.required, max_len=500)
        except FieldError as exc:
            error = self.query_one("#reason-error", Static)
            error.update(exc.message)
            error.display = True  # .field-error is hidden until there is something to say
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(ModalScreen[bool]):
    """Yes/no for a risky action: only Y says yes; Enter and Esc keep what the clerk had."""

    BINDINGS = [
        Binding("y", "answer(True)", t("key.confirm")),
        Binding("n,escape,enter", "answer(False)", t("key.keep")),
    ]

    def __init__(self, title: str, body: str, *, yes: str = "", no: str = "") -> None:
        super().__init__()
        self.title_text, self.body = title, body
        self.yes, self.no = yes or t("key.confirm"), no or t("key.keep")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            yield Static(self.body, id="confirm-body", markup=False)
            yield Static(Text.assemble(("Y", "b"), f" {self.yes} · ", ("N", "b"), f"/Enter/Esc {self.no}"))
        yield KeyFooter()

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class DocumentDialog(ModalScreen[None]):
    """Shows what was sent to the printer (the document's text), after a decision."""

    BINDINGS = [Binding("escape,enter", "close", t("key.back"))]

    def __init__(self, headline: str, text: str) -> None:
        super().__init__()
        self.headline, self.text = headline, text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog document-dialog"):
            yield Static(self.headline, classes="dialog-title", id="document-headline", markup=False)
            with VerticalScroll():
                yield Static(self.text, id="document-text", markup=False)
        yield KeyFooter()

    def action_close(self) -> None:
        self.dismiss(None)
