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

A focus move in progress (a screen pushed and not yet mounted, a hold a screen asked for) is
waited for whatever else keeps the window busy meanwhile, and only a long valve (MAX_HOLD_ASKED)
ends it; the short valve (MAX_HOLD) is for queues that stay busy once the focus has stopped
moving. One key let go travels at a time, and it is judged again when the app takes it: a focus
move that began while it travelled (the Enter let go before it pushed a screen) sends it back to
the head of the line. On a PC so loaded that a screen takes seconds to mount, the keys after a
scanned receipt went to the field being left once the short valve had fired.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque

from textual import events
from textual.widgets import Input

# Keys wait no longer than this for the window's queues (an animation, a stuck callback) once the
# focus has stopped moving: late is better than lost.
MAX_HOLD = 2.0
# A focus move in progress (a screen pushed, not yet mounted; a hold a screen asked for: its worker
# decides where the keys go, the case a scan opened, the list a search finds) always ends, failed
# or not; on a busy PC it can take longer than MAX_HOLD, and keys let go early land in the field
# being left.
MAX_HOLD_ASKED = 15.0
_RELEASED = "_typeahead_released"  # on a key let go: "settled" (judged again on arrival) or "forced"


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
        self._in_flight: asyncio.Future | None = None  # the key let go, until the app takes it
        self.released = 0  # keys that had to wait (the benchmark's and the tests' figure)
        self._field = None  # the text field the last admitted character went to

    # --- what the app asks -----------------------------------------------------------------
    def admit(self, event: events.Key) -> bool:
        """True: dispatch `event` now. False: it is held and will come back to the app."""
        released = getattr(event, _RELEASED, None)
        if released is not None:
            self._arrived()
            if released == "settled" and self.moving() is not None:
                # a focus move began while it travelled (the key before it pushed a screen):
                # back to the head of the line, to go when the focus has landed
                setattr(event, _RELEASED, None)
                self.held.appendleft(event)
                self._drain_soon()  # it may arrive after the drain gave up waiting for it
                return False
            self._note(event)
            return True
        if not self.held and (self._drain is None or self._drain.done()):
            if self._into_same_field(event) or self.settled():
                self._note(event)
                return True
        self.held.append(event)
        self._drain_soon()
        return False

    def _drain_soon(self) -> None:
        if self._drain is None or self._drain.done():
            self._drain = asyncio.get_running_loop().create_task(self._release_held())

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
        return self.moving() is None

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
        moving = self.moving()
        if moving is not None:
            return moving
        app = self.app
        if not _idle(app):
            return app
        try:
            screen = app.screen
        except Exception:  # no screen yet (start-up): let Textual decide
            return None
        if not _idle(screen):  # (callbacks after the next repaint are not waited for: a frame
            return screen  # is 16 ms, longer than a key at a reader's or a scanner's pace)
        return next((node for node in screen.walk_children(with_self=False) if not _idle(node)), None)

    def moving(self) -> object | None:
        """The focus move in progress (None: none): the top screen pushed and not yet mounted
        (its on_mount sets the focus and the holds, and its queue can look empty before then),
        or the reasons of the holds the top screen asked for."""
        app = self.app
        stack = app.screen_stack
        if not stack:
            return None
        screen = stack[-1]
        if not screen.is_mounted:
            return screen
        if self._holds:
            self._holds = {(s, r) for s, r in self._holds if s in stack}
            held = sorted(r for s, r in self._holds if s is screen)
            if held:
                return held
        return None

    async def _release_held(self) -> None:
        try:
            await self._release_in_order()
        except Exception:  # noqa: BLE001 (a fault here must not keep the clerk's keys)
            logging.getLogger("yichuang.ui").exception("type-ahead: releasing held keys failed")
            while self.held and self.app.screen_stack:  # late is better than lost
                event = self.held.popleft()
                setattr(event, _RELEASED, "forced")
                self.app.post_message(event)

    async def _release_in_order(self) -> None:
        while self.held:
            settled = True
            if not self._into_same_field(self.held[0]):
                settled = await self._until_settled()
            if not self.app.screen_stack:  # the window is closing: no field is left to land in
                self.held.clear()
                return
            event = self.held.popleft()
            if not hasattr(event, _RELEASED):
                self.released += 1
            setattr(event, _RELEASED, "settled" if settled else "forced")
            if not event.is_printable:  # it may move the focus: the next key waits for it to land
                self._field = None
            self._in_flight = asyncio.get_running_loop().create_future()
            if self.app.post_message(event):
                # one key travels at a time: the next is judged once the app has taken this one
                # (dispatched, or sent back behind a focus move): else it could overtake it
                await asyncio.wait({self._in_flight}, timeout=MAX_HOLD_ASKED)
            self._in_flight = None
            await asyncio.sleep(0)

    def _arrived(self) -> None:
        if self._in_flight is not None and not self._in_flight.done():
            self._in_flight.set_result(None)

    async def _until_settled(self) -> bool:
        """Wait until the window has settled. False: a valve ran out (the key goes anyway)."""
        start = quiet = time.monotonic()  # quiet: when the focus was last seen moving
        spins = 0
        while True:
            if self.busy() is None:
                # settled twice in a row: a message handed from one queue to the next is
                # briefly in neither
                await asyncio.sleep(0)
                if self.settled():
                    return True
            now = time.monotonic()
            if self.moving() is not None:
                quiet = now
                if now - start > MAX_HOLD_ASKED:
                    return False
            elif now - quiet > MAX_HOLD:
                return False
            spins += 1
            await asyncio.sleep(0 if spins < 20 else 0.001)


def _idle(pump) -> bool:
    queue = getattr(pump, "_message_queue", None)
    return (queue is None or queue.empty()) and not getattr(pump, "_next_callbacks", None)
