"""A keyboard-wedge scanner for the pilot: keys sent like a terminal sends them, at a set pace.

``pilot.press`` waits until the app is idle after every key, which would hide a lost or
doubled key; a scanner does not wait. Here each key goes to the driver's queue and the next
follows after ``per_char`` seconds whether or not the app has handled the last one.
"""

from __future__ import annotations

import asyncio
import time

from textual import events


def _key(ch: str) -> events.Key:
    if ch == "\r":
        return events.Key("enter", "\r")
    if ch == "\t":
        return events.Key("tab", "\t")
    if ch.isalnum():
        return events.Key(ch, ch)
    from textual.keys import _character_to_key

    return events.Key(_character_to_key(ch), ch)


async def wedge(app, text: str, per_char: float = 0.005) -> None:
    """Send `text` key by key on a fixed schedule (one key every `per_char` seconds from now).

    The schedule is absolute: when the app is busy the keys pile up in its queue, as bytes
    pile up in a terminal's input buffer; a scanner never slows down for the app. Each key
    carries its scheduled time, as a terminal's reader thread stamps the bytes it reads: this
    coroutine shares the app's loop, and a stalled loop must not make the scanner look slow.
    """
    driver = app._driver
    loop = asyncio.get_running_loop()
    start = loop.time()
    stamp = time.monotonic()  # Textual's clock for event.time (loop.time() is not promised to be)
    for i, ch in enumerate(text):
        delay = start + i * per_char - loop.time()
        await asyncio.sleep(delay if delay > 0 else 0)
        event = _key(ch)
        event.time = stamp + i * per_char
        event.set_sender(app)
        driver.send_message(event)
