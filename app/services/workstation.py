"""The workstation's services in one place: config, store, catalogue, calendar, signer.

Each part opens lazily, so the first screen appears before SQLAlchemy and the catalogue
are loaded (start-up time is a target), and the CLI only pays for what a command uses.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import cached_property
from pathlib import Path

from app.config import Config
from app.messages import t


class Workstation:
    def __init__(self, config: Config, *, clock: Callable[[], datetime] | None = None) -> None:
        self.config = config
        self._clock = clock or datetime.now
        self._lock = threading.Lock()
        # Who is at the keyboard (app.services.operators.Session); None until someone logs in.
        # The demo (no accounts) keeps the configured clerk.
        self.operator = None
        # Asks for the store's passphrase (encrypted store, no keyring); None: the terminal's
        # getpass when there is a terminal, else no asking (cron, pipes, the running window).
        self.passphrase_prompt: Callable[[str], str] | None = None

    # --- time ---------------------------------------------------------------------------
    def now(self) -> datetime:
        """Local wall-clock time (naive), as the clerk sees it."""
        return self._clock()

    def utcnow(self) -> datetime:
        """The same instant, timezone-aware in UTC: what the store keeps."""
        return self.now().astimezone(UTC)

    def today(self) -> date:
        return self.now().date()

    # --- identity -----------------------------------------------------------------------
    @property
    def office_code(self) -> str:
        return str(self.config.get("office.code"))

    @property
    def workstation_id(self) -> str:
        return str(self.config.get("workstation.id"))

    @property
    def clerk(self) -> str:
        """The acting person: written as the actor of every event, named on receipts."""
        if self.operator is not None:
            return self.operator.name
        return str(self.config.get("workstation.clerk"))

    @property
    def window(self) -> str:
        return str(self.config.get("workstation.window"))

    # --- lazily opened parts --------------------------------------------------------------
    @cached_property
    def db_key(self):  # -> app.store.cipher.DbKey | None (None: the store is not encrypted)
        from app.services.encryption import resolve_key, terminal_prompt

        return resolve_key(self.config, self.passphrase_prompt or terminal_prompt())

    @cached_property
    def store(self):  # -> app.store.db.Store
        from app.store.db import open_store

        with self._lock:
            return open_store(self.config.db_path, self.db_key, audit_hash=str(self.config.get("audit.hash")))

    @cached_property
    def catalogue(self):  # -> forms.catalogue.Catalogue
        from app.services.catalogue_files import load_active_catalogue

        return load_active_catalogue(self.config.catalogue_dir)

    @cached_property
    def calendar(self):  # -> app.domain.workdays.WorkCalendar
        from app.domain.workdays import load_calendar

        override = self.config.data_dir / "calendar" / "cn_workdays.json"
        return load_calendar(override if override.exists() else None)

    @cached_property
    def signer(self):  # -> printing.signing.Signer
        from app.config import ConfigError
        from app.private_files import make_private_dir
        from printing.signing import Signer

        path = make_private_dir(self.config.data_dir / "keys") / "workstation.key"
        try:
            return Signer.load_or_create(path)
        except ValueError as exc:  # a damaged key file: say so, never sign with a throwaway key
            raise ConfigError(t("config.key_unreadable", path=path, error=exc)) from exc

    @cached_property
    def qr_signer(self):  # -> printing.signing.Signer | Sm2Signer
        """What signs the receipts' QR codes: the Ed25519 key, or with ``audit.signature = sm2``
        the SM2 key in keys/workstation-sm2.key (bundles and the hub's registration keep the
        Ed25519 key: it is the workstation's identity)."""
        if str(self.config.get("audit.signature")) != "sm2":
            return self.signer
        from app.config import ConfigError
        from app.private_files import make_private_dir
        from printing.signing import Sm2Signer

        path = make_private_dir(self.config.data_dir / "keys") / "workstation-sm2.key"
        try:
            return Sm2Signer.load_or_create(path)
        except ValueError as exc:
            raise ConfigError(t("config.key_unreadable", path=path, error=exc)) from exc

    # --- what is open already (asked without opening anything) -----------------------------
    @property
    def store_open(self) -> bool:
        """The store has been opened in this process (the window opens it in a worker after its
        first frame; until then its screens show what needs no store)."""
        return "store" in self.__dict__

    @property
    def resolved_key(self):  # -> app.store.cipher.DbKey | None
        """The store's key if it has been resolved already, else None (never asks for it)."""
        return self.__dict__.get("db_key")

    def forget_key(self) -> None:
        """Drop the resolved key (a wrong passphrase): the next use of the store asks again."""
        self.__dict__.pop("db_key", None)

    def close(self) -> None:
        if self.store_open:
            self.store.close()


def open_workstation(data_dir: Path | str | None = None, **kw) -> Workstation:
    from app.config import load_config, resolve_data_dir
    from app.messages import set_language

    config = load_config(resolve_data_dir(data_dir))
    set_language(config.language)
    return Workstation(config, **kw)
