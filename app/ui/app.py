"""The Textual app: a thin frame that owns the workstation and its background workers."""

from __future__ import annotations

import gc
import os
import time

from rich.text import Text
from textual import work
from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive

from app.messages import t
from app.ui.screens.intake import IntakeScreen

SPOOL_INTERVAL = 3.0  # seconds between print-queue passes
SYNC_RESTART_DELAY = 2.0  # seconds before a sync worker that ended is started again
BACKUP_FIRST_DELAY = 120.0  # the daily backup waits until the morning's first intakes are done
BACKUP_INTERVAL = 3600.0  # then looks every hour whether a day has passed since the last one


class YichuangApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "yichuang"
    BINDINGS = [
        Binding("f1", "show_keys", t("key.help"), priority=True),  # the footer lists what fits
        Binding("ctrl+q", "quit_safely", t("key.quit"), priority=True),
        Binding("f12", "print_queue", t("key.print_queue")),
        Binding("ctrl+y", "sync_screen", t("key.sync")),
        Binding("ctrl+s", "scans", t("key.scans")),
        Binding("ctrl+t", "courier", t("key.courier")),
        Binding("ctrl+g", "progress", t("key.progress")),
        Binding("ctrl+o", "pickup", t("key.pickup")),
        Binding("ctrl+r", "supervisor", t("key.supervisor")),
    ]

    ENABLE_COMMAND_PALETTE = False  # every action has its own key; no English palette

    status_text: reactive[str] = reactive("")

    def __init__(self, ws, *, start: str = "intake", **kw) -> None:
        super().__init__(**kw)
        self.ws = ws
        self.start = start  # "courier": `yichuang courier` opens on the courier screen
        self.index = None
        self._status: dict[str, Text] = {"store": Text(t("status.store_opening"))}
        self._spool_running = False
        self._spool_again = False  # a kick arrived during a pass: run another one after it
        self._printing_warm = False
        self.sync_runner = None  # app.services.sync.runner.SyncRunner, once the store is open
        self.scan_feed = None  # app.ui.screens.scans.ScanFeed, once the store is open
        self._panes_up = False
        self._rest_started = False
        self.started = time.perf_counter()
        self._scans = None  # app.ui.screens.pickup.ScanWatcher, once the store is open

    def on_mount(self) -> None:
        self.title = t("app.title")
        self.sub_title = f"{self.ws.config.get('office.name')} · {self.ws.window}"
        # The search index is a stored file (no pypinyin, no SQLAlchemy): load it while the
        # first screen is built, so what the clerk types at once is answered at once.
        self._load_index()
        self.push_screen(IntakeScreen())
        if self.start == "courier":
            self.action_courier()

    def screen_ready(self) -> None:
        """The intake screen's first frame is painted with the search focused."""
        if os.environ.get("YICHUANG_EXIT_WHEN_READY"):  # start-up benchmark hook
            self._note_time("YICHUANG_READY_FILE")

    def panes_ready(self) -> None:
        """All intake panes are mounted (a frame or two after the search is usable).

        Opening the store (SQLAlchemy), the catalogue and the spool start only now and once
        the index is loaded: in threads they would still take the GIL from the first
        frame and the first answer.
        """
        if os.environ.get("YICHUANG_EXIT_WHEN_READY"):
            self.call_after_refresh(self._note_time, "YICHUANG_PANES_FILE", exit_after=True)
            return
        self._panes_up = True
        self._maybe_start_rest()

    def _maybe_start_rest(self) -> None:
        if self._panes_up and self.index is not None and not self._rest_started:
            self._rest_started = True
            self.call_after_refresh(self._start_rest)

    @staticmethod
    def _write_time(env_name: str) -> None:
        target = os.environ.get(env_name)
        if target:
            with open(target, "w", encoding="ascii") as fh:
                fh.write(repr(time.time()))

    def _note_time(self, env_name: str, exit_after: bool = False) -> None:
        """Benchmark hook: note when a frame reached the screen; leave after the last one."""
        self._write_time(env_name)
        if exit_after:
            self.exit("ready")

    def _start_rest(self) -> None:
        gc.enable()  # paused by `yichuang` while starting (cli.cmd_run)
        self._open_store()
        self._load_catalogue()
        self.set_interval(SPOOL_INTERVAL, self.kick_spool)

    # --- sync with the platform (issue 4) ------------------------------------------------------
    def _start_sync(self) -> None:
        from app.services.sync.runner import SyncRunner

        self.sync_runner = SyncRunner(self.ws)
        self._sync_loop()

    @work(thread=True, group="sync", exit_on_error=False)
    def _sync_loop(self) -> None:
        """Background sync: the window never waits on the network."""
        runner = self.sync_runner
        # bar_text() is markup made by our code from the catalogue and counts; the hub's error
        # text in it is escaped there.
        runner.run_forever(on_cycle=lambda st: self._from_thread(self._sync_cycle_done, st))

    def _sync_cycle_done(self, status) -> None:
        self.set_status("sync", Text.from_markup(status.bar_text()))
        report = self.sync_runner.last_report if self.sync_runner is not None else None
        if report is not None and report.pulled:  # decisions came down: screens that show them reload
            for screen in self.screen_stack:
                arrived = getattr(screen, "decisions_arrived", None)
                if arrived is not None:
                    arrived()

    def on_worker_state_changed(self, event) -> None:
        """Supervision: the sync worker is restarted if it ever ends before the app stops it."""
        from textual.worker import WorkerState

        runner = self.sync_runner
        if (
            event.worker.group == "sync"
            and event.state in (WorkerState.ERROR, WorkerState.SUCCESS, WorkerState.CANCELLED)
            and runner is not None
            and not runner.stopping.is_set()
        ):
            self.set_timer(SYNC_RESTART_DELAY, self._sync_loop)

    def kick_sync(self) -> None:
        if self.sync_runner is not None:
            self.sync_runner.kick()

    def action_sync_screen(self) -> None:
        from app.ui.screens.sync_screen import SyncScreen

        self.push_screen(SyncScreen())

    # --- courier mode and the progress query (issue 12) ------------------------------------------
    def action_courier(self) -> None:
        from textual.screen import ModalScreen

        from app.ui.screens.courier import CourierScreen

        if not isinstance(self.screen, (CourierScreen, ModalScreen)):
            self.push_screen(CourierScreen())

    def action_progress(self) -> None:
        from textual.screen import ModalScreen

        from app.ui.screens.timeline import TimelineScreen

        if not isinstance(self.screen, (TimelineScreen, ModalScreen)):
            self.push_screen(TimelineScreen())

    # --- the supervisor's view (issue 8 §5; action "supervisor_view" once roles exist) --------
    def action_supervisor(self) -> None:
        from textual.screen import ModalScreen

        from app.ui.screens.supervisor import SupervisorScreen

        if isinstance(self.screen, (SupervisorScreen, ModalScreen)) or "store" not in self.ws.__dict__:
            return
        self.push_screen(SupervisorScreen())

    # --- handing results out (issue 12) ---------------------------------------------------------
    def action_pickup(self) -> None:
        from textual.screen import ModalScreen

        from app.ui.screens.pickup import PickupScreen

        if isinstance(self.screen, (PickupScreen, ModalScreen)) or "store" not in self.ws.__dict__:
            return
        self.push_screen(PickupScreen())

    async def on_event(self, event) -> None:
        """A receipt scanned anywhere on the intake and case screens opens its case."""
        from textual import events

        if isinstance(event, events.Key) and not event.is_forwarded and "store" in self.ws.__dict__:
            if self._scans is None:
                from app.ui.screens.pickup import ScanWatcher

                self._scans = ScanWatcher(self)
            if self._scans.key(event, time.monotonic()):
                return
        await super().on_event(event)

    def open_scanned(self, scan) -> None:
        from app.ui.screens.pickup import open_scanned

        open_scanned(self, scan)

    def on_unmount(self) -> None:
        if self.sync_runner is not None:
            self.sync_runner.stop()
        if self.scan_feed is not None:
            self.scan_feed.stop()

    # --- the scanner inbox (issue 12) -----------------------------------------------------------
    def _start_scans(self) -> None:
        from app.ui.screens.scans import ScanFeed

        self.scan_feed = ScanFeed(self)
        self.scan_feed.start()

    def action_scans(self) -> None:
        """Ctrl+S: the new scans and the checklist on screen (an intake, or a case's detail)."""
        from textual.screen import ModalScreen

        from app.ui.screens.scans import ScansScreen

        if isinstance(self.screen, (ScansScreen, ModalScreen)) or "store" not in self.ws.__dict__:
            return
        self.push_screen(ScansScreen(self.screen))

    def notify(self, message: str, *, markup: bool = False, **kw) -> None:  # type: ignore[override]
        """Toasts quote names, numbers and errors: plain text unless a caller asks for markup."""
        super().notify(message, markup=markup, **kw)

    # --- status ----------------------------------------------------------------------------
    def set_status(self, part: str, text: str | Text, style: str = "") -> None:
        """Set one part of the status line; a str is shown literally (errors quote data)."""
        self._status[part] = text if isinstance(text, Text) else Text(text, style=style)
        self.status_text = "  │  ".join(v.plain for v in self._status.values() if v.plain)

    def status_line(self) -> Text:
        """The status line as shown: its parts with their own styles."""
        return Text("  │  ").join(v for v in self._status.values() if v.plain)

    # --- background work ---------------------------------------------------------------------
    @work(thread=True, group="startup")
    def _open_store(self) -> None:
        try:
            _ = self.ws.store
        except Exception as exc:
            self.call_from_thread(self.set_status, "store", t("error.store", error=exc), "red")
            return
        self.call_from_thread(self.set_status, "store", "")
        self.call_from_thread(self.kick_spool)
        self.call_from_thread(self._start_sync)
        self.call_from_thread(self._start_daily_backup)
        self.call_from_thread(self._start_scans)

    # --- daily backup (backup.dir, backup.keep_days; docs/backup.md) ---------------------------
    def _start_daily_backup(self) -> None:
        self.set_timer(BACKUP_FIRST_DELAY, self._daily_backup)
        self.set_interval(BACKUP_INTERVAL, self._daily_backup)

    @work(thread=True, group="backup", exclusive=True, exit_on_error=False)
    def _daily_backup(self) -> None:
        from app.services.backup import daily_backup

        try:
            daily_backup(self.ws)  # a no-op until a day has passed since the newest backup
        except Exception as exc:  # noqa: BLE001  (a full disk must not stop the window)
            self._from_thread(self.set_status, "backup", t("backup.daily_failed", error=exc), "red")
            return
        self._from_thread(self.set_status, "backup", "")

    @work(thread=True, group="startup")
    def _load_index(self) -> None:
        from app.services.catalogue_files import load_search_index

        index = load_search_index(self.ws.config.catalogue_dir)
        self.call_from_thread(self._index_ready, index)

    def _index_ready(self, index) -> None:
        """Answer what the clerk typed meanwhile (the search shows it with its next frame)."""
        self.index = index
        for screen in self.screen_stack:
            if isinstance(screen, IntakeScreen):
                screen.set_index(index)
        self._maybe_start_rest()

    @work(thread=True, group="startup")
    def _load_catalogue(self) -> None:
        _ = self.ws.catalogue
        _ = self.ws.calendar
        self.call_from_thread(self._catalogue_ready)

    def _catalogue_ready(self) -> None:
        cat = self.ws.catalogue
        self.set_status(
            "catalogue",
            t("status.catalogue", version=cat.version, matters=len(cat.matters), bundles=len(cat.bundles)),
        )

    def kick_spool(self) -> None:
        """Start a spool pass in a thread (the timer, a decision, a reprint call this).

        One pass at a time in this process; across processes the jobs' claims in the
        store keep two senders off the same job.
        """
        if "store" not in self.ws.__dict__:
            return
        if self._spool_running:
            self._spool_again = True
            return
        self._spool_running = True
        self._spool_again = False
        self._run_spool()

    @work(thread=True, group="spool")
    def _run_spool(self) -> None:
        from app.services.printing import PrintSpool

        summary = None
        try:
            if not self._printing_warm:
                from app.services.printing import warm_up

                warm_up(self.ws)  # once, in this thread: the first receipt is then fast
                self._printing_warm = True
            spool = PrintSpool(self.ws)
            spool.send_due()
            summary = spool.summary()
        except Exception as exc:  # the store is busy, a setting is wrong: say so, try again next tick
            self._from_thread(self.set_status, "printer", t("status.print_failed", error=exc), "red")
        finally:
            self._from_thread(self._spool_done, summary)

    def _from_thread(self, callback, *args) -> None:
        try:
            self.call_from_thread(callback, *args)
        except RuntimeError:  # the app is closing; the store keeps the queue for next time
            pass

    def _spool_done(self, summary) -> None:
        self._spool_running = False
        if summary is not None:
            self._show_print_status(summary)
        from app.ui.screens.print_queue import PrintQueueScreen

        if isinstance(self.screen, PrintQueueScreen):
            self.screen.reload()
        for screen in self.screen_stack:  # e.g. a case's detail, also under a dialog
            changed = getattr(screen, "print_jobs_changed", None)
            if changed is not None:
                changed()
        if self._spool_again:
            self.kick_spool()

    def _show_print_status(self, summary) -> None:
        text = t("status.print_queue", waiting=summary.waiting) if summary.waiting else ""
        if summary.failing:
            text = t("status.print_failing", count=summary.failing, error=summary.last_error)
        elif getattr(summary, "unconfirmed", 0):  # sent in full, not confirmed: the clerk decides
            text = " ".join(filter(None, [text, t("status.print_unconfirmed", count=summary.unconfirmed)]))
        self.set_status("printer", text, "red" if summary.failing else "")

    def refresh_print_status(self) -> None:
        """Recount the queue now (after the clerk resent or cancelled a job)."""
        self._count_queue()

    @work(thread=True, group="spool-status")
    def _count_queue(self) -> None:
        from app.services.printing import PrintSpool

        summary = PrintSpool(self.ws).summary()
        self._from_thread(self._show_print_status, summary)

    def action_print_queue(self) -> None:
        from textual.screen import ModalScreen

        from app.ui.screens.print_queue import PrintQueueScreen

        if isinstance(self.screen, (PrintQueueScreen, ModalScreen)) or "store" not in self.ws.__dict__:
            return
        self.push_screen(PrintQueueScreen())

    def action_show_keys(self) -> None:
        """F1: every key of the current screen (the footer shows only what fits)."""
        from app.ui.widgets.keys import KeysDialog, screen_keys

        if isinstance(self.screen, KeysDialog):
            self.screen.dismiss(None)
            return
        self.push_screen(KeysDialog(screen_keys(self.screen)))

    def action_quit_safely(self) -> None:
        """Quit, but never throw away an intake in progress without asking."""
        from app.ui.screens.dialogs import ConfirmDialog

        intake = next((s for s in self.screen_stack if isinstance(s, IntakeScreen)), None)
        if intake is None or not intake.panes_ready or not intake.is_dirty():
            self.exit()
            return

        def done(ok: bool | None) -> None:
            if ok:
                self.exit()

        self.push_screen(ConfirmDialog(t("quit.title"), t("intake.discard_body"), yes=t("key.quit")), done)

    # --- navigation ----------------------------------------------------------------------------
    def resume_intake(self, draft) -> None:
        while not isinstance(self.screen, IntakeScreen):
            self.pop_screen()
        self.screen.load_draft(draft)
