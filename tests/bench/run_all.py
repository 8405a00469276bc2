"""`make bench`: every benchmark in turn, each printing its figures."""

from __future__ import annotations

import importlib

BENCHES = [
    "tests.bench.bench_startup",
    "tests.bench.bench_first_answer",
    "tests.bench.bench_search",
    "tests.bench.bench_lookup",
    "tests.bench.bench_print",
    "tests.bench.bench_sync",
    "tests.bench.bench_backup",
    "tests.bench.bench_scanner",
    "tests.bench.bench_courier",
    "tests.bench.bench_login",
    "tests.bench.bench_audit",
    "tests.bench.bench_stats",
    "tests.bench.bench_encryption",
    "tests.bench.bench_idcard",
    "tests.bench.bench_idcard_window",
]

if __name__ == "__main__":
    for name in BENCHES:
        print(f"\n=== {name} ===", flush=True)
        importlib.import_module(name).main()
