"""Spawn to the first search answer, against a bare Textual app with one Input.

All run as fresh processes in a pseudo-terminal of 160x48, interleaved in the same run.
``kcg`` is typed the moment the process is spawned (the pty holds the keys until the app
reads them); the clock stops when the answer reaches the terminal: 开餐馆 for yichuang, the
typed ``kcg`` in the Input for the bare app. yichuang starts on a fresh data dir (the embedded
demo catalogue) and on a store of 2,000 cases (``demo seed``; a copy per run). Target: both
within 1.5x of the bare app.

    python -m tests.bench.bench_first_answer      # BENCH_RUNS=N, default 7; BENCH_INDEX=0: no index part
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.bench.common import median, ms, report
from tests.ptys import PtyProgram

ROOT = Path(__file__).resolve().parents[2]
RUNS = int(os.environ.get("BENCH_RUNS", "7"))
CASES = 2_000
ROWS, COLS = 48, 160
TIMEOUT = 60.0


TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """The process's CPU time so far, user + system, its threads (ended ones too) included.

    Unlike the wall time, it hardly moves when other work shares the machine's cores."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime (fields 14, 15)


def first_answer(
    cmd: list[str], needle: str, env: dict[str, str], keys: bytes = b"kcg"
) -> tuple[float, float]:
    """(seconds from spawning ``cmd`` in a pty to ``needle`` appearing in its output, the CPU
    seconds the process had used by then)."""
    term = PtyProgram(cmd, env, rows=ROWS, cols=COLS, controlling_tty=True, keys=keys)
    try:
        wall = term.expect(needle, TIMEOUT)
        return wall, cpu_seconds(term.proc.pid)
    finally:
        term.kill()


def stored_index_load(repeat: int = 3) -> tuple[int, int, float, float]:
    """(entries, bytes, build s, load s) for bench_search's 12,000-matter catalogue: what a
    large imported catalogue costs at start-up (load) instead of at every start (build)."""
    from app.domain.search import SearchIndex
    from app.services.catalogue_files import parse_search_index, serialize_search_index
    from tests.bench.bench_search import make_catalogue

    entries = make_catalogue()
    start = time.perf_counter()
    index = SearchIndex(entries)
    build = time.perf_counter() - start
    raw = serialize_search_index(index, "bench", "0" * 64)
    loads = []
    for _ in range(repeat):
        start = time.perf_counter()
        parse_search_index(raw, "0" * 64)
        loads.append(time.perf_counter() - start)
    return len(entries), len(raw), build, median(loads)


def main() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("YICHUANG_")}
    env.update(PYTHONPATH=str(ROOT), TERM="xterm-256color", COLUMNS=str(COLS), LINES=str(ROWS))
    # An installed app runs from compiled bytecode (PyInstaller bundles it).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    bare_cmd = [sys.executable, "-m", "tests.bench.bare_typing_app"]

    def ours_once(seeded: Path | None = None) -> tuple[float, float]:
        with tempfile.TemporaryDirectory() as tmp:  # a fresh data dir, or a copy of the seeded one
            data_dir = Path(tmp) / "data"
            if seeded is None:
                data_dir.mkdir()
            else:
                shutil.copytree(seeded, data_dir)
            cmd = [sys.executable, "-m", "app", "--data-dir", str(data_dir)]
            return first_answer(cmd, "开餐馆", env)

    with tempfile.TemporaryDirectory() as tmp:
        seeded = Path(tmp) / "seeded"
        subprocess.run(
            [sys.executable, "-m", "app", "--data-dir", str(seeded), "demo", "seed", "--cases", str(CASES)],
            env=env,
            check=True,
            capture_output=True,
        )
        ours_once()  # warm-up: bytecode and the OS file cache, not counted
        ours_once(seeded)
        first_answer(bare_cmd, "kcg", env)
        fresh, full, bare = [], [], []
        for _ in range(RUNS):
            bare.append(first_answer(bare_cmd, "kcg", env))
            fresh.append(ours_once())
            full.append(ours_once(seeded))
    # wall time is the target; CPU time (ticks of 1/SC_CLK_TCK s) tells a slower start from a busy machine
    bare_wall, bare_cpu = median([w for w, _ in bare]), median([c for _, c in bare])
    figures: dict[str, float | int | str] = {
        "bare Textual app, one Input showing 'kcg'": ms(bare_wall),
        "  its CPU time by then": ms(bare_cpu),
    }
    verdicts = []
    for label, runs in (("fresh data dir", fresh), (f"{CASES:,} cases", full)):
        wall, cpu = median([w for w, _ in runs]), median([c for _, c in runs])
        ratio = wall / bare_wall
        verdicts.append(ratio <= 1.5)
        figures[f"yichuang, {label}, 开餐馆 shown"] = ms(wall)
        figures[f"  runs ({label})"] = " ".join(f"{ms(w):.0f}" for w, _ in runs)
        figures[f"  ratio ({label}, target <= 1.5)"] = f"{ratio:.2f}x"
        figures[f"  CPU time by then ({label})"] = ms(cpu)
        figures[f"  CPU ratio ({label})"] = f"{cpu / bare_cpu:.2f}x"
    figures["bare runs"] = " ".join(f"{ms(w):.0f}" for w, _ in bare)
    figures["verdict"] = "PASS" if all(verdicts) else "FAIL"
    figures["load average at the end"] = Path("/proc/loadavg").read_text().split(" ", 1)[0]
    report(
        f"spawn to first search answer, pty {COLS}x{ROWS}, 'kcg' typed at once (median of {RUNS})", figures
    )
    if os.environ.get("BENCH_INDEX") == "0":  # the start-up figures only
        return
    n, size, build, load = stored_index_load()
    report(
        f"stored search index of {n:,} entries ({size / 1e6:.1f} MB), in-process",
        {"built from the catalogue (pypinyin)": ms(build), "loaded from the file (median of 3)": ms(load)},
    )


if __name__ == "__main__":
    main()
