"""Small helpers for benchmarks: timing, percentiles and aligned reports.

Benchmarks print figures; they are not collected by pytest (``--ignore=tests/bench``).
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Mapping, Sequence

__all__ = ["measure", "median", "percentile", "summarize", "report", "ms"]


def measure(fn: Callable[[], object], repeat: int = 5, number: int = 1) -> list[float]:
    """Seconds per call of ``fn``: ``repeat`` samples, each the mean of ``number`` calls."""
    if repeat < 1 or number < 1:
        raise ValueError("repeat and number must be at least 1")
    samples: list[float] = []
    clock = time.perf_counter
    for _ in range(repeat):
        start = clock()
        for _ in range(number):
            fn()
        samples.append((clock() - start) / number)
    return samples


def median(values: Sequence[float]) -> float:
    """Median of a non-empty sequence."""
    if not values:
        raise ValueError("median of no values")
    return statistics.median(values)


def percentile(values: Sequence[float], p: float) -> float:
    """The ``p``-th percentile (0..100), linear interpolation between closest ranks."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= p <= 100:
        raise ValueError("p must be within 0..100")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * p / 100.0
    lo = math.floor(pos)
    hi = math.ceil(pos)
    if lo == hi:
        return ordered[lo]
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def summarize(values: Sequence[float]) -> dict[str, float]:
    """p50, p95 and max of ``values`` (same unit as the input)."""
    return {"p50": percentile(values, 50), "p95": percentile(values, 95), "max": max(values)}


def ms(seconds: float) -> float:
    """Seconds to milliseconds."""
    return seconds * 1000.0


def report(name: str, figures: Mapping[str, float | int | str], unit: str = "ms") -> None:
    """Print ``name`` and one aligned line per figure; floats get ``unit`` and 3 decimals."""
    print(name)
    if not figures:
        return
    width = max(len(key) for key in figures)
    for key, value in figures.items():
        if isinstance(value, float):
            text = f"{value:10.3f} {unit}".rstrip()
        elif isinstance(value, int):
            text = f"{value:10d}"
        else:
            text = f"{value:>10}"
        print(f"  {key:<{width}}  {text}")
