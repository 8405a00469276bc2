"""`yichuang evaluate`: the counter terminal (评价器) — a small screen facing the applicant.

A second process on the window's data dir. It keeps a heartbeat in the store (so the window
knows it is there), waits for the window to ask for a rating, shows the rating screen, and
records the answer with the same service as the window; then it thanks the applicant and
waits again. An ask left unanswered for evaluation.counter_timeout seconds is recorded as
no answer; an ask the clerk withdrew (rated at the window instead) disappears.
"""

from __future__ import annotations

import os

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from app.messages import t
from app.ui.screens.evaluation import RatingScreen

POLL_EVERY = 0.3  # seconds between looks for the window's ask
THANKS_FOR = 3.0  # seconds the thank-you stays up


class IdleScreen(Screen):
    CSS_PATH = "screens/evaluation.tcss"

    def compose(self) -> ComposeResult:
        yield Static(Text(t("counter.welcome", window=self.app.ws.window)), id="counter-idle")
        yield Static("", id="counter-state")

    def say(self, text: str) -> None:
        self.query_one("#counter-idle", Static).update(Text(text))


class CounterApp(App):
    TITLE = "yichuang"
    BINDINGS = [Binding("ctrl+q", "quit", t("key.quit"), priority=True)]
    ENABLE_COMMAND_PALETTE = False

    def __init__(self, ws, **kw) -> None:
        super().__init__(**kw)
        self.ws = ws
        self.request = None  # the EvaluationRequest on screen
        self.busy = False
        self._timeout = None

    def on_mount(self) -> None:
        from app.services.evaluation import HEARTBEAT_EVERY

        self.title = t("counter.title")
        self.sub_title = self.ws.window
        self.push_screen(IdleScreen())
        self._beat()
        self.set_interval(HEARTBEAT_EVERY, self._beat)
        self.set_interval(POLL_EVERY, self._poll)

    def on_unmount(self) -> None:
        from app.services.evaluation import signed_off

        try:
            signed_off(self.ws)
        except Exception:  # noqa: BLE001  (closing: the heartbeat goes stale by itself)
            pass

    @work(thread=True, group="heartbeat", exclusive=True, exit_on_error=False)
    def _beat(self) -> None:
        from app.services.evaluation import heartbeat

        heartbeat(self.ws, os.getpid())

    def _poll(self) -> None:
        if self.busy:
            return
        self.busy = True
        self._look(self.request.id if self.request is not None else None)

    @work(thread=True, group="poll", exclusive=True, exit_on_error=False)
    def _look(self, showing: int | None) -> None:
        from app.services import evaluation as ev

        try:
            if showing is not None:  # still wanted? the clerk may have rated at the window
                req = ev.request_state(self.ws, showing)
                state = req.state if req is not None else "cancelled"
                self.call_from_thread(self._still, showing, state)
                return
            req = ev.next_request(self.ws)
            self.call_from_thread(self._show, req)
        except Exception as exc:  # noqa: BLE001  (the store is busy: look again next tick)
            self.call_from_thread(self._failed, str(exc))

    def _failed(self, error: str) -> None:
        self.busy = False
        if isinstance(self.screen, IdleScreen):
            self.screen.query_one("#counter-state", Static).update(Text(t("error.store", error=error)))

    def _show(self, req) -> None:
        self.busy = False
        if req is None or self.request is not None:
            return
        from app.services.evaluation import timeout_seconds

        self.request = req
        screen = RatingScreen(req.case_number, req.stage, clerk=req.clerk, window=req.window)
        self.push_screen(screen, lambda answer: self._answered(req, answer))
        self._timeout = self.set_timer(timeout_seconds(self.ws), lambda: self._no_answer(req, screen))

    def _still(self, request_id: int, state: str) -> None:
        self.busy = False
        if self.request is None or self.request.id != request_id or state == "showing":
            return
        if isinstance(self.screen, RatingScreen):  # withdrawn: nothing to record here
            self._forget()
            self.pop_screen()

    def _forget(self) -> None:
        self.request = None
        if self._timeout is not None:
            self._timeout.stop()
            self._timeout = None

    def _no_answer(self, req, screen) -> None:
        if self.request is not None and self.request.id == req.id and self.screen is screen:
            self._forget()
            self.pop_screen()
            self._record(req, None)

    def _answered(self, req, answer) -> None:
        if self.request is None or self.request.id != req.id:
            return
        self._forget()
        self._record(req, answer)

    @work(thread=True, group="record", exit_on_error=False)
    def _record(self, req, answer) -> None:
        from app.domain import evaluation as rules
        from app.services import evaluation as ev

        try:
            if answer is None:
                ev.decline(
                    self.ws,
                    req.case_number,
                    req.stage,
                    rules.NO_ANSWER,
                    source="counter",
                    request_id=req.id,
                    clerk=req.clerk,
                )
                text = t("counter.welcome", window=self.ws.window)
            elif answer.declined:
                ev.decline(
                    self.ws, req.case_number, req.stage, source="counter", request_id=req.id, clerk=req.clerk
                )
                text = t("counter.thanks")
            else:
                ev.rate(
                    self.ws,
                    req.case_number,
                    req.stage,
                    answer.level,
                    answer.reasons,
                    answer.comment,
                    source="counter",
                    request_id=req.id,
                    clerk=req.clerk,
                )
                text = t("counter.thanks")
        except ev.EvaluationRefused as exc:
            text = str(exc)
        except Exception as exc:  # noqa: BLE001  (the store busy or failing: said, never swallowed;
            # the ask stays open, so the window can take it back with Ctrl+E and rate there)
            text = t("error.store", error=exc)
        self.call_from_thread(self._thank, text)

    def _thank(self, text: str) -> None:
        if isinstance(self.screen, IdleScreen):
            self.screen.say(text)
            self.set_timer(THANKS_FOR, self._welcome)

    def _welcome(self) -> None:
        if isinstance(self.screen, IdleScreen) and self.request is None:
            self.screen.say(t("counter.welcome", window=self.ws.window))
