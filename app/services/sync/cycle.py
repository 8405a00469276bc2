"""One sync cycle of the workstation against its hub.

Order of a cycle (priority on a slow link): push every unsent case event (decisions,
receipts, courier events), pull what the platforms produced (back-office decisions),
then the catalogue delta and the calendar if they changed, then scanned attachments.

The HTTP client is sync.transport's; the local store side is app.services.sync.outbox.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from app.domain.failures import explain
from app.private_files import make_private_dir, write_private
from app.services import operators, reactions, sealed_files
from app.services.catalogue_files import import_catalogue
from app.services.restore import reconcile_with_hub
from app.services.sync import attachments
from app.services.sync import outbox as local
from app.services.sync.hub_client import client_for
from app.services.workstation import Workstation
from sync import protocol
from sync.transport import Backoff, HubClient, SyncError, reachable

__all__ = ["Backoff", "CycleReport", "HubClient", "SyncError", "client_for", "reachable", "run_cycle"]

SKEW_WARN_SECONDS = 300
_log = logging.getLogger("yichuang.sync")


@dataclass
class CycleReport:
    pushed: int = 0
    duplicates: int = 0
    refused: list[dict] = field(default_factory=list)
    pulled: int = 0
    batches: int = 0
    catalogue: str | None = None  # new version installed
    calendar: str | None = None
    operators: int = 0  # accounts that came down changed
    operators_refused: list[dict] = field(default_factory=list)  # account changes the hub refused
    attachments: int = 0
    left: int = 0  # events still unsent after the cycle
    attachments_left: int = 0
    skew_seconds: float | None = None
    error: SyncError | None = None
    acked_bytes: int = 0  # attachment bytes the hub's offset acknowledged in this cycle
    answered: bool = False  # the hub answered at least one request (it is there, even if the link is bad)

    @property
    def progressed(self) -> bool:
        """Something moved for good: events acknowledged, events applied, scan bytes kept."""
        return bool(self.batches or self.pulled or self.acked_bytes or self.attachments)

    @property
    def ok(self) -> bool:
        return self.error is None


def run_cycle(
    ws: Workstation,
    client: HubClient | None = None,
    *,
    progress: Callable[[str], Any] | None = None,
    max_batch_events: int = 1000,
) -> CycleReport:
    """One sync cycle; never raises (see report.error): whatever fails — the link, the hub's
    answer, this computer — is recorded as last_error and the next cycle tries again."""
    rep = CycleReport()
    own = client is None
    store = ws.store
    try:
        client = client or client_for(ws)
        cat_v, cal_v = _held_versions(ws)
        # 1. push, oldest first (what was acked stays acked, whatever fails later); the first
        # pull page is asked for meanwhile on its own connection: it comes down the other
        # direction of the link, and is applied only after the push
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-pull") as bg:
            after = int(local.read_state(store, local.CURSOR, "0") or 0)
            ops_v = operators.pulled_cursor(ws)
            bk_v = sealed_files.hub_key_fingerprint(store)
            first = bg.submit(
                client.pull, after, cat=cat_v, cal=cal_v, ops=ops_v, report=_report(ws), bk=bk_v
            )
            _push_all(ws, client, rep, max_batch_events, progress)
            page = first.result()
        # 2. pull decisions, page by page, each page with its cursor
        while True:
            _learn_hub_key(store, page)
            _skew(ws, rep, page.get("now"))
            try:
                applied = local.apply_pulled(
                    store, page["events"], page["cursor"], react=reactions.pulled(ws)
                )
            except (protocol.ProtocolError, KeyError, TypeError, ValueError) as exc:
                raise SyncError.of("hub", "sync.err_pulled", explain(exc)) from None
            rep.pulled += applied.events
            if not page["more"]:
                break
            after = int(local.read_state(store, local.CURSOR, "0") or 0)
            page = client.pull(after, cat=cat_v, cal=cal_v, ops=ops_v, bk=bk_v)
        # 2b. operator accounts: this window's changes up, the hub's accounts down
        rep.operators = _sync_operators(ws, client, "ops" in page, rep)
        # after a restore made offline: the counters take the numbers the hub knows (no-op else)
        reconcile_with_hub(ws, client)
        # 3. catalogue and calendar, only when the hub holds another version
        if page.get("cat") and page["cat"] != cat_v:
            rep.catalogue = _update_catalogue(ws, client, cat_v)
        if page.get("cal") and page["cal"] != cal_v:
            rep.calendar = _update_calendar(ws, client)

        # 4. scans
        def acked(n: int) -> None:
            rep.acked_bytes += n

        rep.attachments = attachments.upload_pending(ws, client, on_acked=acked)
        local.write_state(
            store,
            last_success=datetime.now(UTC).isoformat(timespec="seconds"),
            last_error="",
            last_error_detail="",
            link="online",
        )
    except Exception as exc:  # noqa: BLE001  (anything at all: recorded, shown, retried)
        if not isinstance(exc, SyncError):
            exc = SyncError.of("local", "sync.err_local", explain(exc))
        # kept (the report, the runner's last_report) without its traceback: its frames hold
        # every local of the failed cycle, a hostile answer's bytes among them
        rep.error = exc.with_traceback(None)
        rep.error.__context__ = rep.error.__cause__ = None
    finally:
        if client is not None:
            rep.answered = rep.answered or client.answers > 0
            if own:
                client.close()
    if rep.error is not None:
        _log.info("sync failed: %s [%s]", rep.error, rep.error.detail or rep.error.key)
        try:
            local.write_state(
                store,
                last_error=f"{rep.error.kind}: {rep.error}"[:500],
                # the library's or the hub's own words: for admins (sync status --json) and the log
                last_error_detail=rep.error.detail[:500],
                last_attempt=datetime.now(UTC).isoformat(timespec="seconds"),
                link=link_state(rep),
            )
        except Exception:  # noqa: BLE001  (the store itself is failing: the report still says so)
            pass
    try:
        rep.left = local.unsent_total(store)
        rep.attachments_left = attachments.pending_count(store)
    except Exception:  # noqa: BLE001
        pass
    return rep


def _learn_hub_key(store, page: dict) -> None:
    """Keep the hub's bundle key when the pull names one (its fingerprint differs from ours):
    bundles exported from now on are sealed to it (app.services.sealed_files)."""
    bk = page.get("bk")
    if not bk:
        return
    try:
        sealed_files.set_hub_key(store, bk, "sync", datetime.now(UTC).isoformat(timespec="seconds"))
    except ValueError:
        raise SyncError("hub", "sync.err_shape", what="pull") from None


def _report(ws: Workstation) -> dict:
    """What the hub's workstations page shows of this window: events and scans not yet at the hub
    as the cycle begins (the hub counts down what then arrives), this PC's clock, its names."""
    store = ws.store
    return {
        "events": local.unsent_total(store),
        "scans": attachments.pending_count(store),
        "clock": ws.utcnow().isoformat(timespec="milliseconds"),
        "office_name": str(ws.config.get("office.name") or ""),
        "window": str(ws.config.get("workstation.window") or ""),
    }


BATCH_RAW_BYTES = 1024 * 1024  # JSON of one batch, before compression (about 1,000 events)
PIPELINE = 2  # batches in flight: the next one crosses the link while the hub applies this one


def _push_all(ws: Workstation, client: HubClient, rep: CycleReport, max_batch_events: int, progress) -> None:
    """Push every unsent event, oldest first, with two batches in flight on two connections
    (opened only when there is something to push: an idle sync is one pull).

    On a slow link the hub's work on batch n (and ours on its answer) used to leave the link
    idle; now batch n+1 is on the wire meanwhile. Its last byte waits for n's answer, so the
    hub still applies batches one after another, and the two never share a case. Batch size
    adapts to the link: halved after a cut, doubled after a good batch, so a link that drops
    every few kilobytes still makes progress; after a cut only the batches in flight go again.
    """
    import threading
    from collections import deque
    from concurrent.futures import ThreadPoolExecutor

    store = ws.store
    size = min(max_batch_events, int(local.read_state(store, "batch_events", "0") or 0) or max_batch_events)
    clients: list[HubClient | None] = [None] * PIPELINE  # own connections: `client` pulls meanwhile
    flight: deque = deque()  # (batch, future, answered, cases)
    error: SyncError | None = None
    turn = 0
    pool = ThreadPoolExecutor(max_workers=PIPELINE, thread_name_prefix="sync-push")
    try:
        while True:
            while error is None and len(flight) < PIPELINE:
                busy = set().union(*(f[3] for f in flight))
                # the first batch is small so the link starts at once; the rest are big (zstd
                # finds more to share in a big batch)
                cap = BATCH_RAW_BYTES if rep.batches or flight else BATCH_RAW_BYTES // 8
                batch = local.next_batch(store, max_events=size, max_bytes=cap, skip_cases=busy)
                if not batch:
                    break
                if clients[turn] is None:
                    clients[turn] = client.sibling()
                answered = threading.Event()
                hold = flight[-1][2] if flight else None
                fut = pool.submit(_push_one, clients[turn], batch, hold, answered)
                flight.append((batch, fut, answered, {e["case"] for e in batch}))
                turn = (turn + 1) % PIPELINE
            if not flight:
                break
            batch, fut, _answered, _cases = flight.popleft()
            try:
                doc = fut.result()
            except SyncError as exc:
                if error is None:
                    error = exc
                    if exc.kind in ("offline", "slow"):
                        local.write_state(store, batch_events=str(max(1, len(batch) // 2)))
                continue
            local.mark_sent(store, batch, doc)
            if error is None and len(batch) >= size and size < max_batch_events:
                size = min(max_batch_events, size * 2)
                local.write_state(store, batch_events=str(size))
            _skew(ws, rep, doc.get("now"))
            rep.batches += 1
            rep.pushed += int(doc.get("ok", 0))
            rep.duplicates += int(doc.get("dup", 0))
            rep.refused.extend(doc.get("refused", []))
            if progress:
                progress(f"pushed {rep.pushed}")
    finally:
        for _batch, _fut, answered, _cases in flight:
            answered.set()  # never leave a held body waiting
        pool.shutdown(wait=True)
        for c in clients:
            if c is not None:
                rep.answered = rep.answered or c.answers > 0
                c.close()
    if error is not None:
        raise error


def _push_one(client: HubClient, batch: list[dict], hold, answered) -> dict:
    import uuid

    try:
        return client.push(batch, str(uuid.uuid4()), hold=hold)
    finally:
        answered.set()


def _sync_operators(ws: Workstation, client: HubClient, hub_changed: bool, rep: CycleReport) -> int:
    """Push pending account changes; pull the accounts changed since the held revision when
    the pull answer said the hub holds another one (or after a push). An idle sync makes no
    request for them. A hub older than operator accounts (404) is skipped: logins go on
    against the local copies. A change the hub refused is undone here (operators.mark_changes),
    logged, and named in the report."""
    try:
        changes = operators.pending_changes(ws)
        if changes:
            rep.operators_refused = operators.mark_changes(ws, client.push_operator_changes(changes))
            for r in rep.operators_refused:
                _log.warning(
                    "the hub refused account change %s of %s by %s (%s: %s); undone at this window",
                    r["op"],
                    r["name"],
                    r["actor"] or "-",
                    r["code"],
                    r["reason"],
                )
        if not (changes or hub_changed):
            return 0
        doc = client.operators(operators.pulled_cursor(ws))
    except SyncError as exc:
        if exc.key == "sync.err_http" and exc.fields.get("status") == 404:
            return 0
        raise
    try:
        return operators.apply_pulled(ws, doc["operators"], doc["rev"])
    except (KeyError, TypeError, ValueError) as exc:
        raise SyncError("hub", "sync.err_shape", what=f"operators: {exc}"[:200]) from None


def link_state(rep: CycleReport) -> str:
    """online: the cycle went through; unstable: the hub answered (or something moved) but the
    cycle failed; offline: no answer at all."""
    if rep.error is None:
        return "online"
    if rep.answered or rep.progressed or rep.error.kind in ("hub", "auth"):
        return "unstable"
    return "offline"


def _held_versions(ws: Workstation) -> tuple[str, str]:
    try:
        cat = ws.catalogue.version
    except Exception:
        cat = ""
    try:
        cal = ws.calendar.version
    except Exception:
        cal = ""
    return cat, cal


def _skew(ws: Workstation, rep: CycleReport, hub_now: Any) -> None:
    if not isinstance(hub_now, str):
        return
    try:
        hub = datetime.fromisoformat(hub_now)
    except ValueError:
        return
    if hub.tzinfo is None:  # not the protocol's form; ordering never depends on it anyway
        return
    skew = (ws.utcnow() - hub).total_seconds()
    rep.skew_seconds = skew
    local.write_state(ws.store, clock_skew=f"{skew:.0f}")


def _update_catalogue(ws: Workstation, client: HubClient, held: str) -> str:
    from forms.loader import CatalogueError, catalogue_to_dict
    from sync.docdelta import apply_delta

    delta = client.catalogue_delta(held)
    try:
        doc = apply_delta(catalogue_to_dict(ws.catalogue) if held else None, delta)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SyncError("hub", "sync.err_catalogue", version=str(delta.get("to"))[:40], detail=exc) from None
    tmp = make_private_dir(ws.config.catalogue_dir) / ".incoming.json"
    write_private(tmp, json.dumps(doc, ensure_ascii=False))
    try:
        cat = import_catalogue(ws.config.catalogue_dir, tmp)  # validates fully; cases stay pinned
    except (CatalogueError, TypeError, ValueError) as exc:
        raise SyncError("hub", "sync.err_catalogue", version=str(delta.get("to"))[:40], detail=exc) from None
    finally:
        tmp.unlink(missing_ok=True)
    ws.__dict__.pop("catalogue", None)
    return cat.version


def _update_calendar(ws: Workstation, client: HubClient) -> str:
    from app.domain.workdays import WorkCalendar

    doc = client.calendar()
    try:
        cal = WorkCalendar.from_dict(doc)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SyncError("hub", "sync.err_calendar", detail=exc) from None
    target = make_private_dir(ws.config.data_dir / "calendar") / "cn_workdays.json"
    write_private(target, json.dumps(cal.to_dict(), ensure_ascii=False, indent=1))
    ws.__dict__.pop("calendar", None)
    return cal.version
