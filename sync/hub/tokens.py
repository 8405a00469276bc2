"""Tokens and accounts: who may call the hub, the receipt keys bound to a window's token, and
what the hub knows of each workstation."""

from __future__ import annotations

import secrets
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.engine import Connection

from sync.hub import audit_store, news, read_cache, receipts
from sync.hub.db import HubDB, utcnow
from sync.hub.principal import Principal, hash_token
from sync.hub.schema import case_t, token_t

ROLES = ("workstation", "backoffice", "hub")


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


def _refusal(r: Any, now: datetime) -> str | None:
    """Why a token row is refused (unknown, revoked, expired), or None."""
    if r is None:
        return "unknown"
    if r.revoked_at:
        return "revoked"
    if _expired(r.expires_at, now):
        return "expired"
    return None


def _expired(expires_at: str, now: datetime) -> bool:
    return bool(expires_at) and datetime.fromisoformat(expires_at) <= now


def _trusted_key(r: Any) -> str:
    """A token row's Ed25519 key when the hub's admin bound it, else "" (a key registered on
    first use by an older hub vouches for nothing: sync.hub.receipts)."""
    return r.public_key if r.public_key and r.key_origin in receipts.TRUSTED else ""


def _token_id(token_id: str) -> str:
    """A token id as given (hash prefix, at least 6 hex digits), or ValueError."""
    token_id = token_id.strip().lower()
    if not (6 <= len(token_id) <= 64 and all(ch in "0123456789abcdef" for ch in token_id)):
        raise ValueError("token_id")
    return token_id


class _TokenRow:
    """What a token row says, as the read cache keeps it (never the row object: it holds its
    result's metadata)."""

    id: int
    role: str
    office: str
    ws: str
    name: str
    public_key: str
    key_origin: str
    revoked_at: str
    expires_at: str
    last_used_at: str
    __slots__ = (
        "id",
        "role",
        "office",
        "ws",
        "name",
        "public_key",
        "key_origin",
        "revoked_at",
        "expires_at",
        "last_used_at",
    )

    def __init__(self, r: Any) -> None:
        for name in self.__slots__:
            setattr(self, name, getattr(r, name))


class Tokens:
    def __init__(self, db: HubDB) -> None:
        self.db = db
        self._touch_lock = threading.Lock()
        self._touches: dict[int, str] = {}  # token id -> last use, to write (judge_quick)

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
        with self.db.tx() as c:
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
            read_cache.bump(c)
            if keys:
                row = c.execute(select(token_t).where(token_t.c.hash == hash_token(token))).one()
                receipts.bind(c, row, keys, receipts.ISSUED, utcnow())
        return token

    def authenticate(self, token: str) -> Principal | str:
        """The token's principal, or why it is refused ("unknown", "revoked", "expired")."""
        if not token or len(token) > 200:
            return "unknown"
        h = hash_token(token)
        with self.db.ro() as c:
            r = c.execute(select(token_t).where(token_t.c.hash == h)).first()
        return self._judge(r, h)

    def authenticate_cached(self, c: Connection, token: str, gen: str | None) -> Principal | str:
        """The same, in the caller's read, from the read cache (sync.hub.read_cache) under
        generation ``gen`` (which the caller read in ``c``): a pull's token costs no query."""
        if not token or len(token) > 200:
            return "unknown"
        h = hash_token(token)

        def load() -> _TokenRow | None:
            r = c.execute(select(token_t).where(token_t.c.hash == h)).first()
            return None if r is None else _TokenRow(r)

        row = self.db.cache.get(("token", h), gen, load, ttl=read_cache.TOKEN_TTL)
        return self._judge(row, h)

    def _judge(self, r: Any, h: str) -> Principal | str:
        now = datetime.now(UTC)
        refused = _refusal(r, now)
        if refused:
            return refused
        if self._touch(r.id, r.last_used_at, now) and isinstance(r, _TokenRow):
            r.last_used_at = now.isoformat(timespec="seconds")  # the cached row: touched
        return Principal(r.role, r.office, r.ws, r.name, h, _trusted_key(r))

    def judge_quick(self, r: Any, h: str) -> Principal | str | None:
        """:meth:`_judge` of a cached row without writing (an idle pull on the loop's thread):
        None when the token's last use is due to be recorded (the caller reads the slow way)."""
        now = datetime.now(UTC)
        refused = _refusal(r, now)
        if refused:
            return refused
        if not r.last_used_at or (now - datetime.fromisoformat(r.last_used_at)).total_seconds() >= 60:
            if not isinstance(r, _TokenRow):
                return None
            # the last use, written with the next flush (:meth:`flush_touches`), not now
            r.last_used_at = now.isoformat(timespec="seconds")
            with self._touch_lock:
                self._touches[r.id] = r.last_used_at
        return Principal(r.role, r.office, r.ws, r.name, h, _trusted_key(r))

    def flush_touches(self) -> int:
        """Write the last uses noted by :meth:`judge_quick`, in one transaction; how many."""
        with self._touch_lock:
            touches, self._touches = self._touches, {}
        if not touches:
            return 0
        stmt = (
            update(token_t)
            .where(token_t.c.id == bindparam("i"), token_t.c.last_used_at < bindparam("t"))
            .values(last_used_at=bindparam("t"))
        )
        with self.db.tx() as c:
            news.quiet(c)  # nothing a pull reads (a cached row's own last use is noted already)
            c.execute(stmt, [{"i": i, "t": t} for i, t in sorted(touches.items())])
        return len(touches)

    def principal(self, token: str) -> Principal | None:
        who = self.authenticate(token)
        return who if isinstance(who, Principal) else None

    def _touch(self, token_row: int, last: str, now: datetime) -> bool:
        """Record the last use, at most once a minute, and never waiting behind a push; whether
        it was recorded."""
        if last and (now - datetime.fromisoformat(last)).total_seconds() < 60:
            return False
        lock = self.db._write_lock
        if not lock.acquire(blocking=False):
            return False
        try:
            with self.db.engine.begin() as c:
                news.quiet(c)  # nothing a pull reads
                c.execute(
                    update(token_t)
                    .where(token_t.c.id == token_row)
                    .values(last_used_at=now.isoformat(timespec="seconds"))
                )
        finally:
            lock.release()
        return True

    def principal_by_hash_prefix(self, prefix: str) -> list[Principal]:
        """Live tokens whose hash starts with ``prefix`` (a bundle's token id)."""
        now = datetime.now(UTC)
        with self.db.ro() as c:
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
        with self.db.ro() as c:
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
        token_id = _token_id(token_id)
        with self.db.tx() as c:
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
                read_cache.bump(c)
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
        token_id = _token_id(token_id)
        if not keys:
            raise receipts.KeyRefused("keys.none_given")
        with self.db.tx() as c:
            rows = c.execute(select(token_t).where(token_t.c.hash.like(token_id + "%"))).all()
            if len(rows) != 1:
                raise LookupError(len(rows))
            r = rows[0]
            bound = receipts.bind(c, r, keys, receipts.ADMIN, utcnow())
        return {"id": r.hash[:16], "office": r.office, "workstation": r.ws, "keys": bound}

    def token_keys(self, who: Principal) -> list[dict]:
        """The receipt keys bound to the caller's own token (what `GET /api/v1/keys` answers)."""
        with self.db.ro() as c:
            rows = c.execute(select(token_t).where(token_t.c.hash == who.token_hash)).all()
            return receipts.keys_by_token(c, rows).get(who.token_hash, [])

    def verify_receipt(self, payload: str) -> dict:
        """A receipt's QR payload checked against the keys the hub's admin bound for the
        workstation that numbered it, and against the case's record (sync.hub.receipts.verify)."""
        with self.db.ro() as c:
            return receipts.verify(c, payload)

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
        with self.db.ro() as c:
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
