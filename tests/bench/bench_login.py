"""Login time with the argon2id parameters chosen (app/domain/passwords.py).

Measures what the clerk waits for between Enter and the home screen's data: the whole
`app.services.operators.login` on a real store file (read the account, derive the operator's
key from the password, which is the password check (issue 16 §2), write the lockout counters
back), the bare key derivation, and the bare hash verification of an account made before keys:
the key costs the login no more than the hash did. Median of
several runs; target 0.2-0.5 s (slow enough against a stolen hash table, quick for a clerk).
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from tests.bench.common import measure, median, ms, report

RUNS = 9
PASSWORD = "bench-pass-1"


def main() -> None:
    from app.domain import accounts, passwords
    from app.services import operators
    from app.services.workstation import open_workstation

    with tempfile.TemporaryDirectory() as tmp:
        ws = open_workstation(Path(tmp) / "data")
        operators.add_operator(ws, "bench", "clerk", PASSWORD, actor="bench")
        operators.login(ws, "bench", PASSWORD)  # warm: store open, modules loaded
        logins = measure(lambda: operators.login(ws, "bench", PASSWORD), repeat=RUNS)
        digest = passwords.hash_password(PASSWORD)
        verifies = measure(lambda: passwords.verify_password(digest, PASSWORD), repeat=RUNS)
        key, _seed = accounts.new_key(PASSWORD)
        unlocks = measure(lambda: accounts.unlock(key, PASSWORD), repeat=RUNS)
        hashes = measure(lambda: passwords.hash_password(PASSWORD), repeat=RUNS)
        cpu = []  # CPU seconds per login (both lanes of p=2): what a busy machine cannot hide
        for _ in range(RUNS):
            start = time.process_time()
            operators.login(ws, "bench", PASSWORD)
            cpu.append(time.process_time() - start)
        ws.close()
    login_median = median(logins)
    report(
        f"login (argon2id t={passwords.TIME_COST}, m={passwords.MEMORY_COST_KIB // 1024} MiB, "
        f"p={passwords.PARALLELISM}; median of {RUNS})",
        {
            "login (store + verify) median": ms(login_median),
            "login min": ms(min(logins)),
            "login max": ms(max(logins)),
            "key derivation only median": ms(median(unlocks)),
            "hash verify only median (account before keys)": ms(median(verifies)),
            "key / hash ratio": f"{median(unlocks) / median(verifies):.2f}",
            "hash (new password) median": ms(median(hashes)),
            "login CPU time median": ms(median(cpu)),
            "load average (1 min)": f"{os.getloadavg()[0]:.1f}",
            "CPUs": os.cpu_count() or 0,
            "verdict (0.2-0.5 s)": "PASS" if 0.2 <= login_median <= 0.5 else "OUTSIDE",
        },
    )


if __name__ == "__main__":
    main()
