"""`yichuang hub serve`: the hub on uvicorn, plus the forwarder to an upstream (provincial) hub.

A county hub started with ``--upstream URL`` and the provincial hub's token (a ``--role hub``
token scoped to the county code, from ``--upstream-token-file PATH`` or the environment, never
the command line) forwards the events of province-level cases with the same protocol and pulls
the province's decisions back, which then flow down.
"""

from __future__ import annotations

import threading
import uuid
from pathlib import Path
from typing import Any

from sync.hub.db import utcnow
from sync.hub.store import HubStore

LEASE = "forwarder"  # hub_lease: one process of several on a database forwards at a time
MIN_RETRY_AFTER = 1.0  # "Retry-After: 0" again and again must not become a busy loop


class LostLease(Exception):
    """Another process holds the forwarder's lease: this one stands by."""


class Forwarder(threading.Thread):
    """Forwards and pulls in cycles. When the province (or a proxy before it) answers 429 or 503
    with Retry-After, the next try waits as told, up to ``retry_after_cap`` seconds (10 minutes
    by default), holding the lease meanwhile so that no other process of this hub asks sooner;
    the console shows until when (``retry_at``) and the log says so."""

    def __init__(
        self,
        store: HubStore,
        url: str,
        token: str,
        interval: float = 2.0,
        retry_after_cap: float | None = None,
    ) -> None:
        import os
        import socket

        from sync.transport import RETRY_AFTER_CAP

        super().__init__(name="upstream-forwarder", daemon=True)
        self.store, self.url, self.token, self.interval = store, url, token, interval
        self.retry_after_cap = RETRY_AFTER_CAP if retry_after_cap is None else retry_after_cap
        self.retry_at = ""  # UTC ISO: the province asked not to be asked again before then
        self.retry_after = 0  # ... that many seconds after its answer (as waited: capped)
        self.stop = threading.Event()
        self.last_error = ""
        self.last_ok = ""  # when a cycle last completed (UTC ISO), for the console
        self.last_error_at = ""
        self.holder = f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.standby = False  # another hub process on this database forwards (it holds the lease)

    def renew(self) -> None:
        """Take or renew the lease before each step; LostLease while another process holds it."""
        from sync.hub import lease

        if not lease.take(self.store, LEASE, self.holder):
            raise LostLease
        self.standby = False

    def run(self) -> None:
        from sync.hub import lease
        from sync.transport import Backoff, HubClient, SyncError

        backoff = Backoff()
        client = HubClient(self.url, self.token)
        while not self.stop.is_set():
            try:
                self.renew()
                self.cycle(client)
                backoff.reset()
                self.last_error = ""
                delay = self.interval
                self.last_ok, self.last_error = utcnow(), ""
            except LostLease:
                self.standby, delay = True, self.interval
            except SyncError as exc:
                self.last_error, self.last_error_at = str(exc), utcnow()
                if exc.retry_after is not None:  # the province said when to come back
                    self._hold(min(self.retry_after_cap, max(MIN_RETRY_AFTER, exc.retry_after)), exc)
                    continue
                delay = backoff.next_delay()
            except Exception as exc:  # noqa: BLE001  (this hub's own store failing, a bug: logged,
                # retried; a forwarder that died here would stop the county's traffic for good)
                import logging

                logging.getLogger("yichuang.hub.forwarder").exception("forwarding cycle failed")
                self.last_error = f"{type(exc).__name__}: {exc}"[:300]
                delay = backoff.next_delay()
            self.stop.wait(delay)
        client.close()
        try:
            lease.release(self.store, LEASE, self.holder)
        except Exception:  # noqa: BLE001  (the database gone: the lease expires by itself)
            pass

    def _hold(self, seconds: float, exc: Exception) -> None:
        """Wait ``seconds`` as the province asked, renewing the lease (another process taking it
        over would ask at once); the wait ends early only when the forwarder stops."""
        import logging
        import time
        from datetime import UTC, datetime, timedelta

        from sync.hub import lease

        self.retry_after = round(seconds)
        self.retry_at = (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat(timespec="milliseconds")
        logging.getLogger("yichuang.hub.forwarder").warning(
            "upstream asked to retry later (%s): waiting %.0f s, until %s", exc, seconds, self.retry_at
        )
        end = time.monotonic() + seconds
        step = max(1.0, lease.lease_seconds() / 3)
        try:
            while not self.stop.is_set():
                left = end - time.monotonic()
                if left <= 0:
                    return
                self.stop.wait(min(left, step))
                try:
                    self.renew()
                except LostLease:
                    self.standby = True
                    return
                except Exception:  # noqa: BLE001  (this hub's store failing: the next cycle says so)
                    pass
        finally:
            self.retry_at = ""  # the wait is over (the last error still says what was asked)

    def cycle(self, client) -> None:
        while True:
            self.renew()  # a long backlog: the lease stays this process's while it works
            top, events = self.store.forward_batch()
            if events:
                doc = client.push([e.to_json() for e in events], str(uuid.uuid4()))
                self.store.forward_done(top, doc.get("refused", []), len(events))
            else:
                self.store.forward_done(top, [])
                break
        while True:
            self.renew()
            after = int(self.store.meta("upstream_cursor") or 0)
            page = client.pull(after)
            self.store.apply_upstream(page["events"], page["cursor"])
            if not page["more"]:
                break


SWITCH_INTERVAL = 0.001  # seconds: the GIL's switch interval in a hub process (see _build)


def _build(data_dir: Path, db_url: str | None, upstream: str, upstream_token: str):
    """(store, forwarder or None, the ASGI app) of one hub process."""
    import sys

    from sync.hub.app import create_app
    from sync.hub.store import open_hub

    # A push holds row and advisory locks (its workstations', its applicants') across a few
    # database round trips; after each, its thread waits for the GIL while other threads work in
    # Python, up to the switch interval each time (5 ms by default): shorter waits, shorter holds
    # (measured when every push held the seq counter: 57 ms a batch instead of 80)
    sys.setswitchinterval(SWITCH_INTERVAL)
    store = open_hub(data_dir, db_url)
    fwd = Forwarder(store, upstream, upstream_token) if upstream else None
    app = create_app(store, data_dir, console_extra={"forwarder": fwd, "upstream": upstream})
    if fwd is not None:
        fwd.start()
    return store, fwd, app


def _serve_worker(
    data_dir: Path, db_url: str | None, upstream: str, upstream_token: str, options: dict[str, Any], sock
) -> None:
    """One worker process of `hub serve --workers N`: a whole hub on its own listening socket."""
    import logging

    import uvicorn

    from sync.hub.workers import STARTUP_FAILURE

    try:
        store, fwd, app = _build(data_dir, db_url, upstream, upstream_token)
    except Exception:  # noqa: BLE001  (the database unreachable, say: the supervisor stops, not spins)
        logging.getLogger("yichuang.hub.workers").exception("hub worker could not start")
        raise SystemExit(STARTUP_FAILURE) from None
    try:
        uvicorn.Server(uvicorn.Config(app, **options)).run(sockets=[sock])
    finally:
        _close(store, fwd)


def _close(store: HubStore, fwd: Forwarder | None) -> None:
    """A hub process's clean stop: its forwarder gives the lease back (another process takes it
    over at once, not when it expires), then the store closes."""
    if fwd is not None:
        fwd.stop.set()
        fwd.join(10)
    store.close()


def _listen(host: str, port: int, count: int) -> list:
    """The hub's listening sockets, or its refusal in the user's language (exit code 1)."""
    from app.messages import t
    from sync.hub import workers as hub_workers

    try:
        return hub_workers.listening_sockets(host, port, count)
    except hub_workers.CannotListen as exc:
        key = "hub.port_in_use" if exc.taken else "hub.cannot_listen"
        raise SystemExit(t(key, where=exc.where, error=exc.reason)) from None


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host  # an IPv6 address in a URL


def _check_tls(cert: str, key: str) -> None:
    import ssl

    from app.messages import t

    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(cert, key)
    except (OSError, ssl.SSLError) as exc:
        raise SystemExit(t("hub.tls_bad", error=str(exc))) from None


def serve(
    data_dir: Path,
    host: str,
    port: int,
    db_url: str | None = None,
    upstream: str = "",
    upstream_token: str = "",
    log_level: str = "warning",
    tls: tuple[str, str] | None = None,
    workers: int = 1,
) -> None:
    """Serve the hub. ``workers`` > 1 (PostgreSQL only, checked by the CLI): that many processes,
    each a whole hub on the same database with a listening socket of its own (sync/hub/workers.py)."""
    import uvicorn

    from app.messages import t

    scheme = "https" if tls else "http"
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": log_level,
        "access_log": False,
        "timeout_keep_alive": 30,
        "server_header": False,
        "date_header": False,
        "ssl_certfile": tls[0] if tls else None,
        "ssl_keyfile": tls[1] if tls else None,
    }
    if workers > 1:
        from functools import partial

        from sync.hub import workers as hub_workers
        from sync.hub.store import open_hub

        store = open_hub(data_dir, db_url)  # migrated once, before the workers start
        db = store.url.split("://")[0]
        store.close()
        if tls:  # checked once here: a bad certificate would fail every worker in turn
            _check_tls(*tls)
        sockets = _listen(host, port, workers)
        port = sockets[0].getsockname()[1]
        print(
            t("hub.listening", url=f"{scheme}://{_url_host(host)}:{port}", data=data_dir, db=db), flush=True
        )
        options["backlog"] = hub_workers.BACKLOG  # uvicorn listens on each socket again with this
        run = partial(_serve_worker, data_dir, db_url, upstream, upstream_token, options)
        if hub_workers.Supervisor(run, sockets).run():
            raise SystemExit(t("hub.workers_gave_up"))
        return
    # the port first: taken, the hub says so before it opens its store or starts its forwarder
    if tls:
        _check_tls(*tls)
    sock = _listen(host, port, 1)[0]
    store, fwd, app = _build(data_dir, db_url, upstream, upstream_token)
    port = sock.getsockname()[1]
    db = store.url.split("://")[0]
    print(t("hub.listening", url=f"{scheme}://{_url_host(host)}:{port}", data=data_dir, db=db), flush=True)
    import signal

    from sync.hub.workers import exit_on_stop_signal

    signal.signal(signal.SIGTERM, exit_on_stop_signal)
    try:
        uvicorn.Server(uvicorn.Config(app, **options)).run(sockets=[sock])
    finally:
        _close(store, fwd)
        sock.close()
