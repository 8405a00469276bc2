"""CI: does an install from the runtime lock alone work?

Builds a fresh virtualenv in a temporary dir from ``requirements.lock`` only, installs the
project into it (``pip install --no-deps``, not editable, from a copy of the tree), and with
that venv's interpreter:

1. runs ``yichuang printer test tcp://127.0.0.1:PORT`` against a real loopback TCP listener
   and checks that the test page's bytes arrived;
2. takes one intake through the window with Textual's pilot (``App.run_test()``): types
   ``kcg``, chooses 开餐馆, fills a valid applicant, marks every material received, accepts
   with F5, and checks that the case exists and its receipt was written by the printer.

A dependency that only the dev lock provides (as fontTools once was) makes this fail with a
non-zero exit.  Needs nothing but the standard library in the interpreter that runs it; the
inner checks (``--inner``) need only the runtime dependencies.

Usage: python build/tools/runtime_smoke.py [--keep]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 120.0  # seconds for each UI wait; the CI machine is shared and slow


def log(msg: str) -> None:
    print(f"runtime-smoke: {msg}", flush=True)


def fail(msg: str) -> None:
    print(f"runtime-smoke: FAILED: {msg}", file=sys.stderr, flush=True)
    raise SystemExit(1)


# --- outer: the fresh venv -----------------------------------------------------------------


def _project_files() -> list[str]:
    """The files of the tree as git sees them (tracked, or new and not ignored)."""
    out = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout
    return [p for p in out.decode().split("\0") if p and (ROOT / p).is_file()]


def _copy_tree(dest: Path) -> None:
    # A copy, so that setuptools' build/lib and egg-info never land in the work tree and no
    # stale build output ends up in the installed package.
    if not (ROOT / ".git").exists():  # an unpacked source tree: copy it less build output
        junk = shutil.ignore_patterns(".venv", "__pycache__", "*.egg-info", "lib", "work", "dist", ".*_cache")
        shutil.copytree(ROOT, dest, ignore=junk)
        return
    for rel in _project_files():
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, target)


def _run(cmd: list[str], **kw) -> None:
    log(" ".join(str(c) for c in cmd))
    r = subprocess.run(cmd, **kw)
    if r.returncode != 0:
        fail(f"exit code {r.returncode}: {' '.join(str(c) for c in cmd)}")


def outer(keep: bool) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="yichuang-runtime-"))
    try:
        env_dir = tmp / "venv"
        log(f"fresh venv in {env_dir}")
        venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
        py = env_dir / "bin" / "python"
        pip = [str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        _run([*pip, "--require-hashes", "-r", str(ROOT / "requirements.lock")])
        src = tmp / "src"
        _copy_tree(src)
        # setuptools comes from requirements.lock (python-escpos requires it): no network.
        _run([*pip, "--no-deps", "--no-build-isolation", str(src)])
        # The copy is removed so that nothing can be imported from it, only from the venv.
        shutil.rmtree(src)
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
        env["YICHUANG_DATA_DIR"] = str(tmp / "data")
        # -I: neither the script's dir nor the work tree is on sys.path; cwd is the temp dir.
        _run(
            [str(py), "-I", str(Path(__file__).resolve()), "--inner", str(env_dir)],
            cwd=tmp,
            env=env,
        )
        log("OK: the runtime lock alone prints and takes an intake")
    finally:
        if keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


# --- inner: runs in the fresh venv -----------------------------------------------------------


DLE_EOT_1 = b"\x10\x04\x01"  # real-time status query the spool sends after a job
ONLINE = b"\x12"  # the status byte of a printer that is online with no error


class Listener:
    """A loopback "printer": accepts connections, records every byte it reads and answers
    the status query after a job, as a real printer does (so the job is confirmed 已打印)."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        self.data = bytearray()
        self.lock = threading.Lock()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                while chunk := conn.recv(65536):
                    with self.lock:
                        self.data += chunk
                        answer = self.data.endswith(DLE_EOT_1)
                    if answer:
                        conn.sendall(ONLINE)

    def received(self) -> bytes:
        with self.lock:
            return bytes(self.data)


def check_installed(env_dir: Path) -> None:
    import app

    where = Path(app.__file__).resolve()
    if env_dir.resolve() not in where.parents:
        fail(f"app imported from {where}, not from the fresh venv")
    log(f"app imported from {where.parent}")


def check_printer_test(env_dir: Path, data_dir: Path) -> None:
    listener = Listener()
    url = f"tcp://127.0.0.1:{listener.port}"
    exe = env_dir / "bin" / "yichuang"
    r = subprocess.run(
        [str(exe), "--data-dir", str(data_dir), "printer", "test", url],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    sys.stdout.write(r.stdout)
    sys.stderr.write(r.stderr)
    if r.returncode != 0:
        fail(f"`yichuang printer test {url}` exited {r.returncode}")
    deadline = time.monotonic() + 10
    while not listener.received() and time.monotonic() < deadline:
        time.sleep(0.05)
    data = listener.received()
    if not data.startswith(b"\x1b@"):  # ESC @ initialises the printer before every job
        fail(f"the listener received {len(data)} bytes, not a test page")
    log(f"printer test: {len(data)} bytes reached {url}")


async def check_intake(data_dir: Path) -> None:
    import asyncio
    from datetime import datetime

    from textual.widgets import Input

    from app.domain.identifiers import ric_check_char
    from app.services.cases import CaseService
    from app.services.workstation import open_workstation
    from app.ui.app import YichuangApp
    from app.ui.screens.dialogs import DocumentDialog
    from app.ui.screens.intake import IntakeScreen

    id17 = "32072419880512004"
    person_id = id17 + ric_check_char(id17)
    ws = open_workstation(data_dir, clock=lambda: datetime(2026, 11, 20, 9, 30))  # a Friday
    try:
        app = YichuangApp(ws)
        async with app.run_test(size=(160, 50)) as pilot:
            loop = asyncio.get_running_loop()

            async def wait_for(what: str, predicate) -> None:
                end = loop.time() + TIMEOUT
                while not predicate():
                    if loop.time() > end:
                        fail(f"timed out waiting for {what}")
                    await pilot.pause(0.05)

            await wait_for(
                "the intake screen",
                lambda: (
                    isinstance(app.screen, IntakeScreen)
                    and app.screen.panes_ready
                    and app.index is not None
                    and "store" in app.ws.__dict__
                ),
            )
            screen = app.screen
            await pilot.press("f2", "k", "c", "g", "enter")
            await pilot.pause()
            draft = screen.draft
            if draft is None or ws.catalogue.bundle(draft.subject_code).name != "开餐馆":
                fail("typing kcg and Enter did not choose 开餐馆")
            screen.query_one("#applicant-id_number", Input).focus()
            await pilot.press(*person_id, "tab")
            screen.query_one("#applicant-name", Input).value = "张秀英"  # IME text arrives committed
            screen.query_one("#applicant-phone", Input).focus()
            await pilot.press(*"13812345678")
            await pilot.press("f4", *["space"] * len(draft.marks))
            await pilot.press("f5")
            await wait_for("the receipt dialog after F5", lambda: isinstance(app.screen, DocumentDialog))
            cases = CaseService(ws).list()
            if len(cases) != 1 or cases[0].state != "accepted":
                fail(f"expected one accepted case, found {[(c.number, c.state) for c in cases]}")
            case = cases[0]
            await pilot.press("enter")
            prints = ws.config.prints_dir
            await wait_for("the receipt in the printer's dir", lambda: any(prints.glob("*.bin")))
            data = b"".join(p.read_bytes() for p in prints.glob("*.bin"))
            if case.number.encode() not in data:
                fail("the printed receipt does not hold the case number")
            log(f"intake: case {case.number} accepted, receipt of {len(data)} bytes written")
    finally:
        ws.close()


def inner(env_dir: Path) -> None:
    import asyncio

    check_installed(env_dir)
    data_root = Path(os.environ["YICHUANG_DATA_DIR"])
    check_printer_test(env_dir, data_root / "printer-test")
    asyncio.run(check_intake(data_root / "intake"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keep", action="store_true", help="keep the temporary venv and data")
    ap.add_argument("--inner", metavar="VENV", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.inner:
        inner(Path(args.inner))
    else:
        outer(args.keep)


if __name__ == "__main__":
    main()
