"""`yichuang doctor`, the links: the printer, the scanner's folder, the hub (its certificate,
its clock, the receipt keys it binds). Nothing is printed, the hub is only read from."""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from app.domain.failures import explain
from app.messages import t
from app.services.doctor_store import Finding, advice, store_ready
from app.services.workstation import Workstation

# Thresholds (documented in docs/doctor.md).
CERT_WARNING_DAYS = 30
CLOCK_WARNING = 120  # seconds against the hub
CLOCK_ERROR = 3600  # an hour off: dates in case numbers and due dates may be wrong
PRINTER_TIMEOUT = 2.0
HUB_DEADLINE = 15.0


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
            cause = _unwritable(target)
            return out + [
                Finding(
                    "error",
                    "printer.unwritable",
                    t("doctor.printer_dir_unwritable_why", path=folder, error=cause.text()),
                    advice(cause, "doctor.printer_url_fix"),
                    {**data, **cause.to_dict()},
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


def _unwritable(folder: Path):
    """Why a folder cannot be written (os.access says only that it cannot): a read-only disk,
    something not a folder, or permissions."""
    import errno

    try:
        readonly = bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        readonly = False
    code = errno.EROFS if readonly else errno.ENOTDIR if not folder.is_dir() else errno.EACCES
    return explain(OSError(code, os.strerror(code), str(folder)))


def _probe_tcp(printer, url: str, timeout: float) -> list[Finding]:
    from app.printers import PrinterError

    data: dict[str, Any] = {"url": url}
    try:
        status = printer.probe(timeout)
    except PrinterError as exc:
        data["error"] = exc.kind
        if exc.kind == "not_printer":
            return [
                Finding(
                    "error",
                    "printer.not_printer",
                    t("doctor.printer_not_printer", url=url),
                    t("doctor.printer_not_printer_fix"),
                    data,
                )
            ]
        cause = explain(exc)
        data.update(cause.to_dict())
        return [
            Finding(
                "error",
                "printer.unreachable",
                t("doctor.printer_unreachable", url=url, error=cause.text()),
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
        cause = explain(exc)
        return [
            Finding(
                "error",
                "scanner.unreadable",
                t("doctor.scanner_unreadable", path=path, error=cause.text()),
                advice(cause, "doctor.scanner_fix"),
                {**data, **cause.to_dict()},
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
        cause = explain(exc)
        return Finding(
            "error",
            "hub.ca_unreadable",
            t("doctor.ca_bad", path=os.environ.get("YICHUANG_HUB_CA", ""), error=cause.text()),
            t("doctor.tls_invalid_fix"),
            {"url": url, **cause.to_dict()},
        )
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            with context.wrap_socket(sock, server_hostname=host) as tls:
                cert = tls.getpeercert() or {}
    except ssl.SSLCertVerificationError as exc:
        cause = explain(exc)
        return Finding(
            "error",
            "hub.certificate_invalid",
            t("doctor.tls_invalid", error=cause.fields.get("why", cause.text())),
            t("doctor.tls_invalid_fix"),
            {"url": url, **cause.to_dict()},
        )
    except (OSError, ValueError) as exc:
        cause = explain(exc)
        return Finding(
            "error",
            "hub.unreachable",
            t("doctor.hub_offline", url=url, error=cause.text()),
            advice(cause, "doctor.hub_offline_fix"),
            {"url": url, **cause.to_dict()},
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
    if not store_ready(ws):
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
        data: dict[str, Any] = {"url": url, "kind": exc.kind}
        if exc.cause is not None:
            data.update(exc.cause.to_dict())
        if exc.kind == "auth":
            finding = Finding(
                "error",
                "hub.token_refused",
                t("doctor.hub_auth", error=exc.cause.text() if exc.cause else exc),
                exc.advice or t("doctor.hub_token_fix"),
                data,
            )
        elif exc.kind == "slow":  # doctor does not retry: say so, not "will retry"
            finding = Finding(
                "error",
                "hub.unreachable",
                t("doctor.hub_slow", url=url, seconds=round(deadline)),
                t("doctor.hub_slow_fix"),
                data,
            )
        elif exc.kind == "offline":
            finding = Finding(
                "error",
                "hub.unreachable",
                t("doctor.hub_offline", url=url, error=exc.cause.text() if exc.cause else exc),
                exc.advice or t("doctor.hub_offline_fix"),
                data,
            )
        else:
            finding = Finding(
                "error",
                "hub.error",
                t("doctor.hub_error", error=exc.cause.text() if exc.cause else exc),
                exc.advice or t("doctor.hub_error_fix"),
                data,
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
    whole = round(drift)
    shown = f"{whole:+d}" if whole else "0"  # never "-0"
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
        error = exc.cause.text() if exc.cause is not None else str(exc)
        return [Finding("info", "keys.unknown", t("doctor.keys_unknown", error=error), "", data)]
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
