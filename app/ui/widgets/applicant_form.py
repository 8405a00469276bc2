"""Applicant details: person or enterprise, ID number checked as it is typed.

Compact rows (label and one-line input side by side) so the checklist keeps the width. A
person's ID field is named after the document its number names (身份证号, 永居证号, 居住证号:
app.domain.identifiers.typed_person_id_type) as it is typed or read from a card.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label, Static

from app.messages import t
from app.ui.widgets.wrapped_text import Para, WrappedText

FIELDS = ("id_number", "name", "phone", "address")
# Far above any field's own limit (the address: 200), which F5 checks with a message at the field:
# an Input's max_length cuts a paste silently (a 313-character address lost its tail unseen)
PASTE_LIMIT = 2000


class ApplicantForm(Vertical):
    class IdEntered(Message):
        """A complete, valid ID number was typed: the screen may look the applicant up."""

        def __init__(self, kind: str, id_number: str) -> None:
            super().__init__()
            self.kind = kind
            self.id_number = id_number

    class Corrected(Message):
        """The last field error is gone (the field was edited): the screen's "correct the
        applicant first" line may go too. F5 checks every field again."""

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self._kind = "person"

    def compose(self) -> ComposeResult:
        yield Static(self._kind_text(), id="applicant-kind", classes="section-title")
        for name in FIELDS:
            with Horizontal(classes="field-row"):
                yield Label(self._label(name, "person"), id=f"label-{name}", classes="field-label")
                yield Input(
                    id=f"applicant-{name}",
                    max_length=PASTE_LIMIT,
                    compact=True,
                    placeholder=self._placeholder(name),
                )
            yield Static("", id=f"error-{name}", classes="field-error")
        yield WrappedText(id="applicant-returning")  # wrapped by the rule: （F10 使用） stays whole

    def _kind_text(self) -> str:
        person, enterprise = t("intake.kind_person"), t("intake.kind_enterprise")
        chosen = (
            f"[reverse] {person} [/]  {enterprise}"
            if self._kind == "person"
            else f"{person}  [reverse] {enterprise} [/]"
        )
        return f"{t('intake.applicant')}  {chosen}  [dim]F11[/]"

    @staticmethod
    def _label(name: str, kind: str, number: str = "") -> str:
        if name == "id_number":
            if kind != "person":
                return t("intake.id_enterprise_short")
            from app.domain.identifiers import RESIDENT_ID, typed_person_id_type

            doc = typed_person_id_type(number)
            return t("intake.id_person_short" if doc == RESIDENT_ID else f"intake.id_{doc}_short")
        if name == "name":
            return t("intake.name_person" if kind == "person" else "intake.name_enterprise")
        return t(f"intake.{name}")

    def _placeholder(self, name: str) -> str:
        if name != "id_number":
            return ""
        return t(
            "intake.id_person_placeholder" if self._kind == "person" else "intake.id_enterprise_placeholder"
        )

    @property
    def kind(self) -> str:
        return self._kind

    def set_kind(self, kind: str) -> None:
        changed = kind != self._kind
        self._kind = "enterprise" if kind == "enterprise" else "person"
        self.query_one("#applicant-kind", Static).update(self._kind_text())
        for name in ("id_number", "name"):
            self.query_one(f"#label-{name}", Label).update(
                self._label(name, self._kind, self.value("id_number"))
            )
        self.query_one("#applicant-id_number", Input).placeholder = self._placeholder("id_number")
        if changed:
            self._check_id(self.value("id_number"))

    def toggle_kind(self) -> None:
        self.set_kind("person" if self.kind == "enterprise" else "enterprise")

    def value(self, name: str) -> str:
        return self.query_one(f"#applicant-{name}", Input).value

    def values(self) -> dict[str, str]:
        return {"kind": self.kind, **{n: self.value(n) for n in FIELDS}}

    def fill(self, *, kind: str, id_number: str, name: str, phone: str, address: str) -> None:
        self.set_kind(kind)
        for field, value in (
            ("id_number", id_number),
            ("name", name),
            ("phone", phone),
            ("address", address),
        ):
            self.query_one(f"#applicant-{field}", Input).value = value
        self.show_errors({})

    def clear(self) -> None:
        self.fill(kind="person", id_number="", name="", phone="", address="")
        self.show_returning("")

    def has_errors(self) -> bool:
        return any(self.query_one(f"#error-{name}", Static).display for name in FIELDS)

    def show_errors(self, errors: dict[str, str]) -> None:
        had = self.has_errors()
        for name in FIELDS:
            widget = self.query_one(f"#error-{name}", Static)
            widget.update(Text(errors.get(name, "")))  # messages may quote what was typed
            widget.display = name in errors
            self.query_one(f"#applicant-{name}", Input).set_class(name in errors, "-invalid")
        if had and not errors:
            self.post_message(self.Corrected())

    @on(Input.Changed, "#applicant-name, #applicant-phone, #applicant-address")
    def _edited(self, event: Input.Changed) -> None:
        """A field's message was about what it held: edited, the message goes (F5 checks again)."""
        name = (event.input.id or "").removeprefix("applicant-")
        widget = self.query_one(f"#error-{name}", Static)
        if not widget.display:
            return
        widget.update("")
        widget.display = False
        event.input.remove_class("-invalid")
        if not self.has_errors():
            self.post_message(self.Corrected())

    def show_warning(self, name: str, text: str) -> None:
        widget = self.query_one(f"#error-{name}", Static)
        widget.update(Text(text, style="yellow"))
        widget.display = True

    def show_returning(self, text: str) -> None:
        # a stored name and address: plain text, never markup
        self.query_one("#applicant-returning", WrappedText).update(*([Para(text)] if text else []))

    def focus_first_error(self, errors: dict[str, str]) -> None:
        for name in FIELDS:
            if name in errors:
                self.query_one(f"#applicant-{name}", Input).focus()
                return

    @on(Input.Changed, "#applicant-id_number")
    def _id_changed(self, event: Input.Changed) -> None:
        self._check_id(event.value)

    def _check_id(self, raw: str) -> None:
        from app.domain.identifiers import check_credit_code, check_person_id

        value = raw.strip()
        self.query_one("#label-id_number", Label).update(self._label("id_number", self._kind, value))
        # a 2017 foreigner's card (3 letters first) is whole at 15 characters, the others at 18
        whole = 15 if self.kind == "person" and value[:1].isalpha() else 18
        if len(value) < whole:
            self.show_errors({})
            return
        check = check_person_id(value) if self.kind == "person" else check_credit_code(value)
        if not check.ok:
            self.show_errors({"id_number": check.error})
            return
        self.show_errors({})
        if check.warnings:
            self.show_warning("id_number", "；".join(check.warnings))
        self.post_message(self.IdEntered(self.kind, check.value))
