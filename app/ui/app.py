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


def rating_notice(done) -> str:
    """What the clerk is told after a rating (a bad one: its follow-up and due date)."""
    from app.domain import evaluation as rules

    r, f = done.rating, done.followup
    text = t("evaluation.recorded", number=r.case_number, level=rules.level_label(r.level))
    if f is not None:
        text += "\n" + t("followup.opened", id=f.id, due=f.due_on.isoformat())
    return text


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
        Binding("ctrl+l", "lock", t("key.lock")),
        # priority: Textual's Input takes Ctrl+E (end of line), and the search has the focus
        Binding("ctrl+e", "evaluate", t("key.evaluate"), priority=True),
        Binding("ctrl+f", "followups", t("key.followups")),
        Binding("ctrl+r", "supervisor", t("key.supervisor")),
    ]
    # The role's permission each app-level action needs (app.domain.roles).
    ROLE_GATES = {
        "print_queue": "print_queue",
        "sync_screen": "sync",
        "scans": "scans",
        "courier": "courier",
        "progress": "progress",
        "pickup": "pickup",
        "supervisor": "supervisor_view",
        "evaluate": "evaluation",
        "followups": "followup_close",  # 差评整改 is the supervisor's to close
    }

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
        self.needs_login = False  # accounts exist: nothing works until someone logs in
        self.locked = False
        self._last_input = time.monotonic()
        self._idle_timer = None

    def _fatal_error(self) -> None:
        """Textual's own prints the traceback with every frame's local variables: applicants'
        data, hub.token, typed passwords. Ours prints it without them, secrets masked."""
        import sys

        from app.crashlog import fatal_error_renderable

        self.bell()
        error = sys.exc_info()[1] or self._exception
        self._exit_renderables.append(fatal_error_renderable(self.console, error))
        self._close_messages_no_wait()

    def on_mount(self) -> None:
        self.title = t("app.title")
        self.sub_title = f"{self.ws.config.get('office.name')} · {self.ws.window}"
        # The search index is a stored file (no pypinyin, no SQLAlchemy): load it while the
        # first screen is built, so what the clerk types at once is answered at once.
        self._load_index()
        from app.services.operators import any_operators

        # the store's key, when it is encrypted, was asked for before the window opened
        self.needs_login = any_operators(self.ws.config.db_path, self.ws.__dict__.get("db_key"))
        if self.needs_login:
            from app.ui.screens.login import LoginScreen

            self.push_screen(LoginScreen())
            return
        # the embedded demo: no accounts, the configured clerk acts, and the screen says so
        self.set_status("operator", Text(t("status.demo", name=self.ws.clerk), style="yellow"))
        self._open_home()

    def _open_home(self) -> None:
        self.push_screen(IntakeScreen())  # the home of every role (without intake it says so)
        if (self.start == "courier" or not self.may("intake")) and self.may("courier"):
            self.action_courier()
        elif self.start == "courier":  # `yichuang courier` by a role without the courier screen
            self.refuse("courier")

    # --- operators, roles and the screen lock (issue 8 §1) ---------------------------------------
    @property
    def gate_closed(self) -> bool:
        """Nobody may act: the login screen is up, or the screen is locked."""
        return self.locked or (self.needs_login and self.ws.operator is None)

    def may(self, action: str) -> bool:
        """May the person at the keyboard do `action` (app.domain.roles)? The demo's clerk
        (no accounts) may do the window's business, not the administrator's."""
        from app.domain.roles import allowed

        if self.gate_closed:
            return False
        op = self.ws.operator
        return allowed(op.role if op is not None else None, action)

    def refuse(self, action: str) -> None:
        """Say why an action is not available to this role (bell and a message)."""
        op = self.ws.operator
        role = t(f"role.{op.role}") if op is not None and op.role else t("role.demo")
        self.bell()
        self.notify(
            t("role.refused", role=role, action=t(f"action.{action}")),
            severity="warning",
            timeout=6,
        )

    def gate_of(self, node, action: str) -> str | None:
        """The permission an action of `node` (the app or a screen) needs, if any."""
        gates = self.ROLE_GATES if node is self else getattr(node, "ROLE_GATES", None) or {}
        return gates.get(action.split("(", 1)[0])

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # a key the role cannot use is not shown in the footer, nor run (on_event says why)
        if action in ("show_keys", "quit_safely"):
            return True
        if self.gate_closed:
            return False
        if action == "lock":
            return self.ws.operator is not None  # the demo has no one to unlock it
        gate = self.ROLE_GATES.get(action)
        return gate is None or self.may(gate)

    def _refused_key(self, key: str) -> str | None:
        """The permission missing for `key` on the current screen, if the key is one of ours."""
        if self.gate_closed:
            return None
        try:
            chain = self.screen._modal_binding_chain
        except Exception:  # noqa: BLE001  (no screen yet)
            return None
        for node, bindings in chain:
            for binding in bindings.key_to_bindings.get(key, ()):
                gate = self.gate_of(node, binding.action)
                if gate is not None:
                    return None if self.may(gate) else gate
        return None

    def logged_in(self, session) -> None:
        """The login screen accepted `session`: its home screen, its name on the status line."""
        self.ws.operator = session
        self._show_operator()
        self.pop_screen()
        self._open_home()
        self._start_idle_lock()

    def _show_operator(self) -> None:
        op = self.ws.operator
        self.set_status("operator", t("status.operator", name=op.name, role=t(f"role.{op.role}")))

    def _start_idle_lock(self) -> None:
        if self._idle_timer is None:
            self._last_input = time.monotonic()
            self._idle_timer = self.set_interval(1.0, self._check_idle)

    def idle_limit(self) -> float:
        """ui.lock_after: seconds without a key before the screen locks (0: never)."""
        try:
            return float(self.ws.config.get("ui.lock_after") or 0)
        except (TypeError, ValueError):
            return 600.0

    def _check_idle(self) -> None:
        limit = self.idle_limit()
        if not self.locked and self.ws.operator is not None and limit > 0:
            if time.monotonic() - self._last_input >= limit:
                self.lock_screen()

    def action_lock(self) -> None:
        if self.ws.operator is None:
            return
        self.lock_screen()

    def lock_screen(self) -> None:
        """Cover the session (whatever is on screen stays as it is beneath)."""
        from app.ui.screens.login import LockScreen

        if self.locked or self.ws.operator is None:
            return
        self.locked = True
        self.push_screen(LockScreen(self.ws.operator.name))

    def unlocked(self, session) -> None:
        from app.ui.screens.login import LockScreen

        self.ws.operator = session  # the same person; the role as the store has it now
        self.locked = False
        self._last_input = time.monotonic()
        self._show_operator()
        if isinstance(self.screen, LockScreen):
            self.pop_screen()

    def _operator_still_allowed(self) -> None:
        """After a sync (in its thread): an account disabled at the hub locks the screen,
        and the lock screen refuses it."""
        op = self.ws.operator
        if op is None:
            return
        from app.services.operators import check_still_allowed

        try:
            gone = check_still_allowed(self.ws, op)
        except Exception:  # noqa: BLE001  (the store is busy: next cycle)
            return
        if gone:
            self._from_thread(self.lock_screen)

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
        def on_cycle(st) -> None:
            self._from_thread(self._sync_cycle_done, st)
            self._operator_still_allowed()

        runner.run_forever(on_cycle=on_cycle)

    def _sync_cycle_done(self, status) -> None:
        self.set_status("sync", Text.from_markup(status.bar_text()))
        report = self.sync_runner.last_report if self.sync_runner is not None else None
        if report is not None and report.operators_refused:  # undone here: say so, once each
            from app.services.operators import refused_line

            for r in report.operators_refused:
                self.notify(refused_line(r), severity="error", timeout=30)
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
        if not self.may("sync"):
            self.refuse("sync")
            return
        from app.ui.screens.sync_screen import SyncScreen

        self.push_screen(SyncScreen())

    # --- courier mode and the progress query (issue 12) ------------------------------------------
    def action_courier(self) -> None:
        if not self.may("courier"):
            self.refuse("courier")
            return
        from textual.screen import ModalScreen

        from app.ui.screens.courier import CourierScreen

        if not isinstance(self.screen, (CourierScreen, ModalScreen)):
            self.push_screen(CourierScreen())

    def action_progress(self) -> None:
        if not self.may("progress"):
            self.refuse("progress")
            return
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
        if not self.may("pickup"):
            self.refuse("pickup")
            return
        from textual.screen import ModalScreen

        from app.ui.screens.pickup import PickupScreen

        if isinstance(self.screen, (PickupScreen, ModalScreen)) or "store" not in self.ws.__dict__:
            return
        self.push_screen(PickupScreen())

    # --- 好差评: ratings after 受理 / 出件, follow-ups (issue 8 §4) --------------------------------
    def evaluate_after(self, number: str, stage: str) -> None:
        """A case was accepted or handed out: ask its applicant for a rating (evaluation.prompt)."""
        if "store" in self.ws.__dict__:
            self._ask_rating(number, stage, True)

    def action_evaluate(self) -> None:
        """Ctrl+E: the rating of the case on screen, else of the last one this window decided."""
        from textual.screen import ModalScreen

        from app.ui.screens.evaluation import RatingScreen

        if isinstance(self.screen, (RatingScreen, ModalScreen)) or "store" not in self.ws.__dict__:
            return
        number = getattr(self.screen, "number", None)
        case = getattr(self.screen, "case", None)
        if case is not None and getattr(case, "number", None):
            number = case.number
        self._ask_rating(number if isinstance(number, str) else None, None, False)

    @work(thread=True, group="evaluation")
    def _ask_rating(self, number: str | None, stage: str | None, automatic: bool) -> None:
        from app.services import evaluation as ev

        try:
            if number is None:
                last = ev.last_case(self.ws)
                if last is None:
                    self._from_thread(self._tell, t("evaluation.no_case"), "warning")
                    return
                number, stage = last
            if stage is None:
                stage = ev.stage_of(self.ws, number)
            where = ev.route(self.ws, automatic=automatic)
            if not automatic and ev.pending_request(self.ws, number) is not None:
                where = "window"  # Ctrl+E again: the clerk takes the ask back from the counter
            if where == ev.COUNTER:
                req = ev.ask_counter(self.ws, number, stage)
                alive = ev.counter_alive(self.ws)
                self._from_thread(self._asked_counter, req.id, number, alive)
            elif where == "window":
                ev.cancel_requests(self.ws, number)
                # refused here (rated already) before the applicant is shown anything
                rated = ev.rating_of(self.ws, number, stage)
                if rated is not None and rated.level:
                    raise ev.EvaluationRefused(
                        t("evaluation.already", number=number, level=ev.rules.level_label(rated.level))
                    )
                self._from_thread(self._show_rating, number, stage)
        except ev.EvaluationRefused as exc:
            if not automatic:
                self._from_thread(self._tell, str(exc), "warning")

    def _tell(self, message: str, severity: str = "information") -> None:
        self.notify(message, severity=severity)  # type: ignore[arg-type]

    def _show_rating(self, number: str, stage: str) -> None:
        from app.ui.screens.evaluation import RatingScreen

        def done(answer) -> None:
            if answer is not None:
                self._record_rating(number, stage, answer)

        self.push_screen(RatingScreen(number, stage, clerk=self.ws.clerk, window=self.ws.window), done)

    @work(thread=True, group="evaluation-record")
    def _record_rating(self, number: str, stage: str, answer) -> None:
        from app.services import evaluation as ev

        try:
            if answer.declined:
                ev.decline(self.ws, number, stage)
                message = t("evaluation.declined_recorded", number=number)
            else:
                done = ev.rate(self.ws, number, stage, answer.level, answer.reasons, answer.comment)
                message = rating_notice(done)
        except ev.EvaluationRefused as exc:
            self._from_thread(self._tell, str(exc), "error")
            return
        except Exception as exc:  # a store problem must not take the window down
            self._from_thread(self._tell, t("error.store", error=exc), "error")
            return
        self._from_thread(self.notify, message)
        self._from_thread(self.kick_sync)

    def _asked_counter(self, request_id: int, number: str, alive: bool) -> None:
        key = "evaluation.sent_to_counter" if alive else "evaluation.counter_absent"
        self.notify(t(key, number=number), severity="information" if alive else "warning")
        self._watch_request(request_id, 0)

    def _watch_request(self, request_id: int, polls: int) -> None:
        """Tell the clerk what the applicant answered at the counter (polled: another process)."""
        from app.services import evaluation as ev

        if polls > ev.timeout_seconds(self.ws) + 30:
            return
        req = ev.request_state(self.ws, request_id)
        if req is None or req.state in ("cancelled", "expired"):
            return
        if req.state in ("waiting", "showing"):
            self.set_timer(1.0, lambda: self._watch_request(request_id, polls + 1))
            return
        if req.state == "rated":
            self.notify(
                t("evaluation.counter_rated", number=req.case_number, level=ev.rules.level_label(req.level))
            )
        else:
            self.notify(t("evaluation.counter_declined", number=req.case_number))
        self.kick_sync()

    def action_followups(self) -> None:
        from textual.screen import ModalScreen

        from app.ui.screens.followups import FollowupScreen

        if isinstance(self.screen, (FollowupScreen, ModalScreen)) or "store" not in self.ws.__dict__:
            return
        self.push_screen(FollowupScreen())

    async def on_event(self, event) -> None:
        """A receipt scanned anywhere on the intake and case screens opens its case."""
        from textual import events

        if isinstance(event, (events.Key, events.MouseDown)) and not self.locked:
            self._last_input = time.monotonic()  # the idle lock counts from the last key
        if isinstance(event, events.Key) and not event.is_forwarded and not event.is_printable:
            # function and control keys only: a scanner's burst of characters pays nothing here
            missing = self._refused_key(event.key)
            if missing is not None:  # hidden from this role's footer; say why it does nothing
                event.stop()
                self.refuse(missing)
                return
        if (
            isinstance(event, events.Key)
            and not event.is_forwarded
            and "store" in self.ws.__dict__
            and not self.gate_closed
        ):
            if self._scans is None:
                from app.ui.screens.pickup import ScanWatcher

                self._scans = ScanWatcher(self)
            if self._scans.key(event, time.monotonic()):
                return
        await super().on_event(event)

    def open_scanned(self, scan) -> None:
        from app.ui.screens.pickup import open_scanned

        if not self.may("cases"):
            self.refuse("cases")
            return
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
        if not self.may("scans"):
            self.refuse("scans")
            return
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
        self._flag_overdue_followups()

    def _flag_overdue_followups(self) -> None:
        """差评整改 past their due date are flagged on the status line (Ctrl+F lists them)."""
        from app.services.evaluation import overdue_count

        try:
            n = overdue_count(self.ws)
        except Exception:  # noqa: BLE001  (a flag is not worth a failed start)
            return
        self._from_thread(
            self.set_status, "followups", t("followup.status_overdue", count=n) if n else "", "red"
        )

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
        if not self.may("print_queue"):
            self.refuse("print_queue")
            return
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
