"""Small modal dialogs: a reason to type, a yes/no confirmation, a printed document to read."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Static

from app.domain.text import FieldError, clean_text
from app.messages import t


class ReasonDialog(ModalScreen[str | None]):
    """Asks for a text (refusal reason, notice remarks); None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", t("key.cancel"))]
    AUTO_FOCUS = "#reason-input"

    def __init__(self, title: str, label: str, *, required: bool, body: str = "", hint: str = "") -> None:
        super().__init__()
        self.title_text, self.label, self.required = title, label, required
        self.body, self.hint = body, hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-title")
            if self.body:
                with VerticalScroll(classes="dialog-body"):
                    yield Static(self.body, markup=False)
            yield Static(f"{self.label}{self.hint}")
            yield Input(id="reason-input", max_length=500)
            yield Static("", id="reason-error", classes="field-error")
            yield Static(f"[dim]Enter {t('key.confirm')} · Esc {t('key.cancel')}[/]")
        yield Footer()

    @on(Input.Submitted, "#reason-input")
    def _submit(self, event: Input.Submitted) -> None:
        try:
            text = clean_text(event.value, self.label, required=self.required, max_len=500)
        except FieldError as exc:
            self.query_one("#reason-error", Static).update(exc.message)
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
            yield Static(self.title_text, classes="dialog-title")
            yield Static(self.body)
            yield Static(f"[b]Y[/] {self.yes} · [b]N[/]/Enter/Esc {self.no}")
        yield Footer()

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
            yield Static(self.headline, classes="dialog-title", id="document-headline")
            with VerticalScroll():
                yield Static(self.text, id="document-text", markup=False)
        yield Footer()

    def action_close(self) -> None:
        self.dismiss(None)
