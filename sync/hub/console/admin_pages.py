"""The admin's pages: users (add, disable, reset password, departments) and API tokens (list, issue
— shown once —, revoke, bind a window's receipt keys). Tokens and keys go through the same store
functions as `yichuang hub add-token` and `hub set-key`: only an admin binds a key (issue 16 §3)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.messages import t
from sync.hub.console import web
from sync.hub.console_store import USER_ROLES, AccountError, departments
from sync.hub.receipts import KeyRefused
from sync.hub.tokens import ROLES, TokenExists

NAV = [
    web.NavItem("/users", "console.nav_users", ("admin",), "u"),
    web.NavItem("/tokens", "console.nav_tokens", ("admin",), "k"),
]


def _departments(request: Request) -> dict[str, str]:
    return departments(web.ctx(request).hub.catalogue_obj())


# --- users ----------------------------------------------------------------------------------------------
async def users_page(
    request: Request, *, error: str = "", notice: str = "", form=None, status=200
) -> Response:
    web.require_user(request, "admin")
    accounts = web.ctx(request).accounts
    users = await run_in_threadpool(accounts.users)
    held = await run_in_threadpool(accounts.held_addresses)
    return web.render(
        request,
        "users.html",
        status_code=status,
        users=users,
        held=held,
        roles=USER_ROLES,
        all_departments=_departments(request),
        error=error,
        notice=notice or _notice(request),
        form=form or {},
    )


def _notice(request: Request) -> str:
    done = request.query_params.get("done", "")
    name = request.query_params.get("name", "")
    return {
        "added": t("console.user_added_notice", name=name),
        "disabled": t("console.user_disabled_notice", name=name),
        "enabled": t("console.user_enabled_notice", name=name),
        "password": t("console.user_password_notice", name=name),
        "departments": t("console.user_departments_notice", name=name),
        "unlocked": t("console.user_unlocked_notice", name=name),
        "released": t("console.address_released_notice", address=name),
    }.get(done, "")


async def add_user(request: Request) -> Response:
    web.require_user(request, "admin")
    form = await request.form()
    name = str(form.get("name", ""))
    role = str(form.get("role", ""))
    depts = [str(d) for d in form.getlist("department")]
    try:
        user = await run_in_threadpool(
            web.ctx(request).accounts.add_user, name, role, str(form.get("password", "")), depts
        )
    except AccountError as exc:
        return await users_page(
            request, error=exc.text, form={"name": name, "role": role, "departments": depts}, status=400
        )
    return web.redirect(f"/users?done=added&name={_q(user.name)}")


def _q(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


async def _target(request: Request):
    try:
        user_id = int(request.path_params["user_id"])
    except ValueError:
        return None
    return await run_in_threadpool(web.ctx(request).accounts.user, user_id)


async def user_page(request: Request, *, error: str = "", status: int = 200) -> Response:
    me = web.require_user(request, "admin")
    user = await _target(request)
    if user is None:
        return web.error_page(request, 404, "console.user_unknown")
    records = await run_in_threadpool(web.ctx(request).accounts.lock_log, user.name)
    return web.render(
        request,
        "user.html",
        status_code=status,
        target=user,
        me=me,
        all_departments=_departments(request),
        error=error,
        lock_log=[_lock_row(r) for r in records],
    )


def _lock_row(r) -> dict:
    """A lock record as the user page shows it: when, what, who, and what it says."""
    if r.action == "lifted":
        parts = dict(p.split("=", 1) for p in r.detail.split() if "=" in p)
        detail = t(
            "console.lock_detail_lifted",
            failures=parts.get("failures", "?"),
            refused=parts.get("refused", "?"),
        )
    elif r.action == "locked":
        detail = t("console.lock_detail_locked", address=r.detail or "-")
    else:
        detail = r.detail
    return {
        "at": r.at,
        "action": {
            "locked": t("console.lock_action_locked"),
            "lifted": t("console.lock_action_lifted"),
            "held": t("console.lock_action_held"),
            "released": t("console.lock_action_released"),
        }.get(r.action, r.action),
        "actor": r.actor or t("console.lock_by_rule"),
        "detail": detail,
    }


async def user_action(request: Request) -> Response:
    me = web.require_user(request, "admin")
    user = await _target(request)
    if user is None:
        return web.error_page(request, 404, "console.user_unknown")
    form = await request.form()
    action = request.path_params["action"]
    accounts = web.ctx(request).accounts
    try:
        if action == "disable":
            if user.id == me.id:
                raise AccountError("console.user_not_self")
            if form.get("confirm") != "1":
                return _confirm(request, user, "disable")
            await run_in_threadpool(accounts.set_disabled, user.id, True)
            done = "disabled"
        elif action == "enable":
            await run_in_threadpool(accounts.set_disabled, user.id, False)
            done = "enabled"
        elif action == "password":
            password = str(form.get("password", ""))
            if password != str(form.get("password2", "")):
                raise AccountError("console.password_mismatch")
            await run_in_threadpool(accounts.set_password, user.id, password)
            done = "password"
        elif action == "unlock":
            if form.get("confirm") != "1":
                return _confirm(request, user, "unlock")
            await run_in_threadpool(accounts.lift_lock, user.id, me.name)
            done = "unlocked"
        elif action == "departments":
            await run_in_threadpool(
                accounts.set_departments, user.id, [str(d) for d in form.getlist("department")]
            )
            done = "departments"
        else:
            return web.error_page(request, 404, "console.not_found")
    except AccountError as exc:
        return await user_page(request, error=exc.text, status=400)
    return web.redirect(f"/users?done={done}&name={_q(user.name)}")


def _confirm(request: Request, user, action: str) -> Response:
    return web.render(
        request,
        "confirm.html",
        question={
            "disable": t("console.user_disable_confirm", name=user.name),
            "unlock": t("console.user_unlock_confirm", name=user.name),
        }[action],
        action=web.url(f"/users/{user.id}/{action}"),
        back=web.url(f"/users/{user.id}"),
        fields={},
    )


async def release_address(request: Request) -> Response:
    """Let a client address held back for too many login attempts try again (after a confirmation)."""
    me = web.require_user(request, "admin")
    form = await request.form()
    address = str(form.get("address", "")).strip()[:64]
    if form.get("confirm") != "1":
        return web.render(
            request,
            "confirm.html",
            question=t("console.address_release_confirm", address=address),
            action=web.url("/addresses/release"),
            back=web.url("/users"),
            fields={"address": address},
        )
    try:
        await run_in_threadpool(web.ctx(request).accounts.release_address, address, me.name)
    except AccountError as exc:
        return await users_page(request, error=exc.text, status=404)
    return web.redirect(f"/users?done=released&name={_q(address)}")


# --- tokens ---------------------------------------------------------------------------------------------
async def tokens_page(
    request: Request, *, error: str = "", issued: dict | None = None, form=None, status=200
):
    web.require_user(request, "admin")
    rows = await run_in_threadpool(web.ctx(request).hub.list_tokens)
    for r in rows:
        r["status"] = "revoked" if r["revoked"] else ("expired" if r["expired"] else "live")
    return web.render(
        request,
        "tokens.html",
        status_code=status,
        tokens=rows,
        roles=ROLES,
        error=error,
        issued=issued,
        form=form or {},
        notice=_tokens_notice(request),
    )


def _tokens_notice(request: Request) -> str:
    revoked, keyed = request.query_params.get("revoked", ""), request.query_params.get("keys", "")
    if revoked.isalnum():
        return t("console.token_revoked_notice", id=revoked)
    if keyed.isalnum():
        return t("console.token_keys_notice", id=keyed)
    return ""


def _key_lines(text: str) -> list[str]:
    """The keys pasted into a form: one a line (as `yichuang keys` prints them), blanks ignored."""
    return [line.strip() for line in text.splitlines() if line.strip()][:4]


async def issue_token(request: Request) -> Response:
    from app.domain.numbering import validate_office_code, validate_workstation_id

    web.require_user(request, "admin")
    form = await request.form()
    role = str(form.get("role", ""))
    office = str(form.get("office", "")).strip()
    wsid = str(form.get("workstation", "")).strip()
    name = str(form.get("name", "")).strip()[:100]
    expires_raw = str(form.get("expires", "")).strip()
    replace = form.get("replace") == "1"
    keys_raw = str(form.get("public_keys", ""))[:2000]
    keys = _key_lines(keys_raw)
    keep = {
        "role": role,
        "office": office,
        "workstation": wsid,
        "name": name,
        "expires": expires_raw,
        "public_keys": keys_raw,
    }
    try:
        if role not in ROLES:
            raise ValueError(t("console.token_role_bad"))
        if role == "workstation":
            if not office or not wsid:
                raise ValueError(t("console.token_ws_needs"))
            office, wsid = validate_office_code(office), validate_workstation_id(wsid)
        elif role == "hub":
            if not (office.isdigit() and 2 <= len(office) <= 9):
                raise ValueError(t("console.token_hub_needs"))
            wsid = ""
        else:
            wsid = ""
            if office and not office.isdigit():
                raise ValueError(t("console.token_office_bad"))
        expires = None
        if expires_raw:
            if not expires_raw.isdigit() or not 1 <= int(expires_raw) <= 36500:
                raise ValueError(t("console.token_expires_bad"))
            expires = int(expires_raw)
        if keys and role != "workstation":
            raise ValueError(t("keys.only_workstation"))
    except ValueError as exc:
        return await tokens_page(request, error=str(exc), form=keep, status=400)
    hub = web.ctx(request).hub
    try:
        token = await run_in_threadpool(
            lambda: hub.add_token(
                role, office, wsid, name, public_key=keys, expires_days=expires, replace=replace
            )
        )
    except KeyRefused as exc:
        return await tokens_page(request, error=str(exc), form=keep, status=400)
    except TokenExists as exc:
        return await tokens_page(
            request,
            error=t("hub.token_exists", scope=f"{exc.office}/{exc.ws}", ids=", ".join(exc.ids)),
            form=keep,
            status=409,
        )
    from sync.hub.principal import hash_token

    # shown in this answer only (no-store): the hub keeps its hash, never the token
    issued = {"token": token, "id": hash_token(token)[:16], "role": role, "scope": _scope(role, office, wsid)}
    return await tokens_page(request, issued=issued, status=201)


def _scope(role: str, office: str, ws: str) -> str:
    return f"{office}/{ws}" if role == "workstation" else (office or t("hub.all_offices"))


async def set_token_keys(request: Request) -> Response:
    """Bind receipt keys to a window's token (what `yichuang hub set-key` does): the admin pastes
    what `yichuang keys` printed at the window."""
    web.require_user(request, "admin")
    form = await request.form()
    token_id = str(form.get("token_id", "")).strip()
    keys_raw = str(form.get("public_keys", ""))[:2000]
    keep = {"token_id": token_id, "set_keys": keys_raw}
    try:
        out = await run_in_threadpool(web.ctx(request).hub.set_keys, token_id, _key_lines(keys_raw))
    except KeyRefused as exc:
        return await tokens_page(request, error=str(exc), form=keep, status=400)
    except ValueError:
        return await tokens_page(request, error=t("hub.revoke_bad_id"), form=keep, status=400)
    except LookupError:
        return await tokens_page(request, error=t("hub.revoke_none", id=token_id), form=keep, status=404)
    return web.redirect(f"/tokens?keys={out['id']}")


async def revoke_token(request: Request) -> Response:
    web.require_user(request, "admin")
    token_id = request.path_params["token_id"]
    form = await request.form()
    if form.get("confirm") != "1":
        return web.render(
            request,
            "confirm.html",
            question=t("console.token_revoke_confirm", id=token_id),
            action=web.url(f"/tokens/{token_id}/revoke"),
            back=web.url("/tokens"),
            fields={},
        )
    try:
        out = await run_in_threadpool(web.ctx(request).hub.revoke_token, token_id)
    except ValueError:
        return await tokens_page(request, error=t("hub.revoke_bad_id"), status=400)
    except LookupError:
        return await tokens_page(request, error=t("hub.revoke_none", id=token_id), status=404)
    return web.redirect(f"/tokens?revoked={out['id']}")


def routes() -> list[Route]:
    return [
        Route("/users", users_page, methods=["GET"]),
        Route("/users", add_user, methods=["POST"]),
        Route("/users/{user_id}", user_page, methods=["GET"]),
        Route("/users/{user_id}/{action}", user_action, methods=["POST"]),
        Route("/addresses/release", release_address, methods=["POST"]),
        Route("/tokens", tokens_page, methods=["GET"]),
        Route("/tokens", issue_token, methods=["POST"]),
        Route("/tokens/keys", set_token_keys, methods=["POST"]),
        Route("/tokens/{token_id}/revoke", revoke_token, methods=["POST"]),
    ]
