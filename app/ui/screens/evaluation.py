"""好差评: the rating screen the applicant sees (turned toward them, or on the counter terminal).

Large and simple: the five levels with big digits, chosen with keys 1-5; then, optionally,
standard reasons of that level (number keys) and a short text (Tab), Enter to submit. Esc on
the first step (or 0) records that the applicant declined. The screen only asks: it dismisses
with an Answer, and the caller records it (app.services.evaluation) in a worker.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Digits, Input, Static

from app.domain import evaluation as rules
from app.messages import t
from app.ui.widgets.keys import KeyFooter


@dataclass(frozen=True)
class Answer:
    level: str = ""  # "" = declined
    reasons: tuple[str, ...] = ()
    comment: str = ""

    @property
    def declined(self) -> bool:
        return not self.level


# the footer faces the applicant: 1–5 (then a reason's number), 0 and Esc; nothing of the clerk's
_DIGITS = [
    Binding(
        str(n), f"digit({n})", t("key.evaluation_choose"), show=n == 1, key_display="1–5" if n == 1 else None
    )
    for n in range(1, 10)
]


class RatingScreen(Screen[Answer]):
    """One rating: level, then reasons; dismissed with an Answer (declined when level is "")."""

    CSS_PATH = "evaluation.tcss"
    BINDINGS = [
        *_DIGITS,
        Binding("0", "decline", t("key.evaluation_decline")),
        Binding("enter", "submit", t("key.evaluation_submit")),
        Binding("tab", "comment", t("key.evaluation_comment")),
        Binding("escape", "back", t("key.evaluation_back")),
    ]

    def __init__(self, number: str, stage: str, *, clerk: str = "", window: str = "") -> None:
        super().__init__(id="rating")
        self.number, self.stage, self.clerk, self.window = number, stage, clerk, window
        self.level: str | None = None
        self.chosen: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static(Text(t("evaluation.title")), id="rating-title")
        yield Static(Text(self._about()), id="rating-about")
        with Vertical(id="rating-levels"):
            for i, level in enumerate(rules.LEVELS, 1):
                with Horizontal(classes=f"rating-level level-{i}", id=f"rating-level-{i}"):
                    yield Digits(str(i), classes="rating-digit")
                    yield Static(Text(rules.level_label(level)), classes="rating-label")
        with Vertical(id="rating-reasons"):
            yield Static("", id="rating-chosen")
            yield Static("", id="rating-reason-list")
            yield Input(placeholder=t("evaluation.comment_placeholder"), id="rating-comment", max_length=200)
        yield Static(Text(t("evaluation.hint_levels")), id="rating-hint")
        yield Static("", id="rating-message")
        yield KeyFooter(own_only=True)

    def _about(self) -> str:
        return t(
            "evaluation.about",
            number=self.number,
            stage=rules.stage_label(self.stage),
            window=self.window,
            clerk=self.clerk,
        )

    def on_mount(self) -> None:
        self.query_one("#rating-reasons").display = False
        self.query_one("#rating-comment", Input).can_focus = False
        self.set_focus(None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The footer shows the keys of the step the applicant is at: 1–5, 0 and Esc to rate;
        the reasons' numbers, Tab, Enter and Esc once a level is chosen."""
        if action in ("submit", "comment"):
            return self.level is not None
        if action == "decline":
            return self.level is None
        return True

    # --- the two steps --------------------------------------------------------------------------
    def action_digit(self, n: int) -> None:
        if self.level is None:
            level = rules.level_for_key(str(n))
            if level is not None:
                self._choose(level)
            return
        reasons = rules.REASONS[self.level]
        if 1 <= n <= len(reasons):
            code = reasons[n - 1]
            if code in self.chosen:
                self.chosen.remove(code)
            else:
                self.chosen.append(code)
            self._show_reasons()

    def _choose(self, level: str) -> None:
        self.level, self.chosen = level, []
        self.query_one("#rating-levels").display = False
        self.query_one("#rating-reasons").display = True
        self.query_one("#rating-chosen", Static).update(
            Text(t("evaluation.chosen", level=rules.level_label(level)), style="bold")
        )
        self.query_one("#rating-hint", Static).update(Text(t("evaluation.hint_reasons")))
        self._show_reasons()
        self.refresh_bindings()

    def _show_reasons(self) -> None:
        assert self.level is not None
        lines = []
        for i, code in enumerate(rules.REASONS[self.level], 1):
            mark = "■" if code in self.chosen else "□"
            lines.append(f"{i}  {mark} {rules.reason_label(code)}")
        self.query_one("#rating-reason-list", Static).update(Text("\n".join(lines)))

    def action_comment(self) -> None:
        if self.level is None:
            return
        field = self.query_one("#rating-comment", Input)
        field.can_focus = True
        field.focus()

    @on(Input.Submitted, "#rating-comment")
    def _comment_done(self) -> None:
        self.action_submit()

    def action_submit(self) -> None:
        if self.level is None:
            self.query_one("#rating-message", Static).update(Text(t("evaluation.choose_first"), style="bold"))
            return
        comment = self.query_one("#rating-comment", Input).value
        try:
            rating = rules.check_rating(self.level, self.chosen, comment)
        except rules.RatingError as exc:
            self.query_one("#rating-message", Static).update(Text(str(exc), style="bold red"))
            return
        self.dismiss(Answer(rating.level, rating.reasons, rating.comment))

    def action_back(self) -> None:
        if self.level is None:
            self.action_decline()
            return
        self.level, self.chosen = None, []
        field = self.query_one("#rating-comment", Input)
        field.value = ""
        field.can_focus = False
        self.set_focus(None)
        self.query_one("#rating-reasons").display = False
        self.query_one("#rating-levels").display = True
        self.query_one("#rating-hint", Static).update(Text(t("evaluation.hint_levels")))
        self.query_one("#rating-message", Static).update("")
        self.refresh_bindings()

    def action_decline(self) -> None:
        if self.level is None:
            self.dismiss(Answer())
