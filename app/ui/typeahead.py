"""Type-ahead kept in order: a key goes out only once what the keys before it did has landed.

Textual decides a key's target (the focused widget) when the app takes the key from the
terminal, then posts it to that widget's queue. A Tab, F3 or Enter moves the focus only when
its own event has travelled through the widgets' queues to the binding that runs, and a new
screen takes the focus only once it is mounted. Keys typed in the meantime were already posted
to the widget being left: `王䶮` landed in the ID field after the Tab meant to leave it.

The fix, made once for every screen: the app holds each key that arrives while the window is
still busy with the keys before it (a message or callback pending anywhere on the current
screen, a focus change or a screen push not yet landed) and releases the held keys one at a
time, in the order typed, each when the window has settled. A burst into one field pays a loop
turn per key; nothing is dropped. A screen that starts work whose answer moves the focus (a
worker) may `hold()` the keys until it `release()`s them.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque

from textual import events
from textual.widgets import Input

# Keys are never held longer than this, whatever keeps the window busy (an animation, a stuck
# callback): late is better than lost.
MAX_HOLD = 2.0
# A screen that asked to hold the keys (its worker decides where they go: the case a scan opened,
# the list a search finds) always lets go when its worker ends, failed or not; on a busy PC that
# worker can take longer than MAX_HOLD, and keys let go early land in the field being left.
MAX_HOLD_ASKED = 15.0
_RELEASED = "_typeahead_released"


def as_enter(event: events.Key) -> None:
    """A line feed is the Enter key: a terminal is in cooked mode until the window takes it, so
    an Enter typed at start-up reaches the window as LF (ICRNL), and a barcode scanner may be set
    to end its code with LF. Textual reads LF as ctrl+j, which nothing binds and Input ignores."""
    if event.key == "ctrl+j":
        event.key, event.character = "enter", "\r"


class TypeAhead:
    def __init__(self, app) -> None:
        self.app = app
        self.held: deque[events.Key] = deque()
        self._holds: set[tuple[object, str]] = set()  # (screen, reason)
        self._drain: asyncio.Task | None = None
        self.released = 0  # keys that had to wait (the benchmark's and the tests' figure)
        self._field = None  # the text field the last admitted character went to

    # --- what the app asks -----------------------------------------------------------------
    def admit(self, event: events.Key) -> bool:
        """True: dispatch `event` now. False: it is held and will come back to the app."""
        if getattr(event, _RELEASED, False):
            self._note(event)
            return True
        if not self.held and (self._drain is None or self._drain.done()):
            if self._into_same_field(event) or self.settled():
                self._note(event)
                return True
        self.held.append(event)
        if self._drain is None or self._drain.done():
            self._drain = asyncio.get_running_loop().create_task(self._release_held())
        return False

    def _note(self, event: events.Key) -> None:
        """Remember the text field a character went to (None: the key was anything else)."""
        focused = self.app.focused
        self._field = focused if event.is_printable and isinstance(focused, Input) else None

    def _into_same_field(self, event: events.Key) -> bool:
        """A character following a character into the same text field queues behind it there:
        typing moves no focus, so it need not wait for the window to settle (a scanner's or a
        card reader's burst would otherwise pay a settling per key)."""
        if self._field is None or not event.is_printable or self.app.focused is not self._field:
            return False
        stack = self.app.screen_stack
        return not any(s is stack[-1] for s, _ in self._holds) if stack else False

    def hold(self, screen, reason: str) -> None:
        """Keep keys back while `screen` is on top, until release(screen, reason): work whose
        answer moves the focus (a worker's answer) is running. A screen that goes away takes
        its holds with it."""
        self._holds.add((screen, reason))

    def release(self, screen, reason: str) -> None:
        self._holds.discard((screen, reason))

    def stop(self) -> None:
        if self._drain is not None:
            self._drain.cancel()

    # --- when the window has settled -------------------------------------------------------
    def settled(self) -> bool:
        """Nothing pending that could move the focus: every queue of the app and of the
        current screen's widgets is empty and no screen asked to hold the keys."""
        return self.busy() is None

    def busy(self) -> object | None:
        """What the window is still busy with (None: settled)."""
        app = self.app
        if not _idle(app):
            return app
        try:
            screen = app.screen
        except Exception:  # no screen yet (start-up): let Textual decide
            return None
        if not screen.is_mounted:  # pushed, not yet composed: its on_mount sets the focus and
            return screen  # the holds, and its queue can look empty before then
        if self._holds:
            stack = app.screen_stack
            self._holds = {(s, r) for s, r in self._holds if s in stack}
            held = [r for s, r in self._holds if s is screen]
            if held:
                return held
        if not _idle(screen):  # (callbacks after the next repaint are not waited for: a frame
            return screen  # is 16 ms, longer than a key at a reader's or a scanner's pace)
        return next((node for node in screen.walk_children(with_self=False) if not _idle(node)), None)

    async def _release_held(self) -> None:
        while self.held:
            if not self._into_same_field(self.held[0]):
                await self._until_settled()
            if not self.app.screen_stack:  # the window is closing: no field is left to land in
                self.held.clear()
                return
            event = self.held.popleft()
            setattr(event, _RELEASED, True)
            self.released += 1
            if not event.is_printable:  # it may move the focus: the next key waits for it to land
                self._field = None
            self.app.post_message(event)
            await asyncio.sleep(0)

    async def _until_settled(self) -> None:
        start = time.monotonic()
        spins = 0
        while True:
            busy = self.busy()
            if busy is None:
                # settled twice in a row: a message handed from one queue to the next is
                # briefly in neither
                await asyncio.sleep(0)
                if self.settled():
                    return
            asked = isinstance(busy, list)  # holds a screen asked for (busy() lists their reasons)
            if time.monotonic() - start > (MAX_HOLD_ASKED if asked else MAX_HOLD):
                return
            spins += 1
            await asyncio.sleep(0 if spins < 20 else 0.001)


def _idle(pump) -> bool:
    queue = getattr(pump, "_message_queue", None)
    return (queue is None or queue.empty()) and not getattr(pump, "_next_callbacks", None)
