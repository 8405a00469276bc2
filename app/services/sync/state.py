"""The window's sync bookkeeping: a small key/value table (the pull cursor, the hub's key, the
catalogue's version …). Below every service that keeps such a value (outbox, sealed_files)."""

from __future__ import annotations

from app.store.sync_models import SyncState


# --- key/value state ------------------------------------------------------------------------------
def get_state(s, key: str, default: str = "") -> str:
    row = s.get(SyncState, key)
    return row.value if row is not None else default


def set_state(s, key: str, value: str) -> None:
    row = s.get(SyncState, key)
    if row is None:
        s.add(SyncState(key=key, value=value))
    else:
        row.value = value
        s.add(row)


def read_state(store, key: str, default: str = "") -> str:
    with store.read() as s:
        return get_state(s, key, default)


def write_state(store, **values: str) -> None:
    with store.write() as s:
        for k, v in values.items():
            set_state(s, k, v)
