"""Courier rules: what a keyboard-wedge scan means, which waybill numbers are valid, repeats.

Pure: no I/O. The courier screen, `yichuang courier record` and the service share them.

* :func:`clean_scan` strips what a scanner adds around the number: an AIM symbology
  identifier (``]C1``), GS1 group separators and other control characters, a configured
  prefix or suffix, surrounding punctuation, spaces and full-width forms.
* :func:`check_scan` validates the result: a UPU S10 number with its check digit, or a
  number that fully matches one of the configured carrier patterns (``courier.patterns``).
  A UPU S10 number inside other text (``EMS:EA123456785CN#``) is found and checked.
* :class:`RepeatFilter`: a scanner that sends one code twice within ``REPEAT_WINDOW``
  seconds made one scan (the second is reported as a notice, never recorded).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

from app.domain import lifecycle
from app.domain.identifiers import IdCheck, check_waybill
from app.messages import t

PICKUP: Final = "pickup"
TRANSIT: Final = "transit"
DELIVERED: Final = "delivered"
FAILED: Final = "failed"
STEPS: Final = (PICKUP, TRANSIT, DELIVERED, FAILED)

EVENT_FOR_STEP: Final = {
    PICKUP: lifecycle.EVENT_COURIER_PICKUP,
    TRANSIT: lifecycle.EVENT_COURIER_TRANSIT,
    DELIVERED: lifecycle.EVENT_COURIER_DELIVERED,
    FAILED: lifecycle.EVENT_COURIER_FAILED,
}
_STEP_KEYS: Final = {
    PICKUP: "courier.step_pickup",
    TRANSIT: "courier.step_transit",
    DELIVERED: "courier.step_delivered",
    FAILED: "courier.step_failed",
    "assigned": "courier.step_assigned",
}

# Why a delivery failed (stored as the code; shown through the catalogue).
FAIL_REASONS: Final = ("no_answer", "bad_address", "refused", "other")
_FAIL_KEYS: Final = {
    "no_answer": "courier.fail_no_answer",
    "bad_address": "courier.fail_bad_address",
    "refused": "courier.fail_refused",
    "other": "courier.fail_other",
}

# Which step may follow the waybill's last one. None = the waybill is not known yet.
ALLOWED_AFTER: Final = {
    PICKUP: frozenset({None, "assigned"}),
    TRANSIT: frozenset({PICKUP, TRANSIT, FAILED}),
    DELIVERED: frozenset({PICKUP, TRANSIT, FAILED}),
    FAILED: frozenset({PICKUP, TRANSIT, FAILED}),
}

REPEAT_WINDOW: Final = 1.0  # seconds: the same code again within this is the scanner's echo
TERMINATORS: Final = ("enter", "tab")
MAX_SCAN_CHARS: Final = 200  # longer is not a waybill (a pasted document, a stuck key)

_S10_ANYWHERE = re.compile(r"[A-Z]{2}[0-9]{9}[A-Z]{2}")
_AIM_ID = re.compile(r"^\][A-Za-z][0-9A-Za-z]")  # ]C1 (GS1-128), ]E0 (EAN), ]Q3 (QR) …
_EDGE_JUNK = re.compile(r"^[^0-9A-Za-z]+|[^0-9A-Za-z]+$")


def step_label(step: str | None) -> str:
    """A step (or a waybill's last step) as the courier reads it; None: not known yet."""
    return t(_STEP_KEYS.get(step or "", "courier.step_none"))


def fail_label(reason: str) -> str:
    return t(_FAIL_KEYS.get(reason, "courier.fail_other"))


@dataclass(frozen=True)
class Rules:
    """The configured part of the rules: carrier patterns, scanner prefix/suffix."""

    patterns: tuple[re.Pattern[str], ...] = ()
    prefix: str = ""
    suffix: str = ""


def parse_patterns(text: str) -> tuple[re.Pattern[str], ...]:
    """``courier.patterns``: regular expressions separated by white space, each matched whole.

    E.g. ``SF[0-9]{12} JD[0-9A-Z]{13}``. ValueError with a message for a bad expression.
    """
    out = []
    for part in (text or "").split():
        try:
            out.append(re.compile(part))
        except re.error as exc:
            raise ValueError(t("courier.bad_pattern", pattern=part, error=exc)) from None
    return tuple(out)


def make_rules(patterns: str = "", prefix: str = "", suffix: str = "") -> Rules:
    return Rules(parse_patterns(patterns), prefix, suffix)


def _strip_controls(text: str) -> str:
    # Cc: C0/C1 controls (GS1's GS \x1d, CR, LF, ESC …); Cf: zero-width and bidi marks.
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf"))


def clean_scan(raw: str, rules: Rules = Rules()) -> str:
    """What is left of a scan once the scanner's additions are stripped (upper case)."""
    text = _strip_controls(unicodedata.normalize("NFKC", raw or ""))
    text = "".join(text.split())
    text = _AIM_ID.sub("", text)
    if rules.prefix and text.startswith(rules.prefix):
        text = text[len(rules.prefix) :]
    if rules.suffix and text.endswith(rules.suffix):
        text = text[: -len(rules.suffix)]
    return _EDGE_JUNK.sub("", text).upper()


@dataclass(frozen=True)
class ScanCheck:
    ok: bool
    value: str  # the cleaned number (also when not ok: what was understood)
    error: str = ""
    carrier: str = ""  # "S10" or the pattern that matched


def check_scan(raw: str, rules: Rules = Rules()) -> ScanCheck:
    """Validate one scanned waybill number; never raises for bad input."""
    if len(raw or "") > MAX_SCAN_CHARS:
        return ScanCheck(False, "", t("courier.too_long", n=len(raw)))
    value = clean_scan(raw, rules)
    if not value:
        return ScanCheck(False, value, t("id.s10_required"))
    for pattern in rules.patterns:
        if pattern.fullmatch(value):
            return ScanCheck(True, value, "", pattern.pattern)
    found = _S10_ANYWHERE.findall(value)
    if len(found) == 1 and found[0] != value:
        value = found[0]  # a prefix or suffix the scanner added around an S10 number
    checked: IdCheck = check_waybill(value)
    if checked.ok:
        return ScanCheck(True, checked.value, "", "S10")
    return ScanCheck(False, checked.value, checked.error)


def check_step(step: str, last: str | None) -> bool:
    """May a waybill whose last step is `last` (None: unknown) take `step` now?"""
    return last in ALLOWED_AFTER.get(step, frozenset())


def split_line(line: str) -> tuple[str, str | None]:
    """One line of `courier record -`: a waybill, or a waybill and a case number (ValueError else)."""
    parts = line.split()
    if len(parts) == 1:
        return parts[0], None
    if len(parts) == 2:
        return parts[0], parts[1]
    raise ValueError(t("courier.line_format"))


@dataclass
class RepeatFilter:
    """Tells the scanner's echo (the same code again within `window` seconds) from a new scan.

    Each sighting of a code extends its window: a code repeated every half second is one scan.
    """

    window: float = REPEAT_WINDOW
    _last: dict[str, float] = field(default_factory=dict)

    def is_repeat(self, code: str, now: float) -> bool:
        """True when `code` was noted within the window before `now` (nothing is noted here)."""
        last = self._last.get(code)
        return last is not None and 0 <= now - last <= self.window

    def note(self, code: str, now: float) -> None:
        """`code` was taken (recorded, or an echo of it): its window starts again."""
        self._last[code] = now
        if len(self._last) > 4096:  # a long run: forget codes older than the window
            self._last = {k: v for k, v in self._last.items() if now - v <= self.window}


def accepted(codes: Iterable[tuple[str, float]], window: float = REPEAT_WINDOW) -> list[str]:
    """The codes a RepeatFilter lets through, in order (for tests and the benchmark)."""
    f = RepeatFilter(window)
    out = []
    for c, at in codes:
        if not f.is_repeat(c, at):
            out.append(c)
        f.note(c, at)
    return out
