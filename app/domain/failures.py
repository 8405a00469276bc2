"""One translation of what the operating system and the libraries say into the user's language.

`explain(exc)` reads an exception (an OSError by its errno, an ssl error by its reason, an
httpx/httpcore error by its class, a protocol error of a hub's answer, a TOML error) and
`explain_status(status)` an HTTP status; each gives a Failure: a catalogue key saying what
happened, one saying what to do, and the library's own words (``detail``) for admins (--json,
the log), never for the clerk's screen. doctor and the sync client both use it, so a refused
port reads the same in `yichuang doctor`, `yichuang sync` and the window.

Pure Python: no httpx import (the classes are known by name), no UI.
"""

from __future__ import annotations

import errno
import re
import socket
import ssl
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from app.messages import language as _language
from app.messages import t

# errno -> failure name (what happened is the same whatever the library around it)
_ERRNO = {
    errno.ENOSPC: "disk_full",
    errno.EDQUOT: "disk_full",
    errno.EROFS: "read_only",
    errno.EACCES: "no_permission",
    errno.EPERM: "no_permission",
    errno.ENOENT: "not_found",
    errno.ENOTDIR: "not_dir",
    errno.EISDIR: "is_dir",
    errno.EIO: "io_error",
    errno.EBUSY: "busy",
    errno.ETXTBSY: "busy",
    errno.EMFILE: "too_many_files",
    errno.ENFILE: "too_many_files",
    errno.ENOMEM: "no_memory",
    errno.ECONNREFUSED: "refused",
    errno.ETIMEDOUT: "timeout",
    errno.EHOSTUNREACH: "unreachable",
    errno.ENETUNREACH: "unreachable",
    errno.ENETDOWN: "unreachable",
    errno.EHOSTDOWN: "unreachable",
    errno.ECONNRESET: "reset",
    errno.ECONNABORTED: "reset",
    errno.EPIPE: "reset",
    errno.EADDRNOTAVAIL: "unreachable",
    errno.ENODEV: "device_missing",
    errno.ENXIO: "device_missing",
}
# SQLite's result codes (sqlite3 and SQLCipher errors carry sqlite_errorname) and, where they
# do not, its own words
_SQLITE = {
    "SQLITE_FULL": "disk_full",
    "SQLITE_READONLY": "store_read_only",
    "SQLITE_CANTOPEN": "store_cant_open",
    "SQLITE_IOERR": "io_error",
    "SQLITE_BUSY": "store_busy",
    "SQLITE_LOCKED": "store_busy",
    "SQLITE_CORRUPT": "store_damaged",
    "SQLITE_NOTADB": "store_damaged",
    "SQLITE_PERM": "no_permission",
    "SQLITE_AUTH": "no_permission",
}
_SQLITE_WORDS = (
    ("database or disk is full", "disk_full"),
    ("readonly database", "store_read_only"),
    ("unable to open database file", "store_cant_open"),
    ("disk i/o error", "io_error"),
    ("database is locked", "store_busy"),
    ("malformed", "store_damaged"),
    ("not a database", "store_damaged"),
)
# failures on the way to the other side: it was never reached (the rest happened after it was)
NOT_REACHED = frozenset({"refused", "timeout", "unreachable", "no_such_host", "tls_not_tls", "tls_cert"})
# ssl reasons (OpenSSL's names) that mean: the other side does not speak TLS at all
_NOT_TLS = (
    "WRONG_VERSION_NUMBER",
    "HTTP_REQUEST",
    "UNKNOWN_PROTOCOL",
    "RECORD_LAYER_FAILURE",
    "PACKET_LENGTH_TOO_LONG",
)
# X509 verify codes (OpenSSL) -> what is wrong with the certificate
_CERT: dict[int, str] = {
    9: "not_yet_valid",
    10: "expired",
    18: "self_signed",
    19: "self_signed",
    20: "unknown_issuer",
    21: "unknown_issuer",
    62: "wrong_name",
    64: "wrong_name",
}
_CERT_NAMES = frozenset(_CERT.values())
# Every failure's name: failure.NAME and failure.NAME_fix are in the catalogue (tests check it).
NAMES = frozenset(
    {
        "answer_damaged",
        "answer_encoding",
        "answer_malformed",
        "answer_not_json",
        "answer_too_large",
        "bad_url",
        "busy",
        "connect_failed",
        "cut",
        "device_missing",
        "disk_full",
        "http_auth",
        "http_busy",
        "http_forbidden",
        "http_gateway",
        "http_not_found",
        "http_other",
        "http_redirect",
        "http_refused",
        "http_server",
        "http_token_expired",
        "http_token_revoked",
        "http_too_large",
        "io_error",
        "json",
        "db_login",
        "db_missing",
        "is_dir",
        "no_answer",
        "no_answer_in_time",
        "no_memory",
        "no_permission",
        "no_such_host",
        "not_dir",
        "not_found",
        "not_http",
        "not_utf8",
        "os_other",
        "other",
        "proxy",
        "read_only",
        "refused",
        "reset",
        "store_busy",
        "store_cant_open",
        "store_damaged",
        "store_read_only",
        "timeout",
        "tls_cert",
        "tls_cut",
        "tls_not_tls",
        "tls_other",
        "toml",
        "too_many_files",
        "unreachable",
    }
)
# what is wrong with a certificate: failure.cert_REASON
CERT_REASONS = frozenset({*_CERT_NAMES, "untrusted"})
_SERVER_WORDS = (
    ("connection refused", "refused"),
    ("could not translate host name", "no_such_host"),
    ("timeout expired", "timeout"),
    ("password authentication failed", "db_login"),
    ("no password supplied", "db_login"),
    ("does not exist", "db_missing"),
    ("server closed the connection unexpectedly", "reset"),
)
_CJK = re.compile(r"[\u3400-\u9fff\U00020000-\U0003134f]")
_ERRNO_IN_TEXT = re.compile(r"\[Errno (-?\d+)\]")
_SSL_IN_TEXT = re.compile(r"\[SSL: ([A-Z0-9_]+)\]")
_TOML_AT = re.compile(r"\(at line (\d+), column (\d+)\)")
_HTTPX_TIMEOUTS = {
    "ConnectTimeout": "timeout",
    "ReadTimeout": "no_answer_in_time",
    "WriteTimeout": "no_answer_in_time",
    "PoolTimeout": "no_answer_in_time",
}


@dataclass(frozen=True)
class Failure:
    """What went wrong, in the catalogue's words: ``name`` (``failure.<name>`` says what
    happened, ``failure.<name>_fix`` what to do), ``fields`` for them, ``detail``: the
    library's own text (for admins and the log, not the clerk)."""

    name: str
    fields: dict[str, Any] = field(default_factory=dict)
    detail: str = ""

    @property
    def key(self) -> str:
        return f"failure.{self.name}"

    @property
    def fix_key(self) -> str:
        return f"failure.{self.name}_fix"

    @property
    def reached(self) -> bool:
        """The other side was reached (the failure came after a connection was made)."""
        return self.name not in NOT_REACHED

    def text(self) -> str:
        return t(f"failure.{self.name}", **self.fields)

    def advice(self) -> str:
        return t(f"failure.{self.name}_fix", **self.fields)

    def to_dict(self) -> dict[str, Any]:
        return {"failure": self.name, "detail": self.detail}


def _detail(exc: BaseException) -> str:
    text = str(exc)
    name = type(exc).__name__
    return " ".join(f"{name}: {text}".split())[:500] if text else name


def _library_class(exc: BaseException) -> str:
    """The httpx/httpcore class name of ``exc`` (its own or an ancestor's), else ""."""
    for cls in type(exc).__mro__:
        if cls.__module__.split(".")[0] in ("httpx", "httpcore"):
            return cls.__name__
    return ""


def _chain(exc: BaseException) -> list[BaseException]:
    out: list[BaseException] = []
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen and len(out) < 10:
        seen.add(id(cur))
        out.append(cur)
        # "raise … from None" said the context is not the cause, unless the new exception
        # carries the old one (httpcore wraps the OSError that way)
        wrapped = cur.args[0] if cur.args and isinstance(cur.args[0], BaseException) else None
        cur = cur.__cause__ or (wrapped if cur.__suppress_context__ else cur.__context__ or wrapped)
    return out


def _from_ssl(exc: ssl.SSLError) -> Failure | None:
    if isinstance(exc, ssl.SSLCertVerificationError):
        code = getattr(exc, "verify_code", None)
        return Failure("tls_cert", {"why": t(f"failure.cert_{_CERT.get(code or 0, 'untrusted')}")})
    reason = str(getattr(exc, "reason", "") or "")
    if not reason:
        m = _SSL_IN_TEXT.search(str(exc))
        reason = m.group(1) if m else ""
    if reason in _NOT_TLS:
        return Failure("tls_not_tls")
    if isinstance(exc, ssl.SSLEOFError | ssl.SSLZeroReturnError) or "EOF" in reason:
        return Failure("tls_cut")
    if "CERTIFICATE_VERIFY_FAILED" in reason:
        return Failure("tls_cert", {"why": t("failure.cert_untrusted")})
    return Failure("tls_other")


def _from_os(exc: OSError) -> Failure | None:
    if isinstance(exc, ssl.SSLError):
        return _from_ssl(exc)
    if isinstance(exc, socket.gaierror):
        return Failure("no_such_host")
    if isinstance(exc, TimeoutError) and exc.errno is None:
        return Failure("timeout")
    if exc.errno is None:
        return None
    name = _ERRNO.get(exc.errno)
    if name is not None:
        return Failure(name)
    return Failure("os_other", {"code": errno.errorcode.get(exc.errno, str(exc.errno))})


def _from_sqlite(exc: BaseException) -> Failure | None:
    name = getattr(exc, "sqlite_errorname", None)
    if isinstance(name, str):
        for prefix, failure in _SQLITE.items():
            if name == prefix or name.startswith(prefix + "_"):
                return Failure(failure)
    if type(exc).__module__.split(".")[0] not in ("sqlite3", "sqlcipher3", "pysqlcipher3", "app"):
        return None
    text = str(exc).lower()
    for words, failure in _SQLITE_WORDS:
        if words in text:
            return Failure(failure)
    return None


def _from_text(text: str) -> Failure | None:
    """The library's words when the exception's chain is lost (an httpx error re-raised bare)."""
    m = _ERRNO_IN_TEXT.search(text)
    if m:
        return _from_os(OSError(int(m.group(1)), ""))
    m = _SSL_IN_TEXT.search(text)
    if m:
        return _from_ssl(ssl.SSLError(1, text)) if m.group(1) not in _NOT_TLS else Failure("tls_not_tls")
    lowered = text.lower()
    if "name or service not known" in lowered or "nodename nor servname" in lowered:
        return Failure("no_such_host")
    if "certificate verify failed" in lowered:
        return Failure("tls_cert", {"why": t("failure.cert_untrusted")})
    if "device not found" in lowered or "no such device" in lowered:
        return Failure("device_missing")
    # a database server's words (psycopg/libpq), without its errno
    for words, name in _SERVER_WORDS:
        if words in lowered:
            return Failure(name)
    return None


def _from_library(exc: BaseException, cls: str) -> Failure | None:
    text = str(exc).lower()
    if cls in _HTTPX_TIMEOUTS:
        return Failure(_HTTPX_TIMEOUTS[cls])
    if cls == "RemoteProtocolError":
        if "without sending a response" in text or "disconnected" in text:
            return Failure("no_answer")
        if "closed" in text or "incomplete" in text:
            return Failure("cut")
        return Failure("not_http")
    if cls in ("ReadError", "WriteError", "CloseError"):
        return Failure("cut")
    if cls == "ConnectError":
        return Failure("connect_failed")
    if cls == "UnsupportedProtocol":
        return Failure("bad_url")
    if cls == "ProxyError":
        return Failure("proxy")
    if cls in ("LocalProtocolError", "DecodingError"):
        return Failure("not_http")
    if cls == "TooManyRedirects":
        return Failure("http_redirect", {"status": 3})
    return None


def _from_protocol(exc: BaseException) -> Failure | None:
    """sync.protocol.ProtocolError about an answer (known by its code and words: this module
    imports nothing of sync)."""
    code = getattr(exc, "code", None)
    if type(exc).__name__ != "ProtocolError" or not isinstance(code, str):
        return None
    text = str(exc)
    if code == "too_large":
        return Failure("answer_too_large")
    if code in ("encoding", "unknown_dictionary"):
        return Failure("answer_encoding")
    if "not UTF-8 JSON" in text or "not text" in text:
        return Failure("answer_not_json")
    if "zstd" in text or "gzip" in text:
        return Failure("answer_damaged")
    return Failure("answer_malformed")


def _from_cause(cur: BaseException) -> Failure | None:
    """One exception of a chain, read by its type (errno, ssl reason, TOML, SQLite, protocol)."""
    if isinstance(cur, OSError):
        return _from_os(cur)
    if type(cur).__name__ == "TOMLDecodeError":
        m = _TOML_AT.search(str(cur))
        return Failure(
            "toml", {"line": m.group(1), "column": m.group(2)} if m else {"line": "?", "column": "?"}
        )
    if type(cur).__name__ == "JSONDecodeError" and hasattr(cur, "lineno"):
        return Failure("json", {"line": getattr(cur, "lineno", "?"), "column": getattr(cur, "colno", "?")})
    if isinstance(cur, UnicodeError):
        return Failure("not_utf8")
    return _from_sqlite(cur) or _from_protocol(cur)


def _first(
    reader: Callable[[BaseException], Failure | None], chain: Iterable[BaseException]
) -> Failure | None:
    for cur in chain:
        found = reader(cur)
        if found is not None and found.name != "os_other":
            return found
    return None


def explain(exc: BaseException) -> Failure:
    """What ``exc`` means to the user; the most specific reading of its cause chain."""
    chain = _chain(exc)
    found = (
        # httpx's timeouts say which step timed out; the socket.timeout beneath does not
        _first(
            lambda c: (
                Failure(_HTTPX_TIMEOUTS[_library_class(c)]) if _library_class(c) in _HTTPX_TIMEOUTS else None
            ),
            chain,
        )
        # the lowest cause first: an httpx ConnectError carries the OSError that says why
        or _first(_from_cause, reversed(chain))
        # the library's words, when the chain was cut on the way
        or _first(lambda c: _from_text(str(c)), chain)
        or _first(lambda c: _from_library(c, _library_class(c)) if _library_class(c) else None, chain)
        # an errno without a name of its own (os_other)
        or next((f for f in map(_from_cause, chain) if f is not None), None)
        or Failure("other", {"name": type(exc).__name__})
    )
    return Failure(found.name, found.fields, _detail(exc))


def explain_status(status: int, detail: str = "", code: str = "") -> Failure:
    """An HTTP status a server answered with (``detail``: its own words, for admins; ``code``:
    the hub's error code, which says more than the status)."""
    if code in ("token_revoked", "token_expired"):
        name = f"http_{code}"
    elif status == 403:
        name = "http_forbidden"
    elif status == 401:
        name = "http_auth"
    elif status == 404:
        name = "http_not_found"
    elif status == 413:
        name = "http_too_large"
    elif status == 429:
        name = "http_busy"
    elif status in (502, 503, 504):
        name = "http_gateway"
    elif status >= 500:
        name = "http_server"
    elif 300 <= status < 400:
        name = "http_redirect"
    elif 400 <= status < 500:
        name = "http_refused"
    else:
        name = "http_other"
    said = f"HTTP {status} {code}: {detail}" if code else f"HTTP {status}: {detail}"
    return Failure(name, {"status": status}, " ".join(said.split())[:500])


# The hub's refusal codes of an event (sync.hub.events' Refusal): refusal.CODE in the catalogue.
REFUSALS = frozenset(
    {
        "bad_case_number",
        "bad_payload",
        "blocked",
        "changed",
        "duplicate_id",
        "forbidden_office",
        "invalid_transition",
        "kind_not_allowed",
        "not_your_workstation",
        "number_conflict",
        "unknown_case",
        "unknown_catalogue",
        "unknown_kind",
    }
)


def refusal_text(code: str, reason: str) -> str:
    """Why the hub refused an event, in the user's words: the hub's own reason when it already
    speaks them (Chinese) or its code is not one this version knows, else the catalogue's."""
    if code not in REFUSALS or (_language() == "zh" and _CJK.search(reason)):
        return reason
    return t(f"refusal.{code}")
