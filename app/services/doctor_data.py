"""`yichuang doctor`, what the store holds: calendar and catalogue, what waits (print jobs,
unsent events), private files, case records against their events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.messages import t
from app.services.doctor_store import Finding, local_text, store_ready
from app.services.workstation import Workstation
from app.store.cipher import is_encrypted

# Thresholds (documented in docs/doctor.md).
EVENTS_STALE = timedelta(days=1)  # unsent events older than this: the link has been down too long


# --- calendar and catalogue ----------------------------------------------------------------------
def check_calendar(ws: Workstation) -> list[Finding]:
    try:
        cal = ws.calendar
    except (OSError, ValueError) as exc:
        return [
            Finding(
                "error",
                "calendar.unreadable",
                t("doctor.calendar_bad", error=exc),
                t("doctor.calendar_bad_fix"),
            )
        ]
    today = ws.today()
    data = {"version": cal.version, "first_year": cal.first_year, "last_year": cal.last_year}
    if today.year > cal.last_year:
        return [
            Finding(
                "warning",
                "calendar.expired",
                t("doctor.calendar_past", last=cal.last_year, year=today.year),
                t("doctor.calendar_fix"),
                data,
            )
        ]
    if today.year == cal.last_year and today.month >= 10:  # next year's holidays come in the autumn
        return [
            Finding(
                "warning",
                "calendar.ending",
                t("doctor.calendar_ending", last=cal.last_year),
                t("doctor.calendar_fix"),
                data,
            )
        ]
    return [
        Finding(
            "ok", "calendar.ok", t("doctor.calendar_ok", version=cal.version, last=cal.last_year), "", data
        )
    ]


def check_catalogue(ws: Workstation) -> list[Finding]:
    from app.services.catalogue_files import CURRENT

    try:
        cat = ws.catalogue
    except Exception as exc:  # whatever stops it loading stops intake: say it, with what to do
        return [
            Finding(
                "error",
                "catalogue.unreadable",
                t("doctor.catalogue_bad", error=exc),
                t("doctor.catalogue_fix"),
            )
        ]
    data = {"version": cat.version, "matters": len(cat.matters), "bundles": len(cat.bundles)}
    if not (ws.config.catalogue_dir / CURRENT).exists():
        return [
            Finding(
                "warning",
                "catalogue.demo",
                t("doctor.catalogue_demo", version=cat.version),
                t("doctor.catalogue_fix"),
                data,
            )
        ]
    return [
        Finding(
            "ok",
            "catalogue.ok",
            t("doctor.catalogue_ok", version=cat.version, matters=len(cat.matters), bundles=len(cat.bundles)),
            "",
            data,
        )
    ]


# --- what waits ----------------------------------------------------------------------------------
def check_queues(ws: Workstation) -> list[Finding]:
    if not store_ready(ws):
        key = "queues.no_store" if ws.config.db_path.exists() else "queues.empty_store"
        if key == "queues.empty_store":
            return [Finding("ok", key, t("doctor.queues_new"))]
        return [Finding("info", key, t("doctor.queues_skipped"))]
    from sqlalchemy import func, select

    from app.services.printing import ACTIVE_STATES
    from app.store.models import CaseEvent, PrintJob
    from app.store.sync_models import SyncEvent

    now = ws.utcnow()
    with ws.store.read() as s:
        # unsent as app.services.sync.outbox counts it: not acknowledged, no sync row yet
        pending = s.execute(
            select(func.count(), func.min(CaseEvent.at))
            .select_from(CaseEvent)
            .join(SyncEvent, SyncEvent.event_id == CaseEvent.event_id, isouter=True)
            .where(CaseEvent.synced_at.is_(None), SyncEvent.event_id.is_(None))
        ).one()
        refused = s.execute(
            select(func.count()).select_from(SyncEvent).where(SyncEvent.status == "refused")
        ).scalar()
        waiting = s.execute(
            select(func.count(), func.min(PrintJob.created_at)).where(
                PrintJob.state.in_(ACTIVE_STATES + ("failed",))
            )
        ).one()
        unconfirmed = s.execute(
            select(func.count(), func.min(PrintJob.created_at)).where(PrintJob.state == "unconfirmed")
        ).one()
    out: list[Finding] = []
    n, oldest = int(pending[0] or 0), pending[1]
    if n == 0:
        out.append(Finding("ok", "events.none", t("doctor.events_none"), "", {"count": 0}))
    else:
        stale = _aware(oldest) < now - EVENTS_STALE
        out.append(
            Finding(
                "warning" if stale else "info",
                "events.unsent",
                t("doctor.events_waiting", n=n, oldest=local_text(oldest)),
                t("doctor.events_fix"),
                {"count": n, "oldest": _aware(oldest).isoformat()},
            )
        )
    if refused:
        out.append(
            Finding(
                "warning",
                "events.refused",
                t("doctor.events_refused", n=refused),
                t("doctor.events_refused_fix"),
                {"count": refused},
            )
        )
    n, oldest = int(waiting[0] or 0), waiting[1]
    if n == 0:
        out.append(Finding("ok", "jobs.none", t("doctor.jobs_none"), "", {"count": 0}))
    else:
        out.append(
            Finding(
                "warning",
                "jobs.waiting",
                t("doctor.jobs_waiting", n=n, oldest=local_text(oldest)),
                t("doctor.jobs_fix"),
                {"count": n, "oldest": _aware(oldest).isoformat()},
            )
        )
    n, oldest = int(unconfirmed[0] or 0), unconfirmed[1]
    if n:
        out.append(
            Finding(
                "warning",
                "jobs.unconfirmed",
                t("doctor.jobs_unconfirmed", n=n, oldest=local_text(oldest)),
                t("doctor.jobs_unconfirmed_fix"),
                {"count": n, "oldest": _aware(oldest).isoformat()},
            )
        )
    return out


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)


# --- private files (issue 16 §5) -----------------------------------------------------------------
EXPOSED_SHOWN = 3  # paths named in the message; --json lists up to EXPOSED_LISTED
EXPOSED_LISTED = 50


def _mode_text(path: Path, mode: int) -> str:
    return f"{path} ({mode:04o})"


def check_private_files(ws: Workstation) -> list[Finding]:
    """The data dir 0700 and everything in it 0600 (and this program's backups in backup.dir):
    the hub token, the keys, the store, scans, backups and printed documents are the clerk's
    user's alone. On an encrypted store, nothing personal left in clear beside it."""
    from app.private_files import POSIX, exposed
    from app.services.backup import backup_dir

    data_dir = ws.config.data_dir
    if not POSIX:
        return [Finding("info", "files.not_checked", t("doctor.private_not_posix"))]
    if not data_dir.is_dir():
        return []
    found = list(exposed(data_dir))
    backups = backup_dir(ws.config)
    inside = backups.resolve() == data_dir.resolve() or data_dir.resolve() in backups.resolve().parents
    if not inside and backups.is_dir():
        found += [(p, m) for p, m in exposed(backups) if p.name.startswith("yichuang-") or p == backups]
    out: list[Finding] = []
    if found:
        shown = "、".join(_mode_text(p, m) for p, m in found[:EXPOSED_SHOWN])
        out.append(
            Finding(
                "warning",
                "files.exposed",
                t("doctor.private_exposed", n=len(found), shown=shown),
                t("doctor.private_exposed_fix", path=data_dir, backups=backups),
                {
                    "count": len(found),
                    "paths": [{"path": str(p), "mode": f"{m:04o}"} for p, m in found[:EXPOSED_LISTED]],
                },
            )
        )
    else:
        out.append(
            Finding("ok", "files.private", t("doctor.private_ok", path=data_dir), "", {"path": str(data_dir)})
        )
    if ws.config.get("store.encrypted"):
        plain = _plain_beside_encrypted(ws, backups)
        if plain:
            out.append(
                Finding(
                    "warning",
                    "files.plain",
                    t(
                        "doctor.private_plain",
                        n=len(plain),
                        shown="、".join(str(p) for p in plain[:EXPOSED_SHOWN]),
                    ),
                    t("doctor.private_plain_fix"),
                    {"count": len(plain), "paths": [str(p) for p in plain[:EXPOSED_LISTED]]},
                )
            )
    return out


def _plain_beside_encrypted(ws: Workstation, backups: Path) -> list[Path]:
    """Backups and printed documents of an encrypted store that are not sealed: copies made
    before `db encrypt` (or by an older version) that hold names in clear."""
    from sync.sealing import file_is_sealed

    plain: list[Path] = []
    if backups.is_dir():
        for p in sorted(backups.glob("yichuang-*.tar.zst")):
            if p.is_file() and not file_is_sealed(p):
                plain.append(p)
        for p in sorted(backups.glob("yichuang-before-*.db")):
            if p.is_file() and not is_encrypted(p):
                plain.append(p)
    # a restore keeps the store it replaced: a plain one there is a plain copy too
    plain += [
        p
        for p in sorted(ws.config.data_dir.glob("replaced-*/yichuang.db"))
        if p.is_file() and not is_encrypted(p)
    ]
    prints = ws.config.prints_dir
    if prints.is_dir():
        plain += [
            p
            for p in sorted(prints.glob("*.bin"))
            if p.is_file()
            and not p.name.startswith("test-")
            and not file_is_sealed(p)  # test pages: no one's data
        ]
    return plain


# --- case records against their events (issue 16 §7) ---------------------------------------------------
# The doctor folds the events of the newest cases (a few seconds at most); `audit verify` folds
# them all (and walks the hash chain), in worker processes: ~2 s per 100,000 cases here.
DOCTOR_RECORDS = 50_000


def check_records(ws: Workstation) -> list[Finding]:
    """Each case's record (what the screens and receipts show) against what its events say: a
    record changed behind the program's back (the chain covers the events, not the record)."""
    if not store_ready(ws):
        return (
            [Finding("info", "records.skipped", t("doctor.records_skipped"))]
            if ws.config.db_path.exists()
            else []
        )
    from app.services.audit import check_records as check
    from app.store.audit import newest_cases

    first, last, total, events = newest_cases(ws.store, DOCTOR_RECORDS)
    found = check(ws.store, first, last)
    out: list[Finding] = []
    data = {"checked": found.cases, "cases": total, "mismatches": found.count}
    if found.ok:
        out.append(Finding("ok", "records.ok", t("doctor.records_ok", cases=found.cases), "", data))
    else:
        m = found.mismatches[0]
        from app.domain.text import visible

        out.append(
            Finding(
                "error",
                "records.mismatch",
                t(
                    "doctor.records_broken",
                    count=found.count,
                    case=visible(m.case, single_line=True),
                    field=t(f"audit.field_{m.field}"),
                ),
                t("doctor.records_fix"),
                {**data, "first": {"case": m.case, "field": m.field}},
            )
        )
    if found.cases < total:
        out.append(
            Finding(
                "info",
                "records.partial",
                t("doctor.records_large", events=events, checked=found.cases, cases=total),
                t("doctor.records_large_fix"),
                data,
            )
        )
    return out
