#!/usr/bin/env python3
"""Generate forms/calendar/cn_workdays.json from the ``chinesecalendar`` package.

The workstation never calls ``chinese_calendar`` at run time: the working-day
calendar is versioned data (see docs/working-days.md).  This tool turns the
package's tables into that data.  Only the *exceptions* to the weekend rule are
stored:

* ``holidays`` -- Monday..Friday dates that are days off (法定节假日及调休放假);
* ``workdays`` -- Saturday/Sunday dates that are working days (调休上班).

The covered years are probed from the package itself (it raises
``NotImplementedError`` for years it has no data for), so running this after
``pip install -U chinesecalendar`` picks up a newly announced year.  Output is
deterministic: running the tool twice gives byte-identical files.

Usage::

    .venv/bin/python build/tools/make_calendar.py [--output PATH] [--version 2026.1]
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, timedelta
from importlib import metadata
from pathlib import Path

FORMAT = "yichuang-calendar/1"
DEFAULT_OUTPUT = Path(__file__).resolve().parents[2] / "forms" / "calendar" / "cn_workdays.json"


def _year_supported(year: int) -> bool:
    import chinese_calendar

    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def supported_years() -> tuple[int, int]:
    """Return (first_year, last_year) for which chinesecalendar has data."""
    first = 2004
    if not _year_supported(first):
        raise SystemExit("chinesecalendar has no data for 2004; unexpected package version")
    while _year_supported(first - 1):
        first -= 1
    last = first
    while _year_supported(last + 1):
        last += 1
    return first, last


def build_calendar(version: str | None = None) -> dict:
    """Build the calendar dict (the JSON document) from chinesecalendar."""
    import chinese_calendar

    first, last = supported_years()
    holidays: list[str] = []
    workdays: list[str] = []
    day = date(first, 1, 1)
    end = date(last, 12, 31)
    while day <= end:
        weekend = day.weekday() >= 5
        working = chinese_calendar.is_workday(day)
        if not weekend and not working:
            holidays.append(day.isoformat())
        elif weekend and working:
            workdays.append(day.isoformat())
        day += timedelta(days=1)
    pkg_version = metadata.version("chinesecalendar")
    return {
        "format": FORMAT,
        "version": version or f"{last}.1",
        "source": f"chinesecalendar {pkg_version}",
        "first_year": first,
        "last_year": last,
        "holidays": holidays,
        "workdays": workdays,
    }


def render(data: dict) -> str:
    """Serialise the calendar deterministically (one date per line, UTF-8)."""
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="file to write")
    parser.add_argument("--version", default=None, help="calendar data version, e.g. 2026.1")
    args = parser.parse_args(argv)
    data = build_calendar(args.version)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(render(data), encoding="utf-8")
    print(
        f"wrote {args.output}: {data['first_year']}-{data['last_year']}, "
        f"{len(data['holidays'])} holidays, {len(data['workdays'])} make-up workdays",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
