"""The store's lock: held by every process that has the store open, for as long as it runs.

SQLite's own locks only show a process inside a transaction, so an idle window was invisible
to `yichuang restore` and `db encrypt`, which then moved the store away under it (issue 18).
Beside the store, ``yichuang.db.lock`` is flock()ed: shared by each process that uses the
store (windows, commands), exclusive for what replaces or rewrites it (restore, db encrypt,
a schema upgrade). The exclusive side never waits: it refuses with the holders named. Who
holds it is written in ``.yichuang.db.holders/<pid>`` (what the process is, since when), read
only to name them; the flock is what counts, so a holder killed with -9 holds nothing.

One lock per store per process (:func:`lock_for`): the process's own shared hold becomes its
exclusive one and back, instead of one descriptor waiting on another of the same process.
Where flock does not exist (Windows), nothing is locked and SQLite's checks remain.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.messages import t

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

SHARE_WAIT = 10.0  # seconds a process waits for a restore or upgrade in progress to end
POLL = 0.05

_role = "command"  # what this process is: "window", or the command line's words
_guard = threading.Lock()
_locks: dict[Path, StoreLock] = {}


class StoreBusy(Exception):
    """The store is held by others; the message names them and says what to do."""

    def __init__(self, message: str, holders: list[Holder]) -> None:
        super().__init__(message)
        self.holders = holders


@dataclass(frozen=True)
class Holder:
    pid: int
    role: str  # "window", "courier", or a command such as "yichuang case list"
    action: str  # "" (using the store), "restore", "encrypt", "upgrade"
    since: str  # local time, HH:MM

    def describe(self) -> str:
        if self.role == "window":
            return t("store_lock.holder_window", pid=self.pid, since=self.since)
        if self.role == "courier":
            return t("store_lock.holder_courier", pid=self.pid, since=self.since)
        if self.role.startswith("yichuang"):
            return t("store_lock.holder_command", command=self.role, pid=self.pid, since=self.since)
        return t("store_lock.holder_program", pid=self.pid, since=self.since)


def set_role(role: str) -> None:
    """What this process is, as the holders' list names it (the window sets "window")."""
    global _role
    _role = role


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


def _holders_dir(db_path: Path) -> Path:
    return db_path.with_name("." + db_path.name + ".holders")  # hidden: not one of the store's files


def _flocked_pids(path: Path) -> set[int] | None:
    """The processes with a flock on `path` (Linux /proc/locks), None where that cannot be read."""
    try:
        inode = path.stat().st_ino
        text = Path("/proc/locks").read_text()
    except OSError:
        return None
    pids = set()
    for line in text.splitlines():
        parts = line.split()
        # "1: FLOCK  ADVISORY  READ  1234 08:01:5678 0 EOF" (a blocked request has "->" first)
        if "->" in parts or len(parts) < 6 or parts[1] != "FLOCK":
            continue
        if parts[5].rsplit(":", 1)[-1] == str(inode):
            try:
                pids.add(int(parts[4]))
            except ValueError:
                continue
    return pids


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def holders(db_path: Path) -> list[Holder]:
    """Who else holds the store's lock now (their notes, checked against the lock itself)."""
    folder = _holders_dir(db_path)
    locked = _flocked_pids(lock_path(db_path))
    found = []
    try:
        names = sorted(folder.iterdir())
    except OSError:
        return []
    for note in names:
        try:
            pid = int(note.name)
            doc = json.loads(note.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if pid == os.getpid():
            continue
        if (locked is not None and pid not in locked) or (locked is None and not _alive(pid)):
            try:  # left by a process that was killed: it holds nothing
                note.unlink()
            except OSError:
                pass
            continue
        found.append(
            Holder(pid, str(doc.get("role", "")), str(doc.get("action", "")), str(doc.get("since", "")))
        )
    return found


def describe_holders(found: list[Holder]) -> str:
    return "、".join(h.describe() for h in found) if found else t("store_lock.holder_unknown")


class StoreLock:
    """This process's hold on one store's lock; counts nested holds of each kind."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self.path = lock_path(db_path)
        self.fd: int | None = None
        self.shared = 0
        self.exclusive = 0
        self.action = ""
        self.owner = os.getpid()  # a forked child shares the descriptor: it must not unlock it
        self._mutex = threading.RLock()

    # --- the flock itself ----------------------------------------------------------------
    def _open(self) -> int:
        if self.fd is None:
            self.owner = os.getpid()
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        return self.fd

    def _try(self, mode: int) -> bool:
        if fcntl is None:
            return True
        try:
            fcntl.flock(self._open(), mode | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False

    def _release(self) -> None:
        if self.fd is not None:
            if fcntl is not None and os.getpid() == self.owner:  # a fork's close keeps the parent's
                fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None
        try:
            (_holders_dir(self.db_path) / str(os.getpid())).unlink()
        except OSError:
            pass

    def _note(self) -> None:
        """Who this process is, for the message another process shows (best effort)."""
        folder = _holders_dir(self.db_path)
        try:
            folder.mkdir(mode=0o700, exist_ok=True)
            doc = {"role": _role, "action": self.action, "since": datetime.now().strftime("%H:%M")}
            note = folder / str(os.getpid())
            part = folder / f".{os.getpid()}.part"
            fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(doc, fh, ensure_ascii=False)
            os.replace(part, note)
        except OSError:
            pass

    # --- shared: using the store ---------------------------------------------------------------
    def share(self, wait: float = SHARE_WAIT) -> None:
        """Hold the lock shared; waits up to `wait` seconds for an exclusive holder (a restore),
        then StoreBusy naming it."""
        with self._mutex:
            if self.shared or self.exclusive:
                self.shared += 1
                return
            end = time.monotonic() + wait
            while not self._try(fcntl.LOCK_SH if fcntl else 0):
                if time.monotonic() > end:
                    found = holders(self.db_path)
                    self._release()
                    busy = [h for h in found if h.action] or found
                    raise StoreBusy(
                        t("store_lock.busy_exclusive", path=self.db_path, holders=describe_holders(busy)),
                        busy,
                    )
                time.sleep(POLL)
            self.shared = 1
            self._note()

    def unshare(self) -> None:
        with self._mutex:
            if not self.shared:
                return
            self.shared -= 1
            if not self.shared and not self.exclusive:
                self._release()

    # --- exclusive: replacing or rewriting the store -------------------------------------------
    def take(self, action: str, what: str, wait: float = 0.0) -> None:
        """Hold the lock alone for `action` ("restore", "encrypt", "upgrade"), waiting at most
        `wait` seconds: then StoreBusy naming the holders, `what` (the action in words) in it."""
        with self._mutex:
            if self.exclusive:
                self.exclusive += 1
                return
            end = time.monotonic() + wait
            got = self._try(fcntl.LOCK_EX if fcntl else 0)
            while not got and time.monotonic() < end:
                time.sleep(POLL)
                got = self._try(fcntl.LOCK_EX if fcntl else 0)
            if not got:
                found = holders(self.db_path)
                if self.shared:  # a failed conversion drops the shared hold: take it again
                    self._try_share_again()
                else:
                    self._release()
                raise StoreBusy(
                    t("store_lock.busy", what=what, path=self.db_path, holders=describe_holders(found)), found
                )
            self.exclusive = 1
            self.action = action
            self._note()

    def _try_share_again(self) -> None:
        end = time.monotonic() + SHARE_WAIT
        while not self._try(fcntl.LOCK_SH) and time.monotonic() < end:
            time.sleep(POLL)

    def give_back(self) -> None:
        with self._mutex:
            if not self.exclusive:
                return
            self.exclusive -= 1
            if self.exclusive:
                return
            self.action = ""
            if self.shared:  # back to sharing: nobody else can hold it in between
                self._try(fcntl.LOCK_SH if fcntl else 0)
                self._note()
            else:
                self._release()


def lock_for(db_path: Path) -> StoreLock:
    key = Path(os.path.abspath(db_path))
    with _guard:
        lock = _locks.get(key)
        if lock is None:
            lock = _locks[key] = StoreLock(key)
        return lock


def share(db_path: Path, wait: float = SHARE_WAIT) -> StoreLock:
    lock = lock_for(db_path)
    lock.share(wait)
    return lock


@contextmanager
def exclusive(db_path: Path, action: str, what: str, wait: float = 0.0) -> Iterator[StoreLock]:
    lock = lock_for(db_path)
    lock.take(action, what, wait)
    try:
        yield lock
    finally:
        lock.give_back()
