"""Login, logout and the start page."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.messages import t
from sync.hub.console import web

NAV: list[web.NavItem] = []


async def home(request: Request) -> Response:
    user = web.require_user(request)
    return web.render(request, "home.html", departments=_department_names(request, user.departments))


def _department_names(request: Request, codes) -> list[tuple[str, str]]:
    from sync.hub.console_store import departments

    known = departments(web.ctx(request).hub.catalogue_obj())
    return [(code, known.get(code, "")) for code in codes]


async def login_form(request: Request) -> Response:
    if web.current_session(request) is not None:
        return RedirectResponse(web.safe_next(request.query_params.get("next")), status_code=303)
    return _login_page(request, "")


def _login_page(request: Request, error: str, name: str = "", status: int = 200) -> Response:
    # the form's CSRF value is a cookie of its own until there is a session (double submit)
    value = request.cookies.get(web.LOGIN_COOKIE) or web.new_login_value()
    request.scope.setdefault("state", {})["login_csrf"] = value
    response = web.render(
        request,
        "login.html",
        status_code=status,
        error=error,
        name=name,
        next=web.safe_next(request.query_params.get("next")),
    )
    web.set_cookie(response, request, web.LOGIN_COOKIE, value)
    return response


async def login(request: Request) -> Response:
    form = await request.form()
    name = str(form.get("name", "")).strip()
    password = str(form.get("password", ""))
    target = web.safe_next(str(form.get("next", "")))
    if not name or not password:
        return _login_page(request, t("console.login_missing"), name, 400)
    client = request.client.host if request.client else ""
    result = await run_in_threadpool(web.ctx(request).accounts.login, name, password, client)
    if result.refused:
        # unknown, wrong, locked, disabled or a held address: one answer, so that nobody learns
        # which names exist or which are locked (an admin sees locks on the users page)
        return _login_page(request, t("console.login_refused"), name, 401)
    response = RedirectResponse(target, status_code=303)
    web.set_cookie(response, request, web.SESSION_COOKIE, result.session_token)
    web.clear_cookie(response, request, web.LOGIN_COOKIE)
    return response


async def logout(request: Request) -> Response:
    token = request.cookies.get(web.SESSION_COOKIE, "")
    if token:
        await run_in_threadpool(web.ctx(request).accounts.logout, token)
    response = RedirectResponse(web.url("/login?bye=1"), status_code=303)
    web.clear_cookie(response, request, web.SESSION_COOKIE)
    return response


def routes() -> list[Route]:
    return [
        Route("/", home, methods=["GET"], name="home"),
        Route("/login", login_form, methods=["GET"], name="login_form"),
        Route("/login", login, methods=["POST"], name="login"),
        Route("/logout", logout, methods=["POST"], name="logout"),
    ]
