"""Scans from the scanner inbox, on screen: the feed the window runs, and the screen (Ctrl+S)
where the clerk gives each new scan to a material of the checklist on screen.

The checklist is the intake in progress or the case opened in the case list. A material with a
scan counts as received (electronically). An intake that has no case number yet holds its
scans (IntakeScreen.scan_holds) until the decision gives it one, then files them with it.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Static

from app.messages import t
from app.ui.widgets.keys import KeyFooter
from app.ui.widgets.status_bar import StatusBar

THUMB_COLS, THUMB_ROWS = 24, 10  # a thumbnail in half-block cells (any colour terminal shows them)


def _pages(scan) -> str:
    return t("scan.pages", pages=scan.pages) if scan.pages else t("scan.pages_unknown")


def _size(scan) -> str:
    from app.domain.scans import human_size

    return human_size(scan.size)


# --- the feed: the inbox watcher, run by the window ------------------------------------------
class ScanFeed:
    """Runs the scanner inbox in its own thread and tells the window of every scan."""

    def __init__(self, app) -> None:
        self.app = app
        self.inbox = None

    def start(self) -> None:
        from app.services.scans import ScanInbox, ScannerError

        if self.app.ws.config.scanner_inbox is None:
            return  # no scanner at this window
        try:
            self.inbox = ScanInbox(self.app.ws, on_scan=self._from_thread, on_error=self._error_from_thread)
            self.inbox.start()
        except (ScannerError, OSError) as exc:
            self.inbox = None
            self.app.set_status("scanner", str(exc), "red")
            return
        self.app.call_later(self.count)

    def stop(self) -> None:
        if self.inbox is not None:
            self.inbox.stop()
            self.inbox = None

    def _from_thread(self, scan) -> None:
        try:
            self.app.call_from_thread(self.arrived, scan)
        except RuntimeError:  # the window is closing: the scan is stored, shown next time
            pass

    def _error_from_thread(self, exc: Exception) -> None:
        try:
            self.app.call_from_thread(self.app.set_status, "scanner", t("scan.error", error=exc), "red")
        except RuntimeError:
            pass

    def arrived(self, scan) -> None:
        from app.services.scans import reason_text

        if scan.state == "refused":
            self.app.notify(t("scans.refused", name=scan.name, reason=reason_text(scan)), severity="error")
        else:
            self.app.notify(t("scans.arrived", name=scan.name, pages=_pages(scan), size=_size(scan)))
        for screen in self.app.screen_stack:
            if isinstance(screen, ScansScreen):
                screen.reload()
        self.count()

    def count(self) -> None:
        unassigned_count(self.app)


def unassigned_count(app) -> None:
    """Recount the scans waiting to be assigned and show them in the status line."""
    _count_worker(app)


def _count_worker(app) -> None:
    def job() -> None:
        from app.services.scans import list_scans

        try:
            n = len(list_scans(app.ws, state="unassigned"))
        except Exception:  # the store is busy: the next scan recounts
            return
        text = t("scans.status", n=n) if n else ""
        try:
            app.call_from_thread(app.set_status, "scanner", text, "yellow")
        except RuntimeError:
            pass

    app.run_worker(job, thread=True, group="scan-count", exclusive=True)


def _thumbnail(path: str) -> Text | None:
    """A small picture of an image scan in half blocks (▀: upper pixel fg, lower pixel bg)."""
    try:
        from PIL import Image

        with Image.open(path) as im:
            im.seek(0)
            small = im.convert("RGB")
            small.thumbnail((THUMB_COLS, THUMB_ROWS * 2))
            w, h = small.size
            px = small.load()
    except Exception:  # a PDF, or an image Pillow cannot read: no picture, the facts suffice
        return None
    out = Text()
    for y in range(0, h - 1, 2):
        for x in range(w):
            top, bottom = px[x, y], px[x, y + 1]
            out.append(
                "▀", style=f"rgb({top[0]},{top[1]},{top[2]}) on rgb({bottom[0]},{bottom[1]},{bottom[2]})"
            )
        out.append("\n")
    return out


# --- the screen ----------------------------------------------------------------------------------
class ScansScreen(Screen):
    """Unassigned scans (left) and the materials of the checklist on screen (right)."""

    DEFAULT_CSS = """
    #scans-body { height: 1fr; }
    #scans-left { width: 1fr; }
    #scans-table { height: 1fr; }
    #scans-preview { height: auto; max-height: 14; }
    #scans-materials { width: 1fr; height: 1fr; }
    """

    BINDINGS = [
        Binding("escape", "back", t("key.back")),
        Binding("enter", "assign", t("key.assign_scan"), priority=False),
        Binding("f2", "focus_scans", t("key.scan_list")),
        Binding("f4", "focus_materials", t("key.checklist")),
    ]

    def __init__(self, target) -> None:
        """``target``: the IntakeScreen or CaseDetailScreen this screen was opened from."""
        super().__init__(id="scans")
        self.target = target
        self.scans: list = []
        self.materials: list = []  # (key, name, status text)
        self._loads = 0

    def compose(self) -> ComposeResult:
        yield Static(t("scans.title"), classes="section-title")
        yield Static("", id="scans-target")
        with Horizontal(id="scans-body"):
            with Vertical(id="scans-left"):
                yield DataTable(id="scans-table", cursor_type="row", zebra_stripes=True)
                yield Static("", id="scans-preview")
            yield DataTable(id="scans-materials", cursor_type="row", zebra_stripes=True)
        yield Static(t("scans.keys"), id="scans-keys")
        yield Static("", id="scans-message")
        yield StatusBar(id="status-bar")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#scans-table", DataTable).add_columns(
            t("scans.col_scan"),
            t("scans.col_kind"),
            t("scans.col_pages"),
            t("scans.col_size"),
            t("scans.col_time"),
        )
        self.query_one("#scans-materials", DataTable).add_columns(
            t("scans.col_status"), t("scans.col_material")
        )
        self.query_one("#scans-table", DataTable).focus()
        self.reload()

    # --- what is on screen ------------------------------------------------------------------
    def _checklist(self):
        """(case number or "", subject text, marks) of the target, or None without a subject."""
        draft = getattr(self.target, "draft", None)
        if draft is not None:
            return draft.case_number or "", draft.subject_code, list(draft.marks)
        detail = getattr(self.target, "detail", None)
        if detail is not None:
            c = detail.case
            return c.number, f"{c.subject_name}（{c.subject_code}）", list(detail.marks)
        return None

    def _holds(self) -> dict[int, str]:
        return getattr(self.target, "scan_holds", {})

    def reload(self) -> None:
        self._loads += 1
        checklist = self._checklist()
        self._fetch(checklist[0] if checklist else "", self._loads)

    @work(thread=True, group="scans-load")
    def _fetch(self, number: str, load: int) -> None:
        from app.services.scans import list_scans, scanned_keys

        try:
            scans = list_scans(self.app.ws, state="unassigned")
            keys = scanned_keys(self.app.ws, number) if number else set()
        except Exception as exc:  # a store problem must not take the window down
            self.app.call_from_thread(self.say, t("error.store", error=exc), "red")
            return
        self.app.call_from_thread(self._show, scans, keys, load)

    def _show(self, scans, scanned: set[str], load: int) -> None:
        if load != self._loads or not self.is_attached:
            return
        holds = self._holds()
        checklist = self._checklist()
        keys = {m.item.key for m in checklist[2]} if checklist else set()
        for scan_id in [i for i, k in holds.items() if k not in keys]:
            del holds[scan_id]  # the intake changed its subject: that material is gone
        self.scans = [s for s in scans if s.id not in holds]
        table = self.query_one("#scans-table", DataTable)
        row = table.cursor_row
        table.clear()
        for s in self.scans:
            # File names come from the scanner's folder: Text, never markup.
            table.add_row(
                Text(s.name),
                s.kind.upper(),
                _pages(s),
                _size(s),
                s.found_at.astimezone().strftime("%H:%M:%S"),
                key=str(s.id),
            )
        if self.scans:
            table.move_cursor(row=min(row or 0, len(self.scans) - 1))
        else:
            self.query_one("#scans-preview", Static).update(t("scans.none"))
        mats = self.query_one("#scans-materials", DataTable)
        mrow = mats.cursor_row
        mats.clear()
        self.materials = []
        if checklist is None:
            self.query_one("#scans-target", Static).update(Text(t("scans.no_subject"), style="yellow"))
            return
        number, subject, marks = checklist
        header = (
            t("scans.for_case", number=number, subject=subject)
            if number
            else t("scans.for_draft", subject=subject)
        )
        self.query_one("#scans-target", Static).update(Text(header))
        held = set(holds.values())
        for m in marks:
            electronic = m.item.key in scanned or m.item.key in held
            status = (
                Text(t("scans.electronic"), style="green") if electronic else Text(t("status." + m.status))
            )
            mats.add_row(status, Text(m.item.name), key=m.item.key)
            self.materials.append(m.item)
        if self.materials:
            mats.move_cursor(row=min(mrow or 0, len(self.materials) - 1))

    @on(DataTable.RowHighlighted, "#scans-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        scan = self._scan_at(event.cursor_row)
        if scan is not None:
            self._preview(scan)

    def _preview(self, scan) -> None:
        facts = Text(
            f"{scan.name}\n{scan.kind.upper()} · {_pages(scan)} · {_size(scan)}\nsha256 {scan.sha256[:16]}…"
        )
        self.query_one("#scans-preview", Static).update(facts)
        self._load_thumbnail(scan.archive_path, scan.id, facts)

    @work(thread=True, group="scans-thumb", exclusive=True)
    def _load_thumbnail(self, path: str, scan_id: int, facts: Text) -> None:
        picture = _thumbnail(path)
        if picture is not None:
            self.app.call_from_thread(self._show_thumbnail, scan_id, Text.assemble(picture, facts))

    def _show_thumbnail(self, scan_id: int, text: Text) -> None:
        current = self._scan_at(self.query_one("#scans-table", DataTable).cursor_row)
        if current is not None and current.id == scan_id:
            self.query_one("#scans-preview", Static).update(text)

    def _scan_at(self, row: int | None):
        if row is None or not 0 <= row < len(self.scans):
            return None
        return self.scans[row]

    def say(self, text: str, style: str = "") -> None:
        self.query_one("#scans-message", Static).update(Text(text, style=style))

    # --- keys ------------------------------------------------------------------------------------
    def action_back(self) -> None:
        self.app.pop_screen()

    def action_focus_scans(self) -> None:
        self.query_one("#scans-table", DataTable).focus()

    def action_focus_materials(self) -> None:
        self.query_one("#scans-materials", DataTable).focus()

    @on(DataTable.RowSelected, "#scans-table")
    def _scan_chosen(self) -> None:
        self.action_focus_materials()

    @on(DataTable.RowSelected, "#scans-materials")
    def _material_chosen(self) -> None:
        self.action_assign()

    def action_assign(self) -> None:
        scan = self._scan_at(self.query_one("#scans-table", DataTable).cursor_row)
        if scan is None:
            self.say(t("scans.pick_scan"), "yellow")
            self.action_focus_scans()
            return
        checklist = self._checklist()
        mats = self.query_one("#scans-materials", DataTable)
        if checklist is None or not self.materials:
            self.say(t("scans.no_subject"), "yellow")
            return
        if self.focused is not mats:
            self.action_focus_materials()
            return
        item = self.materials[mats.cursor_row or 0]
        number = checklist[0]
        self._mark_received(item.key)
        if number:
            self._assign(scan.id, scan.name, number, item.key, item.name)
        else:  # no case number yet: held until the decision (IntakeScreen.scan_holds)
            self._holds()[scan.id] = item.key
            self.say(t("scans.held", name=scan.name, material=item.name), "green")
            self.reload()
            self.action_focus_scans()

    def _mark_received(self, key: str) -> None:
        """On the intake in progress, a material with a scan counts as received."""
        from app.domain.scans import received_with_scan

        try:
            from app.ui.widgets.checklist_table import ChecklistTable

            table = self.target.query_one(ChecklistTable)
        except Exception:  # the target is a case's detail: its marks are stored
            return
        for i, m in enumerate(table.marks):
            if m.item.key == key and m.status != "received":
                table._update(i, received_with_scan(m))

    @work(thread=True, group="scans-assign")
    def _assign(self, scan_id: int, name: str, number: str, key: str, material: str) -> None:
        from app.services.scans import AssignError, assign

        try:
            assign(self.app.ws, scan_id, number, key)
        except (AssignError, OSError) as exc:
            self.app.call_from_thread(self.say, str(exc), "red")
        else:
            self.app.call_from_thread(self.say, t("scans.assigned", name=name, material=material), "green")
            self.app.call_from_thread(self.app.kick_sync)
        self.app.call_from_thread(self.reload)
        self.app.call_from_thread(unassigned_count, self.app)
        self.app.call_from_thread(self.action_focus_scans)
