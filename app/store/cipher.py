"""Encryption at rest: the store as a SQLCipher database (sqlcipher3), opened with a key.

A plain store is opened with the standard sqlite3 module, exactly as before. An encrypted one
is opened with sqlcipher3 and `PRAGMA key` as the very first statement on every connection
(the engines build their connections here, so no statement ever reaches the file unkeyed).

Keys: a random 256-bit key kept in the OS keyring is used raw (``x'…'``, no key derivation,
nothing to guess); an operator's passphrase goes through SQLCipher's own PBKDF2 with the salt
in the file's first page. A key is never written to the config file, a log or an error.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from app.messages import t

SQLITE_HEADER = b"SQLite format 3\x00"
# What a connection of either kind raises: catch these, not sqlite3's alone (`Error`,
# `DatabaseError`, `OperationalError`: each a pair made when first asked for, by __getattr__).
_PAIRED = ("Error", "DatabaseError", "OperationalError")


def _sqlcipher():
    """sqlcipher3, loaded when an encrypted store is opened or its errors are caught: the
    window's start reads a plain store's accounts with sqlite3 (app/deferred_imports.py)."""
    import sqlcipher3.dbapi2 as sqlcipher

    return sqlcipher


def __getattr__(name: str):
    if name not in _PAIRED:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    pair = (getattr(sqlite3, name), getattr(_sqlcipher(), name))
    globals()[name] = pair
    return pair


class WrongKey(Exception):
    """The key does not open the store (wrong key or passphrase, or not an encrypted store)."""


@dataclass(frozen=True)
class DbKey:
    """A store key. `raw`: 64 hex digits used as the key itself; else a passphrase."""

    secret: str = field(repr=False)
    raw: bool = False

    def __repr__(self) -> str:  # never in a traceback's locals or a log
        return f"DbKey(raw={self.raw}, secret=****)"

    @classmethod
    def generate(cls) -> DbKey:
        return cls(secrets.token_hex(32), raw=True)

    def sql_value(self) -> str:
        """The key as SQLCipher reads it (for ATTACH … KEY ?, a bound value)."""
        return f"x'{self.secret}'" if self.raw else self.secret

    def pragma(self) -> str:
        value = self.sql_value().replace("'", "''")
        return f"PRAGMA key = '{value}'"


def is_encrypted(path: Path) -> bool:
    """Whether the file at `path` exists and is not a plain SQLite database (an encrypted
    store's first bytes are its salt, never the SQLite header)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except FileNotFoundError:
        return False
    return len(head) == 16 and head != SQLITE_HEADER


def connect(path: Path | str, key: DbKey | None, *, uri: bool = False, **kw):
    """A DB-API connection to the store: sqlite3 for a plain store, sqlcipher3 keyed first.

    A wrong key raises WrongKey (checked at once, by reading the schema), so no caller ever
    goes on with a connection that cannot read.
    """
    if key is None:
        return sqlite3.connect(path, uri=uri, **kw)
    sqlcipher = _sqlcipher()
    con = sqlcipher.connect(str(path), uri=uri, **kw)
    try:
        con.execute("PRAGMA cipher_log_level = NONE")  # a wrong key is our message, not stderr noise
        con.execute(key.pragma())
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher.DatabaseError as exc:
        con.close()
        if "not a database" in str(exc) or "encrypted" in str(exc):
            raise WrongKey(t("db.wrong_key", path=path)) from None
        raise
    return con


def dbapi():
    """The DB-API module of encrypted stores (SQLAlchemy maps its exceptions through it)."""
    return _sqlcipher()


def fsync_file(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())
