"""Workstation configuration: where the data lives and the TOML file in it.

One `Config` object carries every setting; the CLI options and environment map onto it
(like Harlequin), so the app, the CLI and the tests see the same values.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.domain.masking import mask_secret, register_secret
from app.messages import t

CONFIG_FILE = "config.toml"
ENV_DATA_DIR = "YICHUANG_DATA_DIR"

# Documented defaults, written to config.toml on first start. Keys are "section.name".
DEFAULTS: dict[str, dict[str, Any]] = {
    "office": {
        "code": "320724100",
        "name": "灌南县政务服务中心",
        "hotline": "0518-83212345",
        "address": "灌南县新安镇人民中路1号",
        "query_url": "https://zwfw.example.gov.cn/q",
    },
    "workstation": {"id": "01", "window": "综合窗口1号", "clerk": "值班人员"},
    "printer": {"url": "", "profile": "generic-80", "stall_timeout": 10, "answer_timeout": 5},
    "hub": {"url": "", "token": ""},
    "ui": {"language": "zh", "lock_after": 600},
    "backup": {"dir": "", "keep_days": 14},
    "scanner": {"inbox": "", "max_mb": 50},
    "courier": {"patterns": "", "prefix": "", "suffix": "", "terminator": "enter"},
    "audit": {"hash": "sm3", "signature": "ed25519"},
    "store": {"encrypted": False},
    "evaluation": {"prompt": "auto", "followup_days": 5, "counter_timeout": 120},
    "idcard": {"port": "", "baud": 115200},
}

# The speeds a SAM module's UART can be set to (readers' manuals: command 60 xx).
IDCARD_BAUDS = ("115200", "57600", "38400", "19200", "9600")

# Settings never printed in clear (`config get` shows them masked, errors never quote them).
SECRET_KEYS = frozenset({"hub.token"})

HEADER = """\
# yichuang workstation configuration.
# office.code      9-digit township/street administrative code (county offices: county code + 000);
#                  unique in the province, part of every case number.
# workstation.id   two characters 0-9/A-Z, unique inside the office (case numbers depend on it).
# printer.url      tcp://host:9100, usb://VID:PID, serial:///dev/ttyUSB0?baudrate=9600, cups://QUEUE,
#                  file:///path or dir:///path; empty = dir://<data dir>/prints (the embedded default).
# printer.profile  generic-58, generic-80, xprinter-58, epson-tm-t88.
# printer.stall_timeout   seconds without progress before a send counts as stalled (not a total time).
# printer.answer_timeout  seconds to wait for the printer's status answer after the last byte.
# hub.url / token  the county platform to sync with (empty = offline only).
# ui.language      zh (Simplified Chinese) or en.
# ui.lock_after    seconds without a key before the screen locks (operators' password unlocks; 0 = never).
# backup.dir       where the window's daily backup goes (empty = <data dir>/backups; better another disk).
# backup.keep_days daily backups older than this many days are deleted (0 = no daily backup).
# scanner.inbox    the folder the document scanner saves into (empty = no scanner); taken files
#                  move to its archive/ subfolder, refused ones stay with their reason.
# scanner.max_mb   largest scan taken, in MB (1-200).
# courier.patterns   other carriers' waybill numbers: regular expressions separated by spaces,
#                    each matched whole (UPU S10 numbers such as EA123456785CN always count).
# courier.prefix / courier.suffix   text the barcode scanner adds around every code.
# courier.terminator enter or tab: the key the scanner sends after a code.
# audit.hash       sm3 (GB/T 32905, default) or sha256: the hash chaining new events (audit verify).
# audit.signature  ed25519 (default) or sm2: the signature of the receipt's QR code.
# store.encrypted  true: the store is a SQLCipher database (turned on by `yichuang db encrypt`);
#                  its key is in the OS keyring or asked at start, never in this file.
# evaluation.prompt  好差评 after 受理/出件: auto (the counter terminal `yichuang evaluate` when it
#                    runs, else this screen), window, counter, or off (Ctrl+E only).
# evaluation.followup_days   working days a supervisor has to close a 差评 follow-up (1-60).
# evaluation.counter_timeout seconds the counter terminal waits for the applicant (10-3600).
# idcard.port      the 居民身份证 reader's serial device (/dev/ttyUSB0, COM3; empty = no reader).
# idcard.baud      its line speed: 115200 (the SAM default), 57600, 38400, 19200 or 9600.
"""


class ConfigError(Exception):
    """A setting or the data dir is unusable; the message is for the user."""


def default_data_dir() -> Path:
    from platformdirs import user_data_dir  # deferred: start-up cost matters

    return Path(user_data_dir("yichuang", appauthor=False))


def resolve_data_dir(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """--data-dir beats YICHUANG_DATA_DIR beats the platform's user data dir."""
    if cli_value:
        return Path(cli_value).expanduser().resolve()
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env).expanduser().resolve()
    return default_data_dir()


# What the data dir holds at its top (issue 16 §5): made private at each start when an older
# version (or a copy) left them readable by others. Deeper files are behind these folders.
PRIVATE_TOP = (
    CONFIG_FILE,
    "yichuang.db",
    "yichuang.db-wal",
    "yichuang.db-shm",
    "yichuang.db-journal",
    "keys",
    "logs",
    "prints",
    "backups",
    "blobs",
    "catalogue",
    "calendar",
)


def ensure_writable(data_dir: Path) -> None:
    from app.private_files import make_private_dir, tighten

    try:
        make_private_dir(data_dir)
        tighten(data_dir, *(data_dir / name for name in PRIVATE_TOP))
        probe = data_dir / f".write-probe-{os.getpid()}"  # each process its own: two may check at once
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
        probe.unlink()
    except OSError as exc:
        from app.domain.failures import explain

        raise ConfigError(t("config.dir_unwritable", path=data_dir, error=explain(exc).text())) from exc


@dataclass
class Config:
    data_dir: Path
    values: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)  # hub.token is in here

    # --- typed accessors used across the app -------------------------------------------
    @property
    def db_path(self) -> Path:
        return self.data_dir / "yichuang.db"

    @property
    def prints_dir(self) -> Path:
        return self.data_dir / "prints"

    @property
    def catalogue_dir(self) -> Path:
        return self.data_dir / "catalogue"

    @property
    def printer_url(self) -> str:
        url = str(self.get("printer.url") or "")
        return url or f"dir://{self.prints_dir}"

    @property
    def scanner_inbox(self) -> Path | None:
        value = str(self.get("scanner.inbox") or "")
        return Path(value).expanduser() if value else None

    @property
    def scanner_max_bytes(self) -> int:
        return int(float(self.get("scanner.max_mb")) * 1024 * 1024)

    @property
    def language(self) -> str:
        return str(self.get("ui.language") or "zh")

    def get(self, key: str) -> Any:
        section, name = _split(key)
        try:
            return self.values[section][name]
        except KeyError:
            raise ConfigError(t("config.unknown_key", setting=key, known=", ".join(known_keys()))) from None

    def shown(self, key: str) -> str:
        """The value of `key` as it may be printed: secrets masked."""
        value = self.get(key)
        if isinstance(value, bool):  # as the file and `config set` spell it, not Python's True
            return "true" if value else "false"
        return mask_secret(str(value)) if key in SECRET_KEYS else str(value)

    def set(self, key: str, value: str) -> None:
        section, name = _split(key)
        if section not in DEFAULTS or name not in DEFAULTS[section]:
            raise ConfigError(t("config.unknown_key", setting=key, known=", ".join(known_keys())))
        value = _validate(key, value)
        if key == "store.encrypted":
            value = _store_encrypted(self, value)
        if key in SECRET_KEYS:
            register_secret(str(value))
        self.values.setdefault(section, {})[name] = value

    def save(self) -> None:
        import tomli_w

        from app.private_files import write_private

        # hub.token is in it: owner only, written whole or not at all
        write_private(self.data_dir / CONFIG_FILE, HEADER + "\n" + tomli_w.dumps(self.values))


def _store_encrypted(config: Config, value: str) -> bool:
    """store.encrypted follows the file: a plain store is converted by `db encrypt` (which
    turns this on), and an encrypted one is never declared plain."""
    from app.store.cipher import is_encrypted

    wanted = value.lower() in ("true", "on", "yes", "1")
    if not wanted and value.lower() not in ("false", "off", "no", "0"):
        raise ConfigError(t("config.invalid", setting="store.encrypted", error="true / false"))
    db = config.db_path
    has_data = db.exists() and db.stat().st_size > 0
    if wanted and has_data and not is_encrypted(db):
        raise ConfigError(t("db.use_encrypt_command"))
    if not wanted and has_data and is_encrypted(db):
        raise ConfigError(t("db.cannot_turn_off"))
    return wanted


def known_keys() -> list[str]:
    return [f"{s}.{n}" for s, names in DEFAULTS.items() for n in names]


def _split(key: str) -> tuple[str, str]:
    if key.count(".") != 1:
        raise ConfigError(t("config.key_format", setting=key))
    section, name = key.split(".")
    return section, name


# complexity: one branch per kind of setting: the table of what each key accepts
def _validate(key: str, value: str) -> str:  # noqa: C901
    """The value to store (normalised), or ConfigError saying what is wrong."""
    from app.domain.text import FieldError, clean_text

    required = key in (
        "office.code",
        "office.name",
        "workstation.id",
        "workstation.window",
        "workstation.clerk",
        "printer.profile",
        "ui.language",
        "courier.terminator",
        "audit.hash",
        "audit.signature",
        "evaluation.prompt",
    )
    try:
        value = clean_text(value, key, required=required, max_len=500)
    except FieldError as exc:
        raise ConfigError(t("config.invalid", setting=key, error=exc.message)) from None
    if key == "office.code":
        from app.domain.numbering import validate_office_code

        return _wrap(validate_office_code, value, key)
    elif key == "workstation.id":
        from app.domain.numbering import validate_workstation_id

        return _wrap(validate_workstation_id, value, key)
    elif key == "ui.language" and value not in ("zh", "en"):
        raise ConfigError(t("config.language"))
    elif key == "printer.url" and value:
        scheme = value.split("://", 1)[0] if "://" in value else ""
        if scheme not in ("tcp", "usb", "serial", "cups", "file", "dir"):
            raise ConfigError(t("config.printer_scheme"))
        from app.printers import PrinterError, open_printer

        try:
            open_printer(value)  # parses only; nothing is sent
        except PrinterError as exc:
            raise ConfigError(t("config.invalid", setting=key, error=exc)) from None
    elif key == "printer.profile":
        from printing.profiles import PROFILES

        if value not in PROFILES:
            raise ConfigError(t("config.printer_profile", value=value, known=", ".join(PROFILES)))
    elif key in ("printer.stall_timeout", "printer.answer_timeout"):
        try:
            seconds = float(value)
        except ValueError:
            seconds = -1.0
        if not 0 < seconds <= 600:
            raise ConfigError(t("config.bad_seconds", key=key, value=value))
        return value
    elif key == "ui.lock_after":
        if not value.isdigit() or int(value) > 86400:
            raise ConfigError(t("config.lock_after", value=value))
        return int(value)  # type: ignore[return-value]
    elif key == "backup.keep_days":
        if not value.isdigit() or int(value) > 3650:
            raise ConfigError(t("config.keep_days", value=value))
        return int(value)  # type: ignore[return-value]
    elif key == "idcard.baud":
        if value not in IDCARD_BAUDS:
            raise ConfigError(t("config.idcard_baud", value=value))
        return int(value)  # type: ignore[return-value]
    elif key == "idcard.port" and value.startswith("-"):
        raise ConfigError(t("config.idcard_port", value=value))
    elif key == "scanner.inbox" and value:
        return _scanner_inbox(value, key)
    elif key == "scanner.max_mb":
        try:
            mb = float(value)
        except ValueError:
            mb = -1.0
        if not 0 < mb <= 200:  # the hub takes an attachment of at most 256 MiB
            raise ConfigError(t("config.scanner_max_mb", value=value))
        return value
    elif key == "courier.patterns":
        from app.domain.courier import parse_patterns

        _wrap(parse_patterns, value, key)
        return value
    elif key == "audit.hash" and value not in ("sm3", "sha256"):
        raise ConfigError(t("audit.bad_hash", value=value))
    elif key == "audit.signature" and value not in ("ed25519", "sm2"):
        raise ConfigError(t("audit.bad_signature", value=value))
    elif key == "evaluation.prompt" and value not in ("auto", "window", "counter", "off"):
        raise ConfigError(t("config.evaluation_prompt", value=value))
    elif key == "evaluation.followup_days":
        if not value.isdigit() or not 1 <= int(value) <= 60:
            raise ConfigError(t("config.evaluation_days", value=value))
        return int(value)  # type: ignore[return-value]
    elif key == "evaluation.counter_timeout":
        if not value.isdigit() or not 10 <= int(value) <= 3600:
            raise ConfigError(t("config.evaluation_timeout", value=value))
        return int(value)  # type: ignore[return-value]
    elif key == "courier.terminator" and value not in ("enter", "tab"):
        raise ConfigError(t("courier.bad_terminator", value=value))
    elif key == "office.hotline" and value and not all(ch.isdigit() or ch in "-+ ()" for ch in value):
        raise ConfigError(t("config.hotline"))
    elif key == "hub.url" and value and not value.startswith(("http://", "https://")):
        raise ConfigError(t("config.hub_url"))
    return value


def _scanner_inbox(value: str, key: str) -> str:
    """An absolute folder that exists (or can be made) and can be written: taken scans are
    moved out of it, so a read-only folder would take every scan again and again."""
    path = Path(value).expanduser()
    if not path.is_absolute():
        raise ConfigError(t("config.scanner_inbox_relative", path=value))
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(t("config.scanner_inbox", path=value, error=exc.strerror or exc)) from None
    if not path.is_dir() or not os.access(path, os.W_OK | os.X_OK):
        raise ConfigError(t("config.scanner_inbox", path=value, error=t("config.scanner_inbox_unwritable")))
    return str(path)


def _wrap(check, value: str, key: str) -> str:
    try:
        return check(value) or value
    except ValueError as exc:
        raise ConfigError(t("config.invalid", setting=key, error=exc)) from None


def load_config(data_dir: Path, *, create: bool = True) -> Config:
    """Read config.toml from the data dir, creating it with the defaults on first start."""
    if create:
        ensure_writable(data_dir)
    values = {s: dict(v) for s, v in DEFAULTS.items()}
    path = data_dir / CONFIG_FILE
    if path.exists():
        try:
            stored = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            from app.domain.failures import explain

            raise ConfigError(t("config.unreadable", path=path, error=explain(exc).text())) from exc
        for section, names in stored.items():
            if isinstance(names, dict) and section in values:
                for name, v in names.items():
                    if name in values[section]:
                        values[section][name] = v
    config = Config(data_dir=data_dir, values=values)
    for key in SECRET_KEYS:  # whatever prints or logs later, these never get out in clear
        register_secret(str(config.get(key) or ""))
    if create and not path.exists():
        config.save()
    return config
