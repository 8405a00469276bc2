"""CI: does the built executable work on an office PC?

Copies the program (``build/dist/yichuang/``, the one-folder build of ``make dist``, or a
one-file executable) into a temporary folder, makes it read-only, and runs it from another
folder with a clean environment (``env -i HOME=... PATH=/usr/bin:/bin``) on a fresh data dir
(the default one under the fresh HOME). As root, the program runs as ``nobody``, so that the
read-only bits hold (root writes through them). Checks, each a real process:

0. nothing test-only in the bundle (its files, and its archive by ``pyi-archive_viewer``);
1. ``--version``, and ``--help`` of every command (argparse and the message catalogue);
2. a catalogue round trip: ``catalog export`` the demo catalogue, ``catalog import`` it;
3. ``demo seed --cases 20``, ``case list --json``, ``case show``, ``case print --preview``
   (the bundled font, barcode and QR code);
4. the window in a 160x48 pty: ``kcg`` typed at once, 开餐馆 on screen (the search answer);
5. ``printer test`` to a loopback TCP listener that answers DLE EOT 1 with 0x12: the test
   page arrives and is confirmed; with a libusb on the machine, ``usb://`` finds it;
6. ``hub add-token``, ``hub serve`` on 127.0.0.1, ``config set hub.url/hub.token``,
   ``sync --once``: one sync round with nothing left unsent;
7. ``doctor`` (and ``doctor --json``), when this build has it (``doctor --help`` exits 0);
8. nothing in the program folder changed.

Standard library only (Linux: it needs a pty).

Usage: python build/tools/dist_smoke.py [--program PATH] [--keep]
"""

from __future__ import annotations

import argparse
import ctypes.util
import fcntl
import json
import os
import pwd
import re
import select
import shutil
import signal
import socket
import stat
import struct
import subprocess
import sys
import tempfile
import termios
import time
import tty
from pathlib import Path

from runtime_smoke import DLE_EOT_1, Listener  # the loopback printer (this folder)

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 120.0  # seconds for one command; the CI machine is shared and slow
ROWS, COLS = 48, 160
COMMANDS = [  # every command, for --help
    [],
    ["run"],
    ["config", "get"],
    ["config", "set"],
    ["catalog", "import"],
    ["catalog", "export"],
    ["demo", "seed"],
    ["case", "list"],
    ["case", "show"],
    ["case", "print"],
    ["print", "drain"],
    ["printer", "test"],
    ["sync"],
    ["hub", "serve"],
    ["hub", "add-token"],
    ["hub", "list-tokens"],
    ["hub", "import-bundle"],
    ["stats"],
    ["export", "cases"],
]


_TOKEN = re.compile(r"yc1_[A-Za-z0-9_-]+")


def log(msg: str) -> None:
    print(f"dist-smoke: {msg}", flush=True)


def fail(msg: str) -> None:
    print(f"dist-smoke: FAILED: {msg}", file=sys.stderr, flush=True)
    raise SystemExit(1)


class Program:
    """The copied, read-only program and how to run it: clean environment, own user."""

    def __init__(self, tmp: Path, source: Path) -> None:
        self.tmp = tmp
        self.home = tmp / "home"
        self.cwd = tmp / "work"
        folder = tmp / "program"
        if source.is_dir():
            shutil.copytree(source, folder, symlinks=True)
            self.exe = folder / ("yichuang.exe" if os.name == "nt" else "yichuang")
        else:
            folder.mkdir()
            self.exe = folder / source.name
            shutil.copy2(source, self.exe)
        self.folder = folder
        self.user: int | None = None
        if os.geteuid() == 0:
            try:
                self.user = pwd.getpwnam("nobody").pw_uid
            except KeyError:
                log("running as root and there is no user nobody: the read-only check is weaker")
        for d in (self.home, self.cwd):
            d.mkdir()
            if self.user is not None:
                os.chown(d, self.user, self.user)
        tmp.chmod(0o755)  # nobody must reach the program and its folders
        _read_only(folder)
        self.before = _snapshot(folder)
        self.env = {"HOME": str(self.home), "PATH": "/usr/bin:/bin"}
        self.data_dir = self.home / ".local" / "share" / "yichuang"  # platformdirs' default

    def _ids(self) -> dict:
        if self.user is None:
            return {}
        return {"user": self.user, "group": self.user, "extra_groups": []}

    def run(
        self, *args: str, ok: tuple[int, ...] = (0,), quiet: bool = False, stdin: str | None = None
    ) -> subprocess.CompletedProcess:
        cmd = [str(self.exe), *args]
        shown = " ".join(["yichuang", *args])
        start = time.monotonic()
        try:
            r = subprocess.run(
                cmd,
                cwd=self.cwd,
                env=self.env,
                capture_output=True,
                text=True,
                encoding="utf-8",
                errors="replace",
                timeout=TIMEOUT,
                **({"input": stdin} if stdin is not None else {"stdin": subprocess.DEVNULL}),
                **self._ids(),
            )
        except subprocess.TimeoutExpired:
            fail(f"`{shown}` did not finish within {TIMEOUT:.0f} s")
        if not quiet:
            log(f"{shown}  -> exit {r.returncode} in {time.monotonic() - start:.2f} s")
        if r.returncode not in ok or "Traceback (most recent call last)" in r.stderr:
            # a failing command's output may hold a token (`hub add-token` prints one): never in the log
            sys.stderr.write(_TOKEN.sub("yc1_***", r.stdout[-2000:] + r.stderr[-4000:]))
            fail(f"`{shown}` exited {r.returncode}")
        return r

    def popen(self, *args: str, **kw) -> subprocess.Popen:
        return subprocess.Popen(
            [str(self.exe), *args], cwd=self.cwd, env=self.env, stdin=subprocess.DEVNULL, **self._ids(), **kw
        )

    def writable_dir(self, name: str) -> Path:
        d = self.tmp / name
        d.mkdir()
        if self.user is not None:
            os.chown(d, self.user, self.user)
        return d


def _read_only(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        if path.is_symlink():
            continue
        mode = path.stat().st_mode
        path.chmod(
            mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) | stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH
        )


def _writable(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        if not path.is_symlink():
            path.chmod(path.stat().st_mode | stat.S_IWUSR)


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(folder)): (p.lstat().st_size, p.lstat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
    }


# --- the checks ------------------------------------------------------------------------------


FORBIDDEN = re.compile(r"(^|[\s'/\\])(tests|hypothesis|_pytest|pytest|pluggy)([./\\']|$)|build_font")


def check_contents(program: Path, viewer: Path) -> None:
    """Nothing test-only in the bundle: neither in the program's files nor in its archive."""
    files = [str(p.relative_to(program)) for p in program.rglob("*")] if program.is_dir() else []
    bad = [f for f in files if FORBIDDEN.search(f)]
    exe = program / "yichuang" if program.is_dir() else program
    names: list[str] = []
    if viewer.exists():
        listing = subprocess.run(
            [str(viewer), "--list", "--recursive", "--brief", str(exe)], capture_output=True, text=True
        )
        if listing.returncode != 0:
            fail(f"pyi-archive_viewer failed: {listing.stderr[-500:]}")
        names = listing.stdout.split()
        bad += [n for n in names if FORBIDDEN.search(n)]
    if bad:
        fail(f"test-only parts in the bundle: {bad[:10]}")
    listed = f"{len(names)} archive entries" if viewer.exists() else f"archive not listed (no {viewer})"
    log(f"contents: {len(files)} files, {listed}: nothing test-only")


def check_version_and_help(prog: Program) -> None:
    version = re.search(r'^__version__ = "([^"]+)"', (ROOT / "app" / "__init__.py").read_text("utf-8"), re.M)[
        1
    ]
    out = prog.run("--version").stdout.strip()
    # the executable names the checkout it was built from (app/build_info.py): version, commit, date
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short=10", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    stamp = re.fullmatch(rf"yichuang {re.escape(version)} \(([0-9a-f]+\+?), (\d{{4}}-\d{{2}}-\d{{2}})\)", out)
    if not stamp or (commit and stamp[1].rstrip("+") != commit):
        fail(f"--version printed {out!r}, expected 'yichuang {version} ({commit or 'COMMIT'}, YYYY-MM-DD)'")
    for words in COMMANDS:
        r = prog.run(*words, "--help", quiet=True)
        if "usage" not in r.stdout.lower() and "用法" not in r.stdout:
            fail(f"`yichuang {' '.join(words)} --help` printed no usage")
    log(f"--help of {len(COMMANDS)} commands")


def check_catalogue(prog: Program) -> None:
    prog.run("catalog", "export", "demo-catalogue.json")
    exported = prog.cwd / "demo-catalogue.json"
    if not exported.is_file() or exported.stat().st_size < 1000:
        fail("catalog export wrote no catalogue")
    prog.run("catalog", "import", "demo-catalogue.json")
    if not (prog.data_dir / "catalogue" / "current.json").is_file():
        fail(f"catalog import left no catalogue/current.json in {prog.data_dir}")


def check_cases(prog: Program) -> None:
    prog.run("demo", "seed", "--cases", "20")
    cases = json.loads(prog.run("case", "list", "--json").stdout)
    if len(cases) != 20:
        fail(f"demo seed --cases 20 gave {len(cases)} cases")
    accepted = next((c for c in cases if c.get("state") == "accepted"), None)
    if accepted is None:
        fail("no accepted case among the seeded ones")
    number = accepted["number"]
    shown = json.loads(prog.run("case", "show", number, "--json").stdout)
    if shown.get("number") != number:
        fail(f"case show {number} showed {shown.get('number')!r}")
    prog.run("case", "print", number, "--doc", "receipt", "--preview", "receipt.png")
    png = prog.cwd / "receipt.png"
    if not png.is_file() or not png.read_bytes().startswith(b"\x89PNG"):
        fail("case print --preview wrote no PNG")
    log(f"case {number}: shown, receipt preview of {png.stat().st_size:,} bytes")


def _controlling_tty() -> None:
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def check_window(prog: Program) -> None:
    """The clerk's first answer through a real terminal (tests/bench/bench_first_answer's
    method): ``kcg`` typed at once, 开餐馆 must reach the screen."""
    master, slave = os.openpty()
    tty.setraw(slave)
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    start = time.monotonic()
    proc = subprocess.Popen(
        [str(prog.exe)],
        cwd=prog.cwd,
        env={**prog.env, "TERM": "xterm-256color"},  # what any terminal sets
        stdin=slave,
        stdout=slave,
        stderr=slave,
        start_new_session=True,
        preexec_fn=_controlling_tty,
        close_fds=True,
        **prog._ids(),
    )
    os.close(slave)
    os.write(master, b"kcg")
    seen = b""
    try:
        while "开餐馆".encode() not in seen:
            left = TIMEOUT - (time.monotonic() - start)
            if left <= 0:
                fail(f"开餐馆 not on screen within {TIMEOUT:.0f} s; last output: {seen[-600:]!r}")
            ready, _, _ = select.select([master], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the window closed its terminal
                chunk = b""
            if not chunk:
                fail(f"the window exited before 开餐馆 appeared; last output: {seen[-600:]!r}")
            seen = seen[-8192:] + chunk
        log(f"window: 'kcg' answered with 开餐馆 in {time.monotonic() - start:.2f} s")
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
        os.close(master)


def check_printer(prog: Program) -> None:
    listener = Listener()
    url = f"tcp://127.0.0.1:{listener.port}"
    r = prog.run("printer", "test", url)
    data = listener.received()
    if not data.startswith(b"\x1b@"):  # ESC @ initialises the printer before every job
        fail(f"the listener received {len(data)} bytes, not a test page")
    if DLE_EOT_1 not in data:
        fail("the printer was not asked for its status after the page")
    log(f"printer test: {len(data)} bytes reached {url}, confirmed: {r.stdout.strip()}")


def check_usb_backend(prog: Program) -> None:
    """A usb:// printer needs the PC's libusb: with one installed, the program must find it
    (PyInstaller's pyusb hook once made it look in the bundle only: "No backend available")."""
    if not ctypes.util.find_library("usb-1.0"):
        log("usb: no libusb-1.0 on this machine, skipped")
        return
    r = prog.run("printer", "test", "usb://0000:0000", ok=(1,))
    if "No backend available" in r.stderr:
        fail(f"the program does not find this machine's libusb: {r.stderr.strip()}")
    log(f"usb: libusb found, the absent printer is reported as {r.stderr.strip()[:120]!r}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def check_hub_and_sync(prog: Program) -> None:
    hub_dir = prog.writable_dir("hub")
    office = prog.run("config", "get", "office.code").stdout.strip()
    workstation = prog.run("config", "get", "workstation.id").stdout.strip()
    r = prog.run(
        "hub", "add-token", "--data-dir", str(hub_dir), "--role", "workstation",
        "--office", office, "--workstation", workstation,
    )  # fmt: skip
    token = r.stdout.strip().splitlines()[-1].strip()
    port = _free_port()
    log_file = (prog.tmp / "hub.log").open("wb")
    hub = prog.popen(
        "hub", "serve", "--data-dir", str(hub_dir), "--host", "127.0.0.1", "--port", str(port),
        stdout=log_file, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + TIMEOUT
        while True:
            if hub.poll() is not None:
                fail(
                    f"hub serve exited {hub.returncode}: {(prog.tmp / 'hub.log').read_text('utf-8', 'replace')[-2000:]}"
                )
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    fail(f"hub serve did not listen on 127.0.0.1:{port}")
                time.sleep(0.1)
        log(f"hub serve listening on 127.0.0.1:{port}")
        prog.run("config", "set", "hub.url", f"http://127.0.0.1:{port}/")
        prog.run("config", "set", "hub.token", "-", stdin=token + "\n")  # never an argument (ps)
        prog.run("sync", "--once")
        status = json.loads(prog.run("sync", "status", "--json").stdout)
        if status.get("waiting") != 0 or status.get("refused"):
            fail(f"events left after one sync round: {status}")
        log(f"sync status after one round: {json.dumps(status, ensure_ascii=False)[:300]}")
        tokens = json.loads(prog.run("hub", "list-tokens", "--data-dir", str(hub_dir), "--json").stdout)
        if not tokens:
            fail("hub list-tokens shows no token")
    finally:
        hub.send_signal(signal.SIGINT)
        try:
            hub.wait(timeout=20)
        except subprocess.TimeoutExpired:
            hub.kill()
            hub.wait()
        log_file.close()


def check_doctor(prog: Program) -> None:
    probe = subprocess.run(
        [str(prog.exe), "doctor", "--help"], cwd=prog.cwd, env=prog.env, capture_output=True, **prog._ids()
    )
    if probe.returncode != 0:
        log("doctor: not in this build, skipped")
        return
    # Findings (the loopback printer is gone, say) make a non-zero exit; a crash does not pass.
    prog.run("doctor", ok=tuple(range(0, 10)))
    r = prog.run("doctor", "--json", ok=tuple(range(0, 10)))
    try:
        json.loads(r.stdout)
    except ValueError:
        fail(f"doctor --json printed no JSON: {r.stdout[:300]!r}")


def check_untouched(prog: Program) -> None:
    after = _snapshot(prog.folder)
    if after != prog.before:
        changed = sorted(set(after.items()) ^ set(prog.before.items()))
        fail(f"the program folder changed: {changed[:10]}")
    log("the program folder is unchanged")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--program",
        type=Path,
        default=ROOT / "build" / "dist" / "yichuang",
        help="the program folder (one-folder build) or the one-file executable",
    )
    ap.add_argument(
        "--archive-viewer",
        type=Path,
        default=ROOT / "build" / "venv" / "bin" / "pyi-archive_viewer",
        help="PyInstaller's archive viewer (from the build venv), to list the bundled modules",
    )
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = ap.parse_args()
    if not args.program.exists():
        fail(f"{args.program} does not exist: run `make dist` first")
    started = time.monotonic()
    check_contents(args.program.resolve(), args.archive_viewer)
    tmp = Path(tempfile.mkdtemp(prefix="yichuang-dist-"))
    prog = None
    try:
        prog = Program(tmp, args.program.resolve())
        log(f"program copied to {prog.folder} (read-only), run as {'nobody' if prog.user else 'this user'}")
        check_version_and_help(prog)
        check_catalogue(prog)
        check_cases(prog)
        check_window(prog)
        check_printer(prog)
        check_usb_backend(prog)
        check_hub_and_sync(prog)
        check_doctor(prog)
        check_untouched(prog)
        log(f"OK in {time.monotonic() - started:.0f} s")
    finally:
        if prog is not None:
            _writable(prog.folder)
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
