"""The scanner inbox: the folder the document scanner saves into (`scanner.inbox`).

watchdog reports what happens in the folder; a file is taken only when it is complete: its
writer closed it (inotify's close-after-write on Linux, or a rename into place) and its size
stayed the same for CLOSE_SETTLE seconds, or, where no close is reported, nothing changed
for QUIET_SETTLE seconds. The folder is rescanned at start and every RESCAN_EVERY seconds,
so scans made while the program was closed, or whose events were missed, are taken too.

Taking a file, in this order (each step survives a crash before the next one):
1. read it once through O_NOFOLLOW, hashing (SHA-256) while copying it into the
   content-addressed attachment store, fsync, rename into place;
2. write its `scan` row (one transaction);
3. move it into ``<inbox>/archive/YYYY-MM/`` and fsync both folders.
A crash between 2 and 3 leaves the file in the inbox and its row pointing at an archive
path that does not exist: the next look finishes the move instead of taking it again.

Refused files (empty, truncated, not PDF/JPEG/PNG/TIFF by content, over `scanner.max_mb`,
names with path tricks, links) stay where they are with their reason; a refused file that is
changed or replaced is looked at again.

No Textual here: the window runs `ScanInbox` in a thread and hears of scans via ``on_scan``.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from app.domain import scans as rules
from app.messages import t
from app.private_files import make_private_dir, open_private
from app.services.cases import CaseService
from app.services.sync import attachments
from app.services.workstation import Workstation
from app.store.models import Scan

CLOSE_SETTLE = 0.1  # seconds the size must stay the same after the writer closed the file
# Seconds without change that count as complete when no close is seen. Linux reports every
# close, so there this only covers missed events and may be long (a slow scanner may pause).
QUIET_SETTLE = 10.0 if sys.platform.startswith("linux") else 2.0
LOOK_SETTLE = 2.0  # found by a look (made while we were closed): untouched this long = complete
RESCAN_EVERY = 60.0  # seconds between looks at the whole folder
ARCHIVE = "archive"
LOCK_NAME = ".yichuang-scanner.lock"
_CHUNK = 1 << 20


# Refusal codes (app.domain.scans.Refusal, stored in scan.reason) and their messages.
REFUSAL_MESSAGES = {
    "empty": "scan.refused_empty",
    "too_big": "scan.refused_too_big",
    "type": "scan.refused_type",
    "truncated_pdf": "scan.refused_truncated_pdf",
    "truncated_jpeg": "scan.refused_truncated_jpeg",
    "truncated_png": "scan.refused_truncated_png",
    "truncated_tiff": "scan.refused_truncated_tiff",
    "name": "scan.refused_name",
    "link": "scan.refused_link",
}


class ScannerError(Exception):
    """The inbox cannot be watched (not configured, missing, watched by another process)."""


class AssignError(ValueError):
    """A scan cannot be given to that case or material; the message is for the clerk."""


@dataclass
class _Pending:
    size: int
    mtime_ns: int
    changed: float  # monotonic time of the last change seen
    closed: bool  # the writer closed it (or renamed it into place) after the last change
    looked: bool = False  # found by a look at the folder, no event since


def blob_dir(ws: Workstation) -> Path:
    return attachments.blob_dir(ws)


def reason_text(scan: Scan) -> str:
    if not scan.reason:
        return ""
    fields = json.loads(scan.reason_fields or "{}")
    return t(REFUSAL_MESSAGES.get(scan.reason, "scan.refused_type"), **fields)


def state_text(scan: Scan) -> str:
    """unassigned / assigned to CASE/material / refused with reason, in the clerk's language."""
    if scan.state == "assigned":
        return t("scan.state_assigned", case=scan.case_number, material=scan.material_name)
    if scan.state == "refused":
        return t("scan.state_refused", reason=reason_text(scan))
    return t("scan.state_unassigned")


def scan_to_dict(scan: Scan) -> dict:
    out = {
        "id": scan.id,
        "name": scan.name,
        "size": scan.size,
        "sha256": scan.sha256 or None,
        "kind": scan.kind or None,
        "pages": scan.pages,
        "state": scan.state,
        "found_at": scan.found_at.isoformat(),
    }
    if scan.state == "assigned":
        out.update(case=scan.case_number, material=scan.material_key, material_name=scan.material_name)
    if scan.state == "refused":
        out.update(reason=scan.reason, reason_text=reason_text(scan))
        out["path"] = scan.source_path
    return out


# --- reading the store ------------------------------------------------------------------------
def list_scans(ws: Workstation, state: str | None = None, limit: int | None = None) -> list:
    """Scans in the order they were found, as read-only rows with the Scan's attributes
    (plain rows, not ORM objects: `scans list` of 10,000 scans in a fraction of the time)."""
    with ws.store.read() as s:
        q = select(*Scan.__table__.columns).order_by(Scan.id)
        if state is not None:
            q = q.where(Scan.state == state)
        if limit is not None:
            q = q.limit(limit)
        return list(s.execute(q))


def scans_of_case(ws: Workstation, number: str) -> list[Scan]:
    with ws.store.read() as s:
        return list(
            s.execute(select(Scan).where(Scan.case_number == number).order_by(Scan.id)).scalars().all()
        )


# --- assigning ----------------------------------------------------------------------------------
def assign(ws: Workstation, scan_id: int, number: str, material_key: str) -> Scan:
    """Give an unassigned scan to a material of case `number`.

    The case's ``attachment.added`` event (with the material), the scan's upload slot and
    the scan's new state are one transaction: all of it, or nothing.
    """
    detail = CaseService(ws).detail(number)
    if detail is None:
        raise AssignError(t("case.not_found", number=number))
    item = next((m.item for m in detail.marks if m.item.key == material_key), None)
    if item is None:
        raise AssignError(t("scan.no_material", key=material_key, number=number))
    with ws.store.read() as s:
        scan = s.get(Scan, scan_id)
    if scan is None:
        raise AssignError(t("scan.not_found", id=scan_id))
    if scan.state != "unassigned":
        raise AssignError(t("scan.not_unassigned", id=scan_id, state=state_text(scan)))

    def claim(session) -> None:  # inside the event's transaction
        row = session.get(Scan, scan_id)
        if row is None or row.state != "unassigned":  # another window took it meanwhile
            raise AssignError(t("scan.not_unassigned", id=scan_id, state=state_text(row or scan)))
        row.state = "assigned"
        row.case_number = number
        row.material_key = item.key
        row.material_name = item.name
        row.assigned_at = ws.utcnow()
        session.add(row)

    attachments.add(
        ws,
        number,
        blob_dir(ws) / scan.sha256,
        name=scan.name,
        extra={"material": item.key, "material_name": item.name, "pages": scan.pages, "scan": scan.id},
        also=claim,
    )
    with ws.store.read() as s:
        return s.get(Scan, scan_id)


def scanned_keys(ws: Workstation, number: str) -> set[str]:
    """Materials of a case that have a scan: they count as received electronically."""
    return {s.material_key for s in scans_of_case(ws, number) if s.state == "assigned"}


# --- the inbox --------------------------------------------------------------------------------
class ScanInbox:
    """Watches one inbox folder. ``on_scan(scan, new)`` hears of every scan taken or refused
    (from the watcher's thread)."""

    def __init__(
        self,
        ws: Workstation,
        inbox: Path | None = None,
        *,
        on_scan: Callable[[Scan], None] | None = None,
        close_settle: float = CLOSE_SETTLE,
        quiet_settle: float = QUIET_SETTLE,
        rescan_every: float = RESCAN_EVERY,
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        self.ws = ws
        inbox = inbox or ws.config.scanner_inbox
        if inbox is None:
            raise ScannerError(t("scan.no_inbox"))
        self.inbox = Path(inbox)
        self.archive = self.inbox / ARCHIVE
        self.max_bytes = ws.config.scanner_max_bytes
        self.on_scan = on_scan
        self.on_error = on_error
        self.close_settle = close_settle
        self.quiet_settle = quiet_settle
        self.rescan_every = rescan_every
        self._pending: dict[str, _Pending] = {}
        self._mutex = threading.Lock()
        self._wake = threading.Event()
        self.stopping = threading.Event()
        self._observer = None
        self._thread: threading.Thread | None = None
        self._lock_fd: int | None = None
        self._next_rescan = 0.0

    # --- life cycle ---------------------------------------------------------------------------
    def open(self) -> None:
        """Check the folder, take the one-watcher lock, start watchdog, look at everything once."""
        if not self.inbox.is_dir():
            raise ScannerError(t("scan.inbox_missing", path=self.inbox))
        self._take_lock()
        import logging

        from watchdog.observers import Observer

        # watchdog logs a harmless race of its stop() as an ERROR (it would scribble over the
        # window and the CLI's output); everything else it logs is left alone.
        logging.getLogger("watchdog.observers.inotify").addFilter(_StopRace())

        observer = Observer()
        observer.schedule(_Handler(self), str(self.inbox), recursive=False)
        observer.daemon = True
        observer.start()
        self._observer = observer
        self.rescan()

    def start(self) -> None:
        """open() and work in a thread of its own (the window)."""
        self.open()
        self._thread = threading.Thread(target=self._loop, name="scanner-inbox", daemon=True)
        self._thread.start()

    def run_forever(self) -> None:
        """open() and work in this thread until stop() (``yichuang scans watch``)."""
        self.open()
        self._loop()

    def stop(self) -> None:
        self.stopping.set()
        self._wake.set()
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
            self._observer = None
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=10)
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # releases the flock
            self._lock_fd = None

    def _take_lock(self) -> None:
        """One watcher per inbox (the window and `scans watch` may both be started)."""
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX: no cross-process lock
            return
        fd = os.open(self.inbox / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise ScannerError(t("scan.inbox_busy", path=self.inbox)) from None
        self._lock_fd = fd

    # --- what watchdog reports ----------------------------------------------------------------
    def note(self, path: str, closed: bool) -> None:
        p = Path(path)
        if p.parent != self.inbox or rules.in_progress_name(p.name):
            return
        with self._mutex:
            entry = self._pending.get(path)
            if entry is None:
                self._pending[path] = _Pending(-1, -1, time.monotonic(), closed)
            else:
                # Events arrive in order: a write after a close means the writer is back.
                entry.closed = closed
                entry.changed = time.monotonic()
                entry.looked = False
        self._wake.set()

    def rescan(self) -> None:
        """Every file of the folder (not the archive) becomes a candidate again."""
        self._next_rescan = time.monotonic() + self.rescan_every
        try:
            entries = list(os.scandir(self.inbox))
        except OSError:
            return
        with self._mutex:
            for e in entries:
                if e.name == ARCHIVE or rules.in_progress_name(e.name):
                    continue
                if e.path not in self._pending:
                    # Found by looking, not by an event: complete once its mtime is quiet.
                    self._pending[e.path] = _Pending(-1, -1, time.monotonic(), False, looked=True)
        self._wake.set()

    # --- the work -----------------------------------------------------------------------------
    def _loop(self) -> None:
        while not self.stopping.is_set():
            if time.monotonic() >= self._next_rescan:
                self.rescan()
            with self._mutex:
                busy = bool(self._pending)
            self._wake.wait(0.03 if busy else max(0.05, self._next_rescan - time.monotonic()))
            self._wake.clear()
            if self.stopping.is_set():
                break
            try:
                self.poll()
            except Exception as exc:  # a store or disk problem: say so, keep watching
                self._tell_error(exc)
                time.sleep(1.0)

    def poll(self) -> list[Scan]:
        """Take or refuse every candidate that is complete now; returns what was recorded."""
        now = time.monotonic()
        due: list[str] = []
        with self._mutex:
            for path, entry in list(self._pending.items()):
                try:
                    st = os.lstat(path)
                except FileNotFoundError:
                    del self._pending[path]  # moved away or deleted
                    continue
                except OSError:
                    continue
                if stat.S_ISDIR(st.st_mode):
                    del self._pending[path]
                    continue
                if (st.st_size, st.st_mtime_ns) != (entry.size, entry.mtime_ns):
                    first_look = entry.size < 0
                    entry.size, entry.mtime_ns = st.st_size, st.st_mtime_ns
                    if not first_look:
                        # A size seen late (the close event may already be here): stable again
                        # from now; whether it was closed is the events' to say.
                        entry.changed, entry.looked = now, False
                stable = now - entry.changed
                untouched = time.time() - st.st_mtime_ns / 1e9  # e.g. made while we were closed
                if (
                    (entry.closed and stable >= self.close_settle)
                    or stable >= self.quiet_settle
                    or (entry.looked and untouched >= LOOK_SETTLE and stable >= self.close_settle)
                ):
                    due.append(path)
                    del self._pending[path]
        done = []
        for path in due:
            scan = self.take(Path(path))
            if scan is not None:
                done.append(scan)
                if self.on_scan is not None:
                    self.on_scan(scan)
        return done

    def take(self, path: Path) -> Scan | None:
        """Take or refuse one complete file; None when there is nothing to record (gone,
        a directory, the same refusal as before, changed while read: it comes back)."""
        name = path.name
        try:
            st = os.lstat(path)
        except OSError:
            return None
        if stat.S_ISDIR(st.st_mode):
            return None
        if stat.S_ISLNK(st.st_mode) or not stat.S_ISREG(st.st_mode) or st.st_nlink > 1:
            # A link could bring in any file of the machine; a device or pipe could block.
            return self._refuse(path, st, rules.Refusal("link"))
        refusal = rules.check_name(name)
        if refusal is not None:
            return self._refuse(path, st, refusal)
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        except OSError:
            return None
        with os.fdopen(fd, "rb") as fh:
            fst = os.fstat(fh.fileno())
            if (fst.st_ino, fst.st_dev) != (st.st_ino, st.st_dev) or not stat.S_ISREG(fst.st_mode):
                return None  # replaced between the look and the open: look again later
            size = fst.st_size
            head = fh.read(rules.HEAD_BYTES)
            fh.seek(max(0, size - rules.TAIL_BYTES))
            tail = fh.read(rules.TAIL_BYTES)
            kind, refusal = rules.check_content(head, tail, size, self.max_bytes)
            if refusal is not None:
                return self._refuse(path, fst, refusal)
            fh.seek(0)
            sha, copied = self._store_blob(fh)
            after = os.fstat(fh.fileno())
        if copied != size or (after.st_size, after.st_mtime_ns) != (size, fst.st_mtime_ns):
            self.note(str(path), closed=False)  # still being written after all: wait again
            return None
        blob = blob_dir(self.ws) / sha
        pages = _pages(kind, blob)
        return self._record_taken(path, name, size, sha, kind, pages, fst.st_mtime_ns)

    def _store_blob(self, fh) -> tuple[str, int]:
        """Hash while copying into the attachment store (one read), fsync, rename into place."""
        target_dir = make_private_dir(blob_dir(self.ws))
        tmp = target_dir / f".scan-{os.getpid()}-{threading.get_ident()}.tmp"
        h = hashlib.sha256()
        copied = 0
        with open_private(tmp, "wb") as out:  # a scan: owner only
            for chunk in iter(lambda: fh.read(_CHUNK), b""):
                h.update(chunk)
                out.write(chunk)
                copied += len(chunk)
            out.flush()
            os.fsync(out.fileno())
        sha = h.hexdigest()
        target = target_dir / sha
        if target.exists():
            tmp.unlink()
        else:
            os.replace(tmp, target)
            _fsync_dir(target_dir)
        return sha, copied

    def _record_taken(self, path, name, size, sha, kind, pages, mtime_ns) -> Scan:
        with self.ws.store.write() as s:
            # A crash after the row and before the move: finish that move, no second scan.
            row = (
                s.execute(select(Scan).where(Scan.sha256 == sha, Scan.name == name, Scan.state != "refused"))
                .scalars()
                .all()
            )
            row = next((r for r in row if r.archive_path and not os.path.exists(r.archive_path)), None)
            for old in s.execute(
                select(Scan).where(Scan.source_path == str(path), Scan.state == "refused")
            ).scalars():
                s.delete(old)  # the refused file was replaced by a good one
            if row is None:
                row = Scan(
                    name=name,
                    size=size,
                    sha256=sha,
                    kind=kind,
                    pages=pages,
                    state="unassigned",
                    source_path=str(path),
                    source_mtime_ns=mtime_ns,
                    found_at=self.ws.utcnow(),
                )
                s.add(row)
                s.flush()
                month = self.ws.now().strftime("%Y-%m")
                row.archive_path = str(self.archive / month / f"{row.id:06d}-{name}")
                s.add(row)
        target = Path(row.archive_path)
        make_private_dir(target.parent)  # the archive keeps the applicants' scans: owner only
        os.replace(path, target)
        _fsync_dir(target.parent)
        _fsync_dir(self.inbox)
        return row

    def _refuse(self, path: Path, st, refusal: rules.Refusal) -> Scan | None:
        fields = json.dumps(refusal.fields, ensure_ascii=False, default=str)
        with self.ws.store.write() as s:
            row = (
                s.execute(select(Scan).where(Scan.source_path == str(path), Scan.state == "refused"))
                .scalars()
                .first()
            )
            if (
                row is not None
                and (row.size, row.source_mtime_ns) == (st.st_size, st.st_mtime_ns)
                and row.reason == refusal.code
            ):
                return None  # refused before, unchanged: nothing new to tell
            if row is None:
                row = Scan(
                    name=path.name, size=0, state="refused", source_path=str(path), found_at=self.ws.utcnow()
                )
            row.size = st.st_size
            row.source_mtime_ns = st.st_mtime_ns
            row.reason = refusal.code
            row.reason_fields = fields
            row.found_at = self.ws.utcnow()
            s.add(row)
        return row

    def _tell_error(self, exc: Exception) -> None:
        if self.on_error is not None:
            self.on_error(exc)


def _pages(kind: str | None, blob: Path) -> int | None:
    if kind in ("jpeg", "png"):
        return 1
    if kind == "pdf":
        return rules.pdf_pages(blob.read_bytes())
    if kind == "tiff":
        try:
            from PIL import Image

            with Image.open(blob) as im:
                return int(getattr(im, "n_frames", 1))
        except Exception:  # a TIFF Pillow cannot read: its page count is unknown, the scan is kept
            return None
    return None


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - not possible on Windows; the rename is durable enough there
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


class _StopRace:
    def filter(self, record) -> bool:
        return "called when the thread is inactive" not in str(record.msg)


class _Handler:
    """watchdog's handler: every event that may mean a new or finished file becomes a note."""

    def __init__(self, inbox: ScanInbox) -> None:
        self.inbox = inbox

    def dispatch(self, event) -> None:
        if event.is_directory:
            return
        kind = event.event_type
        if kind == "moved":  # renamed into place: the writer has finished
            self.inbox.note(os.fsdecode(event.dest_path), closed=True)
        elif kind == "closed":
            self.inbox.note(os.fsdecode(event.src_path), closed=True)
        elif kind in ("created", "modified"):
            self.inbox.note(os.fsdecode(event.src_path), closed=False)
