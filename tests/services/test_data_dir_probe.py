"""Two programs starting at once on one data dir (the window and a `yichuang` command, or several
commands) each check that the dir is writable. The check used one fixed probe file, so one
process could delete the other's probe before that one did: "cannot write the data dir: No
such file or directory" for a dir that is writable. Real processes, one real dir."""

from __future__ import annotations

import subprocess
import sys

from tests.hubs import ROOT

PROBE = """
import sys
from pathlib import Path
from app.config import ensure_writable
for _ in range(300):
    ensure_writable(Path(sys.argv[1]))
"""


def test_processes_checking_the_data_dir_at_once_all_find_it_writable(tmp_path):
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", PROBE, str(tmp_path)], cwd=ROOT, stderr=subprocess.PIPE, text=True
        )
        for _ in range(8)
    ]
    failed = [p.communicate(timeout=300)[1] for p in procs if p.wait(timeout=300) != 0]
    assert not failed, failed[0]
    assert list(tmp_path.iterdir()) == []  # no probe left behind
