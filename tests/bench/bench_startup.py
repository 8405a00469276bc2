"""Process start to the intake screen ready, against a bare Textual app with one Input.

Both run headless as fresh processes, interleaved in the same run; each exits on the frame
after its first screen is mounted and focused. Target: yichuang within 1.5x of the bare app.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.bench.common import median, ms, report

ROOT = Path(__file__).resolve().parents[2]
RUNS = int(os.environ.get("BENCH_RUNS", "7"))


def timed(cmd: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "YICHUANG_EXIT_WHEN_READY": "1", "YICHUANG_HEADLESS": "1"}
    with tempfile.TemporaryDirectory() as tmp:
        app_cmd = [sys.executable, "-m", "app", "--data-dir", tmp]
        bare_cmd = [sys.executable, "-m", "tests.bench.bare_input_app"]
        timed(app_cmd, env)  # first start creates the data dir and the database: not counted
        timed(bare_cmd, env)
        ours, bare = [], []
        for _ in range(RUNS):
            bare.append(timed(bare_cmd, env))
            ours.append(timed(app_cmd, env))
    ratio = median(ours) / median(bare)
    report(f"start-up to first screen ready (median of {RUNS})", {
        "bare Textual app, one Input": ms(median(bare)),
        "yichuang intake screen": ms(median(ours)),
        "ratio (target <= 1.5)": f"{ratio:.2f}x",
        "verdict": "PASS" if ratio <= 1.5 else "FAIL",
    })


if __name__ == "__main__":
    main()
