"""The window's side of the counter terminal's protocol (好差评 on the applicant's screen).

The window asks by writing a request row (app.services.evaluation.ask_counter); the counter
terminal, another process on the same data dir (app.ui.counter, `yichuang evaluate`), shows
the rating screen and writes the answer into the row. The window looks at the row every
WATCH_EVERY seconds (job "counter" of the supervisor) and tells the clerk what the applicant
answered; an ask nobody answers is given up with the terminal's own timeout.
"""

from __future__ import annotations

from app.messages import t

WATCH_EVERY = 1.0  # seconds between looks at an ask the counter terminal has
GRACE_POLLS = 30  # looks after the terminal's timeout (its own clock may be late)


class CounterWatch:
    def __init__(self, app) -> None:
        self.app = app
        self.ws = app.ws

    def asked(self, request_id: int, number: str, alive: bool) -> None:
        """The ask is in the store: say where it went (or that no terminal answers), watch it."""
        key = "evaluation.sent_to_counter" if alive else "evaluation.counter_absent"
        self.app.notify(t(key, number=number), severity="information" if alive else "warning")
        self._look(request_id, 0)

    def _look(self, request_id: int, polls: int) -> None:
        from app.services import evaluation as ev

        if polls > ev.timeout_seconds(self.ws) + GRACE_POLLS:
            return
        req = ev.request_state(self.ws, request_id)
        if req is None or req.state in ("cancelled", "expired"):
            return
        if req.state in ("waiting", "showing"):
            self.app.background.after("counter", WATCH_EVERY, lambda: self._look(request_id, polls + 1))
            return
        if req.state == "rated":
            level = ev.rules.level_label(req.level)
            self.app.notify(t("evaluation.counter_rated", number=req.case_number, level=level))
        else:
            self.app.notify(t("evaluation.counter_declined", number=req.case_number))
        self.app.kick_sync()
