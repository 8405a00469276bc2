"""The right half of the intake screen: the materials checklist, its keys, the tally of what was
handed in and the screen's message line. The pane answers the table's own requests (a note for a
defective material, a refused key, the tally); the screen keeps the draft."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from app.messages import t
from app.ui.screens.dialogs import ReasonDialog
from app.ui.widgets.checklist_table import ChecklistTable
from app.ui.widgets.wrapped_text import Para, WrappedText

KEY_SEP = " · "


def key_hints() -> Para:
    """The checklist's keys, each key with its label on one line, the separator at a line's end."""
    return Para(items=tuple(t("intake.checklist_keys").split(KEY_SEP)), style="dim", sep=KEY_SEP)


class ChecklistPane(Vertical):
    """#intake-right (styles: app/ui/screens/intake.tcss)."""

    def compose(self) -> ComposeResult:
        yield Static(t("intake.checklist"), classes="section-title")
        yield ChecklistTable(id="checklist")
        yield WrappedText(id="checklist-detail")  # the focused material, in full
        yield WrappedText(key_hints(), id="checklist-keys")
        yield WrappedText(id="checklist-summary")
        yield Static("", id="intake-message")

    @on(ChecklistTable.MarksChanged)
    def _marks_changed(self) -> None:
        # the message goes on to the screen (its draft takes the marks)
        from app.services.intake import marks_summary

        marks = self.query_one(ChecklistTable).marks
        summary = self.query_one("#checklist-summary", WrappedText)
        summary.update(*([Para(t("intake.summary", **marks_summary(marks)))] if marks else []))
        self._show_focused()

    @on(DataTable.RowHighlighted, "#checklist")
    def _show_focused(self) -> None:
        """The focused material's whole name and its 不符合要求 note, under the table (the row
        may cut them); as many lines as a quarter of the screen, then cut with an ellipsis."""
        table = self.query_one(ChecklistTable)
        detail = self.query_one("#checklist-detail", WrappedText)
        row = table.cursor_row
        if not table.marks or row is None or not 0 <= row < len(table.marks):
            detail.update()
            return
        m = table.marks[row]
        room = max(2, self.app.size.height // 4)
        paras = [Para(m.item.name, style="bold", max_lines=room)]
        if m.note:
            paras.append(Para(t("intake.material_note", note=m.note), max_lines=max(1, room - 1)))
        detail.update(*paras)

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

    said = ""  # the message line's text

    def say(self, text: str, style: str = "") -> None:
        # Messages carry names and store errors: plain text, never markup.
        self.said = text
        self.query_one("#intake-message", Static).update(Text(text, style=style))
