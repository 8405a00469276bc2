"""The materials checklist: one row per merged material, marked by keyboard."""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from app.domain.intake import Mark, cycle_status, tolerate
from app.messages import t

STATUS_STYLE = {"received": "green", "missing": "red", "tolerated": "yellow", "defective": "magenta"}


class ChecklistTable(DataTable):
    # Shown on the hint line under the table (intake.checklist_keys), not in the crowded footer.
    BINDINGS = [
        Binding("space", "toggle", t("key.toggle"), show=False),
        Binding("o", "form", t("key.form"), show=False),
        Binding("plus,equals_sign", "copies(1)", t("key.more"), key_display="+", show=False),
        Binding("minus", "copies(-1)", t("key.less"), key_display="-", show=False),
        Binding("r", "tolerate", t("key.tolerate"), show=False),
        Binding("x", "defective", t("key.defective"), show=False),
    ]

    class MarksChanged(Message):
        pass

    class NoteWanted(Message):
        """The clerk marks a material as not acceptable: the screen asks why."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    class Refused(Message):
        """A key the catalogue does not allow for this material (e.g. 容缺)."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, **kw) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kw)
        self.marks: list[Mark] = []

    def on_mount(self) -> None:
        # Short fixed columns first, the (long) name last so it gets the rest of the width.
        self.add_columns(
            t("intake.col_status"),
            t("intake.col_form_short"),
            t("intake.col_copies_short"),
            t("intake.col_required_short"),
            t("intake.col_tolerable_short"),
            t("intake.col_name"),
        )

    def load(self, marks: list[Mark]) -> None:
        self.marks = list(marks)
        self.clear()
        for i, m in enumerate(self.marks):
            self.add_row(*self._cells(m), key=str(i))
        if self.marks:
            self.move_cursor(row=0)
        self.post_message(self.MarksChanged())

    @staticmethod
    def _cells(m: Mark) -> tuple[Text | str, ...]:
        # Names and the clerk's note are data: rich Text, never parsed as markup.
        style = STATUS_STYLE[m.status]
        form = Text(t(f"form.{m.handed_form}_short"))
        if m.status == "received" and m.handed_form != m.item.form:
            form.stylize("yellow")
        name = Text(m.item.name)
        if m.note:
            name.append(f" （{m.note}）", style="dim")
        return (
            Text(t("status." + m.status), style=style),
            form,
            str(m.handed_copies),
            "●" if m.item.required else "",
            "○" if (m.item.required and m.item.tolerable) else "",
            name,
        )

    def _update(self, index: int, mark: Mark) -> None:
        self.marks[index] = mark
        for col, value in enumerate(self._cells(mark)):
            self.update_cell_at((index, col), value)
        self.post_message(self.MarksChanged())

    def _current(self) -> tuple[int, Mark] | None:
        if not self.marks or self.cursor_row is None or self.cursor_row >= len(self.marks):
            return None
        return self.cursor_row, self.marks[self.cursor_row]

    def action_toggle(self) -> None:
        if cur := self._current():
            self._update(cur[0], cycle_status(cur[1]))
            if cur[0] + 1 < len(self.marks):  # move on: a clerk ticks a pile top to bottom
                self.move_cursor(row=cur[0] + 1)

    def action_form(self) -> None:
        """What was handed in: original or copy (the status stays as marked)."""
        if cur := self._current():
            i, m = cur
            new_form = "copy" if m.handed_form == "original" else "original"
            self._update(i, replace(m, form=new_form))

    def action_copies(self, delta: int) -> None:
        if cur := self._current():
            i, m = cur
            self._update(i, replace(m, copies=max(1, m.handed_copies + delta)))

    def action_tolerate(self) -> None:
        if cur := self._current():
            try:
                self._update(cur[0], tolerate(cur[1]))
            except ValueError:
                self.post_message(self.Refused(t("decide.tolerable_only", name=cur[1].item.name)))

    def action_defective(self) -> None:
        """不符合要求: ask for the reason (it goes on the notice); again to undo."""
        if cur := self._current():
            i, m = cur
            if m.status == "defective":
                self._update(i, replace(m, status="missing", note=""))
            else:
                self.post_message(self.NoteWanted(i))

    def mark_defective(self, index: int, note: str) -> None:
        self._update(index, replace(self.marks[index], status="defective", note=note))
        if index + 1 < len(self.marks):
            self.move_cursor(row=index + 1)
