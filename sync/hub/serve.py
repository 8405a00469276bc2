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

from sync.hub.db import utcnow
from sync.hub.store import HubStore


class Forwarder(threading.Thread):
    def __init__(self, store: HubStore, url: str, token: str, interval: float = 2.0) -> None:
        super().__init__(name="upstream-forwarder", daemon=True)
        self.store, self.url, self.token, self.interval = store, url, token, interval
        self.stop = threading.Event()
        self.last_error = ""
        self.last_ok = ""  # when a cycle last completed (UTC ISO), for the console
        self.last_error_at = ""

    def run(self) -> None:
        from sync.transport import Backoff, HubClient, SyncError

        backoff = Backoff()
        client = HubClient(self.url, self.token)
        while not self.stop.is_set():
            try:
                self.cycle(client)
                backoff.reset()
                self.last_error = ""
                delay = self.interval
                self.last_ok, self.last_error = utcnow(), ""
            except SyncError as exc:
                self.last_error, self.last_error_at = str(exc), utcnow()
                delay = backoff.next_delay()
            except Exception as exc:  # noqa: BLE001  (this hub's own store failing, a bug: logged,
                # retried; a forwarder that died here would stop the county's traffic for good)
                import logging

                logging.getLogger("yichuang.hub.forwarder").exception("forwarding cycle failed")
                self.last_error = f"{type(exc).__name__}: {exc}"[:300]
                delay = backoff.next_delay()
            self.stop.wait(delay)
        client.close()

    def cycle(self, client) -> None:
        while True:
            top, events = self.store.forward_batch()
            if events:
                doc = client.push([e.to_json() for e in events], str(uuid.uuid4()))
                self.store.forward_done(top, doc.get("refused", []))
            else:
                self.store.forward_done(top, [])
                break
        while True:
            after = int(self.store.meta("upstream_cursor") or 0)
            page = client.pull(after)
            self.store.apply_upstream(page["events"], page["cursor"])
            if not page["more"]:
                break


def serve(
    data_dir: Path,
    host: str,
    port: int,
    db_url: str | None = None,
    upstream: str = "",
    upstream_token: str = "",
    log_level: str = "warning",
    tls: tuple[str, str] | None = None,
) -> None:
    import uvicorn

    from sync.hub.app import create_app
    from sync.hub.store import open_hub

    store = open_hub(data_dir, db_url)
    fwd = Forwarder(store, upstream, upstream_token) if upstream else None
    app = create_app(store, data_dir, console_extra={"forwarder": fwd, "upstream": upstream})
    if fwd is not None:
        fwd.start()
    scheme = "https" if tls else "http"
    from app.messages import t

    print(
        t("hub.listening", url=f"{scheme}://{host}:{port}", data=data_dir, db=store.url.split("://")[0]),
        flush=True,
    )
    try:
        uvicorn.run(
            app,
            host=host,
            port=port,
            log_level=log_level,
            access_log=False,
            timeout_keep_alive=30,
            server_header=False,
            date_header=False,
            ssl_certfile=tls[0] if tls else None,
            ssl_keyfile=tls[1] if tls else None,
        )
    finally:
        if fwd is not None:
            fwd.stop.set()
        store.close()
