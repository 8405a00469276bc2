"""The sync wire protocol (v1): compressed JSON documents, limits, event validation.

See docs/sync-protocol.md. Both the hub and the workstation import this module; it has
no I/O of its own. Bodies are UTF-8 JSON compressed with zstd (``Content-Encoding: zstd``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import zstandard

VERSION = 1
MEDIA_TYPE = "application/json"
ENCODING = "zstd"

MAX_BODY = 4 * 1024 * 1024  # compressed request body
MAX_DECODED = 32 * 1024 * 1024  # after decompression (a zip bomb stops here)
MAX_EVENTS = 5_000  # per batch
MAX_EVENT_BYTES = 256 * 1024  # one event's payload, as JSON
MAX_PULL = 2_000  # events per pull page
TARGET_BATCH_BYTES = 48 * 1024  # the client aims for batches about this big (compressed)

TUS_VERSION = "1.0.0"
CHUNK_SIZE = 64 * 1024  # attachment chunk (PATCH body)
MAX_ATTACHMENT = 512 * 1024 * 1024

_UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_KIND_RE = re.compile(r"^[a-z_]+\.[a-z_]+$")
_SHA_RE = re.compile(r"^[0-9a-f]{64}$")

_CCTX = zstandard.ZstdCompressor(level=10)


class ProtocolError(ValueError):
    """A malformed or oversize document; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400, code: str = "malformed") -> None:
        super().__init__(message)
        self.status = status
        self.code = code


def dumps(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def compress(obj: Any, level: int | None = None) -> bytes:
    cctx = _CCTX if level is None else zstandard.ZstdCompressor(level=level)
    return cctx.compress(dumps(obj))


def decompress(data: bytes, limit: int = MAX_DECODED) -> bytes:
    """Decompress a zstd frame, refusing anything that grows past ``limit`` bytes."""
    chunks: list[bytes] = []
    total = 0
    try:
        with zstandard.ZstdDecompressor().stream_reader(data, read_across_frames=True) as reader:
            while True:
                piece = reader.read(1 << 20)
                if not piece:
                    break
                chunks.append(piece)
                total += len(piece)
                if total > limit:
                    raise ProtocolError(f"body decompresses to more than {limit} bytes", 413, "too_large")
    except zstandard.ZstdError as exc:
        raise ProtocolError(f"body is not a valid zstd frame: {exc}") from None
    return b"".join(chunks)


def loads(raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProtocolError(f"body is not UTF-8 JSON: {exc}") from None


def decode_body(body: bytes, content_encoding: str | None) -> Any:
    if len(body) > MAX_BODY:
        raise ProtocolError(f"body of {len(body)} bytes is over the limit of {MAX_BODY}", 413, "too_large")
    enc = (content_encoding or "").strip().lower()
    if enc == ENCODING:
        return loads(decompress(body))
    if enc in ("", "identity"):
        return loads(body)
    raise ProtocolError(f"unsupported Content-Encoding {content_encoding!r} (use zstd)", 415, "encoding")


@dataclass(frozen=True)
class WireEvent:
    """One case event as it travels (keys shortened: they are repeated thousands of times)."""

    id: str
    case: str
    kind: str
    lc: int
    p: dict
    actor: str
    office: str
    ws: str
    at: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "case": self.case,
            "kind": self.kind,
            "lc": self.lc,
            "p": self.p,
            "actor": self.actor,
            "office": self.office,
            "ws": self.ws,
            "at": self.at,
        }


def _str(d: dict, key: str, max_len: int = 200, *, required: bool = True) -> str:
    v = d.get(key, "" if not required else None)
    if not isinstance(v, str) or (required and not v) or len(v) > max_len:
        raise ProtocolError(f"event field {key!r} must be a string of 1..{max_len} characters")
    return v


def parse_event(d: Any) -> WireEvent:
    """Validate one event's shape (not its meaning: that is the hub's job)."""
    if not isinstance(d, dict):
        raise ProtocolError("an event must be a JSON object")
    eid = _str(d, "id", 36)
    if not _UUID_RE.match(eid):
        raise ProtocolError(f"event id {eid!r} is not a lower-case UUID")
    kind = _str(d, "kind", 40)
    if not _KIND_RE.match(kind):
        raise ProtocolError(f"event kind {kind!r} is not valid")
    lc = d.get("lc")
    if isinstance(lc, bool) or not isinstance(lc, int) or not 1 <= lc <= 1_000_000:
        raise ProtocolError(f"event {eid}: lc must be an integer 1..1000000")
    p = d.get("p", {})
    if not isinstance(p, dict):
        raise ProtocolError(f"event {eid}: payload p must be an object")
    if len(dumps(p)) > MAX_EVENT_BYTES:
        raise ProtocolError(f"event {eid}: payload over {MAX_EVENT_BYTES} bytes", 413, "too_large")
    return WireEvent(
        eid,
        _str(d, "case", 40),
        kind,
        lc,
        p,
        _str(d, "actor", 100, required=False),
        _str(d, "office", 12, required=False),
        _str(d, "ws", 4, required=False),
        _str(d, "at", 40),
    )


def parse_batch(doc: Any) -> tuple[str, list[WireEvent]]:
    """(batch id, events) of a push body, or ProtocolError: a batch is valid whole or not at all."""
    if not isinstance(doc, dict) or doc.get("v") != VERSION:
        raise ProtocolError(f"a batch is an object with v={VERSION}")
    batch_id = doc.get("batch")
    if not isinstance(batch_id, str) or not 1 <= len(batch_id) <= 64:
        raise ProtocolError("batch id missing")
    events = doc.get("events")
    if not isinstance(events, list):
        raise ProtocolError("events must be a list")
    if len(events) > MAX_EVENTS:
        raise ProtocolError(f"{len(events)} events in one batch; the limit is {MAX_EVENTS}", 413, "too_large")
    return batch_id, [parse_event(e) for e in events]


def is_sha256(text: str) -> bool:
    return bool(_SHA_RE.match(text or ""))
