"""The Textual app: a thin frame that owns the workstation and its background workers."""

from __future__ import annotations

import os
import time

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive

from app.messages import t
from app.ui.screens.intake import IntakeScreen

SPOOL_INTERVAL = 3.0  # seconds between print-queue passes


class YichuangApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "yichuang"
    BINDINGS = [Binding("ctrl+q", "quit", t("key.quit"), priority=True)]

    status_text: reactive[str] = reactive("")

    def __init__(self, ws, **kw) -> None:
        super().__init__(**kw)
        self.ws = ws
        self.index = None
        self._status: dict[str, str] = {"store": t("status.store_opening")}
        self._spool_running = False
        self.started = time.perf_counter()

    def on_mount(self) -> None:
        self.title = t("app.title")
        self.sub_title = f"{self.ws.config.get('office.name')} · {self.ws.window}"
        self.push_screen(IntakeScreen())

    def screen_ready(self) -> None:
        """The intake screen's first frame is painted with the search focused: now start
        the background work.

        Loading SQLAlchemy and the catalogue in threads before the first frame would slow
        that frame (the GIL), so they start after it.
        """
        if os.environ.get("YICHUANG_EXIT_WHEN_READY"):  # start-up benchmark hook
            self._note_time("YICHUANG_READY_FILE")
            return
        self.call_after_refresh(self._start_background)

    def panes_ready(self) -> None:
        """All intake panes are mounted (a frame or two after the search is usable)."""
        if os.environ.get("YICHUANG_EXIT_WHEN_READY"):
            self.call_after_refresh(self._note_time, "YICHUANG_PANES_FILE", exit_after=True)

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

    def _start_background(self) -> None:
        self._open_store()
        self._load_catalogue()
        self.set_interval(SPOOL_INTERVAL, self.kick_spool)

    # --- status ----------------------------------------------------------------------------
    def set_status(self, part: str, text: str) -> None:
        self._status[part] = text
        self.status_text = "  │  ".join(v for v in self._status.values() if v)

    # --- background work ---------------------------------------------------------------------
    @work(thread=True, group="startup")
    def _open_store(self) -> None:
        try:
            _ = self.ws.store
        except Exception as exc:
            self.call_from_thread(self.set_status, "store", f"[red]{t('error.store', error=exc)}[/]")
            return
        self.call_from_thread(self.set_status, "store", "")
        self.call_from_thread(self.kick_spool)

    @work(thread=True, group="startup")
    def _load_catalogue(self) -> None:
        from app.domain.search import SearchEntry, SearchIndex

        cat = self.ws.catalogue
        entries = [SearchEntry("bundle", b.code, b.name, "", tuple(b.keywords)) for b in cat.bundles.values()]
        entries += [SearchEntry("matter", m.code, m.name, m.department, tuple(m.keywords))
                    for m in cat.matters.values()]
        index = SearchIndex(entries)
        _ = self.ws.calendar
        self.call_from_thread(self._catalogue_ready, index)

    def _catalogue_ready(self, index) -> None:
        self.index = index
        cat = self.ws.catalogue
        self.set_status("catalogue", t("status.catalogue", version=cat.version,
                                       matters=len(cat.matters), bundles=len(cat.bundles)))
        for screen in self.screen_stack:
            if isinstance(screen, IntakeScreen):
                screen.set_index(index)

    def kick_spool(self) -> None:
        if not self._spool_running and "store" in self.ws.__dict__:
            self._spool_running = True
            self._run_spool()

    @work(thread=True, group="spool")
    def _run_spool(self) -> None:
        from app.services.printing import PrintSpool

        try:
            spool = PrintSpool(self.ws)
            results = spool.send_due()
            waiting = len(spool.pending())
        finally:
            self._spool_running = False
        failed = [r for r in results if not r.ok]
        text = t("status.print_queue", waiting=waiting) if waiting else ""
        if failed:
            text = f"[red]{t('status.print_failed', error=failed[-1].error)}[/]  " + text
        self.call_from_thread(self.set_status, "printer", text)

    # --- navigation ----------------------------------------------------------------------------
    def resume_intake(self, draft) -> None:
        while not isinstance(self.screen, IntakeScreen):
            self.pop_screen()
        self.screen.load_draft(draft)
