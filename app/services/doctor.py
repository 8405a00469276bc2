"""`yichuang doctor`: what stands between this PC and a working day, each with what to do.

Every check is a small function of the workstation returning Findings; none changes anything
(the database is not created or migrated, no key is made, the printer prints nothing, the hub
is only read from). Levels: ``ok`` and ``info`` need nothing; ``warning`` should be dealt with
soon; ``error`` stops a working day. Messages and advice come from the catalogue (app.messages).
"""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import time
import weakref
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from app.messages import t
from app.services.doctor_idcard import idcard_findings
from app.services.workstation import Workstation
from app.store.cipher import DatabaseError as DbDatabaseError
from app.store.cipher import Error as DbError
from app.store.cipher import OperationalError as DbOperationalError
from app.store.cipher import WrongKey, connect, is_encrypted
from app.store.db import StoreError

LEVELS = ("ok", "info", "warning", "error")

# Thresholds (documented in docs/doctor.md).
SPACE_ERROR = 200 * 1024**2  # below this a day's cases and print jobs may not fit
SPACE_WARNING = 1024**3
WAL_WARNING = 64 * 1024**2  # a WAL this large means a reader kept it from being checkpointed
CERT_WARNING_DAYS = 30
CLOCK_WARNING = 120  # seconds against the hub
CLOCK_ERROR = 3600  # an hour off: dates in case numbers and due dates may be wrong
EVENTS_STALE = timedelta(days=1)  # unsent events older than this: the link has been down too long
PRINTER_TIMEOUT = 2.0
HUB_DEADLINE = 15.0


@dataclass(frozen=True)
class Finding:
    level: str  # ok | info | warning | error
    key: str  # stable identifier of the check's outcome, e.g. "database.integrity"
    message: str  # what was found (the catalogue's words)
    advice: str = ""  # what to do; empty when nothing is to be done
    data: dict[str, Any] = field(default_factory=dict)  # the figures behind it (for --json)

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"unknown level {self.level!r}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def exit_code(findings: Iterable[Finding]) -> int:
    """0 when all is well (only ok/info), 1 with any error, 3 with warnings only."""
    levels = {f.level for f in findings}
    if "error" in levels:
        return 1
    return 3 if "warning" in levels else 0


def size_text(n: int | float) -> str:
    """Bytes for people: 0 B, 12.0 KB, 1.5 MB, 74.1 GB (binary units)."""
    if n < 1024:
        return f"{n:.0f} B"
    for unit in ("KB", "MB"):
        n /= 1024
        if n < 1024:
            return f"{n:.1f} {unit}"
    return f"{n / 1024:.1f} GB"


def _local(dt: datetime) -> str:
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone().strftime("%Y-%m-%d %H:%M")


# --- data dir ------------------------------------------------------------------------------------
def _data_dir_usable(ws: Workstation) -> bool:
    return ws.config.data_dir.is_dir()


def check_data_dir(ws: Workstation) -> list[Finding]:
    path = ws.config.data_dir
    if path.exists() and not path.is_dir():
        return [
            Finding(
                "error",
                "data_dir.not_dir",
                t("doctor.dir_not_dir", path=path),
                t("doctor.dir_not_dir_fix"),
                {"path": str(path)},
            )
        ]
    target = path
    while not target.exists():  # not made yet: the window makes it where it can write
        target = target.parent
    if not target.is_dir():
        return [
            Finding(
                "error",
                "data_dir.not_dir",
                t("doctor.dir_not_dir", path=target),
                t("doctor.dir_not_dir_fix"),
                {"path": str(target)},
            )
        ]
    probe = target / f".doctor-probe-{os.getpid()}"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, b"yichuang doctor\n")
            os.fsync(fd)
        finally:
            os.close(fd)
            os.unlink(probe)
    except OSError as exc:
        return [
            Finding(
                "error",
                "data_dir.unwritable",
                t("doctor.dir_unwritable", path=target, error=exc.strerror or exc),
                t("doctor.dir_unwritable_fix"),
                {"path": str(target), "errno": exc.errno},
            )
        ]
    if target != path:
        return [
            Finding("info", "data_dir.missing", t("doctor.dir_missing", path=path), "", {"path": str(path)})
        ]
    return [Finding("ok", "data_dir.writable", t("doctor.dir_ok", path=path), "", {"path": str(path)})]


def check_free_space(ws: Workstation) -> list[Finding]:
    target = ws.config.data_dir
    while not target.exists():
        target = target.parent
    try:
        usage = shutil.disk_usage(target)
    except OSError as exc:
        return [
            Finding(
                "error",
                "disk.unknown",
                t("doctor.space_unknown", error=exc.strerror or exc),
                t("doctor.space_fix"),
            )
        ]
    data = {"free_bytes": usage.free, "total_bytes": usage.total}
    free = size_text(usage.free)
    if usage.free < SPACE_ERROR:
        return [Finding("error", "disk.full", t("doctor.space_full", free=free), t("doctor.space_fix"), data)]
    if usage.free < SPACE_WARNING:
        return [Finding("warning", "disk.low", t("doctor.space_low", free=free), t("doctor.space_fix"), data)]
    return [Finding("ok", "disk.free", t("doctor.space_ok", free=free), "", data)]


# --- database ------------------------------------------------------------------------------------
def _schema_version() -> int:
    from app.store.db import SCHEMA_VERSION

    return SCHEMA_VERSION


def check_database(ws: Workstation) -> list[Finding]:
    path = ws.config.db_path
    if ws.config.data_dir.exists() and not _data_dir_usable(ws):
        return [Finding("info", "database.skipped", t("doctor.db_skipped"))]
    if not path.exists():
        return [
            Finding("info", "database.missing", t("doctor.db_missing", path=path), "", {"path": str(path)})
        ]
    out: list[Finding] = []
    wal = path.with_name(path.name + "-wal")
    wal_size = wal.stat().st_size if wal.exists() else 0  # before we open it: closing checkpoints it
    known = _schema_version()
    try:
        con = _connect_store(ws, path)
    except (*DbError, StoreError, WrongKey) as exc:
        return [_db_unreadable(path, exc)]
    try:
        try:
            version = int(con.execute("PRAGMA user_version").fetchone()[0])
            rows = [str(r[0]) for r in con.execute("PRAGMA integrity_check(20)").fetchall()]
        except DbOperationalError as exc:  # locked, cannot open, I/O: not the file's content
            return [_db_unreadable(path, exc)]
        except DbDatabaseError as exc:  # malformed, not a database
            return [
                Finding(
                    "error",
                    "database.corrupt",
                    t("doctor.db_corrupt", path=path, detail=str(exc)),
                    t("doctor.db_restore"),
                    {"path": str(path), "problems": [str(exc)]},
                )
            ]
    finally:
        con.close()
    _verdicts[ws] = rows == ["ok"] and version == known
    if rows == ["ok"]:
        out.append(Finding("ok", "database.integrity", t("doctor.db_ok", path=path), "", {"path": str(path)}))
    else:
        out.append(
            Finding(
                "error",
                "database.corrupt",
                t("doctor.db_corrupt", path=path, detail="; ".join(rows[:3])),
                t("doctor.db_restore"),
                {"path": str(path), "problems": rows},
            )
        )
    encrypted = is_encrypted(path)
    out.append(
        Finding(
            "ok" if encrypted else "info",
            "database.encryption",
            t("doctor.db_encrypted") if encrypted else t("doctor.db_not_encrypted"),
            "" if encrypted else t("doctor.db_encrypt_how"),
            {"encrypted": encrypted},
        )
    )
    data = {"version": version, "known": known}
    if version == known:
        out.append(Finding("ok", "database.schema", t("doctor.schema_ok", version=version), "", data))
    elif version < known:
        out.append(
            Finding(
                "info", "database.schema_old", t("doctor.schema_old", version=version, known=known), "", data
            )
        )
    else:
        out.append(
            Finding(
                "error",
                "database.schema_newer",
                t("doctor.schema_new", version=version, known=known),
                t("doctor.schema_new_fix"),
                data,
            )
        )
    size = size_text(wal_size)
    if wal_size > WAL_WARNING:
        out.append(
            Finding(
                "warning",
                "database.wal",
                t("doctor.wal_big", size=size),
                t("doctor.wal_fix"),
                {"bytes": wal_size},
            )
        )
    else:
        out.append(Finding("ok", "database.wal", t("doctor.wal_ok", size=size), "", {"bytes": wal_size}))
    return out


def _connect_store(ws: Workstation, path: Path):
    """The store file opened for reading: keyed when it is encrypted (the key from the
    keyring, YICHUANG_DB_PASSPHRASE or the terminal; WrongKey / StoreError say what is wrong)."""
    if is_encrypted(path) and ws.config.get("store.encrypted"):
        from app.services.encryption import resolve_key, terminal_prompt

        key = ws.__dict__.get("db_key") or resolve_key(ws.config, ws.passphrase_prompt or terminal_prompt())
        ws.__dict__["db_key"] = key
        return connect(path, key, timeout=10)
    return connect(path, None, timeout=10)  # a plain store (or a damaged file: the check says so)


def _db_unreadable(path: Path, exc: Exception) -> Finding:
    return Finding(
        "error",
        "database.unreadable",
        t("doctor.db_unreadable", path=path, error=exc),
        t("doctor.db_unreadable_fix"),
        {"path": str(path)},
    )


# check_database's verdict per workstation: the queue counts need not scan the file again
_verdicts: weakref.WeakKeyDictionary[Workstation, bool] = weakref.WeakKeyDictionary()


def _store_ready(ws: Workstation) -> bool:
    """The store can be read without creating or migrating it (and is not damaged)."""
    path = ws.config.db_path
    if not path.exists():
        return False
    if ws in _verdicts:
        return _verdicts[ws]
    try:
        con = _connect_store(ws, path)
        try:
            version = int(con.execute("PRAGMA user_version").fetchone()[0])
            healthy = con.execute("PRAGMA quick_check(1)").fetchone()[0] == "ok"
        finally:
            con.close()
    except (*DbError, StoreError, WrongKey):
        return False
    return healthy and version == _schema_version()


# --- printer -------------------------------------------------------------------------------------
def check_printer(ws: Workstation, timeout: float = PRINTER_TIMEOUT) -> list[Finding]:
    from app.printers import DirPrinter, FilePrinter, PrinterError, TcpPrinter, open_printer
    from printing.profiles import PROFILES

    out: list[Finding] = []
    profile_name = str(ws.config.values.get("printer", {}).get("profile", ""))
    profile = PROFILES.get(profile_name)
    if profile is None:
        out.append(
            Finding(
                "error",
                "printer.profile",
                t("doctor.profile_bad", profile=profile_name),
                t("doctor.profile_fix", known=", ".join(PROFILES)),
                {"profile": profile_name},
            )
        )
    else:
        out.append(
            Finding(
                "ok",
                "printer.profile",
                t(
                    "doctor.profile_ok",
                    profile=profile.name,
                    paper=profile.paper_mm,
                    encoding=profile.encoding.upper(),
                ),
                "",
                {"profile": profile.name, "paper_mm": profile.paper_mm, "confirm": profile.confirm},
            )
        )
    url = ws.config.printer_url
    data: dict[str, Any] = {"url": url}
    try:
        printer = open_printer(url)
    except PrinterError as exc:
        return out + [
            Finding(
                "error",
                "printer.url",
                t("doctor.printer_bad_url", error=exc),
                t("doctor.printer_url_fix"),
                data,
            )
        ]
    if isinstance(printer, TcpPrinter):
        return out + _probe_tcp(printer, url, timeout)
    if isinstance(printer, DirPrinter | FilePrinter):
        folder = printer.path if isinstance(printer, DirPrinter) else printer.path.parent
        target = folder
        while not target.exists():
            target = target.parent
        if not os.access(target, os.W_OK) or not target.is_dir():
            return out + [
                Finding(
                    "error",
                    "printer.unwritable",
                    t("doctor.printer_dir_unwritable", path=folder),
                    t("doctor.printer_url_fix"),
                    data,
                )
            ]
        return out + [
            Finding(
                "warning",
                "printer.files",
                t("doctor.printer_files", path=folder),
                t("doctor.printer_url_fix"),
                data,
            )
        ]
    scheme = url.split("://", 1)[0].lower()
    if scheme == "serial":
        device = Path(printer.path)  # type: ignore[attr-defined]
        if not device.exists():
            return out + [
                Finding(
                    "error",
                    "printer.device",
                    t("doctor.printer_device_missing", path=device),
                    t("doctor.printer_unreachable_fix"),
                    data,
                )
            ]
    if scheme == "cups" and shutil.which("lp") is None:
        return out + [
            Finding("error", "printer.cups", t("doctor.printer_no_lp"), t("doctor.printer_no_lp_fix"), data)
        ]
    return out + [
        Finding(
            "info",
            "printer.cannot_ask",
            t("doctor.printer_cannot_ask", url=url),
            t("doctor.printer_test"),
            data,
        )
    ]


def _probe_tcp(printer, url: str, timeout: float) -> list[Finding]:
    from app.printers import PrinterError

    data: dict[str, Any] = {"url": url}
    try:
        status = printer.probe(timeout)
    except PrinterError as exc:
        data["error"] = exc.kind
        return [
            Finding(
                "error",
                "printer.unreachable",
                t("doctor.printer_unreachable", url=url, error=exc.message),
                t("doctor.printer_unreachable_fix"),
                data,
            )
        ]
    data.update(online=status.online, paper=status.paper)
    out: list[Finding] = []
    if status.online is None:
        out.append(
            Finding(
                "info", "printer.silent", t("doctor.printer_silent", url=url), t("doctor.printer_test"), data
            )
        )
    elif status.online:
        out.append(Finding("ok", "printer.online", t("doctor.printer_online", url=url), "", data))
    else:
        out.append(
            Finding(
                "error",
                "printer.offline",
                t("doctor.printer_offline", url=url),
                t("doctor.printer_offline_fix"),
                data,
            )
        )
    if status.paper == "end":
        out.append(
            Finding("error", "printer.paper_end", t("doctor.paper_end"), t("doctor.paper_end_fix"), data)
        )
    elif status.paper == "near_end":
        out.append(
            Finding(
                "warning",
                "printer.paper_near_end",
                t("doctor.paper_near_end"),
                t("doctor.paper_near_end_fix"),
                data,
            )
        )
    elif status.paper == "present":
        out.append(Finding("ok", "printer.paper", t("doctor.paper_present"), "", data))
    else:
        out.append(Finding("info", "printer.paper_unknown", t("doctor.paper_unknown"), "", data))
    return out


# --- scanner -------------------------------------------------------------------------------------
def check_scanner(ws: Workstation) -> list[Finding]:
    # scanner.inbox may be unknown to this version's settings: read it with a default
    inbox = str(ws.config.values.get("scanner", {}).get("inbox", "") or "").strip()
    if not inbox:
        return [Finding("info", "scanner.unset", t("doctor.scanner_unset"), t("doctor.scanner_unset_fix"))]
    path = Path(inbox).expanduser()
    data: dict[str, Any] = {"path": str(path)}
    if not path.is_dir():
        return [
            Finding(
                "error",
                "scanner.missing",
                t("doctor.scanner_missing", path=path),
                t("doctor.scanner_fix"),
                data,
            )
        ]
    try:
        files = sum(1 for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
    except OSError as exc:
        return [
            Finding(
                "error",
                "scanner.unreadable",
                t("doctor.scanner_unreadable", path=path, error=exc.strerror or exc),
                t("doctor.scanner_fix"),
                data,
            )
        ]
    data["files"] = files
    return [Finding("ok", "scanner.ok", t("doctor.scanner_ok", path=path, files=files), "", data)]


# --- hub -----------------------------------------------------------------------------------------
def _ca_context() -> ssl.SSLContext:
    ca = os.environ.get("YICHUANG_HUB_CA")  # the same private CA bundle sync trusts
    return ssl.create_default_context(cafile=ca) if ca else ssl.create_default_context()


def check_certificate(url: str, *, today: datetime, timeout: float = 10.0) -> Finding:
    """The hub's certificate over a real TLS handshake, verified as sync verifies it."""
    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port or 443
    try:
        context = _ca_context()
    except (OSError, ssl.SSLError) as exc:
        return Finding(
            "error",
            "hub.ca_unreadable",
            t("doctor.ca_bad", path=os.environ.get("YICHUANG_HUB_CA", ""), error=exc),
            t("doctor.tls_invalid_fix"),
            {"url": url},
        )
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            with context.wrap_socket(sock, server_hostname=host) as tls:
                cert = tls.getpeercert() or {}
    except ssl.SSLCertVerificationError as exc:
        return Finding(
            "error",
            "hub.certificate_invalid",
            t("doctor.tls_invalid", error=exc.verify_message or exc),
            t("doctor.tls_invalid_fix"),
            {"url": url},
        )
    except (OSError, ValueError) as exc:
        return Finding(
            "error",
            "hub.unreachable",
            t("doctor.hub_offline", url=url, error=getattr(exc, "strerror", None) or exc),
            t("doctor.hub_offline_fix"),
            {"url": url},
        )
    expires = datetime.fromtimestamp(ssl.cert_time_to_seconds(cert["notAfter"]), UTC)
    days = (expires - today).days
    data = {"url": url, "not_after": expires.isoformat(), "days_left": days}
    date = expires.astimezone().strftime("%Y-%m-%d")
    if days < CERT_WARNING_DAYS:
        return Finding(
            "warning",
            "hub.certificate_expiring",
            t("doctor.tls_expiring", date=date, days=days),
            t("doctor.tls_renew"),
            data,
        )
    return Finding("ok", "hub.certificate", t("doctor.tls_ok", date=date, days=days), "", data)


def _cursor(ws: Workstation) -> int:
    if not _store_ready(ws):
        return 0
    from app.services.sync.outbox import CURSOR, read_state

    try:
        return int(read_state(ws.store, CURSOR, "0") or 0)
    except ValueError:
        return 0


def check_hub(ws: Workstation, *, deadline: float = HUB_DEADLINE) -> list[Finding]:
    from sync.transport import HubClient, SyncError

    url = str(ws.config.values.get("hub", {}).get("url", "") or "")
    token = str(ws.config.values.get("hub", {}).get("token", "") or "")
    if not url:
        return [Finding("info", "hub.unset", t("doctor.hub_unset"), t("doctor.hub_unset_fix"))]
    if not token:
        return [
            Finding(
                "error",
                "hub.no_token",
                t("doctor.hub_no_token", url=url),
                t("doctor.hub_token_fix"),
                {"url": url},
            )
        ]
    out: list[Finding] = []
    if url.startswith("https://"):
        cert = check_certificate(url, today=ws.utcnow(), timeout=min(10.0, deadline))
        out.append(cert)
        if cert.level == "error":
            return out  # the API call would fail the same way: one finding says it
    else:
        out.append(Finding("info", "hub.plain_http", t("doctor.hub_plain", url=url), "", {"url": url}))
    verify: Any = _ca_context() if url.startswith("https://") else True
    try:
        with HubClient(url, token, verify=verify, deadline=deadline) as client:
            before = ws.utcnow()
            t0 = time.monotonic()
            # a page of at most one event after our cursor: authenticated, and it changes nothing
            page = client.pull(_cursor(ws), limit=1)
            rtt = time.monotonic() - t0
            after = ws.utcnow()
            keys = check_receipt_keys(ws, client)
    except SyncError as exc:
        data = {"url": url, "kind": exc.kind}
        if exc.kind == "auth":
            finding = Finding(
                "error", "hub.token_refused", t("doctor.hub_auth", error=exc), t("doctor.hub_token_fix"), data
            )
        elif exc.kind in ("offline", "slow"):
            finding = Finding(
                "error",
                "hub.unreachable",
                t("doctor.hub_offline", url=url, error=exc),
                t("doctor.hub_offline_fix"),
                data,
            )
        else:
            finding = Finding(
                "error", "hub.error", t("doctor.hub_error", error=exc), t("doctor.hub_error_fix"), data
            )
        return out + [finding]
    out.append(
        Finding("ok", "hub.token", t("doctor.hub_ok", url=url), "", {"url": url, "rtt_ms": round(rtt * 1000)})
    )
    out.append(_clock(page.get("now"), before + (after - before) / 2, rtt))
    return out + keys


def _clock(hub_now: Any, local_mid: datetime, rtt: float) -> Finding:
    try:
        hub = datetime.fromisoformat(hub_now) if isinstance(hub_now, str) else None
    except ValueError:
        hub = None
    if hub is None or hub.tzinfo is None:
        return Finding("info", "clock.unknown", t("doctor.clock_unknown"))
    drift = (local_mid - hub).total_seconds()  # positive: this PC is ahead of the hub
    data = {"drift_seconds": round(drift, 1), "rtt_ms": round(rtt * 1000)}
    shown = f"{drift:+.0f}"
    if abs(drift) > CLOCK_ERROR:
        return Finding(
            "error", "clock.wrong", t("doctor.clock_wrong", seconds=shown), t("doctor.clock_fix"), data
        )
    if abs(drift) > CLOCK_WARNING:
        return Finding(
            "warning", "clock.drift", t("doctor.clock_off", seconds=shown), t("doctor.clock_fix"), data
        )
    return Finding("ok", "clock.ok", t("doctor.clock_ok", seconds=shown), "", data)


# --- receipt keys (issue 16 §3) ----------------------------------------------------------------------
def check_receipt_keys(ws: Workstation, client) -> list[Finding]:
    """Whether the hub's admin bound the keys this PC signs with (GET /api/v1/keys, through
    check_hub's client once the hub answered): a window whose key is not bound prints receipts
    the hub calls forged, and its bundles are refused."""
    from app.services.receipt_keys import compare, public_keys
    from sync.transport import SyncError

    try:
        local = public_keys(ws, create=False)
    except (OSError, ValueError) as exc:  # a damaged key file: the window says so when it signs
        return [Finding("warning", "keys.unreadable", t("doctor.keys_unknown", error=exc), "", {})]
    if not local:
        return [Finding("info", "keys.none", t("doctor.keys_none"), "", {})]
    data: dict[str, Any] = {"keys": [k.to_dict() for k in local]}
    try:
        bound = client.bound_keys()
    except SyncError as exc:
        return [Finding("info", "keys.unknown", t("doctor.keys_unknown", error=exc), "", data)]
    states = compare(local, bound)
    data["states"] = [
        {"alg": s.key.alg, "key_id": s.key.key_id, "state": s.state, "bound": s.bound} for s in states
    ]
    out = []
    wrong = {"missing": "doctor.keys_missing", "other": "doctor.keys_other"}  # KeyState.state
    for st in states:
        key = wrong.get(st.state)
        if key is not None:
            msg = t(key, alg=st.key.alg, kid=st.key.key_id, bound=st.bound)
            out.append(Finding("warning", f"keys.{st.state}", msg, t("doctor.keys_fix"), data))
    if out:
        return out
    shown = ", ".join(f"{s.key.alg} {s.key.key_id}" for s in states)
    return [Finding("ok", "keys.bound", t("doctor.keys_bound", keys=shown), "", data)]


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
    if not _store_ready(ws):
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
                t("doctor.events_waiting", n=n, oldest=_local(oldest)),
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
                t("doctor.jobs_waiting", n=n, oldest=_local(oldest)),
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
                t("doctor.jobs_unconfirmed", n=n, oldest=_local(oldest)),
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
    if not _store_ready(ws):
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


# --- all of it -----------------------------------------------------------------------------------
def check_idcard(ws: Workstation) -> list[Finding]:  # the reader (issue 17 §2): doctor_idcard.py
    return [Finding(**f) for f in idcard_findings(ws)]


CHECKS: tuple[Callable[[Workstation], list[Finding]], ...] = (
    check_data_dir,
    check_private_files,
    check_free_space,
    check_database,
    check_printer,
    check_scanner,
    check_hub,
    check_calendar,
    check_catalogue,
    check_queues,
    check_records,
    check_idcard,
)


def run_checks(
    ws: Workstation, checks: Iterable[Callable[[Workstation], list[Finding]]] = CHECKS
) -> list[Finding]:
    """Every check, in order; a check that fails unexpectedly is itself an error finding."""
    out: list[Finding] = []
    for check in checks:
        try:
            out.extend(check(ws))
        except Exception as exc:
            name = check.__name__.removeprefix("check_")
            out.append(
                Finding(
                    "error",
                    f"{name}.failed",
                    t("doctor.check_failed", check=name, error=f"{type(exc).__name__}: {exc}"),
                    t("doctor.check_failed_fix"),
                )
            )
    return out


def open_for_doctor(data_dir: Path | str | None = None, **kw) -> tuple[Workstation, list[Finding]]:
    """The workstation as it stands, creating nothing (no config.toml written, no database).

    A config.toml that cannot be read is a finding; the checks then go on with the defaults.
    """
    from app.config import DEFAULTS, Config, ConfigError, load_config, resolve_data_dir
    from app.messages import set_language

    path = resolve_data_dir(data_dir)
    found: list[Finding] = []
    try:
        config = load_config(path, create=False)
    except ConfigError as exc:
        config = Config(data_dir=path, values={s: dict(v) for s, v in DEFAULTS.items()})
        found.append(
            Finding("error", "config.unreadable", t("doctor.config_bad", error=exc), t("doctor.config_fix"))
        )
    set_language(config.language)
    return Workstation(config, **kw), found
