"""The window's ID-card reader: a poller a worker thread calls a few times a second.

``CardPoller.next_event`` turns the reader's answers into events: ``CardPresented`` once per
card laid on the reader (a card lying there is one read until it is lifted), ``ReaderLost``
when the reader stops answering (unplugged, silent, speaking noise) and ``ReaderBack`` when
it answers again: the port is reopened on every poll after a loss, so replugging recovers
by itself. A presented card is checked: expiry (with the date), and on cards numbered like
a 居民身份证 the number's check character, and the birth date and sex it encodes against
the chip's.

The photo is read off the card by the protocol and dropped in ``devices.idcard.reader``:
nothing here keeps it, and the card's data lives in the events only.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

from app.domain.identifiers import check_resident_id
from app.messages import t
from devices.idcard.card import FOREIGN_PERMANENT, IdCard, private_use
from devices.idcard.reader import CardReadError, ReaderError, ReaderGone, SerialReader

POLL_INTERVAL = 0.1  # seconds between two looks at the reader inside one next_event
ABSENT_POLLS = 2  # a card counts as lifted after this many "no card" answers in a row
ERRORS_FOR_LOST = 3  # failed exchanges in a row (noise, broken frames) before ReaderLost


@dataclass(frozen=True)
class CardPresented:
    card: IdCard
    problem: str | None = None  # a message key (idcard.expired, idcard.sex_mismatch, …)
    problem_text: str = ""  # that message, formatted (with the date, the number…)


@dataclass(frozen=True)
class ReaderLost:
    reason: str


@dataclass(frozen=True)
class ReaderBack:
    pass


@dataclass(frozen=True)
class CardReadFailed:
    """A card was found but its read failed (a broken or cut reply, lifted mid-read): once per
    run of failures, so the clerk is told to lay it again and nothing is filled."""

    reason: str


CardEvent = CardPresented | ReaderLost | ReaderBack | CardReadFailed


def configured(ws: Any) -> bool:
    """Whether the workstation has a reader (idcard.port set)."""
    return bool(str(ws.config.get("idcard.port") or "").strip())


def check_card(card: IdCard, today: dt.date) -> tuple[str | None, str]:
    """(message key, message) of what is wrong with ``card`` on ``today``, (None, "") if nothing."""
    if card.expired(today):
        assert card.valid_to is not None
        return "idcard.expired", t("idcard.expired", date=card.valid_to.isoformat())
    numbered = card.card_type != FOREIGN_PERMANENT or card.id_number.startswith("9")
    if numbered and len(card.id_number) == 18:
        chk = check_resident_id(card.id_number, today)
        if not chk.ok:
            return "idcard.number_invalid", t(
                "idcard.number_invalid", id_number=card.id_number, error=chk.error
            )
        if chk.birth_date != card.birth:
            return "idcard.birth_mismatch", t("idcard.birth_mismatch", birth=card.birth.isoformat())
        # the sequence digit's parity is the sex on resident and 居住证 numbers
        if card.card_type != FOREIGN_PERMANENT and card.sex in ("1", "2"):
            if (chk.gender == "男") != (card.sex == "1"):
                return "idcard.sex_mismatch", t("idcard.sex_mismatch")
    if private_use(card.name):
        return "idcard.private_char", t("idcard.private_char")
    return None, ""


class CardPoller:
    """Poll one reader: ``CardPoller(ws)`` (idcard.port, idcard.baud) or ``CardPoller((port, baud))``."""

    def __init__(self, source: Any, *, answer_timeout: float = 1.0, today=None) -> None:
        if isinstance(source, tuple):
            port, baud = source
        else:
            port, baud = source.config.get("idcard.port"), source.config.get("idcard.baud")
        self.port, self.baud = str(port), int(baud or 115200)
        self.reader = SerialReader(self.port, self.baud, timeout=answer_timeout)
        self._today = today or dt.date.today
        self._lost = False
        self._errors = 0
        self._on_reader: tuple[str, str] | None = None  # the card lying there, already reported
        self._absent = 0
        self._pending: CardEvent | None = None
        self._read_failed_told = False  # this run of failed reads was reported (CardReadFailed)

    def next_event(self, timeout: float = 0.3) -> CardEvent | None:
        """The next event within ``timeout`` seconds, else None. Blocks: call it from a worker."""
        deadline = time.monotonic() + timeout
        while True:
            event = self._poll()
            if event is not None:
                return event
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            time.sleep(min(POLL_INTERVAL, left))

    def _poll(self) -> CardEvent | None:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            return pending
        try:
            card = self.reader.read_card()
        except ReaderGone as exc:
            return self._failed(str(exc), at_once=True)
        except CardReadError as exc:  # a card found, its read broken or lifted mid-read: retry
            lost = self._failed(str(exc), at_once=False)
            if lost is None and not self._read_failed_told and not self._lost:
                self._read_failed_told = True
                return CardReadFailed(str(exc))
            return lost
        except ReaderError as exc:  # noise, a broken frame: retry
            return self._failed(str(exc), at_once=False)
        self._errors = 0
        event = self._seen(card)
        if self._lost:
            self._lost = False
            self._pending = event
            return ReaderBack()
        return event

    def _failed(self, reason: str, *, at_once: bool) -> CardEvent | None:
        self._errors += 1
        # a failed exchange breaks a run of "no card" answers: a READ answered too late still
        # halts the card, so the next FIND says "no card" although it never moved
        self._absent = 0
        if not self._lost and (at_once or self._errors >= ERRORS_FOR_LOST):
            self._lost = True
            self.reader.close()
            return ReaderLost(reason)
        if self._lost:
            self.reader.close()  # reopen next time: the device may be a new one at that path
        return None

    def _seen(self, card: IdCard | None) -> CardEvent | None:
        if card is None:
            self._absent += 1
            if self._absent >= ABSENT_POLLS:
                self._on_reader = None
                self._read_failed_told = False  # lifted: a failed read of the next card is news
            return None
        self._absent = 0
        self._read_failed_told = False
        key = (card.id_number, card.valid_from.isoformat())
        if key == self._on_reader:
            return None
        self._on_reader = key
        problem, text = check_card(card, self._today())
        return CardPresented(card, problem, text)

    def close(self) -> None:
        self.reader.close()


class NoCard(Exception):
    """No readable card came within the wait."""


class NoReader(Exception):
    """The reader does not answer (no device, unplugged, silent, noise)."""


def read_one(source: Any, wait: float, *, answer_timeout: float = 1.0) -> CardPresented:
    """The first card laid on the reader within ``wait`` seconds (one already lying there
    counts): NoCard when none comes, NoReader when the reader does not answer."""
    poller = CardPoller(source, answer_timeout=answer_timeout)
    try:
        deadline = time.monotonic() + wait
        while True:
            event = poller.next_event(max(0.0, min(0.3, deadline - time.monotonic())))
            if isinstance(event, CardPresented):
                return event
            if isinstance(event, ReaderLost):
                raise NoReader(event.reason)
            if time.monotonic() >= deadline:
                raise NoCard()
    finally:
        poller.close()
