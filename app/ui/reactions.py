"""The UI's end of the reactions table (app.services.reactions, issue 19 §1): the window's hands.

What follows a decision or a 出件 is decided by the services and run by the service that wrote
the event, once it is committed; a screen hands it a WindowEnd and, once its result is on
screen, calls shown(). The end only does what a window can: kick its print spool and its sync,
tell the clerk about a held scan it could not file, and show the rating ask (after the result:
the rating waits for a dialog on top to be closed).
"""

from __future__ import annotations

from app.messages import t


class WindowEnd:
    """app.services.reactions.Window for the Textual app; its methods are called from the
    writer's worker thread (or the UI thread) and run on the UI thread."""

    def __init__(self, app) -> None:
        self.app = app
        self.ratings: list[tuple[str, str]] = []  # asks held until the result is on screen

    def _on_ui(self, fn, *args) -> None:
        try:
            self.app.call_from_thread(fn, *args)
        except RuntimeError:  # already on the UI thread
            fn(*args)

    def kick_spool(self) -> None:
        self._on_ui(self.app.kick_spool)

    def kick_sync(self) -> None:
        self._on_ui(self.app.kick_sync)

    def ask_rating(self, number: str, stage: str) -> None:
        self.ratings.append((number, stage))

    def scans_filed(self, number: str, errors: list[str]) -> None:
        from app.ui.screens.scans import unassigned_count

        for error in errors:
            self._on_ui(
                lambda e=error: self.app.notify(
                    t("scans.bound_failed", number=number, error=e), severity="error"
                )
            )
        self._on_ui(unassigned_count, self.app)

    def shown(self) -> None:
        """The screen shows its result: now the rating asks (on the UI thread)."""
        asks, self.ratings = self.ratings, []
        for number, stage in asks:
            self.app.rating.ask_after(number, stage)
