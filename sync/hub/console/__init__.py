"""The back office console: server-rendered pages at /console/ of `yichuang hub serve`.

Interfaces (for the pages of other parts; read before adding one)
------------------------------------------------------------------
* Layout: ``sync/hub/console/`` — one module of pages per area (``auth_pages``, ``admin_pages``,
  ``workstation_pages``, ``stats_pages``, …), ``templates/`` (Jinja2, autoescaped; every page
  ``{% extends "base.html" %}`` and fills ``{% block title %}`` and ``{% block main %}``) and
  ``static/`` (served at /console/static/; vendored files only, nothing fetched at run time).
* A page module has ``routes() -> list[starlette.routing.Route]`` (paths relative to /console,
  e.g. ``Route("/cases/{number}", case_page)``) and ``NAV: list[web.NavItem]`` (its entries in
  the navigation bar, by role). Add the module's name to ``PAGE_MODULES`` below.
* In a handler (``async def page(request)``):
    - ``user = web.require_user(request, "backoffice", "admin")`` -> ``User`` (``.name``,
      ``.role`` "backoffice"|"admin", ``.departments`` tuple of department codes such as
      "320724-SCJG", ``.principal()`` the ``Principal`` to hand to ``HubStore`` writers: events
      are authored ``backoffice:NAME``). No session -> 303 to the login page; a role not listed
      -> 403 page. No roles given: any logged-in user.
    - ``c = web.ctx(request)``: ``c.hub`` (HubStore), ``c.accounts`` (ConsoleStore), ``c.blobs``
      (the attachment store's folder), ``c.data_dir``.
    - ``return web.render(request, "x.html", **context)``; the template gets ``user``, ``csrf``,
      ``nav``, ``here`` and ``t`` (the message catalogue: ``{{ t("console.key", n=3) }}``; every
      word on a page comes from app/messages.py). ``web.redirect("/path")`` is a 303 after a POST;
      ``web.error_page(request, status, "key")`` an error page.
    - Department codes: ``departments.department_code(matter_code)``, ``departments(catalogue)``
      -> {code: name}, ``subject_departments(catalogue, kind, code)`` for a case's subject.
* Forms: every ``<form method="post">`` carries ``<input type="hidden" name="{{ CSRF_FIELD }}"
  value="{{ csrf }}">`` (or the ``X-CSRF-Token`` header for script). ``web.ConsoleGuard`` checks it
  for EVERY unsafe request before any route runs (403 without it), so a handler just reads
  ``await request.form()``. A request with an ``Authorization`` header (an API token, a
  workstation's) is refused with 401 before anything else.
* Sessions: cookie ``yc_session`` (HttpOnly, SameSite=Strict, Path=/console, Secure under TLS);
  server-side rows in ``hub_session`` (idle 30 min, at most 10 h), ended by logout, by disabling
  the user or by a password reset.
* Users: ``yichuang hub add-user NAME --role backoffice|admin --department CODE…`` (password on
  standard input); admins manage users and tokens at /console/users and /console/tokens.
* /console/workstations reads ``sync.hub.ws_status.WorkstationLog.overview()``; each row has a
  ``chain`` slot (None) for the audit chain's state per workstation, shown in its own column.
  /console/stats reads ``sync.hub.stats_store.county_stats``; charts come from ``console.svg``.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from sync.hub.console import web
from sync.hub.console_store import ConsoleStore
from sync.hub.store import HubStore

# the page modules, in navigation order
PAGE_MODULES = ("auth_pages", "case_pages", "workstation_pages", "stats_pages", "admin_pages", "fonts")


async def _login_required(request: Request, exc: Exception):
    return web.login_redirect(request)


async def _forbidden(request: Request, exc: Exception):
    return web.error_page(request, 403, "console.forbidden")


async def _not_found(request: Request, exc: Exception):
    return web.error_page(request, 404, "console.not_found")


def build(store: HubStore, data_dir: Path, **extra) -> Starlette:
    """The console as an ASGI app, to mount at /console in the hub's app."""
    console = web.Console(store, ConsoleStore(store), Path(data_dir), web.make_templates(), extra=dict(extra))
    routes: list = []
    for name in PAGE_MODULES:
        mod = importlib.import_module(f"sync.hub.console.{name}")
        routes.extend(mod.routes())
        console.nav.extend(getattr(mod, "NAV", []))
    routes.append(Mount("/static", app=StaticFiles(directory=str(web.HERE / "static")), name="static"))
    app = Starlette(
        routes=routes,
        middleware=[Middleware(web.ConsoleGuard, console=console)],
        exception_handlers={web.LoginRequired: _login_required, web.Forbidden: _forbidden, 404: _not_found},
    )
    app.state.console = console
    return app
