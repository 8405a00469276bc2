"""Child process for the spool kill -9 test: one spool pass, stuck on a stalled printer."""

from __future__ import annotations

import sys

from app.services.printing import PrintSpool
from app.services.workstation import open_workstation


def main(data_dir: str) -> None:
    ws = open_workstation(data_dir)
    print("pass", flush=True)
    PrintSpool(ws, stall_timeout=120).send_due()  # the parent kills us while this hangs


if __name__ == "__main__":
    main(sys.argv[1])
