"""`yichuang doctor`: what stands between this PC and a working day, each with what to do.

Every check is a small function of the workstation returning Findings; none changes anything
(the database is not created or migrated, no key is made, the printer prints nothing, the hub
is only read from). Levels: ``ok`` and ``info`` need nothing; ``warning`` should be dealt with
soon; ``error`` stops a working day. Messages and advice come from the catalogue (app.messages).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from app.domain.failures import explain
from app.messages import t
from app.services.doctor_data import (
    check_calendar,
    check_catalogue,
    check_private_files,
    check_queues,
    check_records,
)
from app.services.doctor_idcard import idcard_findings
from app.services.doctor_link import check_certificate as check_certificate
from app.services.doctor_link import check_hub, check_printer, check_scanner
from app.services.doctor_link import check_receipt_keys as check_receipt_keys
from app.services.doctor_store import LEVELS as LEVELS
from app.services.doctor_store import SPACE_ERROR as SPACE_ERROR
from app.services.doctor_store import Finding, check_data_dir, check_database, check_free_space
from app.services.doctor_store import exit_code as exit_code
from app.services.doctor_store import size_text as size_text
from app.services.workstation import Workstation


def check_idcard(ws: Workstation) -> list[Finding]:  # the reader (issue 17 §2): doctor_idcard.py
    return [Finding(**f) for f in idcard_findings(ws)]


# --- all of it -----------------------------------------------------------------------------------
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
            cause = explain(exc)
            out.append(
                Finding(
                    "error",
                    f"{name}.failed",
                    t("doctor.check_failed", check=name, error=cause.text()),
                    t("doctor.check_failed_fix"),
                    cause.to_dict(),
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
        cause = explain(exc.__cause__) if exc.__cause__ is not None else None
        if cause is None or cause.name in ("other", "os_other"):  # our own words: shown as they are
            found.append(
                Finding(
                    "error", "config.unreadable", t("doctor.config_bad", error=exc), t("doctor.config_fix")
                )
            )
        else:
            found.append(
                Finding(
                    "error",
                    "config.unreadable",
                    t("doctor.config_bad", error=cause.text()),
                    cause.advice(),
                    cause.to_dict(),
                )
            )
    set_language(config.language)
    return Workstation(config, **kw), found
