"""The window's long-running sync (app.services.sync.runner.SyncRunner.run_forever) in a process
of its own, against the hub its data dir names, for the hostile-hub tests.

    python -m tests.security.sync_child DATA_DIR CYCLES [RETRY_AFTER_CAP]

The runner is the real one; only its waits are short (interval, probe and back-off of 50 ms:
the tests count answers, not minutes). After each cycle it prints one JSON line: the cycle,
this process's resident memory (VmRSS, bytes) and the error's message key; it stops after
CYCLES cycles.
"""

from __future__ import annotations

import json
import sys


def _status_bytes(name: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(name + ":"):
                return int(line.split()[1]) * 1024
    return 0


def main(argv: list[str]) -> int:
    from app.services.sync.runner import SyncRunner
    from app.services.workstation import open_workstation
    from sync.transport import Backoff

    data_dir, cycles = argv[0], int(argv[1])
    cap = float(argv[2]) if len(argv) > 2 else None
    ws = open_workstation(data_dir)
    runner = SyncRunner(
        ws, interval=0.05, probe_every=0.05, backoff=Backoff(base=0.025, cap=0.05), retry_after_cap=cap
    )
    done = [0]

    def on_cycle(_status) -> None:  # noqa: ANN001
        done[0] += 1
        rep = runner.last_report
        line = {
            "cycle": done[0],
            "rss": _status_bytes("VmRSS"),
            "hwm": _status_bytes("VmHWM"),
            "error": rep.error.key if rep is not None and rep.error is not None else None,
        }
        print(json.dumps(line), flush=True)
        if done[0] >= cycles:
            runner.stop()

    runner.run_forever(on_cycle=on_cycle)
    ws.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
