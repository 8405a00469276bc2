"""What a hub's answer must be before the sync client believes it (sync.transport reads it):
decoded under a cap, not denser than real JSON, shaped as the protocol says. Any failure is a
SyncError (or a protocol.ProtocolError the client turns into one), never another exception."""

from __future__ import annotations

from typing import Any

from app.domain.failures import Failure, explain
from app.messages import t
from sync import protocol

MAX_ANSWER_DECODED = protocol.MAX_DECODED  # bytes of an answer after decompression
# what a 2xx answer may be encoded with (decoded as it arrives, under sync.transport's caps)
ANSWER_ENCODINGS = (protocol.ENCODING, protocol.DICT_ENCODING, "gzip", "x-gzip", "deflate", "identity")


class SyncError(Exception):
    """kind: offline (no answer), slow (the exchange overran its deadline), hub (bad or failed
    answer), auth (token refused), config, local (this computer's side).

    The text is a message of the catalogue (``key`` with ``fields``): clerks see it.
    ``retry_after``: seconds the hub asked to be left alone for (429/503 with Retry-After), as
    it said them; the caller caps them.
    """

    def __init__(
        self,
        kind: str,
        key: str,
        *,
        retry_after: float | None = None,
        cause: Failure | None = None,
        **fields: Any,
    ) -> None:
        self.kind = kind
        self.key = key
        self.fields = fields
        self.retry_after = retry_after
        self.cause = cause  # what the OS or a library said, read by app.domain.failures
        super().__init__(t(key, **fields))

    @property
    def detail(self) -> str:
        """The library's or the hub's own words (for admins and the log, not the clerk)."""
        return self.cause.detail if self.cause is not None else ""

    @property
    def advice(self) -> str:
        """What to do, when the cause says it ("" otherwise)."""
        if self.cause is None or self.cause.name in ("other", "os_other"):
            return ""
        return self.cause.advice()

    @classmethod
    def of(cls, kind: str, key: str, cause: Failure, **fields: Any) -> SyncError:
        """``key`` with ``detail``: the cause in the user's words."""
        return cls(kind, key, cause=cause, detail=cause.text(), **fields)


def is_count(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def check_push_answer(doc: Any, events: list[dict]) -> None:
    """The answer must account for every event of the batch, and only for them, or nothing is
    marked sent: ok + dup + refused = batch size, each refused id one of the batch's, once."""
    if not (
        isinstance(doc, dict)
        and is_count(doc.get("ok"))
        and is_count(doc.get("dup", 0))
        and isinstance(doc.get("refused"), list)
        and all(isinstance(x, dict) and isinstance(x.get("id"), str) for x in doc["refused"])
    ):
        raise SyncError("hub", "sync.err_shape", what="push")
    sent = {e["id"] for e in events}
    refused = [x["id"] for x in doc["refused"]]
    if any(i not in sent for i in refused) or len(set(refused)) != len(refused):
        raise SyncError("hub", "sync.err_ack_foreign")
    accounted = doc["ok"] + doc.get("dup", 0) + len(refused)
    if accounted != len(events):
        raise SyncError("hub", "sync.err_ack_count", accounted=accounted, sent=len(events))


def check_pull_answer(doc: Any, after: int) -> None:
    """A page is an object with a list of event objects, a cursor that is a non-negative
    integer, and ``more``; a page that says "more" must move the cursor (no endless loop)."""
    if not (
        isinstance(doc, dict)
        and isinstance(doc.get("events"), list)
        and isinstance(doc.get("more"), bool)
        and all(isinstance(e, dict) for e in doc["events"])
    ):
        raise SyncError("hub", "sync.err_shape", what="pull")
    cursor = doc.get("cursor")
    if not is_count(cursor):
        raise SyncError("hub", "sync.err_cursor", cursor=str(cursor)[:40])
    assert isinstance(cursor, int)  # is_count said so; for the type checker
    if doc["more"] and cursor <= after:
        raise SyncError("hub", "sync.err_no_progress", cursor=cursor)
    for key in ("cat", "cal", "now", "bk"):
        if key in doc and doc[key] is not None and not isinstance(doc[key], str):
            raise SyncError("hub", "sync.err_shape", what="pull")
    for e in doc["events"]:
        try:
            protocol.parse_event(e)
        except protocol.ProtocolError as exc:
            raise SyncError.of("hub", "sync.err_unreadable", explain(exc)) from None
        if "seq" in e and not is_count(e["seq"]):
            raise SyncError("hub", "sync.err_shape", what="pull")


def decode(
    body: bytes, content_encoding: str | None, limit: int = MAX_ANSWER_DECODED, dict_id: str | None = None
) -> bytes:
    """The body without its Content-Encoding, refusing anything that grows past ``limit``
    (``zstd-dict``: with the shared dictionary ``dict_id``, which must be one this side knows).
    Decoded in pieces under the cap, like an answer as it arrives."""
    d = protocol.Decoder(
        content_encoding,
        max_body=max(1, len(body)),
        max_decoded=limit,
        encodings=ANSWER_ENCODINGS,
        dict_id=(dict_id or "")
        if (content_encoding or "").strip().lower() == protocol.DICT_ENCODING
        else None,
    )
    try:
        for i in range(0, len(body), 1 << 16):
            d.feed(body[i : i + (1 << 16)])
        return d.finish()
    finally:
        d.release()


DENSE_FROM = 1 << 20  # smaller answers cannot grow much when parsed, whatever they hold
MAX_PARSED_PER_BYTE = 12  # what parsing may cost per byte of JSON (real answers: about 5)


def check_density(body: bytes) -> None:
    """Refuse JSON that would take far more memory parsed than its size: 31 MB of empty arrays
    (within the decoded cap) are ten million list objects, about 900 MB. A cheap upper bound
    of the cost (a container ~128 bytes, a value ~48, counted by their brackets and commas,
    in strings too) is held to MAX_PARSED_PER_BYTE times the body's size."""
    if len(body) <= DENSE_FROM:
        return
    cost = 128 * (body.count(b"[") + body.count(b"{")) + 48 * body.count(b",") + len(body)
    if cost > MAX_PARSED_PER_BYTE * len(body):
        raise protocol.ProtocolError(
            f"the answer would take about {cost >> 20} MB to read ({len(body) >> 20} MB of JSON)",
            422,
            "too_dense",
        )
