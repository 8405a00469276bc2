"""(filled in by the next commits)"""

from __future__ import annotations

from starlette.routing import Route

from sync.hub.console import web

NAV: list[web.NavItem] = []


def routes() -> list[Route]:
    return []
