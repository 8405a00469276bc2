"""What every console page shares: the context object, rendering, the user check, the guard
(sessions from the cookie, CSRF on every unsafe request, bearer tokens refused)."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.templating import Jinja2Templates

from app.messages import t
from sync.hub.console_store import ConsoleStore, Session, User
from sync.hub.store import HubStore

HERE = Path(__file__).parent
PREFIX = "/console"
SESSION_COOKIE = "yc_session"
LOGIN_COOKIE = "yc_login"  # the login form's own CSRF value (there is no session yet)
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
MAX_FORM = 1 << 20  # a console form is small; a bigger body is refused before it is parsed
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class NavItem:
    """An entry of the navigation bar: shown to users whose role is in ``roles``."""

    path: str  # under /console, e.g. "/workstations"
    label: str  # message key
    roles: tuple[str, ...] = ("backoffice", "admin")
    key: str = ""  # accesskey (Alt+Shift+key in Chromium), shown beside the label


@dataclass
class Console:
    """What the pages reach through ``ctx(request)``."""

    hub: HubStore
    accounts: ConsoleStore
    data_dir: Path
    templates: Jinja2Templates
    nav: list[NavItem] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # e.g. the upstream forwarder, if any

    @property
    def blobs(self) -> Path:
        from sync.hub.store import blob_dir  # the hub's configured (maybe shared) scans

        return blob_dir(self.data_dir)


def ctx(request: Request) -> Console:
    return request.app.state.console


def url(path: str = "/") -> str:
    """The absolute path of a console page: url("/users") -> "/console/users"."""
    return PREFIX + path


# --- who is asking -------------------------------------------------------------------------------------
class LoginRequired(Exception):
    """No live session: the page answers with the login form (303 to it)."""


class Forbidden(Exception):
    """A live session whose role may not see the page."""


def current_session(request: Request) -> Session | None:
    return request.scope.get("state", {}).get("console_session")


def require_user(request: Request, *roles: str) -> User:
    """The logged-in user, or LoginRequired / Forbidden (pages answer them; no route needs to).
    ``roles``: the roles allowed (none given: any console user)."""
    s = current_session(request)
    if s is None:
        raise LoginRequired()
    if roles and s.user.role not in roles:
        raise Forbidden()
    return s.user


def csrf_token(request: Request) -> str:
    """The CSRF value a form of this request's page must send back (field ``csrf``)."""
    s = current_session(request)
    if s is not None:
        return s.csrf
    return request.scope.get("state", {}).get("login_csrf", "")


def secure(request: Request) -> bool:
    return request.url.scheme == "https"


def set_cookie(
    response: Response, request: Request, name: str, value: str, max_age: int | None = None
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=PREFIX,
        httponly=True,
        samesite="strict",
        secure=secure(request),
    )


def clear_cookie(response: Response, request: Request, name: str) -> None:
    response.delete_cookie(name, path=PREFIX, httponly=True, samesite="strict", secure=secure(request))


# --- rendering ------------------------------------------------------------------------------------------
def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    env = templates.env
    env.autoescape = True  # applicant data is text, never markup
    env.globals["t"] = t
    env.globals["url"] = url
    env.globals["CSRF_FIELD"] = CSRF_FIELD
    env.filters["when"] = when
    env.filters["minute"] = minute
    env.filters["skew"] = skew
    return templates


def when(iso: str | None) -> str:
    """A stored UTC time as the hub's local "YYYY-MM-DD HH:MM:SS" (empty: —)."""
    from datetime import UTC, datetime

    if not iso:
        return t("hub.never")
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def minute(iso: str | None) -> str:
    """A stored UTC time as the hub's local "YYYY-MM-DD HH:MM" (a caption's time)."""
    full = when(iso)
    return full[:16] if len(full) == 19 and full[4] == "-" else full


def skew(ms: int | None) -> str:
    """A clock skew as "+3 秒" / "−2 分 5 秒" (ahead of the hub is +)."""
    if ms is None:
        return t("hub.never")
    seconds = round(abs(ms) / 1000)
    sign = "" if seconds == 0 else ("+" if ms > 0 else "−")
    if seconds < 60:
        return t("console.skew_seconds", sign=sign, s=seconds)
    if seconds < 3600:
        return t("console.skew_minutes", sign=sign, m=seconds // 60, s=seconds % 60)
    return t("console.skew_hours", sign=sign, h=seconds // 3600, m=seconds % 3600 // 60)


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    c = ctx(request)
    s = current_session(request)
    user = s.user if s else None
    here = request.url.path
    nav = [n for n in c.nav if user is not None and user.role in n.roles]
    context.update(
        user=user,
        csrf=csrf_token(request),
        nav=nav,
        here=here,
        request=request,
    )
    response = c.templates.TemplateResponse(request, template, context, status_code=status_code)
    response.headers.update(SECURITY_HEADERS)
    return response


SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    # everything is served from here: no CDN, no inline script
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    "script-src 'self'; frame-ancestors 'none'; form-action 'self'; object-src 'self'",
}


def redirect(path: str) -> RedirectResponse:
    """303 to a console page (after a POST, the browser GETs the result)."""
    return RedirectResponse(url(path), status_code=303)


def error_page(request: Request, status: int, key: str, **fields: Any) -> HTMLResponse:
    return render(request, "error.html", status_code=status, message=t(key, **fields), status=status)


def login_redirect(request: Request) -> RedirectResponse:
    target = request.url.path
    if request.url.query:
        target += "?" + request.url.query
    return RedirectResponse(f"{url('/login')}?next={quote(target, safe='')}", status_code=303)


def safe_next(value: str | None) -> str:
    """Where to go after login: a console path only (never another site)."""
    import posixpath

    value = value or ""
    parts = urlsplit(value)
    path = posixpath.normpath(parts.path) + ("/" if parts.path.endswith("/") else "")
    if (
        parts.scheme
        or parts.netloc
        or "\\" in value
        or not value.isprintable()
        or not path.startswith(PREFIX + "/")
        or path.startswith("//")
    ):
        return url("/")
    return path + (f"?{parts.query}" if parts.query else "")


# --- the guard: one place that checks every request -------------------------------------------------------
class ConsoleGuard:
    """ASGI middleware of the console app.

    * A request with an ``Authorization`` header is refused (401): API tokens, a workstation's
      among them, are for /api/v1; the console knows only its own users' sessions.
    * The session cookie is looked up once; the pages find it in ``request.state``.
    * Every unsafe request (POST, …) must carry the CSRF value, in the form field ``csrf`` or
      the ``X-CSRF-Token`` header: the session's, or before login the login form's cookie.
      No page can forget it: the check runs before any route. The body is read here (capped)
      and handed on unchanged.
    """

    def __init__(self, app, console: Console) -> None:
        self.app = app
        self.console = console

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        from starlette.concurrency import run_in_threadpool

        state = scope.setdefault("state", {})
        request = Request(scope)
        if request.headers.get("authorization"):
            await self._refuse(scope, receive, send, 401, t("console.token_refused"))
            return
        cookie = request.cookies.get(SESSION_COOKIE, "")
        session = await run_in_threadpool(self.console.accounts.session, cookie) if cookie else None
        state["console_session"] = session
        login_value = request.cookies.get(LOGIN_COOKIE, "")
        state["login_csrf"] = login_value
        if scope["method"] in UNSAFE:
            body = b""
            more = True
            while more:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                body += message.get("body", b"")
                more = message.get("more_body", False)
                if len(body) > MAX_FORM:
                    await self._refuse(scope, receive, send, 413, t("console.too_large"))
                    return
            sent = request.headers.get(CSRF_HEADER, "")
            if not sent:
                sent = await _form_value(scope, body, CSRF_FIELD)
            expected = session.csrf if session is not None else login_value
            if not expected or not sent or not hmac.compare_digest(sent.encode(), expected.encode()):
                await self._refuse(scope, receive, send, 403, t("console.csrf_refused"))
                return
            if not _same_origin(request):
                await self._refuse(scope, receive, send, 403, t("console.csrf_refused"))
                return
            replayed = False

            async def replay():
                nonlocal replayed
                if not replayed:
                    replayed = True
                    return {"type": "http.request", "body": body, "more_body": False}
                return await receive()

            await self.app(scope, replay, send)
            return
        await self.app(scope, receive, send)

    async def _refuse(self, scope, receive, send, status: int, message: str) -> None:
        request = Request(scope, receive)  # scope["app"] is the console app: it renders
        response = render(request, "error.html", status_code=status, message=message, status=status)
        if status == 401:
            response.headers["WWW-Authenticate"] = 'Cookie realm="console"'
        await response(scope, receive, send)


async def _form_value(scope, body: bytes, name: str) -> str:
    """One field of an urlencoded or multipart body, parsed by Starlette (python-multipart)."""
    sent = False

    async def once():
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    try:
        form = await Request(scope, once).form()
    except Exception:  # noqa: BLE001  (a malformed body has no token: refused by the caller)
        return ""
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _same_origin(request: Request) -> bool:
    """A browser sends Origin with a POST; when it does, it must be this host."""
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.headers.get("host", "")


def new_login_value() -> str:
    return secrets.token_urlsafe(24)
