"""The right half of the intake screen: the materials checklist, its keys, the tally of what was
handed in and the screen's message line. The pane answers the table's own requests (a note for a
defective material, a refused key, the tally); the screen keeps the draft."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from app.messages import t
from app.ui.screens.dialogs import ReasonDialog
from app.ui.widgets.checklist_table import ChecklistTable


class ChecklistPane(Vertical):
    """#intake-right (styles: app/ui/screens/intake.tcss)."""

    def compose(self) -> ComposeResult:
        yield Static(t("intake.checklist"), classes="section-title")
        yield ChecklistTable(id="checklist")
        yield Static(t("intake.checklist_keys"), id="checklist-keys")
        yield Static("", id="checklist-summary")
        yield Static("", id="intake-message")

    @on(ChecklistTable.MarksChanged)
    def _marks_changed(self) -> None:
        # the message goes on to the screen (its draft takes the marks)
        from app.services.intake import marks_summary

        marks = self.query_one(ChecklistTable).marks
        summary = t("intake.summary", **marks_summary(marks)) if marks else ""
        self.query_one("#checklist-summary", Static).update(Text(summary))

    @on(ChecklistTable.NoteWanted)
    def _note_wanted(self, event: ChecklistTable.NoteWanted) -> None:
        table = self.query_one(ChecklistTable)

        def done(note: str | None) -> None:
            if note is not None:
                table.mark_defective(event.index, note or t("intake.defective_default"))
            table.focus()

        self.app.push_screen(
            ReasonDialog(
                t("intake.defective_title", name=table.marks[event.index].item.name),
                t("intake.defective_label"),
                required=False,
            ),
            done,
        )

    @on(ChecklistTable.Refused)
    def _refused_key(self, event: ChecklistTable.Refused) -> None:
        self.say(event.text, "red")

    def say(self, text: str, style: str = "") -> None:
        # Messages carry names and store errors: plain text, never markup.
        self.query_one("#intake-message", Static).update(Text(text, style=style))
