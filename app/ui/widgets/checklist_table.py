"""The materials checklist: one row per merged material, marked by keyboard."""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey

from app.domain.intake import Mark, cycle_status, tolerate
from app.domain.line_breaking import cells, clip
from app.messages import t

# 不符 has a look of its own (not 未收's red): the material is here but not acceptable.
STATUS_STYLE = {
    "received": "green",
    "missing": "red",
    "tolerated": "yellow",
    "defective": "bold black on dark_orange",
}
NAME_LINES = 2  # a name wraps within its row up to this many lines; the whole one is shown below
# The marks after the name (column keys); one space before each.
MARKS = ("status", "form", "copies", "required", "tolerable")
MAX_COPIES = 99  # the copies column is two digits wide; nobody hands in 100 copies of one thing


def mark_headers() -> list[str]:
    return [
        t("intake.col_status"),
        t("intake.col_form_short"),
        t("intake.col_copies_short"),
        t("intake.col_required_short"),
        t("intake.col_tolerable_short"),
    ]


def mark_widths() -> list[int]:
    """Each mark column's width: its header or its widest content, and a space (in the
    current language: English words are wider)."""
    contents = (
        [t(f"status.{s}") for s in STATUS_STYLE],
        [t("intake.mark_original"), t("intake.mark_copy")],
        [str(MAX_COPIES)],
        ["●"],
        ["○"],
    )
    return [1 + max(cells(h), *map(cells, c)) for h, c in zip(mark_headers(), contents, strict=True)]


def name_lines(m: Mark, width: int) -> Text:
    """The material's name wrapped to `width` cells after a one-cell margin (at most NAME_LINES
    lines, then …), and the clerk's note after it (dim) where there is room: both are data,
    never markup."""
    name = m.item.name
    own = clip(name, width, NAME_LINES)
    text = f"{name} （{m.note}）" if m.note else name
    lines = clip(text, width, len(own))
    out = Text(end="")
    left = name  # what of the name is still to be painted: the rest of a line is the note
    for i, line in enumerate(lines):
        out.append("\n " if i else " ")  # the column's left margin, on every line
        k = 0
        while k < len(line) and left and line[k] == left[0]:
            k, left = k + 1, left[1:]
        out.append(line[:k])
        out.append(line[k:], style="dim")
    return out


class ChecklistTable(DataTable):
    """Name first, taking the width the narrow marks leave; no sideways scrolling (styles:
    app/ui/screens/intake.tcss)."""

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
        super().__init__(cursor_type="row", zebra_stripes=True, cell_padding=0, **kw)
        self.marks: list[Mark] = []
        self.name_width = 20  # set from the table's width (on_resize)

    def on_mount(self) -> None:
        self.add_column(Text(" " + t("intake.col_name")), width=self.name_width + 1, key="name")
        for key, header, width in zip(MARKS, mark_headers(), mark_widths(), strict=True):
            self.add_column(Text(" " + header), width=width, key=key)

    def on_resize(self) -> None:
        width = self.scrollable_content_region.width - sum(mark_widths()) - 1
        width = max(width, 4)
        if width == self.name_width:
            return
        self.name_width = width
        if ColumnKey("name") in self.columns:  # else on_mount makes it at this width
            self.columns[ColumnKey("name")].width = width + 1
            self._refill()

    def _refill(self) -> None:
        """The rows again at the current name width (their heights follow their names)."""
        row = self.cursor_row
        self.clear()
        for i, m in enumerate(self.marks):
            self._add(i, m)
        if self.marks:
            self.move_cursor(row=min(row, len(self.marks) - 1), animate=False)

    def _add(self, index: int, m: Mark) -> None:
        cells_ = self._cells(m)
        self.add_row(*cells_, height=len(cells_[0].plain.split("\n")), key=str(index))

    def load(self, marks: list[Mark]) -> None:
        self.marks = list(marks)
        self.clear()
        for i, m in enumerate(self.marks):
            self._add(i, m)
        if self.marks:
            self.move_cursor(row=0)
        self.post_message(self.MarksChanged())

    def _cells(self, m: Mark) -> tuple[Text, ...]:
        # Names and the clerk's note are data: rich Text, never parsed as markup.
        form = Text(t("intake.mark_original") if m.handed_form == "original" else t("intake.mark_copy"))
        if m.status == "received" and m.handed_form != m.item.form:
            form.stylize("yellow")
        return tuple(
            [name_lines(m, self.name_width)]
            + [
                Text(" ") + cell
                for cell in (
                    Text(t("status." + m.status), style=STATUS_STYLE[m.status]),
                    form,
                    Text(str(m.handed_copies)),
                    Text("●" if m.item.required else ""),
                    Text("○" if (m.item.required and m.item.tolerable) else ""),
                )
            ]
        )

    # End and Home go to the last and the first material, never sideways (issue 18).
    def action_scroll_home(self) -> None:
        if self.marks:
            self.move_cursor(row=0)

    def action_scroll_end(self) -> None:
        if self.marks:
            self.move_cursor(row=len(self.marks) - 1)

    def _update(self, index: int, mark: Mark) -> None:
        old = self._cells(self.marks[index])[0].plain.count("\n")
        self.marks[index] = mark
        cells_ = self._cells(mark)
        if cells_[0].plain.count("\n") != old:  # a note changed the row's height
            self._refill()
        else:
            for col, value in enumerate(cells_):
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
            self._update(i, replace(m, copies=min(MAX_COPIES, max(1, m.handed_copies + delta))))

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
