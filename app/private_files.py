"""Files and folders private to the program's user: data dirs 0700, files 0600, whatever the umask.

One place for it (issue 16 §5): the window's and the hub's data dirs hold the hub token, the
workstation's private keys, the store, scans, backups, bundles and printed documents.

* ``restrict_umask()`` runs first in ``yichuang``'s main: everything the process creates after
  it (SQLite's own ``-wal``/``-shm``/journal files included, which we never open ourselves)
  is born without group/other bits.
* ``make_private_dir`` / ``write_private`` / ``open_private`` create with explicit modes, so
  a library call made without ``main`` (a test, an embedding program) is private too.
* ``tighten`` fixes what an older version (or a copy) left readable: the data dir at start.
* ``exposed`` lists what is not private, for ``doctor``.

Windows has no such modes (NTFS ACLs decide; the user's profile is private by default): the
chmod calls are harmless there and ``exposed`` reports nothing.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600
UMASK = 0o077
LOOSE = 0o077  # group and other bits: none may be set
POSIX = os.name == "posix"


def restrict_umask() -> int:
    """Group and others get nothing from here on; returns the previous umask."""
    return os.umask(UMASK)


def make_private_dir(path: Path | str) -> Path:
    """`path` and its missing parents, each created 0700 (existing folders are left as they are:
    a backup disk's mount point is not ours to change). Returns the path."""
    path = Path(path)
    missing = []
    probe = path
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:
            pass  # made by another process meanwhile
        else:
            _chmod(folder, DIR_MODE)  # mkdir's mode is filtered by the umask (never widened)
    if not path.is_dir():
        raise NotADirectoryError(20, "Not a directory", str(path))
    return path


def _opener(path: str, flags: int) -> int:
    return os.open(path, flags, FILE_MODE)


def open_private(path: Path | str, mode: str = "wb", **kw):
    """``open(path, mode)`` for writing, the file created 0600 (and made 0600 if it was not)."""
    fh = open(path, mode, opener=_opener, **kw)  # noqa: SIM115  (the caller closes it)
    if POSIX:
        try:
            st = os.fstat(fh.fileno())
            # a regular file of ours; a device (file:///dev/usb/lp0) keeps its mode
            if stat.S_ISREG(st.st_mode) and st.st_mode & LOOSE and st.st_uid == os.getuid():
                os.fchmod(fh.fileno(), FILE_MODE)
        except OSError:
            pass
    return fh


def write_private(path: Path | str, data: bytes | str, *, encoding: str = "utf-8") -> Path:
    """Write `data` to `path` atomically (a 0600 temporary file beside it, fsynced, renamed)."""
    path = Path(path)
    if isinstance(data, str):
        data = data.encode(encoding)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)
    return path


def touch_private(path: Path | str) -> Path:
    """Create `path` empty with 0600 when it does not exist (SQLite then takes the file as it
    is, and gives its -wal/-shm the database's mode); an existing file is left as it is."""
    path = Path(path)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except FileExistsError:
        pass
    return path


def fsync_dir(path: Path | str) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # Windows cannot open a folder
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _chmod(path: Path, mode: int) -> bool:
    try:
        os.chmod(path, mode)
        return True
    except OSError:
        return False


def tighten(*paths: Path | str) -> list[Path]:
    """Make each existing path private (a folder 0700, a file 0600) when it has any group or
    other bit and belongs to this user; returns what was changed. Symlinks are left alone."""
    changed: list[Path] = []
    if not POSIX:
        return changed
    uid = os.getuid()
    for p in map(Path, paths):
        try:
            st = os.lstat(p)
        except OSError:
            continue
        if st.st_uid != uid or stat.S_ISLNK(st.st_mode) or not st.st_mode & LOOSE:
            continue
        if stat.S_ISDIR(st.st_mode):
            mode = DIR_MODE
        elif stat.S_ISREG(st.st_mode):
            mode = FILE_MODE
        else:
            continue
        if _chmod(p, mode):
            changed.append(p)
    return changed


def exposed(root: Path | str, *, limit: int = 10_000) -> Iterator[tuple[Path, int]]:
    """(path, mode) of every folder and file under `root` (itself included) that group or others
    may read, write or enter. Symlinks are not followed; at most `limit` entries are looked at."""
    if not POSIX:
        return
    root = Path(root)
    seen = 0
    stack = [root]
    while stack and seen < limit:
        folder = stack.pop()
        try:
            st = os.lstat(folder)
        except OSError:
            continue
        seen += 1
        if st.st_mode & LOOSE:
            yield folder, stat.S_IMODE(st.st_mode)
        if not stat.S_ISDIR(st.st_mode):
            continue
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                est = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISDIR(est.st_mode):
                stack.append(Path(entry.path))
                continue
            seen += 1
            if stat.S_ISREG(est.st_mode) and est.st_mode & LOOSE:
                yield Path(entry.path), stat.S_IMODE(est.st_mode)
            if seen >= limit:
                return
