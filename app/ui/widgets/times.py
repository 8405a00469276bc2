"""A stored time as the counter reads it: the store keeps UTC, the screens show local time."""

from __future__ import annotations

from datetime import UTC, datetime

SHORT = "%m-%d %H:%M"
SECONDS = "%m-%d %H:%M:%S"
FULL = "%Y-%m-%d %H:%M"


def local_time(dt: datetime | None, fmt: str = SHORT) -> str:
    """``dt`` in the machine's zone as ``fmt``; "" for none. A time without a zone is UTC."""
    if dt is None:
        return ""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone().strftime(fmt)
