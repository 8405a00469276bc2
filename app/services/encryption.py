"""Encryption at rest (个人信息保护法, 等保 2.0): where the store's key comes from, and
`yichuang db encrypt`, which converts a plain store into a SQLCipher one.

The key is never in config.toml. In order:
1. the OS keyring (`keyring`: Windows Credential Locker, macOS Keychain, Secret Service on
   Kylin/UOS desktops), entry "yichuang" / "store-key:<absolute path of the store>": a random
   256-bit key made by `db encrypt`;
2. the environment variable YICHUANG_DB_PASSPHRASE (unattended commands: cron's
   `print drain`, a service's `sync --once`), where there is no keyring;
3. the passphrase asked at start (the window asks in the terminal before it opens; the CLI
   asks when it runs in a terminal).
(Operator accounts may derive it from the login later; today it is one of these.)
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from app.domain.masking import register_secret
from app.messages import t
from app.services.sealed_files import seal_prints_in
from app.store.cipher import DbKey, connect, fsync_file, is_encrypted
from app.store.db import StoreError
from app.store.lock import StoreBusy, exclusive

ENV_PASSPHRASE = "YICHUANG_DB_PASSPHRASE"
KEYRING_SERVICE = "yichuang"
MIN_PASSPHRASE = 8


class EncryptError(Exception):
    """`db encrypt` cannot go on; the message says why and what to do. Nothing was changed."""


def keyring_entry(db_path: Path) -> str:
    return f"store-key:{Path(db_path).resolve()}"


def keyring_usable() -> bool:
    """Whether this PC has a real keyring (not keyring's 'fail' backend, as on a headless box)."""
    try:
        import keyring
        from keyring.backends import fail

        return not isinstance(keyring.get_keyring(), fail.Keyring)
    except Exception:  # a broken keyring backend counts as none
        return False


def key_from_keyring(db_path: Path) -> DbKey | None:
    if not keyring_usable():
        return None
    import keyring

    try:
        secret = keyring.get_password(KEYRING_SERVICE, keyring_entry(db_path))
    except Exception:  # locked or unavailable keyring: fall back to the passphrase
        return None
    if not secret:
        return None
    register_secret(secret)
    return DbKey(secret, raw=True)


def passphrase_key(passphrase: str) -> DbKey:
    register_secret(passphrase)
    return DbKey(passphrase, raw=False)


def resolve_key(config, prompt: Callable[[str], str] | None = None, *, force: bool = False) -> DbKey | None:
    """The store's key when `store.encrypted` is on (None when it is off, unless `force`:
    an encrypted file met where the setting does not say so, as in a backup), or StoreError."""
    if not (force or config.get("store.encrypted")):
        return None
    key = key_from_keyring(config.db_path)
    if key is not None:
        return key
    new_store = not config.db_path.exists() or config.db_path.stat().st_size == 0
    if new_store and not force and keyring_usable() and not os.environ.get(ENV_PASSPHRASE):
        # a new PC with a keyring: its store is made with a random key kept there
        key = DbKey.generate()
        try:
            import keyring

            keyring.set_password(KEYRING_SERVICE, keyring_entry(config.db_path), key.secret)
        except Exception:  # no usable keyring after all: a passphrase below
            pass
        else:
            register_secret(key.secret)
            return key
    env = os.environ.get(ENV_PASSPHRASE)
    if env:
        return passphrase_key(env)
    if prompt is not None:
        given = prompt(t("db.passphrase_prompt"))
        if given and new_store and not force and prompt(t("db.passphrase_again")) != given:
            # a new store is made with this passphrase: a typo would lock it for good
            raise StoreError(t("db.passphrase_mismatch"))
        if given:
            return passphrase_key(given)
    raise StoreError(t("db.no_key", env=ENV_PASSPHRASE))


def terminal_prompt() -> Callable[[str], str] | None:
    """getpass on the terminal, or None when there is none (cron, a pipe)."""
    import sys

    if not sys.stdin or not sys.stdin.isatty():
        return None
    import getpass

    return getpass.getpass


# --- yichuang db encrypt ---------------------------------------------------------------------
def _counts(con) -> dict[str, int]:
    names = [r[0] for r in con.execute("select name from sqlite_master where type='table' order by name")]
    return {n: con.execute(f'select count(*) from "{n}"').fetchone()[0] for n in names}


def _store_busy(db: Path) -> bool:
    """Whether another process (the window) has the store open: it must be closed to convert."""
    con = sqlite3.connect(db, timeout=2)
    try:
        con.isolation_level = None
        con.execute("BEGIN EXCLUSIVE")
        con.execute("ROLLBACK")
        return bool(con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0])
    except sqlite3.OperationalError:
        return True
    finally:
        con.close()


def encrypt_store(config, key: DbKey, *, to_keyring: bool, now: datetime | None = None) -> dict:
    """Convert the plain store of `config` into a SQLCipher store keyed with `key`.

    Steps, each checked, nothing changed until the last: the store is closed everywhere and
    sound (integrity check); a verified copy of the plain file goes to backups/; the
    encrypted copy is made with sqlcipher_export and checked (integrity, schema version,
    every table's row count against the original); the key goes to the keyring when asked;
    then the encrypted file replaces the plain one, `store.encrypted` is turned on, and the
    plain copy is deleted. On any failure the plain store stays as it was (and the copy with
    it, named in the message).
    """
    db = config.db_path
    if not db.exists() or db.stat().st_size == 0:
        raise EncryptError(t("db.encrypt_no_store", path=db))
    if is_encrypted(db):
        raise EncryptError(t("db.encrypt_already", path=db))
    # nobody else may have the store open, not even an idle window (issue 18): the store's lock,
    # held by every process that uses it, taken alone until the encrypted store is in place
    try:
        with exclusive(db, "encrypt", t("store_lock.what_encrypt")):
            return _encrypt(config, db, key, to_keyring=to_keyring, now=now)
    except StoreBusy as exc:
        raise EncryptError(str(exc)) from None


def _encrypt(config, db: Path, key: DbKey, *, to_keyring: bool, now: datetime | None) -> dict:
    if _store_busy(db):  # a program without the store's lock (an older build) still counts
        raise EncryptError(t("db.encrypt_busy", path=db))
    plain = sqlite3.connect(db)
    try:
        ok = plain.execute("PRAGMA integrity_check").fetchone()[0]
        version = int(plain.execute("PRAGMA user_version").fetchone()[0])
        before = _counts(plain)
    except sqlite3.DatabaseError as exc:
        raise EncryptError(t("db.encrypt_unsound", path=db, error=exc)) from None
    finally:
        plain.close()
    if ok != "ok":
        raise EncryptError(t("db.encrypt_unsound", path=db, error=ok))

    # 1. a verified copy of the plain store, kept until the conversion has succeeded
    now = now or datetime.now(UTC)
    from app.private_files import make_private_dir

    folder = make_private_dir(db.parent / "backups")
    copy = folder / f"yichuang-before-encrypt-{now.strftime('%Y%m%dT%H%M%S%fZ')}.db"
    src, dst = sqlite3.connect(db), sqlite3.connect(copy)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")
        copied_ok = dst.execute("PRAGMA integrity_check").fetchone()[0] == "ok" and _counts(dst) == before
    finally:
        src.close()
        dst.close()
    if not copied_ok:
        copy.unlink(missing_ok=True)
        raise EncryptError(t("db.encrypt_copy_failed", path=copy))
    fsync_file(copy)

    # 2. the encrypted store beside the plain one, checked against it
    part = db.with_name(db.name + ".encrypting")
    for leftover in (part, part.with_name(part.name + "-journal")):
        leftover.unlink(missing_ok=True)
    try:
        import sqlcipher3.dbapi2 as sqlcipher

        con = sqlcipher.connect(str(copy))  # from the verified copy: the live file stays untouched
        try:
            con.execute("ATTACH DATABASE ? AS encrypted KEY ?", (str(part), key.sql_value()))
            con.execute("SELECT sqlcipher_export('encrypted')")
            con.execute(f"PRAGMA encrypted.user_version = {version}")  # export leaves it out
            con.execute("DETACH DATABASE encrypted")
        finally:
            con.close()
        check = connect(part, key)
        try:
            if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise EncryptError(t("db.encrypt_verify_failed", path=part, error="integrity_check"))
            if int(check.execute("PRAGMA user_version").fetchone()[0]) != version:
                raise EncryptError(t("db.encrypt_verify_failed", path=part, error="user_version"))
            if _counts(check) != before:
                raise EncryptError(t("db.encrypt_verify_failed", path=part, error="row counts"))
        finally:
            check.close()
        fsync_file(part)
    except Exception as exc:
        part.unlink(missing_ok=True)
        if isinstance(exc, EncryptError):
            raise
        raise EncryptError(t("db.encrypt_failed", error=exc, copy=copy)) from None

    # 3. the key where the next start finds it, before the plain store is replaced
    if to_keyring:
        import keyring

        try:
            keyring.set_password(KEYRING_SERVICE, keyring_entry(db), key.secret)
        except Exception as exc:
            part.unlink(missing_ok=True)
            raise EncryptError(t("db.encrypt_keyring_failed", error=type(exc).__name__)) from None

    # 4. swap: the plain store's WAL was checkpointed empty above; its -wal/-shm must not
    # outlive it (SQLite would apply a stale WAL to the new file).
    for side in ("-wal", "-shm"):
        Path(str(db) + side).unlink(missing_ok=True)
    os.replace(part, db)
    dir_fd = os.open(db.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    config.values.setdefault("store", {})["encrypted"] = True
    config.save()
    copy.unlink()  # success: a plain copy of personal data must not stay behind
    # the documents printed to the data dir's paper tray before: sealed like the ones to come
    # (a file that cannot be rewritten stays in clear, and doctor names it)
    sealed_prints = seal_prints_in(key, config.prints_dir)
    plain_left = sorted(
        str(p)
        for p in list(folder.glob("yichuang-before-*.db")) + list(folder.glob("yichuang-*.tar.zst"))
        if p.is_file()
    )
    return {
        "path": str(db),
        "key": "keyring" if to_keyring else "passphrase",
        "tables": len(before),
        "rows": sum(before.values()),
        "plain_copies_left": plain_left,
        "prints_sealed": sealed_prints,
    }
