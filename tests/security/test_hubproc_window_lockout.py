"""The window's own login lockout across processes on one store (issue 16 §6): the window, a
`yichuang` command and any other process that checks an operator's password share the count.
Before the fix each read the count, checked the password (slow) and wrote afterwards, so ten
attempts made at once were all checked. Each attempt here is a real process on the real SQLite
file; what each spent on the CPU tells whether its password was checked (argon2 is CPU work;
waiting for the store's lock is not)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.hubs import ROOT

pytestmark = pytest.mark.slow

RIGHT, WRONG = "first-pass-1", "wrong-pass-1"

ATTEMPT = """
import json, os, sys, time
from pathlib import Path
from app.services import operators
from app.services.workstation import open_workstation

data, name, password, gate = sys.argv[1:5]
ws = open_workstation(Path(data))
from app.domain import passwords  # noqa: F401  (warm: imports and the store's first
operators.list_operators(ws)  # read and write cost CPU too, and are not what is measured)
with ws.store.write():
    pass
open(gate + "." + str(os.getpid()), "w").close()  # ready
while not os.path.exists(gate):
    time.sleep(0.002)
cpu = time.process_time()
try:
    operators.login(ws, name, password)
    out = "ok"
except operators.OperatorError as exc:
    out = str(exc)
print(json.dumps({"out": out, "cpu": time.process_time() - cpu}, ensure_ascii=False))
ws.close()
"""


def check_cpu() -> float:
    """CPU seconds of one password check here (the median of three)."""
    from app.domain import passwords

    digest = passwords.hash_password(RIGHT)
    spent = []
    for _ in range(3):
        start = time.process_time()
        passwords.verify_password(digest, WRONG)
        spent.append(time.process_time() - start)
    return sorted(spent)[1]


def attempts_at_once(data: Path, tmp: Path, passwords: list[str]) -> list[dict]:
    gate = tmp / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", ATTEMPT, str(data), "李娜", p, str(gate)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for p in passwords
    ]
    deadline = time.monotonic() + 120
    while len(list(tmp.glob("go.*"))) < len(procs):  # every process has its store open
        assert time.monotonic() < deadline, "the attempts did not start"
        assert all(p.poll() is None for p in procs), [p.communicate() for p in procs if p.poll() is not None]
        time.sleep(0.02)
    gate.touch()
    outs = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=300)
        assert p.returncode == 0, stderr
        outs.append(json.loads(stdout))
    return outs


def test_attempts_made_at_once_from_several_processes_get_five_checks(ws, data_dir, tmp_path):
    from app.services import operators

    operators.add_operator(ws, "李娜", "clerk", RIGHT, actor="cli")
    threshold = 0.5 * check_cpu()
    outs = attempts_at_once(data_dir, tmp_path, [WRONG] * 10)
    checked = [o for o in outs if o["cpu"] >= threshold]
    assert len(checked) == 5, (threshold, outs)  # before the fix: all 10
    assert sum("再错" in o["out"] for o in outs) == 4  # the first four were told how many are left
    assert sum("已锁定" in o["out"] for o in outs) == 6
    locked = operators.list_operators(ws)[0]["locked_until"]
    assert locked is not None
    # the right password, from yet another process, while locked: refused, the lock stays
    (tmp_path / "late").mkdir()
    [late] = attempts_at_once(data_dir, tmp_path / "late", [RIGHT])
    assert "已锁定" in late["out"] and late["cpu"] < threshold
    assert operators.list_operators(ws)[0]["locked_until"] == locked
