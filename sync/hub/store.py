"""The platform's store: SQLAlchemy Core over SQLite (default) or PostgreSQL (by URL).

Every write is one transaction that first takes the row lock of the ``seq`` counter, so
writers are serialised and sequence numbers commit in order: a reader that has seen seq N
has seen every seq below it, which is what makes pull-by-cursor safe.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine

from app.domain import case_state as cs
from app.domain import payloads
from sync import protocol
from sync.hub import audit_store, receipts

HUB_SCHEMA = 2  # 2: token life cycle (expiry, revocation, last use); attachments per office
ROLES = ("workstation", "backoffice", "hub")
CATALOGUE_CACHE = 4  # parsed catalogue versions kept in memory, least recently used out first
# The author of the case.note events a hub before issue 16 wrote to tell both windows of an
# applicant disagreement (they held the other office's details): never served to anyone now.
CONFLICT_NOTE_AUTHOR = "hub:conflict"

md = MetaData()
meta_t = Table(
    "hub_meta", md, Column("key", String(64), primary_key=True), Column("value", Text, nullable=False)
)
token_t = Table(
    "hub_token",
    md,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("hash", String(64), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("office", String(12), nullable=False, default=""),
    Column("ws", String(4), nullable=False, default=""),
    Column("name", String(100), nullable=False, default=""),
    Column("public_key", String(64), nullable=False, default=""),
    Column("key_origin", String(16), nullable=False, default=""),  # sync.hub.receipts (h0010)
    Column("created_at", String(40), nullable=False),
    Column("expires_at", String(40), nullable=False, default=""),
    Column("revoked_at", String(40), nullable=False, default=""),
    Column("last_used_at", String(40), nullable=False, default=""),
)
TOKEN_COLUMNS_V2 = ("expires_at", "revoked_at", "last_used_at")
event_t = Table(
    "hub_event",
    md,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("event_id", String(36), nullable=False, unique=True),
    Column("case_number", String(40), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("lc", Integer, nullable=False),
    Column("payload", Text, nullable=False),
    Column("actor", String(100), nullable=False),
    Column("office", String(12), nullable=False),
    Column("ws", String(4), nullable=False),
    Column("at", String(40), nullable=False),
    Column("author", String(120), nullable=False),  # "OFFICE/WS", "backoffice:NAME", "hub:NAME"
    Column("via", String(120), nullable=False),  # who delivered it: token identity, "bundle:…", "upstream"
    Column("owner_office", String(12), nullable=False),
    Column("owner_ws", String(4), nullable=False),
    Column("received_at", String(40), nullable=False),
    Index("ix_hub_event_owner", "owner_office", "owner_ws", "seq"),
    Index("ix_hub_event_case", "case_number"),
)
case_t = Table(
    "hub_case",
    md,
    Column("number", String(40), primary_key=True),
    Column("uid", String(36), nullable=False),
    Column("office", String(12), nullable=False),
    Column("ws", String(4), nullable=False),
    Column("subject_kind", String(10), nullable=False, default=""),
    Column("subject_code", String(64), nullable=False, default=""),
    Column("subject_name", String(200), nullable=False, default=""),
    Column("catalogue_version", String(64), nullable=False, default=""),
    Column("level", String(10), nullable=False, default="county"),
    Column("applicant_kind", String(12), nullable=False, default=""),
    Column("applicant_name", String(200), nullable=False, default=""),
    Column("applicant_id_number", String(20), nullable=False, default=""),
    Column("state", String(16), nullable=True),
    Column("lc", Integer, nullable=False, default=0),
    Column("reason", Text, nullable=False, default=""),
    Column("n_events", Integer, nullable=False, default=0),
    Column("n_conflicts", Integer, nullable=False, default=0),
    Column("created_seq", BigInteger, nullable=False),
    Column("updated_seq", BigInteger, nullable=False),
    Index("ix_hub_case_office", "office", "number"),
    Index("ix_hub_case_updated", "updated_seq"),
    Index("ix_hub_case_applicant_id", "applicant_id_number"),  # the console's search (h0007)
    Index("ix_hub_case_applicant_name", "applicant_name"),
)
conflict_t = Table(
    "hub_conflict",
    md,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_number", String(40), nullable=False),
    Column("event_id", String(36), nullable=False),
    Column("rule", String(24), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("origin", String(120), nullable=False),
    Column("detail", Text, nullable=False),
    Column("seq", BigInteger, nullable=False),
    UniqueConstraint("case_number", "event_id", "rule", name="uq_hub_conflict"),
)
applicant_t = Table(  # each office's record of its applicants (h0008; county-wide before)
    "hub_office_applicant",
    md,
    Column("office", String(12), primary_key=True),
    Column("kind", String(12), primary_key=True),
    Column("id_number", String(20), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("phone", String(40), nullable=False),
    Column("address", String(300), nullable=False),
    Column("author", String(120), nullable=False),
    Column("case_number", String(40), nullable=False),
    Column("seq", BigInteger, nullable=False),
)
doc_t = Table(  # catalogue and calendar versions
    "hub_document",
    md,
    Column("kind", String(16), primary_key=True),  # "catalogue" | "calendar"
    Column("version", String(64), primary_key=True),
    Column("seq", BigInteger, nullable=False),
    Column("body", LargeBinary, nullable=False),  # zstd JSON
)
attachment_v1_t = Table(  # schema 1: one slot per sha256 (any token could block it); migrated
    "hub_attachment",
    md,
    Column("sha256", String(64), primary_key=True),
    Column("length", BigInteger, nullable=False),
    Column("offset", BigInteger, nullable=False),
    Column("complete", Boolean, nullable=False),
    Column("case_number", String(40), nullable=False, default=""),
    Column("created_at", String(40), nullable=False),
)
attachment_t = Table(  # an upload slot per (sha256, office): one office cannot block or read another's
    "hub_file",
    md,
    Column("sha256", String(64), primary_key=True),
    Column("office", String(12), primary_key=True),
    Column("length", BigInteger, nullable=False),
    Column("offset", BigInteger, nullable=False),
    Column("complete", Boolean, nullable=False),
    Column("case_number", String(40), nullable=False, default=""),
    Column("created_at", String(40), nullable=False),
)
refused_up_t = Table(  # county -> province: events the province refused
    "hub_forward_refused",
    md,
    Column("event_id", String(36), primary_key=True),
    Column("case_number", String(40), nullable=False),
    Column("code", String(40), nullable=False),
    Column("reason", Text, nullable=False),
)


def _sqlite_pragmas(engine: Engine, begin: str) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # noqa: ANN001
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # noqa: ANN001
        conn.exec_driver_sql(begin)


def utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Principal:
    """Who is calling: a token's role and scope."""

    role: str
    office: str
    ws: str
    name: str
    token_hash: str = field(repr=False, default="")
    public_key: str = ""  # the workstation's Ed25519 key (base64), when the hub's admin bound it

    @property
    def token_id(self) -> str:
        """What names a token in lists, bundles and revocations (never the token itself)."""
        return self.token_hash[:16]

    @property
    def identity(self) -> str:
        if self.role == "workstation":
            return f"{self.office}/{self.ws}"
        return f"{self.role}:{self.name or self.office}"

    def may_write_office(self, office: str) -> bool:
        if self.role == "workstation":
            return office == self.office
        if self.role == "hub":
            return office.startswith(self.office)
        return False

    def may_read_office(self, office: str) -> bool:
        if self.role == "backoffice":
            return not self.office or office.startswith(self.office)
        return self.may_write_office(office)

    def may_author(self, office: str, ws: str) -> bool:
        """Authorship comes from the token: a window writes only as itself; a hub forwards its
        county's windows' events."""
        if self.role == "workstation":
            return office == self.office and ws == self.ws
        if self.role == "hub":
            return office.startswith(self.office)
        return False


@dataclass
class PushResult:
    applied: int = 0
    duplicate: int = 0
    refused: list[dict] = field(default_factory=list)
    last_seq: int = 0

    def to_json(self) -> dict:
        return {
            "v": protocol.VERSION,
            "ok": self.applied,
            "dup": self.duplicate,
            "refused": self.refused,
            "seq": self.last_seq,
            "now": utcnow(),
        }


class TokenExists(Exception):
    """A workstation already has a live token (add-token needs --replace)."""

    def __init__(self, office: str, ws: str, ids: list[str]) -> None:
        super().__init__(f"{office}/{ws} already has a live token ({', '.join(ids)})")
        self.office, self.ws, self.ids = office, ws, ids


def check_public_key(key: str) -> bytes:
    """The raw 32 bytes of a standard-base64 Ed25519 public key, or ValueError (a bundle's
    header; the admin's keys go through sync.hub.receipts.parse_key)."""
    import base64
    import binascii

    try:
        raw = base64.b64decode(key, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("public key is not base64") from None
    if len(raw) != 32:
        raise ValueError("an Ed25519 public key is 32 bytes")
    return raw


def _expired(expires_at: str, now: datetime) -> bool:
    return bool(expires_at) and datetime.fromisoformat(expires_at) <= now


def _trusted_key(r: Any) -> str:
    """A token row's Ed25519 key when the hub's admin bound it, else "" (a key registered on
    first use by an older hub vouches for nothing: sync.hub.receipts)."""
    return r.public_key if r.public_key and r.key_origin in receipts.TRUSTED else ""


class Refusal(Exception):
    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def _level_of(catalogue, kind: str, code: str) -> str:
    """The highest level that must handle a subject: a bundle reaches the highest of its matters."""
    order = {"county": 0, "city": 1, "province": 2}
    try:
        matters = catalogue.bundle_matters(code) if kind == "bundle" else (catalogue.matter(code),)
    except KeyError:
        return "county"
    return max((m.level for m in matters), key=lambda lv: order.get(lv, 0), default="county")


class HubStore:
    def __init__(self, url: str, *, name: str = "county") -> None:
        self.url = url
        self.name = name
        self.sqlite = url.startswith("sqlite")
        kw: dict[str, Any] = {}
        if self.sqlite:
            kw["connect_args"] = {"timeout": 30, "check_same_thread": False}
        else:
            kw.update(pool_size=5, max_overflow=5, pool_pre_ping=True)
        self.engine: Engine = create_engine(url, **kw)
        self.read_engine: Engine = create_engine(url, **kw) if self.sqlite else self.engine
        self._write_lock = threading.Lock()
        if self.sqlite:
            for eng, begin in ((self.engine, "BEGIN IMMEDIATE"), (self.read_engine, "BEGIN")):
                _sqlite_pragmas(eng, begin)
        # parsed catalogues by version (bounded), and the versions known to be published
        self._catalogues: OrderedDict[str, Any] = OrderedDict()
        self._catalogue_lock = threading.Lock()
        self._published: set[str] = set()

    # --- set-up ---------------------------------------------------------------------------
    def init(self) -> None:
        with self.tx() as c:
            self._migrate(c)
        if self.current_document("catalogue") is None:
            from forms.loader import catalogue_to_dict, load_demo_catalogue

            self.publish_document("catalogue", catalogue_to_dict(load_demo_catalogue()))
        if self.current_document("calendar") is None:
            from app.domain.workdays import load_calendar

            self.publish_document("calendar", load_calendar(None).to_dict())
        if self.meta("console_queue") is None:  # cases from before the console: queued once
            from sync.hub.console_queries import rebuild_queue

            with self.tx() as c:
                rebuild_queue(c, self)
                self.set_meta(c, "console_queue", "1")

    def _migrate(self, c: Connection) -> None:
        """Bring the database to the head of sync/hub/migrations (Alembic), in this transaction.

        A database made before the hub had migrations (create_all and a schema number in
        hub_meta) is first brought to schema 2 as it always was, then stamped as the baseline.
        A database stamped with a revision this program does not know came from a newer
        yichuang: refused, nothing changed."""
        from alembic import command
        from alembic.migration import MigrationContext
        from alembic.script import ScriptDirectory
        from sqlalchemy import inspect

        from sync.hub.migrations.env_config import BASELINE, VERSION_TABLE, alembic_config

        cfg = alembic_config(c)
        tables = set(inspect(c).get_table_names())
        if VERSION_TABLE not in tables and "hub_meta" in tables:
            have = {r.key: r.value for r in c.execute(select(meta_t))}
            if "schema" in have and int(have["schema"]) > HUB_SCHEMA:
                raise RuntimeError(
                    f"hub database schema {have['schema']} is newer than this yichuang ({HUB_SCHEMA})"
                )
            md.create_all(c)  # the tables schema 1 did not have yet
            if "schema" not in have:
                c.execute(
                    insert(meta_t),
                    [
                        {"key": "schema", "value": str(HUB_SCHEMA)},
                        {"key": "seq", "value": "0"},
                        {"key": "forward_cursor", "value": "0"},
                        {"key": "upstream_cursor", "value": "0"},
                    ],
                )
            elif int(have["schema"]) < 2:
                self._migrate_v2(c)
            command.stamp(cfg, BASELINE)
        elif VERSION_TABLE in tables:
            current = MigrationContext.configure(
                c, opts={"version_table": VERSION_TABLE}
            ).get_current_revision()
            try:
                known = current is None or ScriptDirectory.from_config(cfg).get_revision(current) is not None
            except Exception:  # noqa: BLE001  (alembic: "no such revision")
                known = False
            if not known:
                raise RuntimeError(
                    f"hub database revision {current} is newer than this yichuang; nothing was changed"
                )
        command.upgrade(cfg, "head")

    def _migrate_v2(self, c: Connection) -> None:
        """Schema 1 -> 2: token columns; attachment slots per office (partial uploads restart)."""
        from sqlalchemy import inspect

        have = {col["name"] for col in inspect(c).get_columns("hub_token")}
        for name in TOKEN_COLUMNS_V2:
            if name not in have:
                c.exec_driver_sql(f"ALTER TABLE hub_token ADD COLUMN {name} VARCHAR(40) NOT NULL DEFAULT ''")
        rows = c.execute(select(attachment_v1_t)).all()
        if rows:
            c.execute(
                insert(attachment_t),
                [
                    {
                        "sha256": r.sha256,
                        "office": r.case_number[:9],
                        "length": r.length,
                        "offset": r.offset if r.complete else 0,
                        "complete": r.complete,
                        "case_number": r.case_number,
                        "created_at": r.created_at,
                    }
                    for r in rows
                ],
            )
            c.execute(delete(attachment_v1_t))
        c.execute(update(meta_t).where(meta_t.c.key == "schema").values(value=str(HUB_SCHEMA)))

    def close(self) -> None:
        self.engine.dispose()
        self.read_engine.dispose()

    @contextmanager
    def tx(self) -> Iterator[Connection]:
        """One write transaction, serialised with every other writer."""
        with self._write_lock:
            with self.engine.begin() as c:
                yield c

    @contextmanager
    def ro(self) -> Iterator[Connection]:
        with self.read_engine.connect() as c:
            yield c

    def _next_seqs(self, c: Connection, n: int) -> int:
        """Reserve n sequence numbers; returns the first. Locks the counter row until commit."""
        row = c.execute(select(meta_t.c.value).where(meta_t.c.key == "seq").with_for_update()).one()
        first = int(row.value) + 1
        c.execute(update(meta_t).where(meta_t.c.key == "seq").values(value=str(first + n - 1)))
        return first

    def meta(self, key: str, c: Connection | None = None) -> str | None:
        if c is not None:
            return c.execute(select(meta_t.c.value).where(meta_t.c.key == key)).scalar()
        with self.ro() as c2:
            return c2.execute(select(meta_t.c.value).where(meta_t.c.key == key)).scalar()

    def set_meta(self, c: Connection, key: str, value: str) -> None:
        if c.execute(update(meta_t).where(meta_t.c.key == key).values(value=value)).rowcount == 0:
            c.execute(insert(meta_t).values(key=key, value=value))

    # --- tokens ---------------------------------------------------------------------------------
    def add_token(
        self,
        role: str,
        office: str = "",
        ws: str = "",
        name: str = "",
        *,
        public_key: str | list[str] = "",
        expires_days: int | None = None,
        replace: bool = False,
    ) -> str:
        """A new token (returned once; only its hash is kept). A workstation has one live token:
        another is refused (TokenExists) unless ``replace``, which revokes the old one.
        ``public_key``: the workstation's receipt keys (Ed25519 and/or SM2), bound with the token
        (sync.hub.receipts; receipts.KeyRefused for a bad one): the hub's admin speaking."""
        from datetime import timedelta

        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        keys = [public_key] if isinstance(public_key, str) else list(public_key)
        keys = [k for k in keys if k.strip()]
        if keys and role != "workstation":
            raise receipts.KeyRefused("keys.only_workstation")
        for k in keys:
            receipts.parse_key(k)
        if expires_days is not None and not 1 <= expires_days <= 36500:
            raise ValueError("expiry must be 1..36500 days")
        token = "yc1_" + secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        expires = (now + timedelta(days=expires_days)).isoformat(timespec="seconds") if expires_days else ""
        with self.tx() as c:
            if role == "workstation":
                live = [
                    r
                    for r in c.execute(
                        select(token_t).where(
                            token_t.c.role == role,
                            token_t.c.office == office,
                            token_t.c.ws == ws,
                            token_t.c.revoked_at == "",
                        )
                    ).all()
                    if not _expired(r.expires_at, now)
                ]
                if live and not replace:
                    raise TokenExists(office, ws, [r.hash[:16] for r in live])
                if live:
                    c.execute(
                        update(token_t)
                        .where(token_t.c.id.in_([r.id for r in live]))
                        .values(revoked_at=now.isoformat(timespec="seconds"))
                    )
            c.execute(
                insert(token_t).values(
                    hash=hash_token(token),
                    role=role,
                    office=office,
                    ws=ws,
                    name=name,
                    public_key="",
                    key_origin="",
                    created_at=now.isoformat(timespec="seconds"),
                    expires_at=expires,
                    revoked_at="",
                    last_used_at="",
                )
            )
            if keys:
                row = c.execute(select(token_t).where(token_t.c.hash == hash_token(token))).one()
                receipts.bind(c, row, keys, receipts.ISSUED, utcnow())
        return token

    def authenticate(self, token: str) -> Principal | str:
        """The token's principal, or why it is refused ("unknown", "revoked", "expired")."""
        if not token or len(token) > 200:
            return "unknown"
        h = hash_token(token)
        with self.ro() as c:
            r = c.execute(select(token_t).where(token_t.c.hash == h)).first()
        if r is None:
            return "unknown"
        if r.revoked_at:
            return "revoked"
        now = datetime.now(UTC)
        if _expired(r.expires_at, now):
            return "expired"
        self._touch(r.id, r.last_used_at, now)
        return Principal(r.role, r.office, r.ws, r.name, h, _trusted_key(r))

    def principal(self, token: str) -> Principal | None:
        who = self.authenticate(token)
        return who if isinstance(who, Principal) else None

    def _touch(self, token_row: int, last: str, now: datetime) -> None:
        """Record the last use, at most once a minute, and never waiting behind a push."""
        if last and (now - datetime.fromisoformat(last)).total_seconds() < 60:
            return
        if not self._write_lock.acquire(blocking=False):
            return
        try:
            with self.engine.begin() as c:
                c.execute(
                    update(token_t)
                    .where(token_t.c.id == token_row)
                    .values(last_used_at=now.isoformat(timespec="seconds"))
                )
        finally:
            self._write_lock.release()

    def principal_by_hash_prefix(self, prefix: str) -> list[Principal]:
        """Live tokens whose hash starts with ``prefix`` (a bundle's token id)."""
        now = datetime.now(UTC)
        with self.ro() as c:
            rows = c.execute(select(token_t).where(token_t.c.hash.like(prefix + "%"))).all()
        return [
            Principal(r.role, r.office, r.ws, r.name, r.hash, _trusted_key(r))
            for r in rows
            if not r.revoked_at and not _expired(r.expires_at, now)
        ]

    def list_tokens(self) -> list[dict]:
        """Every token's metadata (never the token, nor its full hash), with its receipt keys
        (``keys``: alg, key_id, public_key, origin, trusted; sync.hub.receipts)."""
        now = datetime.now(UTC)
        with self.ro() as c:
            rows = c.execute(select(token_t).order_by(token_t.c.id)).all()
            keys = receipts.keys_by_token(c, rows)
        return [
            {
                "id": r.hash[:16],
                "role": r.role,
                "office": r.office,
                "workstation": r.ws,
                "name": r.name,
                "created": r.created_at,
                "last_used": r.last_used_at,
                "expires": r.expires_at,
                "revoked": r.revoked_at,
                "expired": _expired(r.expires_at, now),
                "public_key": _trusted_key(r),
                "keys": keys[r.hash],
            }
            for r in rows
        ]

    def revoke_token(self, token_id: str) -> dict:
        """Revoke the one token whose id (hash prefix, at least 6 hex digits) is ``token_id``."""
        token_id = token_id.strip().lower()
        if not (6 <= len(token_id) <= 64 and all(ch in "0123456789abcdef" for ch in token_id)):
            raise ValueError("token_id")
        with self.tx() as c:
            rows = c.execute(select(token_t).where(token_t.c.hash.like(token_id + "%"))).all()
            if len(rows) != 1:
                raise LookupError(len(rows))
            r = rows[0]
            if not r.revoked_at:
                c.execute(
                    update(token_t)
                    .where(token_t.c.id == r.id)
                    .values(revoked_at=datetime.now(UTC).isoformat(timespec="seconds"))
                )
        return {
            "id": r.hash[:16],
            "role": r.role,
            "office": r.office,
            "workstation": r.ws,
            "was_revoked": bool(r.revoked_at),
        }

    def set_keys(self, token_id: str, keys: list[str]) -> dict:
        """The hub's admin binds receipt keys (Ed25519 and/or SM2) to the workstation token whose
        id (hash prefix, at least 6 hex digits) is ``token_id``: ValueError for a malformed id,
        LookupError(n) unless exactly one token matches, receipts.KeyRefused for a key or slot
        that cannot take it. Returns the token's scope and what was bound."""
        token_id = token_id.strip().lower()
        if not (6 <= len(token_id) <= 64 and all(ch in "0123456789abcdef" for ch in token_id)):
            raise ValueError("token_id")
        if not keys:
            raise receipts.KeyRefused("keys.none_given")
        with self.tx() as c:
            rows = c.execute(select(token_t).where(token_t.c.hash.like(token_id + "%"))).all()
            if len(rows) != 1:
                raise LookupError(len(rows))
            r = rows[0]
            bound = receipts.bind(c, r, keys, receipts.ADMIN, utcnow())
        return {"id": r.hash[:16], "office": r.office, "workstation": r.ws, "keys": bound}

    def token_keys(self, who: Principal) -> list[dict]:
        """The receipt keys bound to the caller's own token (what `GET /api/v1/keys` answers)."""
        with self.ro() as c:
            rows = c.execute(select(token_t).where(token_t.c.hash == who.token_hash)).all()
            return receipts.keys_by_token(c, rows).get(who.token_hash, [])

    # --- documents (catalogue, calendar) ----------------------------------------------------------
    def publish_document(self, kind: str, doc: dict) -> str:
        version = str(doc["version"])
        with self.tx() as c:
            exists = c.execute(
                select(doc_t.c.version).where(doc_t.c.kind == kind, doc_t.c.version == version)
            ).first()
            if exists is None:
                seq = self._next_seqs(c, 1)
                c.execute(
                    insert(doc_t).values(kind=kind, version=version, seq=seq, body=protocol.compress(doc))
                )
        if kind == "catalogue":
            self._published.add(version)
        return version

    def current_document(self, kind: str) -> tuple[str, dict] | None:
        with self.ro() as c:
            r = c.execute(
                select(doc_t).where(doc_t.c.kind == kind).order_by(doc_t.c.seq.desc()).limit(1)
            ).first()
        return None if r is None else (r.version, protocol.loads(protocol.decompress(r.body)))

    def current_version(self, kind: str) -> str:
        with self.ro() as c:
            return (
                c.execute(
                    select(doc_t.c.version).where(doc_t.c.kind == kind).order_by(doc_t.c.seq.desc()).limit(1)
                ).scalar()
                or ""
            )

    def document(self, kind: str, version: str) -> dict | None:
        with self.ro() as c:
            body = c.execute(
                select(doc_t.c.body).where(doc_t.c.kind == kind, doc_t.c.version == version)
            ).scalar()
        return None if body is None else protocol.loads(protocol.decompress(body))

    def catalogue_published(self, version: str) -> bool:
        """Whether the hub published catalogue ``version`` (published versions are never
        withdrawn, so a yes is remembered; a no is asked again: the CLI may publish meanwhile)."""
        if version in self._published:
            return True
        if not version or len(version) > 64:
            return False
        with self.ro() as c:
            found = c.execute(
                select(doc_t.c.version).where(doc_t.c.kind == "catalogue", doc_t.c.version == version)
            ).first()
        if found is not None:
            self._published.add(version)
        return found is not None

    def catalogue_obj(self, version: str | None = None):
        """The parsed catalogue of ``version`` if the hub published it, else the current one.
        At most CATALOGUE_CACHE versions stay parsed; an unknown version is never kept."""
        from forms.loader import parse_catalogue

        if version:
            with self._catalogue_lock:
                hit = self._catalogues.get(version)
                if hit is not None:
                    self._catalogues.move_to_end(version)
                    return hit
        cur = self.current_version("catalogue")
        v = version if version and version != cur and self.catalogue_published(version) else cur
        with self._catalogue_lock:
            hit = self._catalogues.get(v)
            if hit is not None:
                self._catalogues.move_to_end(v)
                return hit
        parsed = parse_catalogue(self.document("catalogue", v), f"hub:{v}", validate_schema=False)
        with self._catalogue_lock:
            self._catalogues[v] = parsed
            self._catalogues.move_to_end(v)
            while len(self._catalogues) > CATALOGUE_CACHE:
                self._catalogues.popitem(last=False)
        return parsed

    def cached_catalogues(self) -> list[str]:
        """The parsed versions held, least recently used first."""
        with self._catalogue_lock:
            return list(self._catalogues)

    # --- applying events ---------------------------------------------------------------------------
    def _case_events(self, c: Connection, number: str) -> list[cs.Event]:
        rows = c.execute(
            select(
                event_t.c.event_id, event_t.c.kind, event_t.c.lc, event_t.c.author, event_t.c.payload
            ).where(event_t.c.case_number == number)
        ).all()
        return [cs.Event(r.event_id, r.kind, r.lc, r.author, json.loads(r.payload)) for r in rows]

    def push(self, who: Principal, events: list[protocol.WireEvent], via: str | None = None) -> PushResult:
        """Apply a batch exactly once per event, in one transaction. Refusals are per event."""
        res = PushResult()
        via = via or who.identity
        with self.tx() as c:
            known: dict[str, Any] = {}
            ids = [e.id for e in events]
            for i in range(0, len(ids), 500):
                for r in c.execute(
                    select(
                        event_t.c.event_id,
                        event_t.c.case_number,
                        event_t.c.kind,
                        event_t.c.payload,
                        event_t.c.office,
                        event_t.c.ws,
                        event_t.c.owner_office,
                    ).where(event_t.c.event_id.in_(ids[i : i + 500]))
                ):
                    known[r.event_id] = r
            by_case: dict[str, list[protocol.WireEvent]] = {}
            seen: dict[str, protocol.WireEvent] = {}
            for e in events:
                if e.id in known or e.id in seen:
                    other = known.get(e.id) or seen[e.id]
                    if _same_content(e, other):
                        res.duplicate += 1
                    else:  # one id, two contents: never dropped silently
                        res.refused.append(self._duplicate_id(c, who, e, other, via))
                    continue
                seen[e.id] = e
                by_case.setdefault(e.case, []).append(e)
            if who.role == "workstation":  # (a hub forwards events its county has checked)
                audit_store.check_push(c, [e for e in events if who.may_author(e.office, e.ws)], utcnow())
            if not by_case:
                res.last_seq = int(self.meta("seq", c) or 0)
                return res
            seq = self._next_seqs(c, len(seen))
            rows: list[dict] = []
            new_cases: list[dict] = []
            queue: list[dict] = []  # the new cases' rows of the console's queue
            now = utcnow()
            for number, evs in by_case.items():
                evs.sort(key=lambda e: (e.lc, cs.RANK.get(e.kind, 9), e.id))
                blocked: protocol.WireEvent | None = None
                case = c.execute(select(case_t).where(case_t.c.number == number)).first()
                history = self._case_events(c, number) if case is not None else []
                case_info: dict | None = dict(case._mapping) if case is not None else None
                new_events: list[cs.Event] = []
                for e in evs:
                    try:
                        if blocked is not None:
                            raise Refusal("blocked", f"depends on refused event {blocked.id}")
                        case_info = self._check(c, who, e, case_info)
                    except Refusal as r:
                        blocked = blocked or e
                        res.refused.append({"id": e.id, "case": e.case, "code": r.code, "reason": r.reason})
                        continue
                    author = f"{e.office}/{e.ws}" if who.role in ("workstation", "hub") else via
                    rows.append(
                        {
                            "seq": seq,
                            "event_id": e.id,
                            "case_number": number,
                            "kind": e.kind,
                            "lc": e.lc,
                            "payload": json.dumps(e.p, ensure_ascii=False),
                            "actor": e.actor,
                            "office": e.office,
                            "ws": e.ws,
                            "at": e.at,
                            "author": author,
                            "via": via,
                            "owner_office": case_info["office"],
                            "owner_ws": case_info["ws"],
                            "received_at": now,
                        }
                    )
                    new_events.append(cs.Event(e.id, e.kind, e.lc, author, e.p))
                    if self._applicant(c, e, author, case_info, seq):
                        case_info["n_conflicts"] = int(case_info.get("n_conflicts") or 0) + 1  # recount
                    seq += 1
                if new_events:
                    self._save_case(
                        c, case is None, case_info, history + new_events, seq - 1, sink=new_cases, qsink=queue
                    )
                res.applied += len(new_events)
            if new_cases:
                c.execute(insert(case_t), new_cases)
            if queue:
                from sync.hub.console_queries import write_queue

                write_queue(c, (), queue, fresh=True)
            if rows:
                c.execute(insert(event_t), rows)
            res.last_seq = seq - 1
            # give back unused numbers (refused events) so seq stays dense and tells the truth
            c.execute(update(meta_t).where(meta_t.c.key == "seq").values(value=str(res.last_seq)))
        return res

    def _check(self, c: Connection, who: Principal, e: protocol.WireEvent, case: dict | None) -> dict:
        """The case's row (new for case.created) if `who` may write `e`, else Refusal."""
        from app.domain.numbering import parse_case_number

        try:
            num = parse_case_number(e.case)
        except ValueError as exc:
            raise Refusal("bad_case_number", f"{e.case}: {exc}") from None
        if str(num) != e.case:
            raise Refusal("bad_case_number", f"{e.case}: not in canonical form {num}")
        for office in (num.office, e.office):  # name the office that is not the token's
            if not who.may_write_office(office):
                raise Refusal(
                    "forbidden_office", f"a token of office {who.office} may not write for office {office}"
                )
        if not who.may_author(e.office, e.ws):
            raise Refusal(
                "not_your_workstation",
                f"the event claims workstation {e.office}/{e.ws} but the token is {who.office}/{who.ws}",
            )
        if e.kind not in cs.KNOWN_KINDS:
            raise Refusal("unknown_kind", f"unknown event kind {e.kind}")
        if who.role == "workstation" and e.kind not in cs.WINDOW_KINDS:
            raise Refusal("kind_not_allowed", f"a workstation may not send {e.kind}")
        problem = payloads.payload_problem(e.kind, e.p)  # one schema per kind (app.domain.payloads)
        if problem:
            raise Refusal("bad_payload", problem)
        if e.kind == cs.CREATED:
            if who.role == "workstation" and num.workstation != who.ws:
                raise Refusal(
                    "not_your_workstation",
                    f"case {e.case} is numbered by workstation {num.office}/{num.workstation}, "
                    f"not by this token's {who.office}/{who.ws}",
                )
            uid = e.p.get("uid")
            if not isinstance(uid, str) or not uid:
                raise Refusal("bad_payload", "case.created needs uid")
            if case is not None:
                if case["uid"] != uid:
                    self._uid_conflict(c, e, case["uid"], uid)
                    raise Refusal(
                        "number_conflict", f"case {e.case} already exists with another uid ({case['uid']})"
                    )
                return case
            version = str(e.p.get("catalogue_version", ""))
            # a window's case names a version this hub published (a county hub forwarding its
            # own versions is judged by the current catalogue); nothing else is parsed or kept
            if who.role == "workstation" and not self.catalogue_published(version):
                raise Refusal(
                    "unknown_catalogue",
                    f"catalogue version {version!r} is not published at this hub: the hub's admin "
                    "publishes it (hub publish-catalogue), then the window sends the case again",
                )
            kind, code = str(e.p.get("subject_kind", "")), str(e.p.get("subject_code", ""))
            level = _level_of(self.catalogue_obj(version), kind, code)
            return {
                "number": e.case,
                "uid": uid,
                "office": num.office,
                "ws": num.workstation,
                "subject_kind": kind,
                "subject_code": code,
                "subject_name": str(e.p.get("subject_name", ""))[:200],
                "catalogue_version": str(e.p.get("catalogue_version", ""))[:64],
                "level": level,
                "applicant_kind": "",
                "applicant_name": "",
                "applicant_id_number": "",
                "state": None,
                "lc": 0,
                "reason": "",
                "n_events": 0,
                "n_conflicts": 0,
            }
        if case is None:
            raise Refusal(
                "unknown_case", f"case {e.case} is not known here (its case.created has not arrived)"
            )
        if e.case_uid and e.case_uid != case["uid"]:
            self._uid_conflict(c, e, case["uid"], e.case_uid)
            raise Refusal("number_conflict", f"case {e.case} here has uid {case['uid']}, not {e.case_uid}")
        return case

    def _uid_conflict(self, c: Connection, e: protocol.WireEvent, held: str, sent: str) -> None:
        """Two cases under one number are never merged: the hub records it for the back office."""
        self._record_conflict(
            c,
            e.case,
            e.id,
            "uid_mismatch",
            e.kind,
            f"{e.office}/{e.ws}",
            {"case_uid_here": held, "case_uid_sent": sent},
        )

    def _duplicate_id(
        self, c: Connection, who: Principal, e: protocol.WireEvent, other: Any, via: str
    ) -> dict:
        """An event id already used for other content: recorded as a conflict and refused. When
        the id is used on a case of an office the sender may not read, the refusal names nothing
        of that case and nothing is recorded on it."""
        if isinstance(other, protocol.WireEvent):  # earlier in the same batch: the sender's own
            before = {"case": other.case, "kind": other.kind, "office": other.office, "ws": other.ws}
        else:
            if not who.may_read_office(other.owner_office):
                return {
                    "id": e.id,
                    "case": e.case,
                    "code": "duplicate_id",
                    "reason": f"event id {e.id} is already used for another event; send it with a new id",
                }
            before = {"case": other.case_number, "kind": other.kind, "office": other.office, "ws": other.ws}
        after = {"case": e.case, "kind": e.kind, "office": e.office, "ws": e.ws}
        self._record_conflict(
            c, before["case"], e.id, "duplicate_id", e.kind, via, {"held": before, "sent": after}
        )
        return {
            "id": e.id,
            "case": e.case,
            "code": "duplicate_id",
            "reason": f"event id {e.id} is already used for another event ({before['kind']} on {before['case']})",
        }

    def _record_conflict(
        self, c: Connection, number: str, event_id: str, rule: str, kind: str, origin: str, detail: dict
    ) -> None:
        exists = c.execute(
            select(conflict_t.c.id).where(
                conflict_t.c.case_number == number,
                conflict_t.c.event_id == event_id,
                conflict_t.c.rule == rule,
            )
        ).first()
        if exists is not None:
            return
        c.execute(
            insert(conflict_t).values(
                case_number=number,
                event_id=event_id,
                rule=rule,
                kind=kind,
                origin=origin[:120],
                detail=json.dumps(detail, ensure_ascii=False),
                seq=int(self.meta("seq", c) or 0),
            )
        )
        c.execute(
            update(case_t)
            .where(case_t.c.number == number)
            .values(
                n_conflicts=select(func.count())
                .select_from(conflict_t)
                .where(conflict_t.c.case_number == number)
                .scalar_subquery()
            )
        )

    def _applicant(self, c: Connection, e: protocol.WireEvent, author: str, case: dict, seq: int) -> bool:
        """Keep the office's record of an applicant from an event whose kind records one (the
        intake decisions: app.domain.payloads.APPLICANT_KINDS), for the office of the case it is
        on (the sender's, checked by _check) and no other. A window that records other details
        than another window of the office did makes a conflict on its own case, for the back
        office (the console's case page); no window is told (issue 16 §1). True if recorded."""
        a = e.p.get("applicant") if e.kind in payloads.APPLICANT_KINDS else None
        if not isinstance(a, dict) or not a.get("id_number"):
            return False
        office, number = case["office"], case["number"]
        kind, idn = str(a.get("kind", ""))[:12], str(a.get("id_number", ""))[:20]
        new = {field: str(a.get(field, ""))[:n] for field, n in payloads.APPLICANT_FIELDS.items()}
        key = (applicant_t.c.office == office, applicant_t.c.kind == kind, applicant_t.c.id_number == idn)
        row = c.execute(select(applicant_t).where(*key)).first()
        if row is None:
            c.execute(
                insert(applicant_t).values(
                    office=office, kind=kind, id_number=idn, author=author, case_number=number, seq=seq, **new
                )
            )
            return False
        old = {field: getattr(row, field) for field in payloads.APPLICANT_FIELDS}
        recorded = False
        if old != new and row.author != author:
            self._record_conflict(
                c,
                number,
                e.id,
                "applicant_details",
                e.kind,
                author,
                {
                    "conflict": "applicant_details",
                    "applicant": {"kind": kind, "id_number": idn},
                    "before": old,
                    "after": new,
                    "before_case": row.case_number,
                    "before_author": row.author,
                    "after_case": number,
                    "after_author": author,
                    "rule": "the office's later record becomes its record; each case keeps its own details",
                },
            )
            recorded = True
        c.execute(update(applicant_t).where(*key).values(author=author, case_number=number, seq=seq, **new))
        return recorded

    def _save_case(
        self,
        c: Connection,
        is_new: bool,
        info: dict,
        events: list[cs.Event],
        seq: int,
        sink: list[dict] | None = None,
        qsink: list[dict] | None = None,
    ) -> None:
        from sync.hub.console_queries import queue_rows, write_queue

        view = cs.derive(events)
        vals = dict(info)
        vals.update(
            state=view.state,
            lc=view.lc,
            reason=view.reason[:2000],
            n_events=len({e.event_id for e in events}),
            updated_seq=seq,
        )
        for e in events:
            applies = e.event_id in view.applied and e.kind in payloads.APPLICANT_KINDS
            a = e.payload.get("applicant") if applies else None
            if isinstance(a, dict):
                vals.update(
                    applicant_kind=str(a.get("kind", ""))[:12],
                    applicant_name=str(a.get("name", ""))[:200],
                    applicant_id_number=str(a.get("id_number", ""))[:20],
                )
        if not is_new:
            c.execute(
                delete(conflict_t).where(
                    conflict_t.c.case_number == info["number"],
                    conflict_t.c.rule.in_(("superseded", "concurrent")),
                )
            )
        if view.conflicts:
            c.execute(
                insert(conflict_t),
                [
                    {
                        "case_number": info["number"],
                        "event_id": k.event_id,
                        "rule": k.rule,
                        "kind": k.kind,
                        "origin": k.origin,
                        "detail": json.dumps(k.to_dict(), ensure_ascii=False),
                        "seq": seq,
                    }
                    for k in view.conflicts
                ],
            )
        vals["n_conflicts"] = (
            c.execute(
                select(func.count()).select_from(conflict_t).where(conflict_t.c.case_number == info["number"])
            ).scalar()
            if (view.conflicts or not is_new or info.get("n_conflicts"))
            else 0
        )
        if is_new:
            vals["created_seq"] = seq
        qrows = queue_rows(self, vals, events, view)  # the console's queue, in this transaction
        if is_new and qsink is not None:
            qsink.extend(qrows)
        else:
            write_queue(c, (info["number"],), qrows, fresh=is_new)
        if is_new:
            if sink is not None:
                sink.append(vals)
            else:
                c.execute(insert(case_t).values(**vals))
        else:
            vals.pop("number")
            c.execute(update(case_t).where(case_t.c.number == info["number"]).values(**vals))

    def backoffice_event(
        self,
        who: Principal,
        number: str,
        kind: str,
        payload: dict,
        actor: str,
        event_id: str | None = None,
        *,
        expect_version: int | None = None,
    ) -> tuple[dict, dict]:
        """A back-office decision on a case; it flows down to the window on its next pull.

        ``expect_version``: the case's version (``updated_seq``) the decider saw; if the case
        changed since, the decision is refused (``changed``), never applied over the change."""
        import uuid

        if kind not in cs.BACKOFFICE_KINDS:
            raise Refusal(
                "kind_not_allowed", f"the back office may send {', '.join(sorted(cs.BACKOFFICE_KINDS))}"
            )
        problem = payloads.payload_problem(kind, payload)
        if problem:
            raise Refusal("bad_payload", problem)
        eid = event_id or str(uuid.uuid4())
        with self.tx() as c:
            dup = c.execute(select(event_t.c.seq).where(event_t.c.event_id == eid)).first()
            case = c.execute(select(case_t).where(case_t.c.number == number)).first()
            if case is None:
                raise Refusal("unknown_case", f"case {number} is not known here")
            if not who.may_read_office(case.office):
                raise Refusal("forbidden_office", f"this token may not act on cases of office {case.office}")
            if dup is None and expect_version is not None and case.updated_seq != expect_version:
                raise Refusal("changed", f"case {number} changed since version {expect_version}")
            if dup is None:
                history = self._case_events(c, number)
                view = cs.derive(history)
                if not cs.fits(view.state, kind):
                    raise Refusal(
                        "invalid_transition", f"{kind} does not apply to a case in state {view.state}"
                    )
                seq = self._next_seqs(c, 1)
                author = who.identity
                c.execute(
                    insert(event_t).values(
                        seq=seq,
                        event_id=eid,
                        case_number=number,
                        kind=kind,
                        lc=view.lc + 1,
                        payload=json.dumps(payload, ensure_ascii=False),
                        actor=actor[:100],
                        office=who.office or "",
                        ws="",
                        at=utcnow(),
                        author=author,
                        via=author,
                        owner_office=case.office,
                        owner_ws=case.ws,
                        received_at=utcnow(),
                    )
                )
                self._save_case(
                    c,
                    False,
                    dict(case._mapping),
                    history + [cs.Event(eid, kind, view.lc + 1, author, payload)],
                    seq,
                )
        return self.case_detail(number), {"event_id": eid}

    # --- pull ---------------------------------------------------------------------------------------
    def pull(self, who: Principal, after: int, limit: int) -> tuple[list[dict], bool, int]:
        """(events, more, cursor). The top seq is read first, so the cursor never skips a commit."""
        limit = max(1, min(limit, protocol.MAX_PULL))
        with self.ro() as c:
            top = int(c.execute(select(meta_t.c.value).where(meta_t.c.key == "seq")).scalar() or 0)
            # each event carries its case's uid: a number alone is not a case's identity
            q = (
                select(event_t, case_t.c.uid.label("case_uid"))
                .join(case_t, case_t.c.number == event_t.c.case_number, isouter=True)
                .where(
                    event_t.c.seq > after,
                    event_t.c.seq <= top,
                    event_t.c.author != CONFLICT_NOTE_AUTHOR,  # an older hub's notes: never served
                )
            )
            if who.role == "workstation":
                q = q.where(
                    event_t.c.owner_office == who.office,
                    event_t.c.owner_ws == who.ws,
                    event_t.c.author != who.identity,
                )
            elif who.role == "hub":
                q = q.where(event_t.c.owner_office.like(who.office + "%"), event_t.c.via != who.identity)
            rows = c.execute(q.order_by(event_t.c.seq).limit(limit + 1)).all()
        more = len(rows) > limit
        rows = rows[:limit]
        cursor = rows[-1].seq if more else max(after, top)
        return [_wire_row(r) for r in rows], more, cursor

    def last_seq(self) -> int:
        return int(self.meta("seq") or 0)

    # --- reading --------------------------------------------------------------------------------------
    def case_detail(self, number: str, *, backoffice: bool = True) -> dict | None:
        """A case with its events and conflicts. Without ``backoffice`` (a window's or a hub's
        token) what is kept for the back office is left out: applicant disagreements, and the
        notes an older hub wrote about them (they may hold another office's details)."""
        with self.ro() as c:
            case = c.execute(select(case_t).where(case_t.c.number == number)).first()
            if case is None:
                return None
            q = select(event_t).where(event_t.c.case_number == number)
            k = select(conflict_t).where(conflict_t.c.case_number == number)
            if not backoffice:
                q = q.where(event_t.c.author != CONFLICT_NOTE_AUTHOR)
                k = k.where(conflict_t.c.rule != "applicant_details")
            evs = c.execute(q.order_by(event_t.c.seq)).all()
            conf = c.execute(k.order_by(conflict_t.c.id)).all()
        out = _case_row(case)
        out["events"] = [_wire_row(r) for r in evs]
        out["conflicts"] = [
            {
                "rule": k.rule,
                "event_id": k.event_id,
                "kind": k.kind,
                "origin": k.origin,
                "detail": json.loads(k.detail),
            }
            for k in conf
        ]
        return out

    def list_cases(
        self, who: Principal, *, office: str | None, state: str | None, page: int, per_page: int
    ) -> dict:
        per_page = max(1, min(per_page, 500))
        page = max(1, page)
        conds = []
        if who.role in ("workstation", "hub"):
            conds.append(
                case_t.c.office.like(who.office + "%") if who.role == "hub" else case_t.c.office == who.office
            )
        elif who.office:
            conds.append(case_t.c.office.like(who.office + "%"))
        if office:
            conds.append(case_t.c.office == office)
        if state:
            conds.append(case_t.c.state == state)
        with self.ro() as c:
            total = c.execute(select(func.count()).select_from(case_t).where(*conds)).scalar()
            rows = c.execute(
                select(case_t)
                .where(*conds)
                .order_by(case_t.c.number)
                .offset((page - 1) * per_page)
                .limit(per_page)
            ).all()
        return {"total": total, "page": page, "per_page": per_page, "items": [_case_row(r) for r in rows]}

    def last_numbers(self, office: str, ws: str) -> dict[str, int]:
        """{YYMMDD: highest sequence} of the case numbers the hub holds for one workstation
        (a restored window takes its counters from here, so no number is issued twice)."""
        prefix = f"{office}-{ws}-"
        out: dict[str, int] = {}
        with self.ro() as c:
            rows = c.execute(
                select(case_t.c.number).where(
                    case_t.c.office == office, case_t.c.number >= prefix, case_t.c.number < prefix + "~"
                )
            ).scalars()
            for number in rows:
                day, seq = number[len(prefix) : len(prefix) + 6], number[len(prefix) + 7 : len(prefix) + 11]
                if day.isdigit() and seq.isdigit():
                    out[day] = max(out.get(day, 0), int(seq))
        return out

    def counts(self) -> dict[str, int]:
        with self.ro() as c:
            return {
                "cases": c.execute(select(func.count()).select_from(case_t)).scalar(),
                "events": c.execute(select(func.count()).select_from(event_t)).scalar(),
                "seq": int(self.meta("seq", c) or 0),
            }

    def workstations(self, who: Principal) -> list[dict]:
        """Each workstation the hub knows (by its tokens or its chain) within ``who``'s offices:
        its tokens' names and last use, its cases, and its audit chain state (audit_store)."""
        out: dict[tuple[str, str], dict] = {}

        def entry(office: str, ws: str) -> dict:
            return out.setdefault(
                (office, ws),
                {
                    "office": office,
                    "ws": ws,
                    "names": [],
                    "tokens": 0,
                    "active_tokens": 0,
                    "key_registered": False,
                    "last_seen": "",
                    "cases": 0,
                    "chain": {"state": audit_store.UNCHAINED, "links": 0, "breaks": 0, "first_break": None},
                },
            )

        now = datetime.now(UTC)
        with self.ro() as c:
            for r in c.execute(select(token_t).where(token_t.c.role == "workstation")):
                if not who.may_read_office(r.office):
                    continue
                w = entry(r.office, r.ws)
                w["tokens"] += 1
                if not r.revoked_at and not _expired(r.expires_at, now):
                    w["active_tokens"] += 1
                if r.name and r.name not in w["names"]:
                    w["names"].append(r.name)
                w["key_registered"] = w["key_registered"] or bool(_trusted_key(r))
                w["last_seen"] = max(w["last_seen"], r.last_used_at or "")
            for (office, ws), chain in audit_store.chain_states(c).items():
                if who.may_read_office(office):
                    w = entry(office, ws)
                    w["chain"] = chain
                    w["last_seen"] = max(w["last_seen"], chain["last_push_at"] or "")
            for office, ws, n in c.execute(
                select(case_t.c.office, case_t.c.ws, func.count()).group_by(case_t.c.office, case_t.c.ws)
            ):
                if (office, ws) in out:
                    out[(office, ws)]["cases"] = n
        return [out[k] for k in sorted(out)]

    def verify_receipt(self, payload: str) -> dict:
        """A receipt's QR payload checked against the keys the hub's admin bound for the
        workstation that numbered it, and against the case's record (sync.hub.receipts.verify)."""
        with self.ro() as c:
            return receipts.verify(c, payload)

    # --- forwarding (county -> province) ---------------------------------------------------------------
    def forward_batch(self, limit: int = 500) -> tuple[int, list[protocol.WireEvent]]:
        """Events of province-level cases not yet forwarded: (highest seq looked at, events)."""
        cursor = int(self.meta("forward_cursor") or 0)
        with self.ro() as c:
            rows = c.execute(
                select(event_t)
                .join(case_t, case_t.c.number == event_t.c.case_number)
                .where(
                    event_t.c.seq > cursor,
                    case_t.c.level == "province",
                    event_t.c.via != "upstream",
                    event_t.c.author != CONFLICT_NOTE_AUTHOR,
                )
                .order_by(event_t.c.seq)
                .limit(limit)
            ).all()
            top = int(self.meta("seq", c) or 0) if len(rows) < limit else rows[-1].seq
        return top, [protocol.parse_event(_wire_row(r)) for r in rows]

    def forward_done(self, top: int, refused: list[dict]) -> None:
        with self.tx() as c:
            for r in refused:
                c.execute(delete(refused_up_t).where(refused_up_t.c.event_id == r["id"]))
                c.execute(
                    insert(refused_up_t).values(
                        event_id=r["id"],
                        case_number=r.get("case", ""),
                        code=r.get("code", ""),
                        reason=r.get("reason", ""),
                    )
                )
            cur = int(self.meta("forward_cursor", c) or 0)
            self.set_meta(c, "forward_cursor", str(max(cur, top)))

    def apply_upstream(self, events: list[dict], cursor: int) -> int:
        """Decisions pulled from the province, applied with the upstream cursor in one transaction."""
        parsed = [(protocol.parse_event(e), str(e.get("by") or "upstream")) for e in events]
        with self.tx() as c:
            n = self._apply_foreign(c, parsed)
            self.set_meta(c, "upstream_cursor", str(cursor))
        return n

    def _apply_foreign(self, c: Connection, events: list[tuple[protocol.WireEvent, str]]) -> int:
        """Events authored elsewhere (province back office) on cases we hold; idempotent."""
        n = 0
        for e, author in events:
            if c.execute(select(event_t.c.seq).where(event_t.c.event_id == e.id)).first() is not None:
                continue
            case = c.execute(select(case_t).where(case_t.c.number == e.case)).first()
            if case is None:
                continue
            if e.case_uid and e.case_uid != case.uid:  # another case under this number: never merged
                self._uid_conflict(c, e, case.uid, e.case_uid)
                continue
            seq = self._next_seqs(c, 1)
            c.execute(
                insert(event_t).values(
                    seq=seq,
                    event_id=e.id,
                    case_number=e.case,
                    kind=e.kind,
                    lc=e.lc,
                    payload=json.dumps(e.p, ensure_ascii=False),
                    actor=e.actor,
                    office=e.office,
                    ws=e.ws,
                    at=e.at,
                    author=author,
                    via="upstream",
                    owner_office=case.office,
                    owner_ws=case.ws,
                    received_at=utcnow(),
                )
            )
            self._save_case(c, False, dict(case._mapping), self._case_events(c, e.case), seq)
            n += 1
        return n

    # --- attachments: one upload slot per (sha256, office) ----------------------------------------------
    def attachment(self, sha: str, office: str) -> dict | None:
        with self.ro() as c:
            r = c.execute(
                select(attachment_t).where(attachment_t.c.sha256 == sha, attachment_t.c.office == office)
            ).first()
        return None if r is None else dict(r._mapping)

    def attachment_readable(self, who: Principal, sha: str) -> bool:
        """Whether ``who`` may read the scan: a complete upload by an office it may read."""
        with self.ro() as c:
            offices = c.execute(
                select(attachment_t.c.office).where(attachment_t.c.sha256 == sha, attachment_t.c.complete)
            ).scalars()
            return any(who.may_read_office(o) for o in offices)

    def create_attachment(self, sha: str, length: int, case_number: str, office: str) -> dict:
        """The office's slot for ``sha``. An unfinished slot announced with another length is
        reset to the new one: whoever holds the real content finishes it (the sha256 decides)."""
        with self.tx() as c:
            key = (attachment_t.c.sha256 == sha, attachment_t.c.office == office)
            r = c.execute(select(attachment_t).where(*key)).first()
            if r is None:
                row = {
                    "sha256": sha,
                    "office": office,
                    "length": length,
                    "offset": 0,
                    "complete": False,
                    "case_number": case_number,
                    "created_at": utcnow(),
                }
                c.execute(insert(attachment_t).values(**row))
                return row
            if r.length != length and not r.complete:
                c.execute(update(attachment_t).where(*key).values(length=length, offset=0))
                return {**dict(r._mapping), "length": length, "offset": 0, "reset": True}
            return dict(r._mapping)

    def set_attachment_offset(self, sha: str, office: str, offset: int, complete: bool) -> None:
        with self.tx() as c:
            c.execute(
                update(attachment_t)
                .where(attachment_t.c.sha256 == sha, attachment_t.c.office == office)
                .values(offset=offset, complete=complete)
            )


def _same_content(e: protocol.WireEvent, other: Any) -> bool:
    """Whether a known event id carries the same event (lc is ordering, not content)."""
    if isinstance(other, protocol.WireEvent):
        return (e.case, e.kind, e.p, e.office, e.ws) == (
            other.case,
            other.kind,
            other.p,
            other.office,
            other.ws,
        )
    return (e.case, e.kind, e.office, e.ws) == (
        other.case_number,
        other.kind,
        other.office,
        other.ws,
    ) and e.p == json.loads(other.payload)


def _wire_row(r) -> dict:
    return {
        "id": r.event_id,
        "case": r.case_number,
        "kind": r.kind,
        "lc": r.lc,
        "p": json.loads(r.payload),
        "actor": r.actor,
        "office": r.office,
        "ws": r.ws,
        "at": r.at,
        "seq": r.seq,
        "by": r.author,
        **({"case_uid": r.case_uid} if getattr(r, "case_uid", None) else {}),
    }


def _case_row(r) -> dict:
    return {
        "number": r.number,
        "uid": r.uid,
        "office": r.office,
        "workstation": r.ws,
        "state": r.state,
        "subject": {"kind": r.subject_kind, "code": r.subject_code, "name": r.subject_name},
        "catalogue_version": r.catalogue_version,
        "level": r.level,
        "applicant": {"kind": r.applicant_kind, "name": r.applicant_name, "id_number": r.applicant_id_number},
        "lc": r.lc,
        "reason": r.reason,
        "events": r.n_events,
        "conflicts": r.n_conflicts,
        "updated_seq": r.updated_seq,
    }


def open_hub(data_dir: Path, db_url: str | None = None) -> HubStore:
    from app.private_files import make_private_dir, tighten, touch_private

    data_dir = make_private_dir(Path(data_dir))
    tighten(data_dir)  # an older hub's data dir was made under the umask (0755)
    url = db_url or _configured_url(data_dir)
    if not url:
        db = data_dir / "hub.db"
        # made 0600 before SQLite opens it: its -wal/-shm then take the same mode
        touch_private(db)
        tighten(db, *(db.with_name(db.name + side) for side in ("-wal", "-shm", "-journal")))
        url = f"sqlite:///{db}"
    store = HubStore(url)
    store.init()
    return store


def _configured_url(data_dir: Path) -> str | None:
    import os
    import tomllib

    env = os.environ.get("YICHUANG_HUB_DB")
    if env:
        return env
    path = data_dir / "hub.toml"
    if path.exists():
        return tomllib.loads(path.read_text(encoding="utf-8")).get("db_url") or None
    return None
