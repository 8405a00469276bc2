"""The window's background jobs, as its supervisor (app.ui.background) runs them:

index        the search index (a stored file), loaded while the first screen is built
store        the store, opened once the intake's panes are up and the index is loaded
catalogue    the catalogue and the working-day calendar, loaded beside the store
spool        a print-queue pass: every SPOOL_INTERVAL seconds, and when kicked (a decision, a
             reprint); one pass at a time in this process (the jobs' claims in the store keep
             two processes off the same job)
print-count  the queue recounted after the clerk resent or cancelled a job
sync         the sync loop (SyncRunner.run_forever), started again SYNC_RESTART_DELAY after it ends
backup       the daily backup (backup.dir, backup.keep_days; docs/backup.md)
followups    the overdue 差评整改 counted once the store is open
scanner      the scanner folder's watcher (app.ui.screens.scans.ScanFeed)
counter      the counter terminal's answers, watched (app.ui.rating)
idcard       the 居民身份证 reader (idcard.port set): app.services.idcard.CardPoller polled in a
             thread a few times a second; a card read goes to the screen on top
             (`card_presented(event)`, if it has one), a lost or recovered reader to the status line

Each shows its result on the status line; none of them lets a failure stop the window, except
the index and the catalogue (nothing to work with without them).
"""

from __future__ import annotations

import gc
import os
import threading
import time

from rich.text import Text

from app.messages import t
from app.ui.background import Job

SPOOL_INTERVAL = 3.0  # seconds between print-queue passes
SYNC_RESTART_DELAY = 2.0  # seconds before a sync worker that ended is started again
BACKUP_FIRST_DELAY = 120.0  # the daily backup waits until the morning's first intakes are done
BACKUP_INTERVAL = 3600.0  # then looks every hour whether a day has passed since the last one
IDCARD_WAIT = 0.3  # seconds one look for a card event may take (the poller polls within it)
IDCARD_RESTART_DELAY = 2.0  # seconds before a reader loop that ended in error starts again

STATUS_ERROR = 32  # characters of a printer error on the status line (F12 shows it whole)


class WindowJobs:
    def __init__(self, app, background) -> None:
        self.app = app
        self.ws = ws = app.ws
        self.bg = background
        self._panes_up = False
        self._rest_started = False
        self._printing_warm = False
        self._idcard_stop = threading.Event()

        def load_index():
            from app.services.catalogue_files import load_search_index

            return load_search_index(ws.config.catalogue_dir)

        def overdue():
            from app.services.evaluation import overdue_count

            return overdue_count(ws)

        def backup():
            from app.services.backup import daily_backup

            daily_backup(ws)  # a no-op until a day has passed since the newest backup

        def count_queue():
            from app.services.printing import PrintSpool

            return PrintSpool(ws).summary()

        for job in (
            Job("index", load_index, done=self._index_loaded, exit_on_error=True),
            Job("store", lambda: ws.store, done=self._store_opened, failed=self._store_failed),
            Job(
                "catalogue",
                lambda: (ws.catalogue, ws.calendar),
                done=self._catalogue_loaded,
                exit_on_error=True,
            ),
            Job("spool", self._spool_pass, done=self._spool_done, failed=self._spool_failed),
            Job("print-count", count_queue, done=self.show_print_status, exit_on_error=True),
            Job("sync", self._sync_loop, restart_after=SYNC_RESTART_DELAY),
            Job("idcard", self._idcard_loop, restart_after=IDCARD_RESTART_DELAY),
            Job("followups", overdue, done=self._overdue_counted, failed=lambda exc: None),
            Job(
                "backup",
                backup,
                done=lambda _: app.set_status("backup", ""),
                # a full disk must not stop the window
                failed=lambda exc: app.set_status(
                    "backup",
                    t("backup.daily_failed", error=exc),
                    "red",
                    short=t("status.backup_failed_short"),
                ),
                exclusive=True,
            ),
        ):
            background.add(job)

    # --- start-up -------------------------------------------------------------------------------
    def start(self) -> None:
        """The search index is a stored file (no pypinyin, no SQLAlchemy): loaded while the
        first screen is built, so what the clerk types at once is answered at once."""
        self.bg.start("index")

    def screen_ready(self) -> None:
        """The intake screen's first frame is painted with the search focused."""
        if os.environ.get("YICHUANG_EXIT_WHEN_READY"):  # start-up benchmark hook
            self._note_time("YICHUANG_READY_FILE")

    def panes_ready(self) -> None:
        """All intake panes are mounted (a frame or two after the search is usable).

        Opening the store (SQLAlchemy), the catalogue and the spool start only now and once
        the index is loaded: in threads they would still take the GIL from the first frame
        and the first answer.
        """
        if os.environ.get("YICHUANG_EXIT_WHEN_READY"):
            self.app.call_after_refresh(self._note_time, "YICHUANG_PANES_FILE", True)
            return
        self._panes_up = True
        self._maybe_start_rest()

    def _note_time(self, env_name: str, exit_after: bool = False) -> None:
        """Benchmark hook: note when a frame reached the screen; leave after the last one."""
        target = os.environ.get(env_name)
        if target:
            with open(target, "w", encoding="ascii") as fh:
                fh.write(repr(time.time()))
        if exit_after:
            self.app.exit("ready")

    def _index_loaded(self, index) -> None:
        """Answer what the clerk typed meanwhile (the search shows it with its next frame)."""
        from app.ui.screens.intake import IntakeScreen

        self.app.index = index
        for screen in self.app.screen_stack:
            if isinstance(screen, IntakeScreen):
                screen.set_index(index)
        self._maybe_start_rest()

    def _maybe_start_rest(self) -> None:
        if self._panes_up and self.app.index is not None and not self._rest_started:
            self._rest_started = True
            self.app.call_after_refresh(self._start_rest)

    def _start_rest(self) -> None:
        gc.enable()  # paused by `yichuang` while starting (cli.cmd_run)
        self.bg.start("store")
        self.bg.start("catalogue")
        self.bg.every("spool", SPOOL_INTERVAL, self.kick_spool)
        self._start_idcard()

    def _store_opened(self, _store) -> None:
        app = self.app
        app.set_status("store", "")
        self.kick_spool()
        self._start_sync()
        self.bg.every("backup", BACKUP_INTERVAL, lambda: self.bg.start("backup"), first=BACKUP_FIRST_DELAY)
        self._start_scanner()
        self.bg.start("followups")

    def _store_failed(self, exc: Exception) -> None:
        self.app.set_status("store", t("error.store", error=exc), "red")

    def _catalogue_loaded(self, _parts) -> None:
        cat = self.ws.catalogue
        self.app.set_status(
            "catalogue",
            t("status.catalogue", version=cat.version, matters=len(cat.matters), bundles=len(cat.bundles)),
            short=t("status.catalogue_short", version=cat.version),
        )

    def _overdue_counted(self, n: int) -> None:
        """差评整改 past their due date are flagged on the status line (Ctrl+F lists them)."""
        self.app.set_status("followups", t("followup.status_overdue", count=n) if n else "", "red")

    def _start_scanner(self) -> None:
        from app.ui.screens.scans import ScanFeed

        feed = self.app.scan_feed = ScanFeed(self.app)
        feed.start()
        if feed.inbox is not None:  # a scanner at this window
            self.bg.adopt("scanner", feed.stop)

    # --- the ID-card reader (issue 17 §2) -----------------------------------------------------
    def _start_idcard(self) -> None:
        from app.services.idcard import configured

        if not configured(self.ws):
            return
        self.bg.jobs["idcard"].stop = self._idcard_stop.set
        self.bg.start("idcard")

    def _idcard_loop(self) -> None:
        """In a thread: the reader's events, each handed to the UI thread. The card's data
        lives in the events only (the photo is dropped by devices.idcard.reader)."""
        from app.services.idcard import CardPoller

        poller = CardPoller(self.ws)
        try:
            while not self._idcard_stop.is_set():
                event = poller.next_event(IDCARD_WAIT)
                if event is not None and not self._idcard_stop.is_set():
                    self.bg.call(self.card_event, event)
        finally:
            poller.close()

    def card_event(self, event) -> None:
        """In the UI thread: a card to the screen on top, the reader's state to the status line."""
        from app.services.idcard import CardPresented, CardReadFailed, ReaderBack, ReaderLost

        if isinstance(event, CardReadFailed):  # nothing is filled: the clerk lays the card again
            self.app.bell()
            screen = self.app.screen
            # a screen that takes cards says it on its message line, where a card's outcome shows
            say = getattr(screen, "say", None) if hasattr(screen, "card_presented") else None
            if say is not None:
                say(t("window.idcard_read_failed"), "red")
            else:
                self.app.notify(t("window.idcard_read_failed"), severity="warning")
        elif isinstance(event, ReaderLost):
            self.app.set_status(
                "idcard",
                t("idcard.reader_lost", reason=event.reason),
                "red",
                short=t("status.idcard_lost_short"),
            )
        elif isinstance(event, ReaderBack):
            self.app.set_status("idcard", t("idcard.reader_back"))
        elif isinstance(event, CardPresented):
            from textual.screen import ModalScreen

            screen = self.app.screen
            presented = getattr(screen, "card_presented", None)
            if presented is not None:  # the screen on top (a dialog with an ID field too) takes it
                presented(event)
            elif isinstance(screen, ModalScreen):  # never the screen beneath a dialog
                self.app.notify(t("window.idcard_dialog_open"), severity="warning")
            else:
                self.app.notify(t("window.idcard_not_here"), severity="warning")

    # --- printing ---------------------------------------------------------------------------
    def kick_spool(self) -> None:
        """A print-queue pass now (the timer, a decision, a reprint call this)."""
        if self.ws.store_open:
            self.bg.kick("spool")

    def _spool_pass(self):
        from app.services.printing import PrintSpool, warm_up

        if not self._printing_warm:
            warm_up(self.ws)  # once, in this thread: the first receipt is then fast
            self._printing_warm = True
        spool = PrintSpool(self.ws)
        spool.send_due()
        return spool.summary()

    def _spool_failed(self, exc: Exception) -> None:
        # the store is busy, a setting is wrong: say so, try again next tick
        self.app.set_status(
            "printer", t("status.print_failed", error=exc), "red", short=t("status.print_failed_short")
        )
        self._spool_done(None)

    def _spool_done(self, summary) -> None:
        from app.ui.screens.print_queue import PrintQueueScreen

        if summary is not None:
            self.show_print_status(summary)
        if isinstance(self.app.screen, PrintQueueScreen):
            self.app.screen.reload()
        for screen in self.app.screen_stack:  # e.g. a case's detail, also under a dialog
            changed = getattr(screen, "print_jobs_changed", None)
            if changed is not None:
                changed()

    def show_print_status(self, summary) -> None:
        text = t("status.print_queue", waiting=summary.waiting) if summary.waiting else ""
        short = None
        if summary.failing:  # the whole error is on F12; the status line keeps its room
            error = summary.last_error
            error = error if len(error) <= STATUS_ERROR else error[: STATUS_ERROR - 1] + "…"
            text = t("status.print_failing", count=summary.failing, error=error)
            short = t("status.print_failing_short", count=summary.failing)
        elif getattr(summary, "unconfirmed", 0):  # sent in full, not confirmed: the clerk decides
            text = " ".join(filter(None, [text, t("status.print_unconfirmed", count=summary.unconfirmed)]))
        self.app.set_status("printer", text, "red" if summary.failing else "", short=short)

    # --- sync with the platform (issue 4) -------------------------------------------------------
    def _start_sync(self) -> None:
        from app.services.sync.runner import SyncRunner

        runner = self.app.sync_runner = SyncRunner(self.ws)
        self.bg.jobs["sync"].stop = runner.stop
        self.bg.start("sync")

    def _sync_loop(self) -> None:
        """Background sync: the window never waits on the network."""

        def on_cycle(status) -> None:
            self.bg.call(self._sync_cycle_done, status)
            self.app.gates.still_allowed()

        self.app.sync_runner.run_forever(on_cycle=on_cycle)

    def _sync_cycle_done(self, status) -> None:
        # bar_text() is markup made by our code from the catalogue and counts; the hub's error
        # text in it is escaped there.
        self.app.set_status(
            "sync", Text.from_markup(status.bar_text()), short=Text.from_markup(status.bar_text(short=True))
        )
        runner = self.app.sync_runner
        report = runner.last_report if runner is not None else None
        if report is not None and report.operators_refused:  # undone here: say so, once each
            from app.services.operators import refused_line

            for r in report.operators_refused:
                self.app.notify(refused_line(r), severity="error", timeout=30)
        for screen in self.app.screen_stack:
            ended = getattr(screen, "sync_cycle_ended", None)  # screens about the sync itself
            if ended is not None:
                ended()
            arrived = getattr(screen, "decisions_arrived", None)
            if arrived is not None and report is not None and report.pulled:  # decisions came down
                arrived()

    def kick_sync(self) -> None:
        if self.app.sync_runner is not None:
            self.app.sync_runner.kick()
