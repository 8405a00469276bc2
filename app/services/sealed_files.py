"""What an encrypted store writes outside itself is sealed (issue 16 §5; sync.sealing):

* with a key derived from the store's key: backups and the printed documents kept in the data
  dir (the embedded ``dir://`` printer's ``prints/``);
* to the hub's X25519 public key: bundles. The window learns that key from the hub with each
  pull (``bk``), or at enrolment (``yichuang sync hub-key KEY``, the key printed by
  ``yichuang hub bundle-key``), and keeps it in its store (sync_state ``hub_bundle_key``).

Derived keys are cached per process: a passphrase goes through scrypt (~0.1 s) once, not for
every receipt.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Protocol

from app.config import Config
from sync import sealing

HUB_KEY_STATE = "hub_bundle_key"  # sync_state: the hub's X25519 public key (base64)
HUB_KEY_SOURCE = "hub_bundle_key_from"  # sync_state: "sync" or "set" (enrolment), and when

_lock = threading.Lock()
_sealing_keys: dict[tuple[str, bool, str], tuple[bytes, dict]] = {}
_opening_keys: dict[tuple[str, bool, str, str], bytes] = {}


# --- keys derived from the store's key ---------------------------------------------------------------
def _sealing_key(db_key, purpose: str) -> tuple[bytes, dict]:
    ident = (db_key.secret, db_key.raw, purpose)
    with _lock:
        got = _sealing_keys.get(ident)
        if got is None:
            got = sealing.secret_kdf(db_key.secret, db_key.raw, purpose)
            _sealing_keys[ident] = got
        return got


def opening_key(db_key, header: dict) -> bytes:
    """The key of a file sealed with a key derived from `db_key` (SealError if it is not)."""
    ident = (db_key.secret, db_key.raw, str(header.get("purpose")), str(header.get("salt")))
    with _lock:
        got = _opening_keys.get(ident)
    if got is None:
        got = sealing.secret_key_for(header, db_key.secret, db_key.raw)
        with _lock:
            _opening_keys[ident] = got
    return got


def store_writer(raw, db_key, purpose: str) -> sealing.SealWriter:
    """A file object sealing what is written to it into `raw` with the store's key."""
    key, fields = _sealing_key(db_key, purpose)
    return sealing.SealWriter(raw, key, sealing.new_header(purpose, fields))


def seal_with_store_key(db_key, data: bytes, purpose: str) -> bytes:
    key, fields = _sealing_key(db_key, purpose)
    return sealing.seal_bytes(key, sealing.new_header(purpose, fields), data)


def open_with_store_key(db_key, blob: bytes) -> bytes:
    return sealing.open_bytes(blob, lambda header: opening_key(db_key, header))[1]


# --- printed documents in the data dir ------------------------------------------------------------------
class HasConfig(Protocol):
    """What prints_are_sealed reads of a Workstation (this module is below it: the workstation
    opens its store through encryption, which seals the old prints with this module)."""

    config: Config


def prints_are_sealed(ws: HasConfig, printer_url: str) -> bool:
    """Whether jobs for `printer_url` are written sealed: an encrypted store printing to a
    ``dir://`` folder inside its data dir (the embedded default, ``prints/``). That folder is a
    paper tray nobody empties: on an encrypted store it must not keep names in clear. Real
    printers, and a ``dir://``/``file://`` elsewhere (a print server's hot folder, a device),
    get the bytes they print."""
    if not ws.config.get("store.encrypted") or not printer_url.lower().startswith("dir://"):
        return False
    from app.printers import PrinterError, open_printer

    try:
        folder = Path(open_printer(printer_url).path).resolve()
    except (PrinterError, AttributeError, OSError):
        return False
    data_dir = ws.config.data_dir.resolve()
    return folder == data_dir or data_dir in folder.parents


def seal_prints_in(db_key, folder: Path) -> int:
    """Seal every plain job file in `folder` (after `db encrypt`: the documents printed before
    must not stay in clear). Returns how many were sealed."""
    from app.private_files import write_private

    n = 0
    if not folder.is_dir():
        return 0
    for path in sorted(folder.glob("*.bin")):
        try:
            data = path.read_bytes()
        except OSError:
            continue
        if sealing.is_sealed(data):
            continue
        try:
            write_private(path, seal_with_store_key(db_key, data, "print"))
        except OSError:
            continue  # left in clear: doctor's files.plain names it
        n += 1
    return n


# --- the hub's bundle key -------------------------------------------------------------------------------
def hub_key(store) -> str:
    """The hub's public key (base64) this window knows, "" when none."""
    # deferred: this module is on the start-up path (backup) and the first answer must not wait
    # for SQLAlchemy (tests/ui/test_first_answer.py)
    from app.services.sync import state

    return state.read_state(store, HUB_KEY_STATE, "")


def hub_key_fingerprint(store) -> str:
    key = hub_key(store)
    if not key:
        return ""
    try:
        return sealing.fingerprint(sealing.public_key_raw(key))
    except ValueError:
        return ""


def set_hub_key(store, key: str, source: str, when: str) -> bool:
    """Keep `key` as the hub's bundle key (ValueError when it is not an X25519 public key);
    True when it changed."""
    from app.services.sync import state  # deferred: see hub_key

    raw = sealing.public_key_raw(key)
    text = sealing.b64(raw)
    if hub_key(store) == text:
        return False
    state.write_state(store, **{HUB_KEY_STATE: text, HUB_KEY_SOURCE: f"{source} {when}"})
    return True
