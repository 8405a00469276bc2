"""The sync wire protocol (v1): compressed JSON documents, limits, event validation.

See docs/sync-protocol.md. Both the hub and the workstation import this module; it has
no I/O of its own. Bodies are UTF-8 JSON compressed with zstd (``Content-Encoding: zstd``).
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import mmap
import re
import threading
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import zstandard

VERSION = 1
MEDIA_TYPE = "application/json"
ENCODING = "zstd"
# zstd with the shared dictionary named by DICT_HEADER: a token of its own, so a hub that
# predates it answers 415 (unsupported encoding) and the client falls back to plain zstd
DICT_ENCODING = "zstd-dict"
DICT_HEADER = "X-Yichuang-Zstd-Dict"
DICT_NAME = "events-v2"  # the dictionary this protocol version ships (sync/dict/)
# dictionaries of earlier releases: still decoded (a window not yet upgraded), never sent
OLDER_DICTS: tuple[str, ...] = ("events-v1",)

MAX_BODY = 4 * 1024 * 1024  # compressed request body
MAX_DECODED = 32 * 1024 * 1024  # after decompression (a zip bomb stops here)
MAX_EVENTS = 5_000  # per batch
MAX_EVENT_BYTES = 256 * 1024  # one event's payload, as JSON
MAX_DEPTH = 32  # nesting of one event's payload
MAX_SEQ = 2**63 - 1  # sequences and cursors are signed 64-bit
MAX_CHAIN_N = 2**53  # an audit chain link's number: a window's count of its events, never near 2**63
MAX_INT_DIGITS = 19  # any integer in a document fits a signed 64-bit column
MAX_PULL = 2_000  # events per pull page
# the most seconds a pull may wait at the hub for news (``wait=``): under the 30 s or 60 s a
# reverse proxy commonly allows a request
MAX_PULL_WAIT = 25
TARGET_BATCH_BYTES = 48 * 1024  # the client aims for batches about this big (compressed)

TUS_VERSION = "1.0.0"
CHUNK_SIZE = 64 * 1024  # attachment chunk (PATCH body)
MAX_ATTACHMENT = 512 * 1024 * 1024

_UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_KIND_RE = re.compile(r"^[a-z_]+\.[a-z_]+$")
_SHA_RE = re.compile(r"^[0-9a-f]{64}$")
_CHAIN_HASH_RE = re.compile(r"^[a-z0-9]{1,10}:[0-9a-f]{64}$")
_CHAIN_TAG_RE = re.compile(r"^[a-z0-9]{1,10}:[0-9a-f]{8}$")

DEFAULT_LEVEL = 10  # compress() without a level: a window's pushes (bytes count on its link)
# prepared compressors, one per thread and level (a compressor is not safe to share between
# threads: two threads in one crash the process or mix their frames): making one per answer
# costs more than compressing a small answer
_LOCAL = threading.local()


def _compressor(level: int, zdict: ZstdDict | None = None) -> zstandard.ZstdCompressor:
    cache = getattr(_LOCAL, "cctx", None)
    if cache is None:
        cache = _LOCAL.cctx = {}
    key = (level, zdict.id if zdict is not None else None)
    cctx = cache.get(key)
    if cctx is None:
        cctx = cache[key] = (
            zstandard.ZstdCompressor(level=level) if zdict is None else zdict.compressor(level)
        )
    return cctx


class ProtocolError(ValueError):
    """A malformed or oversize document; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400, code: str = "malformed") -> None:
        super().__init__(message)
        self.status = status
        self.code = code


def dumps(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def compress(obj: Any, level: int | None = None, zdict: ZstdDict | None = None) -> bytes:
    if zdict is not None:
        return _compressor(level or 3, zdict).compress(dumps(obj))
    return _compressor(DEFAULT_LEVEL if level is None else level).compress(dumps(obj))


class ZstdDict:
    """A shared zstd dictionary; its id is the first 16 hex digits of its content's sha256."""

    def __init__(self, content: bytes) -> None:
        self.content = content
        self.id = hashlib.sha256(content).hexdigest()[:16]
        self._dict = zstandard.ZstdCompressionDict(content)

    def compressor(self, level: int) -> zstandard.ZstdCompressor:
        # a new compressor each time: one is not safe to share between threads (pipelined
        # pushes). It digests the dictionary when made (about 0.3 ms for the shipped one), then
        # keeps it for every frame: compress() keeps one per thread and level. (The dictionary
        # is never precomputed in place: that frees what live compressors point to.)
        return zstandard.ZstdCompressor(level=level, dict_data=self._dict)

    def decompressor(self) -> zstandard.ZstdDecompressor:
        return zstandard.ZstdDecompressor(dict_data=self._dict)


DICT_DIR = Path(__file__).resolve().parent / "dict"


@functools.cache
def shipped_dict() -> ZstdDict | None:
    """The dictionary this protocol version ships (None if the data file is missing)."""
    try:
        return ZstdDict((DICT_DIR / f"{DICT_NAME}.zdict").read_bytes())
    except OSError:
        return None


@functools.cache
def _older_dicts() -> tuple[ZstdDict, ...]:
    found = []
    for name in OLDER_DICTS:
        try:
            found.append(ZstdDict((DICT_DIR / f"{name}.zdict").read_bytes()))
        except OSError:
            continue
    return tuple(found)


def known_dict(dict_id: str | None) -> ZstdDict | None:
    """The dictionary with this id, if this side knows it (the shipped one or an older one)."""
    if not dict_id:
        return None
    wanted = dict_id.strip().lower()
    for d in (shipped_dict(), *_older_dicts()):
        if d is not None and d.id == wanted:
            return d
    return None


class _Sink:
    """Collects decoded bytes and stops the decoder before they pass ``limit``.

    What it keeps goes into one anonymous memory map of ``limit`` bytes, made at the first
    byte: pages are taken as they are written and all given back to the system when it is
    released (at the end, or at once when the limit is passed). Kept as many small heap blocks
    (the decoder's output pieces), a bomb stopped at the cap left its 32 MB in the allocator's
    free lists, and a long-running sync grew by that much at every hostile answer.
    """

    def __init__(self, limit: int, keep: bool = True) -> None:
        self.limit, self.keep, self.size = limit, keep, 0
        self._buf: mmap.mmap | None = None

    def write(self, data) -> int:  # noqa: ANN001 (a buffer from zstandard)
        n = len(data)
        if self.size + n > self.limit:
            self.size += n
            self.release()  # nothing past the cap is ever written, and nothing kept is held on
            raise ProtocolError(f"body decompresses to more than {self.limit} bytes", 413, "too_large")
        if self.keep and n:
            if self._buf is None:
                self._buf = mmap.mmap(-1, max(1, self.limit))
            self._buf[self.size : self.size + n] = data
        self.size += n
        return n

    def value(self) -> bytes:
        """What was kept (one copy, sized to it), the map released."""
        if self._buf is None:
            return b""
        try:
            return self._buf[: self.size]
        finally:
            self.release()

    def release(self) -> None:
        if self._buf is not None:
            self._buf.close()
            self._buf = None


class Decoder:
    """Incremental, capped decoding of a body that arrives in pieces (a request or an answer).

    Both the bytes on the wire (``max_body``) and the decoded bytes (``max_decoded``) are
    capped while the body streams in, so a chunked body or a decompression bomb is refused
    (``ProtocolError`` 413) after reading at most the cap, never the whole of it.
    """

    def __init__(
        self,
        content_encoding: str | None,
        *,
        max_body: int = MAX_BODY,
        max_decoded: int = MAX_DECODED,
        encodings: tuple[str, ...] = (ENCODING, "identity"),
        keep: bool = True,
        dict_id: str | None = None,
    ) -> None:
        enc = (content_encoding or "identity").strip().lower() or "identity"
        if enc not in encodings:
            allowed = ", ".join(e for e in encodings if e != "identity")
            raise ProtocolError(
                f"unsupported Content-Encoding {content_encoding!r} (use {allowed})", 415, "encoding"
            )
        self.encoding = enc
        self.max_body = max_body
        self.received = 0
        self._sink = _Sink(max_decoded, keep)
        self._zstd = None
        if enc == ENCODING:
            self._zstd = zstandard.ZstdDecompressor().stream_writer(self._sink)
        elif enc == DICT_ENCODING:
            zdict = known_dict(dict_id)
            if zdict is None:
                raise ProtocolError(
                    f"unknown zstd dictionary {dict_id!r} in {DICT_HEADER}; send plain {ENCODING}",
                    415,
                    "unknown_dictionary",
                )
            # the same sink counts what it decodes: a dictionary bomb stops at the same cap
            self._zstd = zdict.decompressor().stream_writer(self._sink)
        # gzip (or a zlib stream some servers send as gzip) and deflate, where the caller allows them
        wbits = {"gzip": zlib.MAX_WBITS | 32, "x-gzip": zlib.MAX_WBITS | 32, "deflate": zlib.MAX_WBITS}.get(
            enc
        )
        self._gzip = zlib.decompressobj(wbits=wbits) if wbits is not None else None

    def feed(self, chunk: bytes) -> None:
        self.received += len(chunk)
        try:
            if self.received > self.max_body:
                raise ProtocolError(f"body is over the limit of {self.max_body} bytes", 413, "too_large")
            if self._zstd is not None:
                self._zstd.write(chunk)
            elif self._gzip is not None:
                data = chunk
                while data:  # max_length bounds each step: a bomb never expands in one go
                    self._sink.write(self._gzip.decompress(data, 1 << 16))
                    data = self._gzip.unconsumed_tail
            else:
                self._sink.write(chunk)
        except zstandard.ZstdError as exc:
            self._sink.release()
            raise ProtocolError(f"body is not a valid zstd frame: {exc}") from None
        except zlib.error as exc:
            self._sink.release()
            raise ProtocolError(f"body is not valid gzip: {exc}") from None
        except ProtocolError:
            self._sink.release()
            raise

    def finish(self) -> bytes:
        try:
            if self._zstd is not None:
                self._zstd.flush()
            elif self._gzip is not None:
                self._sink.write(self._gzip.flush())
                if not self._gzip.eof:
                    raise ProtocolError("gzip body is truncated")
        except zstandard.ZstdError as exc:
            self._sink.release()
            raise ProtocolError(f"body is not a valid zstd frame: {exc}") from None
        except ProtocolError:
            self._sink.release()
            raise
        return self._sink.value()

    def release(self) -> None:
        """Give back what was decoded so far (a body abandoned half-way)."""
        self._sink.release()

    @property
    def decoded_size(self) -> int:
        return self._sink.size


def decompress(data: bytes, limit: int = MAX_DECODED, dict_id: str | None = None) -> bytes:
    """Decompress a zstd frame (with the dictionary ``dict_id`` if given), refusing anything
    that grows past ``limit`` bytes."""
    enc = DICT_ENCODING if dict_id is not None else ENCODING
    d = Decoder(enc, max_body=len(data), max_decoded=limit, encodings=(enc,), dict_id=dict_id)
    d.feed(data)
    return d.finish()


def decompressed_size(data: bytes, limit: int) -> int:
    """The decoded size of a zstd body, found without keeping it (ProtocolError past ``limit``)."""
    d = Decoder(ENCODING, max_body=len(data), max_decoded=limit, keep=False)
    for i in range(0, len(data), 1 << 20):
        d.feed(data[i : i + (1 << 20)])
    d.finish()
    return d.decoded_size


def _parse_int(literal: str) -> int:
    """An integer of the document, refused before conversion when no 64-bit column holds it
    (int() of a 5,000-digit literal is slow, then over Python's own limit)."""
    if len(literal) - literal.startswith("-") > MAX_INT_DIGITS:
        raise ProtocolError(f"body holds an integer of more than {MAX_INT_DIGITS} digits")
    value = int(literal)
    if not -MAX_SEQ - 1 <= value <= MAX_SEQ:
        raise ProtocolError(f"body holds an integer outside the signed 64-bit range: {literal}")
    return value


def _parse_float(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        raise ProtocolError(f"body holds a number out of range: {literal[:40]}")
    return value


def _parse_constant(name: str) -> Any:
    raise ProtocolError(f"body holds {name}, which is not a JSON number")


# a \uD800-\uDFFF escape in the raw text: the only way a lone surrogate gets into a document
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _check_surrogates(doc: Any) -> None:
    """Refuse a lone surrogate anywhere (a key or a string): it is no Unicode text, and no
    store can encode it. Only walked when the raw text has such an escape (a pair is fine)."""
    stack = [doc]
    while stack:
        o = stack.pop()
        if isinstance(o, dict):
            stack.extend(o.keys())
            stack.extend(o.values())
        elif isinstance(o, list):
            stack.extend(o)
        elif isinstance(o, str) and _SURROGATE.search(o):
            raise ProtocolError("body holds a lone surrogate (\\ud800-\\udfff), which is not text")


def loads(raw: bytes) -> Any:
    """A JSON document whose every value a store can keep: integers within 64 bits, finite
    numbers, text without lone surrogates (ProtocolError otherwise)."""
    try:
        doc = json.loads(
            raw.decode("utf-8"),
            parse_int=_parse_int,
            parse_float=_parse_float,
            parse_constant=_parse_constant,
        )
    except ProtocolError:
        raise
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProtocolError(f"body is not UTF-8 JSON: {exc}") from None
    except RecursionError:
        raise ProtocolError("body is nested too deeply") from None
    except ValueError as exc:  # a number Python itself will not convert
        raise ProtocolError(f"body holds a value out of range: {str(exc)[:100]}") from None
    if _SURROGATE_ESCAPE.search(raw):
        _check_surrogates(doc)
    return doc


def decode_body(body: bytes, content_encoding: str | None) -> Any:
    if len(body) > MAX_BODY:
        raise ProtocolError(f"body of {len(body)} bytes is over the limit of {MAX_BODY}", 413, "too_large")
    d = Decoder(content_encoding)
    d.feed(body)
    return loads(d.finish())


def check_media_type(content_type: str | None) -> None:
    """A sync body is the protocol's media type; none given is taken as it, another is 415."""
    if not content_type:
        return
    if content_type.split(";", 1)[0].strip().lower() != MEDIA_TYPE:
        raise ProtocolError(f"Content-Type must be {MEDIA_TYPE}, not {content_type!r}", 415, "media_type")


def check_depth(obj: Any, limit: int = MAX_DEPTH) -> None:
    """Refuse documents nested deeper than ``limit`` (they crash encoders and serve no one)."""
    stack: list[tuple[Any, int]] = [(obj, 1)]
    while stack:
        o, depth = stack.pop()
        if isinstance(o, dict):
            children = o.values()
        elif isinstance(o, list):
            children = o
        else:
            continue
        if depth > limit:
            raise ProtocolError(f"document nested more than {limit} levels")
        stack.extend((c, depth + 1) for c in children)


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
    case_uid: str = ""  # optional on a push; the hub checks it against the case's uid
    # the workstation's audit chain link (app.domain.audit_chain); 0/"" from a window older than it
    n: int = 0
    prev: str | None = None  # None: not sent (the hash of n-1, in the same batch)
    hash: str = ""  # "" when only its tag was sent (within a run; sync.hub.audit_store)
    tag: str = ""  # ALG ":" the hash's first 8 hex digits
    # the payload as canonical JSON (sorted keys, compact, UTF-8: app.domain.audit_chain's
    # payload_text), made once by parse_event for its size check, the hub's row and the chain
    p_text: str = field(default="", compare=False, repr=False)

    def to_json(self) -> dict[str, Any]:
        out = {
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
        if self.case_uid:
            out["case_uid"] = self.case_uid
        if self.n:
            out["n"] = self.n
            for key in ("prev", "hash", "tag"):
                if getattr(self, key):
                    out[key] = getattr(self, key)
            if self.prev == "":
                out["prev"] = ""
        return out


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
    check_depth(p)
    p_text = json.dumps(p, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    if len(p_text.encode("utf-8")) > MAX_EVENT_BYTES:
        raise ProtocolError(f"event {eid}: payload over {MAX_EVENT_BYTES} bytes", 413, "too_large")
    n, prev, chain_hash, tag = _chain_link(eid, d)
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
        _str(d, "case_uid", 64, required=False),
        n,
        prev,
        chain_hash,
        tag,
        p_text,
    )


def _chain_link(eid: str, d: dict) -> tuple[int, str | None, str, str]:
    """(n, prev, hash, tag) of an event's audit chain link; (0, None, "", "") when it has none
    (an older window: still accepted, see sync/hub/audit_store.py). An event carries ``hash``
    or its ``tag``, and ``prev`` unless it follows n-1 in the same batch. The shape only: the
    hub checks the values."""
    n = d.get("n")
    if n is None:
        return 0, None, "", ""
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_CHAIN_N:
        raise ProtocolError(f"event {eid}: chain number n must be an integer 1..{MAX_CHAIN_N}")
    prev, chain_hash, tag = d.get("prev"), d.get("hash", ""), d.get("tag", "")
    if not isinstance(chain_hash, str) or (chain_hash and not _CHAIN_HASH_RE.match(chain_hash)):
        raise ProtocolError(f"event {eid}: chain hash must be ALG:64 hex digits")
    if not isinstance(tag, str) or (tag and not _CHAIN_TAG_RE.match(tag)) or not (chain_hash or tag):
        raise ProtocolError(f"event {eid}: a chain link needs its hash (ALG:64 hex digits) or tag (ALG:8)")
    if prev is not None and (not isinstance(prev, str) or (prev and not _CHAIN_HASH_RE.match(prev))):
        raise ProtocolError(f"event {eid}: chain prev must be empty or ALG:64 hex digits")
    return n, prev, chain_hash, tag


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


# --- a window's report about itself, sent with its pull (the console's workstations page) ---------------
STATUS_WAITING = "X-Yichuang-Waiting"  # "events=N; scans=M": not yet at the hub when the cycle began
STATUS_CLOCK = "X-Yichuang-Clock"  # the window's UTC clock when it sent the request (ISO 8601)
STATUS_OFFICE_NAME = "X-Yichuang-Office-Name"  # percent-encoded UTF-8 (headers are Latin-1)
STATUS_WINDOW = "X-Yichuang-Window"


def status_headers(
    *, events: int, scans: int, clock: str, office_name: str = "", window: str = ""
) -> dict[str, str]:
    from urllib.parse import quote

    return {
        STATUS_WAITING: f"events={int(events)}; scans={int(scans)}",
        STATUS_CLOCK: clock,
        STATUS_OFFICE_NAME: quote(office_name[:100], safe=""),
        STATUS_WINDOW: quote(window[:100], safe=""),
    }


def parse_status_headers(headers) -> dict | None:
    """The report of status_headers, or None when the request carries none (an older window).
    Malformed parts are dropped, never trusted: numbers are bounded, names cut to 100 characters."""
    from datetime import datetime
    from urllib.parse import unquote

    waiting = headers.get(STATUS_WAITING)
    if waiting is None:
        return None
    out: dict = {"events": None, "scans": None, "clock": None, "office_name": "", "window": ""}
    for part in waiting.split(";"):
        key, _, value = part.strip().partition("=")
        if key in ("events", "scans") and value.isdigit() and len(value) <= 9:
            out[key] = int(value)
    clock = headers.get(STATUS_CLOCK, "")
    try:
        when = datetime.fromisoformat(clock) if 10 <= len(clock) <= 40 else None
        out["clock"] = when if when is not None and when.tzinfo is not None else None
    except ValueError:
        pass
    for key, header in (("office_name", STATUS_OFFICE_NAME), ("window", STATUS_WINDOW)):
        text = unquote(headers.get(header, "")[:400], errors="replace")[:100]
        out[key] = "".join(ch for ch in text if ch.isprintable())
    return out
