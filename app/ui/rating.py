"""好差评 at the window (issue 8 §4): asking the applicant for a rating after 受理 and 出件, on
the rating screen turned toward them or on the counter terminal, and telling the clerk what
came of it.

The route (evaluation.prompt) is the service's to decide; an ask for the counter terminal goes
through app.ui.counter_watch. An automatic ask waits until the dialog on screen (the receipt of the decision) is closed: the
rating screen never covers what the clerk is reading.
"""

from __future__ import annotations

from textual.screen import ModalScreen

from app.messages import t
from app.ui.counter_watch import CounterWatch


def rating_notice(done) -> str:
    """What the clerk is told after a rating (a bad one: its follow-up and due date)."""
    from app.domain import evaluation as rules

    r, f = done.rating, done.followup
    text = t("evaluation.recorded", number=r.case_number, level=rules.level_label(r.level))
    if f is not None:
        text += "\n" + t("followup.opened", id=f.id, due=f.due_on.isoformat())
    return text


class RatingFlow:
    def __init__(self, app) -> None:
        self.app = app
        self.ws = app.ws
        self.counter = CounterWatch(app)
        self._waiting: list[tuple[object, str, str]] = []  # (the dialog, number, stage)
        self._subscribed = False

    # --- asking -------------------------------------------------------------------------------
    def ask_after(self, number: str, stage: str) -> None:
        """A case was accepted or handed out: ask its applicant for a rating (evaluation.prompt),
        once the dialog on screen, if any, is closed."""
        if not self.ws.store_open:
            return
        if isinstance(self.app.screen, ModalScreen):
            self._waiting.append((self.app.screen, number, stage))
            if not self._subscribed:
                self._subscribed = True
                self.app.screen_change_signal.subscribe(self.app, self._screen_changed)
            return
        self._ask(number, stage, True)

    def _screen_changed(self, _screen) -> None:
        stack = self.app.screen_stack
        ready = [w for w in self._waiting if w[0] not in stack]
        self._waiting = [w for w in self._waiting if w[0] in stack]
        for _dialog, number, stage in ready:
            self._ask(number, stage, True)

    def ask_on_screen(self) -> None:
        """Ctrl+E: the rating of the case on screen, else of the last one this window decided."""
        from app.ui.screens.evaluation import RatingScreen

        if isinstance(self.app.screen, (RatingScreen, ModalScreen)) or not self.ws.store_open:
            return
        number = getattr(self.app.screen, "number", None)
        case = getattr(self.app.screen, "case", None)
        if case is not None and getattr(case, "number", None):
            number = case.number
        self._ask(number if isinstance(number, str) else None, None, False)

    def _ask(self, number: str | None, stage: str | None, automatic: bool) -> None:
        self.app.run_worker(lambda: self._route(number, stage, automatic), thread=True, group="evaluation")

    def _route(self, number: str | None, stage: str | None, automatic: bool) -> None:
        """In a thread: the case and its stage, then the counter terminal or this screen."""
        from app.services import evaluation as ev

        call = self.app.background.call
        try:
            if number is None:
                last = ev.last_case(self.ws)
                if last is None:
                    call(self._tell, t("evaluation.no_case"), "warning")
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
                call(self.counter.asked, req.id, number, alive)
            elif where == "window":
                ev.cancel_requests(self.ws, number)
                # refused here (rated already) before the applicant is shown anything
                rated = ev.rating_of(self.ws, number, stage)
                if rated is not None and rated.level:
                    raise ev.EvaluationRefused(
                        t("evaluation.already", number=number, level=ev.rules.level_label(rated.level))
                    )
                call(self._show, number, stage)
        except ev.EvaluationRefused as exc:
            if not automatic:
                call(self._tell, str(exc), "warning")

    def _tell(self, message: str, severity: str = "information") -> None:
        self.app.notify(message, severity=severity)  # type: ignore[arg-type]

    # --- at the window --------------------------------------------------------------------------
    def _show(self, number: str, stage: str) -> None:
        from app.ui.screens.evaluation import RatingScreen

        def done(answer) -> None:
            if answer is not None:
                self.app.run_worker(
                    lambda: self._record(number, stage, answer), thread=True, group="evaluation-record"
                )

        self.app.push_screen(RatingScreen(number, stage, clerk=self.ws.clerk, window=self.ws.window), done)

    def _record(self, number: str, stage: str, answer) -> None:
        from app.services import evaluation as ev

        call = self.app.background.call
        try:
            if answer.declined:
                ev.decline(self.ws, number, stage)
                message = t("evaluation.declined_recorded", number=number)
            else:
                done = ev.rate(self.ws, number, stage, answer.level, answer.reasons, answer.comment)
                message = rating_notice(done)
        except ev.EvaluationRefused as exc:
            call(self._tell, str(exc), "error")
            return
        except Exception as exc:  # a store problem must not take the window down
            call(self._tell, t("error.store", error=exc), "error")
            return
        call(self.app.notify, message)
        call(self.app.kick_sync)
