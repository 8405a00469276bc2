"""The print queue: every document waiting for, being sent to, or sent to a printer.

The clerk sees each job's case, document, printer, state, attempts and last error, and can
resend it now, send it to the configured printer instead, cancel it (after a
confirmation) or read its text. Every database read and every send runs in a thread
worker, so a stalled printer never freezes the window.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.coordinate import Coordinate
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

from app.messages import t
from app.ui.screens.dialogs import ConfirmDialog, DocumentDialog
from app.ui.widgets.keys import KeyFooter
from app.ui.widgets.status_bar import StatusBar
from app.ui.widgets.times import SECONDS, local_time

ERROR_WIDTH = 48


def job_state_text(job) -> str:
    if job.state == "queued" and job.attempts:
        return t("job.retrying")
    return t(f"job.{job.state}")


def doc_text(job) -> str:
    name = t(f"doc.{job.doc_kind}")
    return f"{name}（{t('job.reprint')}）" if job.reprint else name


class PrintQueueScreen(Screen):
    BINDINGS = [
        Binding("escape", "back", t("key.back")),
        Binding("f3", "toggle_all", t("key.all_jobs")),
        Binding("f5", "resend", t("key.resend")),
        Binding("f6", "confirm_printed", t("key.confirm_printed")),
        Binding("f7", "preview", t("key.preview")),
        Binding("f8", "cancel_job", t("key.cancel_job")),
        Binding("f9", "retarget", t("key.retarget")),
    ]

    def __init__(self) -> None:
        super().__init__(id="print-queue")
        self.active_only = True
        self.jobs: dict[str, tuple[object, str]] = {}  # job_id -> (PrintJob, case number)
        self.loaded = 0  # bumped after every reload (tests wait on it)

    def compose(self) -> ComposeResult:
        yield Static("", id="queue-title", classes="section-title")
        yield DataTable(id="queue-table", cursor_type="row", zebra_stripes=True)
        yield Static(Text(t("queue.empty")), id="queue-empty", classes="empty-note")
        yield StatusBar(id="status-bar")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(
            t("queue.col_case"),
            t("queue.col_doc"),
            t("queue.col_printer"),
            t("queue.col_state"),
            t("queue.col_attempts"),
            t("queue.col_error"),
            t("queue.col_time"),
            t("queue.col_next"),
        )
        table.focus()
        self.reload()

    # --- loading ------------------------------------------------------------------------
    def reload(self) -> None:
        # a spool pass may end while the window closes and the screen is taken down: its
        # worker would outlive the screen (workers are cancelled at unmount, not after)
        if self.is_attached and self.app.is_running:
            self._load(self.app, self.active_only)

    @work(thread=True, exclusive=True, group="print-queue")
    def _load(self, app, active_only: bool) -> None:
        # `app` comes from the UI thread: in this thread self.app walks the screen's parents,
        # and a screen closed meanwhile has none (NoActiveAppError took the window down)
        from app.services.printing import PrintSpool

        rows = PrintSpool(app.ws).jobs(active_only=active_only)
        try:
            app.call_from_thread(self._show, rows)
        except RuntimeError:  # the window closed meanwhile
            pass

    def _show(self, rows) -> None:
        if not self.is_attached:
            return
        table = self.query_one(DataTable)
        keep = self.selected_job_id()
        table.clear()
        self.jobs = {}
        for job, number in rows:
            self.jobs[job.job_id] = (job, number)
            error = (
                job.last_error
                if len(job.last_error) <= ERROR_WIDTH
                else job.last_error[: ERROR_WIDTH - 1] + "…"
            )
            next_try = local_time(job.next_attempt_at, SECONDS) if job.state == "queued" else ""
            table.add_row(  # Text cells: never parsed as markup
                number,  # a case number: generated, no markup
                doc_text(job),
                Text(job.printer_url),
                job_state_text(job),
                str(job.attempts),
                Text(error),
                local_time(job.created_at, SECONDS),
                next_try,
                key=job.job_id,
            )
        if keep in self.jobs:
            table.move_cursor(row=table.get_row_index(keep))
        key = "queue.title_active" if self.active_only else "queue.title_all"
        self.query_one("#queue-title", Static).update(Text(t(key, count=len(rows))))
        self.query_one("#queue-empty", Static).display = not rows
        self.loaded += 1

    def selected_job_id(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        try:
            return str(table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value)
        except Exception:  # the cursor is outside the rows
            return None

    def _selected(self):
        job_id = self.selected_job_id()
        if job_id is None or job_id not in self.jobs:
            self.app.notify(t("queue.no_selection"), severity="warning", markup=False)
            return None
        return self.jobs[job_id]

    # --- actions ------------------------------------------------------------------------
    def action_back(self) -> None:
        self.app.pop_screen()

    def action_toggle_all(self) -> None:
        self.active_only = not self.active_only
        self.reload()

    def action_resend(self) -> None:
        picked = self._selected()
        if picked is None:
            return
        job, number = picked
        if job.state not in ("sent", "unconfirmed"):
            self._resend(job.job_id, number, None)
            return

        # Every byte already went out: another send may print a second copy, so ask.
        def answered(ok: bool | None) -> None:
            if ok:
                self._resend(job.job_id, number, None)

        body = t("queue.resend_body", doc=doc_text(job), number=number, state=job_state_text(job))
        self.app.push_screen(ConfirmDialog(t("queue.resend_title"), body), answered)

    def action_confirm_printed(self) -> None:
        picked = self._selected()
        if picked is not None:
            self._confirm_printed(picked[0].job_id, picked[1])

    @work(thread=True, group="print-queue-action")
    def _confirm_printed(self, job_id: str, number: str) -> None:
        from app.services.printing import PrintSpool

        spool = PrintSpool(self.app.ws)
        job = spool.get(job_id)
        if spool.confirm(job_id):
            self.app.call_from_thread(self.app.notify, t("queue.confirmed", doc=doc_text(job), number=number))
        else:
            self.app.call_from_thread(
                self.app.notify, t("queue.cannot_confirm", state=job_state_text(job)), severity="warning"
            )
        self.app.call_from_thread(self._after_action)

    def action_retarget(self) -> None:
        picked = self._selected()
        if picked is not None:
            self._resend(picked[0].job_id, picked[1], self.app.ws.config.printer_url)

    @work(thread=True, group="print-queue-action")
    def _resend(self, job_id: str, number: str, printer_url: str | None) -> None:
        from app.services.printing import PrintSpool

        spool = PrintSpool(self.app.ws)
        try:
            result = spool.resend(job_id, printer_url=printer_url)
        except (LookupError, ValueError) as exc:
            self.app.call_from_thread(self.app.notify, str(exc), severity="warning", markup=False)
        else:
            job = spool.get(job_id)
            if result.ok:
                text = t("queue.resent", doc=doc_text(job), number=number)
                if printer_url:
                    text += "；" + t("queue.retargeted", url=printer_url)
                self.app.call_from_thread(self.app.notify, text, markup=False)
            else:
                self.app.call_from_thread(
                    self.app.notify,
                    t("queue.resend_failed", error=result.error),
                    severity="error",
                    markup=False,
                )
        self.app.call_from_thread(self._after_action)

    def action_cancel_job(self) -> None:
        picked = self._selected()
        if picked is None:
            return
        job, number = picked
        if job.state not in ("queued", "failed"):
            self.app.notify(
                t("queue.cannot_cancel", state=job_state_text(job)), severity="warning", markup=False
            )
            return

        def answered(ok: bool | None) -> None:
            if ok:
                self._cancel(job.job_id, number)

        self.app.push_screen(
            ConfirmDialog(t("queue.cancel_title"), t("queue.cancel_body", doc=doc_text(job), number=number)),
            answered,
        )

    @work(thread=True, group="print-queue-action")
    def _cancel(self, job_id: str, number: str) -> None:
        from app.services.printing import PrintSpool

        spool = PrintSpool(self.app.ws)
        done = spool.cancel(job_id)
        job = spool.get(job_id)
        if done:
            self.app.call_from_thread(
                self.app.notify, t("queue.cancelled", doc=doc_text(job), number=number), markup=False
            )
        else:
            self.app.call_from_thread(
                self.app.notify,
                t("queue.cannot_cancel", state=job_state_text(job)),
                severity="warning",
                markup=False,
            )
        self.app.call_from_thread(self._after_action)

    def _after_action(self) -> None:
        self.reload()
        refresh = getattr(self.app, "refresh_print_status", None)
        if refresh:
            refresh()

    def action_preview(self) -> None:
        picked = self._selected()
        if picked is not None:
            job, number = picked
            self.app.push_screen(DocumentDialog(f"{doc_text(job)} · {number}", job.text))

    @on(DataTable.RowSelected, "#queue-table")
    def _row_selected(self) -> None:
        self.action_preview()


class DocumentChoiceDialog(ModalScreen[str | None]):
    """Pick one document kind of a case by its number key (1, 2, …); None when cancelled."""

    BINDINGS = [Binding("escape", "choose(0)", t("key.cancel"))] + [
        Binding(str(i), f"choose({i})", show=False) for i in range(1, 6)
    ]

    def __init__(self, title: str, kinds: list[str]) -> None:
        super().__init__()
        self.title_text, self.kinds = title, kinds

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            for i, kind in enumerate(self.kinds, 1):
                yield Static(f"{i}  {t('doc.' + kind)}", markup=False)
            yield Static(f"[dim]1–{len(self.kinds)} {t('key.confirm')} · Esc {t('key.cancel')}[/]")
        yield KeyFooter()

    def action_choose(self, i: int) -> None:
        if i == 0:
            self.dismiss(None)
        elif i <= len(self.kinds):
            self.dismiss(self.kinds[i - 1])
