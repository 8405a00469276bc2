"""The executable: its size, and spawn to the first search answer against ``python -m app``.

Measures both PyInstaller layouts, built by ``make dist`` from the same spec: one-folder
(``build/dist/yichuang/``, and its zip) and one-file (built here into ``build/work/onefile-dist``
when missing, with the build venv). Each is spawned in a 160x48 pty with a fresh data dir,
``kcg`` typed at once, until 开餐馆 reaches the terminal (``bench_first_answer``'s method),
interleaved with ``python -m app`` (this interpreter, bytecode cached) in the same run.
Target: the executable within 1.2x of ``python -m app``. Also ``--version`` (a CLI start).

    python -m tests.bench.bench_dist      # BENCH_RUNS=N, default 7
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.bench.bench_first_answer import COLS, ROWS, first_answer
from tests.bench.common import median, ms, report

ROOT = Path(__file__).resolve().parents[2]
RUNS = int(os.environ.get("BENCH_RUNS", "7"))
ONEDIR = ROOT / "build" / "dist" / "yichuang"
ONEFILE_DIST = ROOT / "build" / "work" / "onefile-dist"
BUILD_PY = ROOT / "build" / "venv" / "bin" / "python"


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.lstat().st_size for p in path.rglob("*") if not p.is_dir())


def _onefile() -> Path:
    exe = ONEFILE_DIST / "yichuang"
    if not exe.exists():
        if not BUILD_PY.exists():
            raise SystemExit("no build venv: run `make dist` first")
        print("building the one-file executable (about 2 minutes)...", flush=True)
        subprocess.run(
            [str(BUILD_PY), "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN", "--distpath",
             str(ONEFILE_DIST), "--workpath", str(ROOT / "build" / "work" / "onefile"), "yichuang.spec",
             "--", "--layout", "onefile"],
            cwd=ROOT / "build",
            check=True,
        )  # fmt: skip
    return exe


def _version_time(cmd: list[str], env: dict[str, str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([*cmd, "--version"], env=env, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return median(times)


def main() -> None:
    if not (ONEDIR / "yichuang").exists():
        raise SystemExit(f"{ONEDIR} missing: run `make dist` first")
    onefile = _onefile()
    zips = sorted((ROOT / "build" / "dist").glob("yichuang-*.zip"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("YICHUANG_")}
    env.update(PYTHONPATH=str(ROOT), TERM="xterm-256color", COLUMNS=str(COLS), LINES=str(ROWS))
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # python -m app from cached bytecode, as installed
    programs = {
        "python -m app": [sys.executable, "-m", "app"],
        "one-folder executable": [str(ONEDIR / "yichuang")],
        "one-file executable": [str(onefile)],
    }

    def once(cmd: list[str]) -> float:
        with tempfile.TemporaryDirectory() as data_dir:  # a fresh data dir every run
            return first_answer([*cmd, "--data-dir", data_dir], "开餐馆", env)

    for cmd in programs.values():  # warm-up: bytecode and the OS file cache, not counted
        once(cmd)
    times: dict[str, list[float]] = {name: [] for name in programs}
    for _ in range(RUNS):
        for name, cmd in programs.items():
            times[name].append(once(cmd))
    base = median(times["python -m app"])
    figures: dict[str, float | int | str] = {}
    for name in programs:
        figures[f"{name}: 开餐馆 shown"] = ms(median(times[name]))
    for name in programs:
        figures[f"{name} runs"] = " ".join(f"{ms(x):.0f}" for x in times[name])
    for name in ("one-folder executable", "one-file executable"):
        ratio = median(times[name]) / base
        figures[f"{name} / python -m app (target <= 1.2)"] = (
            f"{ratio:.2f}x {'PASS' if ratio <= 1.2 else 'FAIL'}"
        )
    report(
        f"spawn to first search answer, pty {COLS}x{ROWS}, 'kcg' typed at once (median of {RUNS})", figures
    )
    report(
        "--version (a command-line start, median of 5)",
        {name: ms(_version_time(cmd, env, 5)) for name, cmd in programs.items()},
    )
    sizes = {
        "one-folder program folder": _size(ONEDIR) / 1e6,
        "one-file executable": _size(onefile) / 1e6,
    }
    for z in zips:
        sizes[f"zip of the program folder ({z.name})"] = _size(z) / 1e6
    report("size", sizes, unit="MB")


if __name__ == "__main__":
    main()
