"""The sync protocol's HTTP client: a workstation talking to its hub, or a county hub
forwarding to its province. Transport only; what is sent and what an answer means for the
local store is the caller's business.

TLS certificates are verified (httpx's default); every call has a timeout. A hub that
answers garbage or 5xx raises SyncError (kind "hub") before anything local is written.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import httpx

from sync import protocol

PULL_PAGE = 1000


class SyncError(Exception):
    """kind: offline (no answer), hub (bad or failed answer), auth (token refused), config."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def _timeout() -> httpx.Timeout:
    return httpx.Timeout(connect=10.0, read=120.0, write=120.0, pool=10.0)


class HubClient:
    def __init__(
        self, url: str, token: str, *, verify: Any = True, timeout: httpx.Timeout | None = None
    ) -> None:
        if not url:
            raise SyncError("config", "hub.url is not set (yichuang config set hub.url URL)")
        if not token:
            raise SyncError("config", "hub.token is not set (yichuang config set hub.token TOKEN)")
        self.url = url.rstrip("/")
        self.http = httpx.Client(
            base_url=self.url,
            verify=verify,
            timeout=timeout or _timeout(),
            headers={"Authorization": f"Bearer {token}", "User-Agent": "yichuang", "Accept-Encoding": "zstd"},
        )

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> HubClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- plumbing ---------------------------------------------------------------------------------
    def _call(self, method: str, path: str, **kw) -> httpx.Response:
        try:
            r = self.http.request(method, path, **kw)
        except httpx.TransportError as exc:
            raise SyncError("offline", f"{type(exc).__name__}: {exc}") from None
        if r.status_code in (401, 403):
            raise SyncError("auth", _message(r))
        return r

    def _json(self, r: httpx.Response) -> Any:
        if r.status_code >= 300:
            raise SyncError("hub", f"HTTP {r.status_code}: {_message(r)}")
        try:
            return json.loads(r.content.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, httpx.DecodingError) as exc:
            raise SyncError("hub", f"unreadable answer: {exc}") from None

    # --- endpoints --------------------------------------------------------------------------------
    def push(self, events: list[dict], batch_id: str) -> dict:
        body = protocol.compress({"v": protocol.VERSION, "batch": batch_id, "events": events})
        r = self._call(
            "POST",
            "/api/v1/sync/push",
            content=body,
            headers={"Content-Type": protocol.MEDIA_TYPE, "Content-Encoding": protocol.ENCODING},
        )
        doc = self._json(r)
        if not (
            isinstance(doc, dict)
            and isinstance(doc.get("ok"), int)
            and isinstance(doc.get("refused"), list)
            and all(isinstance(x, dict) and isinstance(x.get("id"), str) for x in doc["refused"])
        ):
            raise SyncError("hub", "push answer is not a sync result")
        sent = {e["id"] for e in events}
        if any(x["id"] not in sent for x in doc["refused"]):
            raise SyncError("hub", "push answer names events that were not sent")
        return doc

    def pull(self, after: int, *, cat: str = "", cal: str = "", limit: int = PULL_PAGE) -> dict:
        params = {"after": str(after), "limit": str(limit)}
        if cat:
            params["cat"] = cat
        if cal:
            params["cal"] = cal
        doc = self._json(self._call("GET", "/api/v1/sync/pull", params=params))
        if not (
            isinstance(doc, dict)
            and isinstance(doc.get("events"), list)
            and isinstance(doc.get("cursor"), int)
            and isinstance(doc.get("more"), bool)
        ):
            raise SyncError("hub", "pull answer is not a sync page")
        return doc

    def catalogue_delta(self, have: str) -> dict:
        doc = self._json(self._call("GET", "/api/v1/catalogue", params={"have": have}))
        if not isinstance(doc, dict) or "to" not in doc:
            raise SyncError("hub", "catalogue answer is not a delta")
        return doc

    def calendar(self) -> dict:
        doc = self._json(self._call("GET", "/api/v1/calendar"))
        if not isinstance(doc, dict):
            raise SyncError("hub", "calendar answer is not a calendar")
        return doc

    def healthz(self) -> dict:
        return self._json(self._call("GET", "/healthz"))


def _message(r: httpx.Response) -> str:
    try:
        doc = r.json()
        return str(doc.get("message") or doc)
    except Exception:
        return r.text[:200] or r.reason_phrase


def reachable(url: str, timeout: float = 3.0) -> bool:
    """A TCP connect to the hub: costs no payload bytes, tells whether the link is back."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname or "", port), timeout=timeout):
            return True
    except OSError:
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
