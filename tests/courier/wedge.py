"""A keyboard-wedge scanner for the pilot: keys sent like a terminal sends them, at a set pace.

``pilot.press`` waits until the app is idle after every key, which would hide a lost or
doubled key; a scanner does not wait. Here each key goes to the driver's queue and the next
follows after ``per_char`` seconds whether or not the app has handled the last one.
"""

from __future__ import annotations

import asyncio

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
    driver = app._driver
    for ch in text:
        event = _key(ch)
        event.set_sender(app)
        driver.send_message(event)
        await asyncio.sleep(per_char)
