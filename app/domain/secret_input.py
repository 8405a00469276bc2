"""Where a secret may come from: never a command line (issue 16 §6).

Every local user reads any process's arguments (`ps -ef`, /proc/PID/cmdline), so a token,
password or key given as an argument is given to all of them. A secret comes from a file only
its owner can read, from the environment (/proc/PID/environ is the owner's alone) or from
standard input. These rules are shared by the window's and the hub's command lines.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

MAX_SECRET_FILE = 64 * 1024  # a token or password, not a document


class SecretInputError(ValueError):
    """A secret refused where it came from, with its message (``text``) from the catalogue."""

    def __init__(self, key: str, **fields: object) -> None:
        from app.messages import t

        self.key, self.text = key, t(key, **fields)
        super().__init__(self.text)


def read_private_file(path: str | os.PathLike[str]) -> str:
    """The secret held by the file at `path` (surrounding blank space removed).

    Refused (SecretInputError) when it is missing, not a regular file, empty, owned by another
    user, or open to its group or to others in any way: then others could read it (or swap it),
    and a secret that others can read is no secret. The checks are made on the opened file."""
    shown = str(path)
    try:
        fd = os.open(Path(path).expanduser(), os.O_RDONLY | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise SecretInputError("secret.file_unreadable", path=shown, error=exc.strerror or exc) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise SecretInputError("secret.file_not_regular", path=shown)
        if hasattr(os, "geteuid") and st.st_uid != os.geteuid():
            raise SecretInputError("secret.file_other_owner", path=shown)
        if stat.S_IMODE(st.st_mode) & 0o077:
            raise SecretInputError("secret.file_open", path=shown, mode=f"{stat.S_IMODE(st.st_mode):04o}")
        raw = os.read(fd, MAX_SECRET_FILE + 1)
    finally:
        os.close(fd)
    if len(raw) > MAX_SECRET_FILE:
        raise SecretInputError("secret.file_too_big", path=shown)
    try:
        value = raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise SecretInputError("secret.file_not_text", path=shown) from None
    if not value:
        raise SecretInputError("secret.file_empty", path=shown)
    return value


def url_has_password(url: str) -> bool:
    """Does a database URL carry a password (``user:PASSWORD@host`` or ``?password=``)?"""
    try:
        parts = urlsplit(url)
        in_query = any(k.lower() == "password" for k in parse_qs(parts.query, keep_blank_values=True))
        return bool(parts.password) or in_query
    except ValueError:  # a malformed URL: not ours to judge here, the database driver says why
        return False
