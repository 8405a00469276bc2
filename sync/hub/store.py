"""The platform's store: one database (sync.hub.db) and its aggregates, each in its module.

HubStore composes them: ``tokens`` (sync.hub.tokens), ``docs`` (catalogue and calendar,
sync.hub.documents), ``cases`` (sync.hub.cases, whose reactions keep the console's queue),
``events`` (push, pull and back-office decisions, sync.hub.events), ``upstream`` (county ->
province, sync.hub.upstream) and ``files`` (attachments, sync.hub.attachments). Callers may use
an aggregate directly (``store.events.push``) or through the store (``store.push``): ROUTES
names, in one table, which aggregate answers each of the store's operations.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sync.hub.attachments import Attachments
from sync.hub.cases import CONFLICT_NOTE_AUTHOR, Cases
from sync.hub.db import HUB_SCHEMA, HubDB, utcnow
from sync.hub.documents import CATALOGUE_CACHE, Documents
from sync.hub.events import Events, PushResult
from sync.hub.principal import Principal, Refusal, hash_token
from sync.hub.schema import (
    applicant_t,
    attachment_t,
    attachment_v1_t,
    case_t,
    conflict_t,
    doc_t,
    event_t,
    md,
    meta_t,
    refused_up_t,
    token_t,
)
from sync.hub.tokens import ROLES, TokenExists, Tokens, check_public_key
from sync.hub.upstream import Upstream

__all__ = [  # what callers have imported from here since before the split
    "CATALOGUE_CACHE",
    "CONFLICT_NOTE_AUTHOR",
    "HUB_SCHEMA",
    "ROLES",
    "HubStore",
    "Principal",
    "PushResult",
    "Refusal",
    "TokenExists",
    "applicant_t",
    "attachment_t",
    "attachment_v1_t",
    "case_t",
    "check_public_key",
    "conflict_t",
    "doc_t",
    "event_t",
    "hash_token",
    "md",
    "meta_t",
    "open_hub",
    "refused_up_t",
    "token_t",
    "utcnow",
]

# Which aggregate answers each operation of the store (store.NAME is store.AGGREGATE.NAME).
ROUTES: dict[str, str] = {
    **dict.fromkeys(
        (
            "add_token",
            "authenticate",
            "principal",
            "principal_by_hash_prefix",
            "list_tokens",
            "revoke_token",
            "set_keys",
            "token_keys",
            "verify_receipt",
            "workstations",
        ),
        "tokens",
    ),
    **dict.fromkeys(
        (
            "publish_document",
            "current_document",
            "current_version",
            "document",
            "catalogue_published",
            "catalogue_obj",
            "cached_catalogues",
        ),
        "docs",
    ),
    **dict.fromkeys(("case_events", "case_detail", "list_cases", "last_numbers", "counts"), "cases"),
    **dict.fromkeys(("push", "backoffice_event", "pull"), "events"),
    **dict.fromkeys(("forward_batch", "forward_done", "apply_upstream"), "upstream"),
    **dict.fromkeys(
        ("attachment", "attachment_readable", "create_attachment", "set_attachment_offset"), "files"
    ),
}


class HubStore(HubDB):
    def __init__(self, url: str, *, name: str = "county") -> None:
        super().__init__(url, name=name)
        self.tokens = Tokens(self)
        self.docs = Documents(self)
        self.cases = Cases(self, self.docs)
        self.events = Events(self, self.docs, self.cases)
        self.upstream = Upstream(self, self.cases)
        self.files = Attachments(self)

    def __getattr__(self, name: str) -> Any:
        aggregate = ROUTES.get(name)
        if aggregate is None:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        return getattr(self.__dict__.get(aggregate), name)

    def init(self) -> None:
        with self.tx() as c:
            self.lock_keys(c, ["migrate"])  # several hub processes starting at once: one migrates
            self._migrate(c)
        self.docs.publish_defaults()
        if self.meta("console_queue") is None:  # cases from before the console: queued once
            from sync.hub.queue import rebuild_queue

            with self.tx() as c:
                rebuild_queue(c, self.docs)
                self.set_meta(c, "console_queue", "1")


def open_hub(data_dir: Path, db_url: str | None = None) -> HubStore:
    from app.private_files import make_private_dir, tighten, touch_private

    data_dir = make_private_dir(Path(data_dir))
    tighten(data_dir)  # an older hub's data dir was made under the umask (0755)
    url = db_url or configured_url(data_dir)
    if not url:
        db = data_dir / "hub.db"
        # made 0600 before SQLite opens it: its -wal/-shm then take the same mode
        touch_private(db)
        tighten(db, *(db.with_name(db.name + side) for side in ("-wal", "-shm", "-journal")))
        url = f"sqlite:///{db}"
    store = HubStore(url)
    store.init()
    return store


def configured_url(data_dir: Path) -> str | None:
    """The database URL named by YICHUANG_HUB_DB or the data dir's hub.toml (None: SQLite)."""
    import os
    import tomllib

    env = os.environ.get("YICHUANG_HUB_DB")
    if env:
        return env
    path = data_dir / "hub.toml"
    if path.exists():
        return tomllib.loads(path.read_text(encoding="utf-8")).get("db_url") or None
    return None


ENV_BLOBS = "YICHUANG_HUB_BLOBS"


def blob_dir(data_dir: Path) -> Path:
    """Where the hub keeps scans: ``YICHUANG_HUB_BLOBS``, else ``blob_dir`` in the data dir's
    hub.toml, else ``DATA_DIR/blobs``. Several hub processes on one database (on several
    machines) name one shared directory here, so that an upload begun through one is finished
    through another and every one serves the scan (docs/deployment.md)."""
    import os
    import tomllib

    env = os.environ.get(ENV_BLOBS)
    if env:
        return Path(env)
    path = Path(data_dir) / "hub.toml"
    if path.exists():
        named = tomllib.loads(path.read_text(encoding="utf-8")).get("blob_dir")
        if named:
            return Path(named)
    return Path(data_dir) / "blobs"
