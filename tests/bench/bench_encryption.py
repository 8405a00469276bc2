"""Encryption at rest: what a SQLCipher store costs against a plain one.

Opening an existing store (the engines' first read and first write connection) and accepting
a case, for a plain store, a store keyed from the keyring (a raw 256-bit key: no key
derivation) and one keyed with a passphrase (SQLCipher's PBKDF2 on every new connection; the
store keeps its connections open, so it is paid when they are made).

    python -m tests.bench.bench_encryption
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from tests.bench.common import median

RUNS = int(os.environ.get("BENCH_RUNS", "5"))


def main() -> None:
    from app.services.workstation import open_workstation
    from app.store.cipher import DbKey
    from app.store.db import open_store
    from tests.privacy.common import accept_case

    root = Path(tempfile.mkdtemp(prefix="bench-enc-"))
    try:
        for name, key in (
            ("plain", None),
            ("keyring key", DbKey.generate()),
            ("passphrase", DbKey("a passphrase of the office", raw=False)),
        ):
            ws = open_workstation(root / name.replace(" ", "-"))
            ws.__dict__["db_key"] = key
            accept_case(ws)  # creates and migrates the store, warms the catalogue
            accepts = []
            for i in range(RUNS):
                t0 = time.perf_counter()
                accept_case(ws, name=f"测试{i}")
                accepts.append(time.perf_counter() - t0)
            ws.close()
            opens = []
            for _ in range(RUNS):
                t0 = time.perf_counter()
                st = open_store(ws.config.db_path, key)
                with st.write() as s:
                    s.connection().exec_driver_sql("select count(*) from case_record").scalar()
                with st.read() as s:
                    s.connection().exec_driver_sql("select count(*) from case_record").scalar()
                opens.append(time.perf_counter() - t0)
                st.close()
            print(
                f"{name:12s} open + first read + first write: {median(opens) * 1000:7.1f} ms"
                f"   accept (store, event, print job): {median(accepts) * 1000:6.1f} ms"
                f"   (median of {RUNS})",
                flush=True,
            )
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
