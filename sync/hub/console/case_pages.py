"""The back office's pages: a department's queue, the case page with its scans, and decisions
(a button per decision, then 确认). Reading is in sync.hub.console_queries, deciding in
sync.hub.console_decisions; a decision goes through the hub store's back-office path with the user's name and the case
version the page showed, so a case that changed meanwhile is refused with a message."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from app.domain import lifecycle
from app.domain.identifiers import id_type_note
from app.domain.masking import mask_applicant_id, mask_phone
from app.messages import t
from sync.hub import console_decisions as cd
from sync.hub import console_queries as cq
from sync.hub import decisions
from sync.hub.console import web

NAV = [web.NavItem("/queue", "console.nav_queue", ("backoffice", "admin"), "w")]
DECISION_KEYS = {"in_review": "r", "correction": "b", "complete": "d", "deny": "n"}
DECISION_LABELS = {
    "in_review": "console.decide_in_review",
    "correction": "console.decide_correction",
    "complete": "console.decide_complete",
    "deny": "console.decide_deny",
}
DONE_LABELS = {
    "in_review": "console.decide_in_review_done",
    "correction": "console.decide_correction_done",
    "complete": "console.decide_complete_done",
    "deny": "console.decide_deny_done",
}
STAGE_LABELS = {
    cq.NEW: "console.stage_new",
    cq.REVIEW: "console.stage_review",
    cq.RETURNED: "console.stage_returned",
    cq.CORRECTION: "console.stage_correction",
    cq.DONE: "console.stage_done",
    cq.WINDOW: "console.stage_window",
}
SIDE_LABELS = {
    "window": "console.side_window",
    "backoffice": "console.side_backoffice",
    "courier": "console.side_courier",
    "handover": "console.side_handover",
    "hub": "console.side_hub",
}
PER_PAGE = 50


def _today(request: Request) -> date:
    return date.today()


def _calendar(request: Request):
    """The hub's working-day calendar (the current published one), cached per version."""
    from app.domain.workdays import WorkCalendar

    c = web.ctx(request)
    version = c.hub.current_version("calendar")
    cache = c.extra.setdefault("calendars", {})
    if version not in cache:
        cur = c.hub.current_document("calendar")
        cache[version] = WorkCalendar.from_dict(cur[1]) if cur else None
    if cache[version] is None:
        from app.domain.workdays import load_calendar

        cache[version] = load_calendar()
    return cache[version]


def _user_departments(request: Request, user) -> list[str]:
    """The departments whose queues the user sees: an admin sees every department's."""
    if user.role == "admin":
        return list(cq.departments(web.ctx(request).hub))
    return list(user.departments)


def _int(value: str | None, default: int, high: int) -> int:
    value = (value or "").strip()
    if not value.isdigit() or len(value) > 9:
        return default
    return max(1, min(int(value), high))


# --- the queue ----------------------------------------------------------------------------------------------
async def queue_page(request: Request) -> Response:
    user = web.require_user(request, "backoffice", "admin")
    c = web.ctx(request)
    q = request.query_params
    mine = _user_departments(request, user)
    dept = q.get("department", "")  # "": all of the user's departments (the page opens so)
    if not mine:
        return web.render(request, "queue.html", page=None, departments=[], names={}, flt=None)
    if dept and dept not in mine:
        return web.error_page(request, 403, "console.not_your_department")
    stage = q.get("stage", "")
    flt = cq.QueueFilter(
        department=dept,
        office=q.get("office", "").strip()[:12],
        subject=q.get("subject", "").strip()[:64],
        stage=stage if stage in (*cq.STAGES, cq.ALL) else "",
        query=q.get("q", "").strip()[:60],
        page=_int(q.get("page"), 1, 10**6),
        after=q.get("after", "")[:60],
        before=q.get("before", "")[:60],
        per_page=PER_PAGE,
        departments=tuple(mine),
    )
    scope = flt.scope

    def read():  # one trip to the thread pool: on a busy server each trip costs its own wait
        calendar = _calendar(request)
        page = cq.queue_page(c.hub, flt, today=_today(request), calendar=calendar)
        return page, _offices(request, scope), _subjects_of(request, scope), cq.departments(c.hub)

    page, offices, subjects, names = await run_in_threadpool(read)

    def link(**changes) -> str:
        params = {
            "department": flt.department,
            "office": flt.office,
            "subject": flt.subject,
            "stage": flt.stage,
            "q": flt.query,
            "page": str(flt.page),
        }
        params.update({k: str(v) for k, v in changes.items()})
        return web.url("/queue") + "?" + urlencode({k: v for k, v in params.items() if v})

    return web.render(
        request,
        "queue.html",
        page=page,
        flt=flt,
        departments=mine,
        names=names,
        offices=offices,
        subjects=subjects,
        stages=cq.STAGES,
        all_stages=cq.ALL,
        stage_labels=STAGE_LABELS,
        mask_applicant_id=mask_applicant_id,
        link=link,
        cursor=flt.key_of,
        count_cap=cq.COUNT_CAP,
        state_label=_state_label,
    )


OFFICES_TTL = 60.0  # seconds: the office filter's choices (a new office shows within a minute)


def _offices(request: Request, depts: tuple[str, ...]) -> list[str]:
    """The offices with cases for the departments, for the filter: a distinct over the
    departments' whole queues, so kept for a minute rather than read on every page."""
    import time

    cache = web.ctx(request).extra.setdefault("queue_offices", {})
    now = time.monotonic()
    hit = cache.get(depts)
    if hit is None or now - hit[0] > OFFICES_TTL:
        hit = cache[depts] = (now, cq.queue_offices(web.ctx(request).hub, depts))
    return hit[1]


def _subjects_of(request: Request, depts: tuple[str, ...]) -> list[tuple[str, str]]:
    """(code, name) of the matters and bundles the departments decide, for the matter filter."""
    cat = web.ctx(request).hub.catalogue_obj()
    out = [(m.code, m.name) for m in cat.matters.values() if cq.department_code(m.code) in depts]
    for b in cat.bundles.values():
        if any(cq.department_code(m.code) in depts for m in cat.bundle_matters(b.code)):
            out.append((b.code, b.name))
    return out


def _state_label(state: str | None) -> str:
    return t(f"state.{state}") if state in lifecycle.STATES else "—"


# --- the case page ---------------------------------------------------------------------------------------------
async def _sheet_for(request: Request, user, number: str):
    """The case sheet if the user may see it (one of the user's departments decides it), else None."""
    c = web.ctx(request)
    sheet = await run_in_threadpool(cq.case_sheet, c.hub, number, c.blobs)
    if sheet is None:
        return None
    if user.role != "admin" and not decisions.may_decide(user.departments, sheet.departments):
        return None
    return sheet


def _number(request: Request) -> str:
    return request.path_params["number"].strip().upper()[:40]


async def case_page(
    request: Request,
    *,
    error: str = "",
    errors: dict | None = None,
    form: dict | None = None,
    status: int = 200,
) -> Response:
    user = web.require_user(request, "backoffice", "admin")
    number = _number(request)
    c = web.ctx(request)

    def read():  # one trip to the thread pool
        return cq.case_sheet(c.hub, number, c.blobs), cq.departments(c.hub), _calendar(request)

    sheet, names, calendar = await run_in_threadpool(read)
    if sheet is None or (
        user.role != "admin" and not decisions.may_decide(user.departments, sheet.departments)
    ):
        return web.error_page(request, 404, "console.case_not_found", number=number)
    days_left = None
    if sheet.due_date and sheet.stage in cq.WAITING:
        from app.domain.workdays import working_days_between

        try:
            days_left = working_days_between(_today(request), date.fromisoformat(sheet.due_date), calendar)
        except ValueError:
            days_left = None
    may_decide = decisions.may_decide(user.departments, sheet.departments)
    done = request.query_params.get("done", "")
    return web.render(
        request,
        "case.html",
        status_code=status,
        sheet=sheet,
        case=sheet.case,
        names=names,
        days_left=days_left,
        warn_days=cq.WARN_DAYS,
        may_decide=may_decide,
        decision_labels=DECISION_LABELS,
        decision_keys=DECISION_KEYS,
        stage_labels=STAGE_LABELS,
        side_labels=SIDE_LABELS,
        state_label=_state_label,
        mask_applicant_id=mask_applicant_id,
        id_type_note=id_type_note,
        mask_phone=mask_phone,
        error=error,
        errors=errors or {},
        form=form or {},
        notice=t(DONE_LABELS[done]) if done in DONE_LABELS else "",
    )


def _form_of(data) -> tuple[cd.DecisionForm, dict]:
    """The decision form as sent (and a plain dict of it, to show again)."""
    decision = str(data.get("decision", ""))
    version = str(data.get("version", ""))
    keys = [str(k) for k in data.getlist("material")]
    materials = tuple((k, str(data.get(f"note_{k}", ""))) for k in keys)
    reason = str(data.get("reason", ""))
    plain = {
        "decision": decision,
        "version": version,
        "reason": reason,
        "material": keys,
        **{f"note_{k}": n for k, n in materials},
    }
    ver = int(version) if version.isdigit() and len(version) < 19 else -1
    return cd.DecisionForm(decision, ver, reason, materials), plain


async def decide(request: Request) -> Response:
    """Step 1 (no ``confirm``): checks the form and shows what will be recorded, with 确认.
    Step 2 (``confirm``): records it. Either step refuses a case that changed since the page."""
    user = web.require_user(request, "backoffice", "admin")
    number = _number(request)
    sheet = await _sheet_for(request, user, number)
    if sheet is None:
        return web.error_page(request, 404, "console.case_not_found", number=number)
    data = await request.form()
    form, plain = _form_of(data)
    if form.decision not in cq.DECISIONS:
        return await case_page(request, error=t("console.decision_unknown"), status=400)
    if not decisions.may_decide(user.departments, sheet.departments):
        return web.error_page(request, 403, "console.not_your_case", number=number)
    try:
        cd.check_decision(number, sheet, form)  # the hub's one check (sync.hub.decisions)
    except cd.DecisionRefused as exc:
        return await case_page(request, error=exc.message, status=409)
    try:
        payload = cd.build_payload(sheet, form)
    except cd.DecisionInvalid as exc:
        return await case_page(request, errors=exc.errors, form=plain, status=400)
    if not data.get("confirm"):
        return web.render(
            request,
            "decide_confirm.html",
            sheet=sheet,
            case=sheet.case,
            decision=form.decision,
            label=DECISION_LABELS[form.decision],
            payload=payload,
            form=plain,
            state_label=_state_label,
        )
    try:
        await run_in_threadpool(
            lambda: cd.decide(
                web.ctx(request).hub,
                user_name=user.name,
                departments=user.departments,
                number=number,
                form=form,
            )
        )
    except cd.DecisionInvalid as exc:
        return await case_page(request, errors=exc.errors, form=plain, status=400)
    except cd.DecisionRefused as exc:
        status = {"changed": 409, "invalid_transition": 409, "forbidden": 403, "unknown_case": 404}.get(
            exc.code, 409
        )
        return await case_page(request, error=exc.message, status=status)
    return web.redirect(f"/cases/{number}?done={form.decision}")


# --- scans ------------------------------------------------------------------------------------------------------
async def scan(request: Request) -> Response:
    """A scan of the case, shown in the page: only a file the case's events name, uploaded whole
    by the case's office, to a user whose department decides the case."""
    user = web.require_user(request, "backoffice", "admin")
    number = _number(request)
    sha = request.path_params["sha"]
    sheet = await _sheet_for(request, user, number)
    if sheet is None or len(sha) != 64 or not all(ch in "0123456789abcdef" for ch in sha):
        return web.error_page(request, 404, "console.scan_not_found")
    c = web.ctx(request)
    row = await run_in_threadpool(cq.scan_of_case, c.hub, number, sha)
    path = c.blobs / sha
    if row is None or not path.is_file():
        return web.error_page(request, 404, "console.scan_not_found")
    with open(path, "rb") as fh:
        head = fh.read(8)
    media = (
        "application/pdf"
        if head.startswith(b"%PDF")
        else "image/jpeg"
        if head.startswith(b"\xff\xd8\xff")
        else "image/png"
        if head.startswith(b"\x89PNG")
        else "image/tiff"
        if head[:4] in (b"II*\x00", b"MM\x00*")
        else "application/octet-stream"
    )
    # shown inside the case page (an iframe of this origin), never elsewhere; an image is
    # sandboxed too (Chromium refuses to show a sandboxed PDF, so a PDF is not)
    csp = (
        "frame-ancestors 'self'"
        if media == "application/pdf"
        else "default-src 'none'; frame-ancestors 'self'; sandbox"
    )
    return FileResponse(
        path,
        media_type=media,
        headers={
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
            "X-Frame-Options": "SAMEORIGIN",
            "Content-Security-Policy": csp,
            "Content-Disposition": "inline",
        },
    )


def routes() -> list[Route]:
    return [
        Route("/queue", queue_page, methods=["GET"]),
        Route("/cases/{number}", case_page, methods=["GET"]),
        Route("/cases/{number}/decide", decide, methods=["POST"]),
        Route("/cases/{number}/scans/{sha}", scan, methods=["GET"]),
    ]
