"""The sync protocol's HTTP client: a workstation talking to its hub, or a county hub
forwarding to its province. Transport only; what is sent and what an answer means for the
local store is the caller's business.

The hub's answers are untrusted input. Every exchange has a deadline for the whole of it
(a watchdog closes the connection when it passes, so an answer that drips one byte every
2 s cannot hold sync for ever); every answer is read as a stream with a cap on its bytes and
decoded here with a cap on what it decompresses to (a zstd bomb stops at the protocol's
limit, memory stays flat); every answer's shape is checked before the caller sees it. Any
of these failures is a SyncError, never another exception. TLS certificates are verified.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from app.domain.failures import explain, explain_status
from sync import protocol
from sync.answers import (
    ANSWER_ENCODINGS,
    MAX_ANSWER_DECODED,
    SyncError,
    check_density,
    check_pull_answer,
    check_push_answer,
    decode,
    is_count,
)

PULL_PAGE = 1000
PUSH_LEVEL = 22  # zstd level of a batch: the link is the bottleneck, the CPU (~0.4 s a batch) is not
DEADLINE = 180.0  # seconds for one whole exchange (request, answer headers and body) ...
MIN_RATE = 2048.0  # ... plus one second for every MIN_RATE bytes of answer that arrived: a big
# answer on a slow link gets its time, a drip (a byte every 2 s) does not
MAX_ANSWER = protocol.MAX_BODY  # bytes of an answer as it arrives (compressed)
MAX_ERROR_ANSWER = 64 * 1024  # an error page is read only this far
# Retry-After (429, 503) is honoured up to this many seconds: a hub, or a proxy before it, that
# asks for hours does not silence a window for that long
RETRY_AFTER_CAP = 600.0
# hubs (by URL) that refused the shared dictionary (415): this process pushes plain zstd to them
_NO_DICT: set[str] = set()
_NO_DICT_LOCK = threading.Lock()


def _bare(exc: BaseException) -> BaseException:
    """The exception without what it drags along: its traceback's frames hold every local of
    the failed exchange (answer bytes, a decoder), and a kept error (the last one, on screen)
    would hold them for as long as it is kept."""
    exc.__traceback__ = None
    exc.__context__ = None
    exc.__cause__ = None
    return exc


def retry_after(headers: httpx.Headers, now: float | None = None) -> float | None:
    """Seconds a Retry-After header asks for (delay-seconds, or an HTTP-date counted from the
    answer's own Date when it has one, so a PC's wrong clock does not stretch it); None when
    absent or unreadable."""
    value = (headers.get("retry-after") or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(min(int(value[:12]), 10**9))
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None or when.tzinfo is None:
        return None
    base = None
    date = headers.get("date")
    if date:
        try:
            base = parsedate_to_datetime(date)
        except (TypeError, ValueError, IndexError, OverflowError):
            base = None
    if base is not None and base.tzinfo is not None:
        return max(0.0, (when - base).total_seconds())
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def deadline_seconds() -> float:
    """The whole-exchange deadline; YICHUANG_HUB_DEADLINE overrides it (very slow links, tests)."""
    try:
        value = float(os.environ.get("YICHUANG_HUB_DEADLINE", "") or DEADLINE)
    except ValueError:
        return DEADLINE
    return value if value > 0 else DEADLINE


def _timeout(deadline: float) -> httpx.Timeout:
    per_op = min(120.0, deadline)
    return httpx.Timeout(connect=min(10.0, deadline), read=per_op, write=per_op, pool=min(10.0, deadline))


@dataclass
class Answer:
    """A hub's answer, read whole within its caps: a 2xx body decoded (``decoded``), an error
    page's start as it came; ``problem``: why a 2xx body could not be decoded."""

    status_code: int
    headers: httpx.Headers
    content: bytes
    decoded: bool = False
    problem: protocol.ProtocolError | None = None

    def json(self) -> Any:
        body = self.content if self.decoded else decode(self.content, self.headers.get("content-encoding"))
        return json.loads(body.decode("utf-8"))


class _Watchdog:
    """Closes this client's sockets when an exchange overruns its deadline.

    httpx's timeouts are per read; a server sending one byte just inside each of them never
    trips one. The sockets are learnt from httpcore's ``trace`` hook as connections open; a
    shutdown from this thread wakes the reader with an error at once.
    """

    def __init__(self) -> None:
        self._socks: list[socket.socket] = []
        self._lock = threading.Lock()
        self.fired = False
        self.until = 0.0  # monotonic time the exchange must end by (moved on by progress)
        self._timer: threading.Timer | None = None

    def trace(self, name: str, info: dict) -> None:
        if name == "connection.connect_tcp.complete":
            stream = info.get("return_value")
            sock = stream.get_extra_info("socket") if stream is not None else None
            if sock is not None:
                with self._lock:
                    self._socks = [s for s in self._socks if s.fileno() != -1] + [sock]

    def arm(self, seconds: float) -> None:
        self.fired = False
        self.until = time.monotonic() + seconds
        self._start(seconds)

    def _start(self, seconds: float) -> None:
        self._timer = threading.Timer(max(0.01, seconds), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _fire(self) -> None:
        left = self.until - time.monotonic()
        if left > 0 and self._timer is not None:  # the answer made progress: later
            self._start(left)
            return
        self.fired = True
        with self._lock:
            socks = list(self._socks)
        for s in socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class HubClient:
    def __init__(
        self,
        url: str,
        token: str,
        *,
        verify: Any = True,
        timeout: httpx.Timeout | None = None,
        deadline: float | None = None,
        headers: dict[str, str] | None = None,
        zdict: protocol.ZstdDict | None | bool = True,
        push_headers: dict[str, str] | None = None,
    ) -> None:
        """``zdict``: the shared dictionary pushes are compressed with (True: the one this
        protocol version ships; None or False: plain zstd). ``push_headers`` go with pushes
        only (on a 64 kbit/s link every header of every request is paid for)."""
        if not url:
            raise SyncError("config", "sync.err_no_url")
        if not token:
            raise SyncError("config", "sync.err_no_token")
        self.url = url.rstrip("/")
        self._args = (
            url,
            token,
            verify,
            timeout,
            deadline,
            dict(headers or {}),
            zdict,
            dict(push_headers or {}),
        )
        self.push_headers = dict(push_headers or {})
        self.zdict = protocol.shipped_dict() if zdict is True else (zdict or None)
        self.deadline = deadline or deadline_seconds()
        self.answers = 0  # complete answers read (the hub was there, even if it said no)
        self._dog = _Watchdog()
        self.http = httpx.Client(
            base_url=self.url,
            verify=verify,
            timeout=timeout or _timeout(self.deadline),
            headers={
                "Authorization": f"Bearer {token}",
                "User-Agent": "yichuang",
                "Accept-Encoding": "zstd",
                **(headers or {}),
            },
        )
        # httpx's defaults that say nothing here (any answer type; HTTP/1.1 keeps alive anyway)
        for name in ("Accept", "Connection"):
            self.http.headers.pop(name, None)

    def sibling(self) -> HubClient:
        """A second client on its own connection to the same hub (pipelined pushes)."""
        url, token, verify, timeout, deadline, headers, zdict, push_headers = self._args
        return HubClient(
            url,
            token,
            verify=verify,
            timeout=timeout,
            deadline=deadline,
            headers=headers,
            zdict=zdict,
            push_headers=push_headers,
        )

    def close(self) -> None:
        self._dog.disarm()
        self.http.close()

    def __enter__(self) -> HubClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- plumbing ---------------------------------------------------------------------------------
    def _call(self, method: str, path: str, **kw) -> Answer:
        """One exchange within the deadline. A 2xx answer is decoded as it arrives, with caps on
        the bytes on the wire and on what they decode to (a bomb is stopped at the cap, and the
        rest of it is never read); an error page is read only to its first MAX_ERROR_ANSWER
        bytes. 429 and 503 with a Retry-After become a SyncError that carries the wait."""
        started = time.monotonic()
        self._dog.arm(self.deadline)
        try:
            with self.http.stream(method, path, extensions={"trace": self._dog.trace}, **kw) as r:
                answer = self._read(r, started)
        except httpx.TransportError as exc:
            if self._dog.fired:
                raise SyncError("slow", "sync.err_deadline", seconds=round(self.deadline)) from None
            cause = explain(exc)
            # reached: the connection was made, then broke (a cut answer is not "cannot connect")
            key = "sync.err_cut" if cause.reached else "sync.err_offline"
            raise SyncError.of("offline", key, cause) from None
        except httpx.HTTPError as exc:  # anything else httpx may raise about a broken answer
            raise SyncError.of("hub", "sync.err_unreadable", explain(exc)) from None
        finally:
            self._dog.disarm()
        self.answers += 1
        if answer.status_code in (401, 403):
            cause = explain_status(answer.status_code, _message(answer), _code(answer))
            raise SyncError.of("auth", "sync.err_auth", cause, status=answer.status_code)
        if answer.status_code in (429, 503):
            wait = retry_after(answer.headers)
            if wait is not None:
                raise SyncError(
                    "hub",
                    "sync.err_retry_after",
                    status=answer.status_code,
                    seconds=round(wait),
                    retry_after=wait,
                    cause=explain_status(answer.status_code, _message(answer), _code(answer)),
                )
        return answer

    def _read(self, r: httpx.Response, started: float) -> Answer:
        """The answer's body within its caps: decoded (2xx) or raw (an error page's start)."""
        ok = r.status_code < 300
        cap = MAX_ANSWER if ok else MAX_ERROR_ANSWER
        declared = r.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise SyncError("hub", "sync.err_too_large", limit=cap)
        decoder: protocol.Decoder | None = None
        problem: protocol.ProtocolError | None = None
        if ok:
            try:
                decoder = protocol.Decoder(
                    r.headers.get("content-encoding"),
                    max_body=MAX_ANSWER,
                    max_decoded=MAX_ANSWER_DECODED,
                    encodings=ANSWER_ENCODINGS,
                    dict_id=r.headers.get(protocol.DICT_HEADER),
                )
            except protocol.ProtocolError as exc:
                problem = _bare(exc)  # said when the body is wanted (_json); an empty 204 is fine
        raw = bytearray()
        size = 0
        try:
            for piece in r.iter_raw():  # as it arrives (a chunk size would buffer)
                size += len(piece)
                self._dog.until = started + self.deadline + size / MIN_RATE
                if decoder is not None:
                    try:
                        decoder.feed(piece)
                    except protocol.ProtocolError as exc:
                        if exc.status == 413:
                            limit = MAX_ANSWER if size > MAX_ANSWER else MAX_ANSWER_DECODED
                            raise SyncError("hub", "sync.err_too_large", limit=limit) from None
                        problem, decoder = _bare(exc), None  # a broken frame: the rest is not read
                        break
                elif ok:
                    if size > cap:
                        raise SyncError("hub", "sync.err_too_large", limit=cap)
                    continue  # undecodable: only counted, never kept
                else:
                    raw += piece
                    if len(raw) > cap:  # an error page: its start is enough
                        del raw[cap:]
                        break
                if time.monotonic() > self._dog.until:
                    raise SyncError("slow", "sync.err_deadline", seconds=round(self.deadline))
            if decoder is not None:
                try:
                    return Answer(r.status_code, r.headers, decoder.finish(), decoded=True)
                except protocol.ProtocolError as exc:
                    if exc.status == 413:
                        raise SyncError("hub", "sync.err_too_large", limit=MAX_ANSWER_DECODED) from None
                    problem = _bare(exc)
            return Answer(r.status_code, r.headers, bytes(raw), problem=problem)
        finally:
            if decoder is not None:
                decoder.release()  # an answer abandoned half-way gives its memory back

    def _json(self, r: Answer) -> Any:
        if r.status_code >= 300:
            cause = explain_status(r.status_code, _message(r), _code(r))
            raise SyncError.of("hub", "sync.err_http", cause, status=r.status_code)
        if r.problem is not None:
            raise SyncError.of("hub", "sync.err_unreadable", explain(r.problem))
        try:
            body = r.content if r.decoded else decode(r.content, r.headers.get("content-encoding"))
            check_density(body)
            return protocol.loads(body)
        except protocol.ProtocolError as exc:
            if exc.status == 413:
                raise SyncError("hub", "sync.err_too_large", limit=MAX_ANSWER_DECODED) from None
            raise SyncError.of("hub", "sync.err_unreadable", explain(exc)) from None
        except RecursionError as exc:
            raise SyncError.of(
                "hub", "sync.err_unreadable", explain(protocol.ProtocolError(str(exc)))
            ) from None

    # --- endpoints --------------------------------------------------------------------------------
    def push(self, events: list[dict], batch_id: str, *, hold: threading.Event | None = None) -> dict:
        """Send one batch; the answer is checked to account for every event of it.

        ``hold``: the body's last bytes wait until it is set (the previous batch's answer came
        back), so this batch crosses the link while the hub works on the previous one, but the
        hub cannot start on it before it has answered that one.

        The body is compressed with the shared dictionary unless this hub refused it (415: a
        hub that predates it, or knows another): then it goes again as plain zstd, and so does
        every later push of this process to that hub.
        """
        doc_out = {"v": protocol.VERSION, "batch": batch_id, "events": events}
        zdict = self.zdict
        with _NO_DICT_LOCK:
            if self.url in _NO_DICT:
                zdict = None
        if zdict is not None:
            r = self._push_body(protocol.compress(doc_out, PUSH_LEVEL, zdict), hold, zdict.id)
            if r.status_code == 415:
                with _NO_DICT_LOCK:
                    _NO_DICT.add(self.url)
                zdict = None
        if zdict is None:
            r = self._push_body(protocol.compress(doc_out, PUSH_LEVEL), hold, None)
        doc = self._json(r)
        check_push_answer(doc, events)
        return doc

    def _push_body(self, body: bytes, hold: threading.Event | None, dict_id: str | None) -> Answer:
        content: Any = body
        if hold is not None and len(body) > 1:

            def held():
                yield body[:-1]
                hold.wait(self.deadline)
                yield body[-1:]

            content = held()
        headers = {
            **self.push_headers,
            "Content-Type": protocol.MEDIA_TYPE,
            "Content-Encoding": protocol.ENCODING,
            "Content-Length": str(len(body)),  # not chunked, even when streamed
        }
        if dict_id is not None:
            headers["Content-Encoding"] = protocol.DICT_ENCODING
            headers[protocol.DICT_HEADER] = dict_id
        return self._call("POST", "/api/v1/sync/push", content=content, headers=headers)

    def pull(
        self,
        after: int,
        *,
        cat: str = "",
        cal: str = "",
        ops: int | None = None,
        limit: int = PULL_PAGE,
        report: dict | None = None,
        bk: str | None = None,
        wait: int | None = None,
    ) -> dict:
        """One page of decisions. ``ops``: the operator accounts' revision this window holds (the
        hub names its own only when it differs). ``report``: what the window tells the hub about
        itself for the back office's workstations page (protocol.status_headers: waiting events
        and scans, its clock, office and window names). ``wait``: seconds the hub may hold the
        answer while it has nothing to say (a hub that does so says ``"w"`` in its answer)."""
        params = {"after": str(after), "limit": str(limit)}
        if wait:
            params["wait"] = str(wait)
        if cat:
            params["cat"] = cat
        if cal:
            params["cal"] = cal
        if ops is not None:  # the operator-account revision held: the hub says "ops" if it has another
            params["ops"] = str(ops)
        if bk is not None:  # the fingerprint of the hub's bundle key held: the hub sends "bk" if it differs
            params["bk"] = bk
        # naming the dictionary we hold lets the hub compress the page with it (an older hub
        # ignores the header and answers plain zstd)
        headers = {protocol.DICT_HEADER: self.zdict.id} if self.zdict is not None else {}
        if report is not None:
            headers.update(protocol.status_headers(**report))
        doc = self._json(self._call("GET", "/api/v1/sync/pull", params=params, headers=headers))
        check_pull_answer(doc, after)
        return doc

    def catalogue_delta(self, have: str) -> dict:
        doc = self._json(self._call("GET", "/api/v1/catalogue", params={"have": have}))
        if not isinstance(doc, dict) or not isinstance(doc.get("to"), str):
            raise SyncError("hub", "sync.err_shape", what="catalogue")
        return doc

    def calendar(self) -> dict:
        doc = self._json(self._call("GET", "/api/v1/calendar"))
        if not isinstance(doc, dict):
            raise SyncError("hub", "sync.err_shape", what="calendar")
        return doc

    def last_numbers(self) -> dict:
        """{"office", "ws", "days": {YYMMDD: highest sequence}} the hub knows for this window."""
        doc = self._json(self._call("GET", "/api/v1/numbers"))
        if not isinstance(doc, dict) or not isinstance(doc.get("days"), dict):
            raise SyncError("hub", "sync.err_shape", what="numbers")
        return doc

    def operators(self, after: int) -> dict:
        """{"rev", "operators": [...]}: accounts of this office changed after revision `after`."""
        doc = self._json(self._call("GET", "/api/v1/operators", params={"after": str(after)}))
        if (
            not isinstance(doc, dict)
            or not is_count(doc.get("rev"))
            or not isinstance(doc.get("operators"), list)
            or not all(
                isinstance(a, dict)
                and all(isinstance(a.get(k), str) for k in ("name", "role", "hash"))
                and isinstance(a.get("key", ""), str)
                and is_count(a.get("rev"))
                for a in doc["operators"]
            )
        ):
            raise SyncError("hub", "sync.err_shape", what="operators")
        return doc

    def push_operator_changes(self, changes: list[dict]) -> list[dict]:
        """The answer must account for every change sent, once each."""
        body = protocol.compress({"v": protocol.VERSION, "changes": changes})
        headers = {"Content-Type": protocol.MEDIA_TYPE, "Content-Encoding": protocol.ENCODING}
        doc = self._json(self._call("POST", "/api/v1/operators", content=body, headers=headers))
        results = doc.get("results") if isinstance(doc, dict) else None
        sent = {c["id"] for c in changes}
        if (
            not isinstance(results, list)
            or not all(isinstance(r, dict) and r.get("id") in sent for r in results)
            or {r["id"] for r in results} != sent
            or len(results) != len(sent)
        ):
            raise SyncError("hub", "sync.err_shape", what="operators")
        return results

    def healthz(self) -> dict:
        return self._json(self._call("GET", "/healthz"))

    def bound_keys(self) -> list[dict]:
        """The receipt keys the hub's admin bound to this window's token (GET /api/v1/keys)."""
        doc = self._json(self._call("GET", "/api/v1/keys"))
        keys = doc.get("keys") if isinstance(doc, dict) else None
        if not isinstance(keys, list) or not all(
            isinstance(k, dict) and all(isinstance(k.get(f), str) for f in ("alg", "key_id", "public_key"))
            for k in keys
        ):
            raise SyncError("hub", "sync.err_shape", what="keys")
        return keys


def _message(r: Answer) -> str:
    """The hub's own words about an error, short (a hostile page cannot flood the screen)."""
    try:
        doc = protocol.loads(decode(r.content, r.headers.get("content-encoding"), MAX_ERROR_ANSWER))
        text = str(doc.get("message") or doc) if isinstance(doc, dict) else str(doc)
    except Exception:
        text = r.content[:200].decode("utf-8", "replace")
    return " ".join(text.split())[:200] or str(r.status_code)


def _code(r: Answer) -> str:
    """The hub's error code (``{"error": CODE}``), "" when the answer has none."""
    try:
        doc = protocol.loads(decode(r.content, r.headers.get("content-encoding"), MAX_ERROR_ANSWER))
    except Exception:
        return ""
    code = doc.get("error") if isinstance(doc, dict) else None
    return code[:40] if isinstance(code, str) else ""


def reachable(url: str, timeout: float = 3.0) -> bool:
    """A TCP connect to the hub: costs no payload bytes, tells whether the link is back."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname or "", port), timeout=timeout):
            return True
    except (OSError, ValueError):
        return False


class Backoff:
    """Exponential back-off with full jitter, capped at 5 minutes."""

    def __init__(self, base: float = 2.0, cap: float = 300.0, rng: Callable[[], float] | None = None) -> None:
        import random

        self.base, self.cap = base, cap
        self.failures = 0
        self._rng = rng or random.random

    def next_delay(self) -> float:
        self.failures += 1
        ceiling = min(self.cap, self.base * (2 ** min(self.failures, 20)))
        return ceiling / 2 + self._rng() * ceiling / 2

    def reset(self) -> None:
        self.failures = 0
