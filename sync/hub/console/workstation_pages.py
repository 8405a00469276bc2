"""§4 Workstations: every window the hub knows, its office, last sync, what waits, clock skew,
refused events; and the provincial forwarding backlog."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sync.hub.console import web
from sync.hub.ws_status import WorkstationLog

NAV = [web.NavItem("/workstations", "console.nav_workstations", ("backoffice", "admin"), "t")]

SKEW_WARN_MS = 60_000  # a window's clock a minute off: its receipts' times are wrong
SKEW_BAD_MS = 300_000
STALE_HOURS = 24  # no sync for a day on a working window: someone should look


async def workstations_page(request: Request) -> Response:
    web.require_user(request)
    c = web.ctx(request)
    log = WorkstationLog(c.hub)
    rows = await run_in_threadpool(log.overview)
    fwd = await run_in_threadpool(log.forwarding)
    forwarder = c.extra.get("forwarder")
    fwd.update(
        upstream=c.extra.get("upstream", ""),
        last_ok=getattr(forwarder, "last_ok", ""),
        last_error=getattr(forwarder, "last_error", ""),
        last_error_at=getattr(forwarder, "last_error_at", ""),
        retry_at=getattr(forwarder, "retry_at", ""),  # the province asked to wait (Retry-After)
        retry_after=getattr(forwarder, "retry_after", 0),
    )
    for r in rows:
        r["flag"] = _flag(r)
    return web.render(request, "workstations.html", rows=rows, fwd=fwd)


def _flag(r: dict) -> str:
    """ "bad", "warn" or "": the row's colour."""
    from datetime import UTC, datetime

    skew = abs(r["skew_ms"] or 0)
    broken = (r.get("chain") or {}).get("state") == "broken"  # tampering or a fork: see the chain
    if r["refused"] or skew >= SKEW_BAD_MS or broken:
        return "bad"
    stale = False
    if r["last_sync"]:
        last = datetime.fromisoformat(r["last_sync"])
        last = last if last.tzinfo else last.replace(tzinfo=UTC)
        stale = (datetime.now(UTC) - last).total_seconds() > STALE_HOURS * 3600
    if skew >= SKEW_WARN_MS or stale or (r["events_waiting"] or 0) > 0 or (r["scans_waiting"] or 0) > 0:
        return "warn"
    return ""


async def workstation_page(request: Request) -> Response:
    web.require_user(request)
    office, ws = request.path_params["office"], request.path_params["ws"]
    log = WorkstationLog(web.ctx(request).hub)
    rows = [r for r in await run_in_threadpool(log.overview) if (r["office"], r["ws"]) == (office, ws)]
    if not rows:
        return web.error_page(request, 404, "console.ws_unknown")
    refused = await run_in_threadpool(log.refused, office, ws)
    return web.render(request, "workstation.html", r=rows[0], refused=refused)


def routes() -> list[Route]:
    return [
        Route("/workstations", workstations_page, methods=["GET"]),
        Route("/workstations/{office}/{ws}", workstation_page, methods=["GET"]),
    ]
