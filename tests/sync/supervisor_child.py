"""The hub's worker supervisor (sync/hub/workers.py) run in a process of its own, with workers
that do as a test says, so that a test's own process is neither forked nor given signal handlers.

    python -m tests.sync.supervisor_child MODE COUNTER_FILE   -> prints {"code": …, "starts": […]}

MODE: ``cannot-start`` (every worker exits with the startup-failure code), ``die-at-once``
(every worker exits 0 at once), ``fail-after-running`` (the first worker serves until killed,
every later one exits with the startup-failure code; the supervisor is stopped with SIGTERM 6 s
after the first worker is killed).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
import threading
import time
from pathlib import Path

from sync.hub import workers


def main(mode: str, counter: Path) -> None:
    def run(_sock: socket.socket) -> None:
        with counter.open("a") as f:
            f.write(f"{os.getpid()}\n")
        starts = len(counter.read_text().split())
        if mode == "cannot-start" or (mode == "fail-after-running" and starts > 1):
            raise SystemExit(workers.STARTUP_FAILURE)
        if mode == "die-at-once":
            raise SystemExit(0)
        time.sleep(120)  # serving, as far as the supervisor can tell

    sup = workers.Supervisor(run, workers.listening_sockets("127.0.0.1", 0, 1))
    if mode == "fail-after-running":
        workers.QUICK_DEATH = 1.0  # "ran" after 1 s, not 10, to keep the test short

        def script() -> None:
            time.sleep(2.0)
            os.kill(sup.slots[0].pids[0], signal.SIGKILL)
            time.sleep(6.0)
            os.kill(os.getpid(), signal.SIGTERM)

        threading.Thread(target=script, daemon=True).start()
    code = sup.run()
    print(
        json.dumps(
            {"code": code, "starts": sup.slots[0].pids, "socket_closed": sup.slots[0].sock.fileno() == -1}
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
