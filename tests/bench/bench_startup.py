"""Process start to the intake screen ready, against a bare Textual app with one Input.

Both run headless as fresh processes, interleaved in the same run; each notes the time of
its first frame with the (search) input focused, then exits. Target: yichuang within 1.5x of the bare app.
The applicant and checklist panes are mounted after the first answer to what the clerk
typed, or 0.15 s after the first frame when nothing was typed (as here): the "all panes"
figure includes that wait. The clerk's first answer is measured by bench_first_answer.
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


def timed(cmd: list[str], env: dict) -> tuple[float, float]:
    """Seconds from spawning the process to (first frame with the input focused, all panes).

    Each app writes the wall-clock time of those frames to YICHUANG_READY_FILE and
    YICHUANG_PANES_FILE (the bare app has one frame: both are the same); shutting down
    afterwards is not part of start-up.
    """
    with tempfile.TemporaryDirectory() as tmp:
        ready, panes = Path(tmp) / "ready", Path(tmp) / "panes"
        start = time.time()
        subprocess.run(
            cmd,
            cwd=ROOT,
            env={**env, "YICHUANG_READY_FILE": str(ready), "YICHUANG_PANES_FILE": str(panes)},
            check=True,
            stdout=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
        )
        first = float(ready.read_text()) - start
        return first, (float(panes.read_text()) - start) if panes.exists() else first


def main() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "YICHUANG_EXIT_WHEN_READY": "1", "YICHUANG_HEADLESS": "1"}
    # An installed app runs from compiled bytecode (PyInstaller bundles it); let the warm-up
    # run write it, as it would on a user's machine.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as tmp:
        app_cmd = [sys.executable, "-m", "app", "--data-dir", tmp]
        bare_cmd = [sys.executable, "-m", "tests.bench.bare_input_app"]
        timed(app_cmd, env)  # first start creates the data dir and the database: not counted
        timed(bare_cmd, env)
        ours, full, bare = [], [], []
        for _ in range(RUNS):
            bare.append(timed(bare_cmd, env)[0])
            first, panes = timed(app_cmd, env)
            ours.append(first)
            full.append(panes)
    ratio = median(ours) / median(bare)
    report(
        f"start-up to first screen ready (median of {RUNS})",
        {
            "bare Textual app, one Input": ms(median(bare)),
            "yichuang intake, search focused": ms(median(ours)),
            "yichuang intake, all panes mounted": ms(median(full)),
            "ratio (target <= 1.5)": f"{ratio:.2f}x",
            "ratio, all panes": f"{median(full) / median(bare):.2f}x",
            "verdict": "PASS" if ratio <= 1.5 else "FAIL",
        },
    )


if __name__ == "__main__":
    main()
