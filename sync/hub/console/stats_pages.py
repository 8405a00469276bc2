"""§5 Statistics for the county: intake per office, matter and department, 一次办结率, overdue
cases; charts drawn on the server (svg.py)."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.messages import t
from sync.hub.console import svg, web
from sync.hub.stats_store import county_stats

NAV = [web.NavItem("/stats", "console.nav_stats", ("backoffice", "admin"), "s")]

MATTERS_SHOWN = 20  # the matters with the most intake; the rest are folded under them
DEFAULT_DAYS = 30
MAX_DAYS = 366 * 3


def _period(request: Request, today: date) -> tuple[date, date, str]:
    """(start, end, error message) from ?from=&to= (ISO dates); the last 30 days by default."""
    q = request.query_params
    end, start = today, today - timedelta(days=DEFAULT_DAYS - 1)
    try:
        if q.get("to"):
            end = date.fromisoformat(q["to"])
        if q.get("from"):
            start = date.fromisoformat(q["from"])
    except ValueError:
        return today - timedelta(days=DEFAULT_DAYS - 1), today, t("console.stats_bad_date")
    note = ""
    if end > today:  # no statistics for days to come (and a day after 9999-12-31 does not exist)
        end, note = today, t("console.stats_future")
    if start > end:
        return end, end, t("console.stats_bad_period")
    if (end - start).days > MAX_DAYS:
        return end - timedelta(days=MAX_DAYS), end, t("console.stats_long_period", days=MAX_DAYS)
    return start, end, note


def _page(value: str | None) -> int:
    value = (value or "").strip()
    return int(value) if value.isdigit() and 0 < len(value) < 7 and int(value) > 0 else 1


def _overdue_link(start: date, end: date, office: str, page: int) -> str:
    """The statistics page at another page of its overdue list (the period and office kept)."""
    params = {"from": start.isoformat(), "to": end.isoformat(), "office": office, "overdue_page": str(page)}
    return web.url("/stats") + "?" + urlencode({k: v for k, v in params.items() if v}) + "#overdue"


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


async def stats_page(request: Request) -> Response:
    web.require_user(request)
    today = date.today()
    start, end, error = _period(request, today)
    office = request.query_params.get("office", "").strip()
    if office and not (office.isdigit() and len(office) <= 12):
        office, error = "", t("console.stats_bad_office")
    overdue_page = _page(request.query_params.get("overdue_page"))
    st = await run_in_threadpool(
        lambda: county_stats(web.ctx(request).hub, start, end, today, office, overdue_page=overdue_page)
    )
    offices = sorted(st.by_office.items(), key=lambda kv: (-kv[1].intake, kv[0]))
    matters = sorted(st.by_matter.items(), key=lambda kv: (-kv[1].intake, kv[0]))
    depts = sorted(st.by_department.items(), key=lambda kv: (-kv[1].intake, kv[0]))
    days = []
    d = start
    while d <= end:
        days.append((d.isoformat(), st.by_day.get(d.isoformat(), 0)))
        d += timedelta(days=1)

    def dept_name(code: str) -> str:
        return st.department_names.get(code, code) if code else t("console.stats_no_department")

    charts = {
        "day": svg.column_chart(days, t("console.stats_chart_day")),
        "office": svg.bar_chart([(o, v.intake) for o, v in offices[:20]], t("console.stats_chart_office")),
        "department": svg.bar_chart(
            [(dept_name(code), v.intake) for code, v in depts[:20]], t("console.stats_chart_department")
        ),
        "rate": svg.bar_chart(
            [
                (dept_name(code), round(v.one_time_rate * 100, 1))
                for code, v in depts[:20]
                if v.one_time_rate is not None
            ],
            t("console.stats_chart_rate"),
            unit="%",
        ),
    }
    return web.render(
        request,
        "stats.html",
        st=st,
        start=start,
        end=end,
        office=office,
        error=error,
        offices=offices,
        matters=matters,
        matters_shown=MATTERS_SHOWN,
        depts=[(code, dept_name(code), v) for code, v in depts],
        charts=charts,
        percent=_percent,
        overdue_link=lambda page: _overdue_link(start, end, office, page),
    )


def routes() -> list[Route]:
    return [Route("/stats", stats_page, methods=["GET"])]
