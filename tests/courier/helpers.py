"""Cases and waybills for the courier tests: real intake decisions on the real store."""

from __future__ import annotations

from app.domain.identifiers import s10_check_digit
from app.services.intake import IntakeService
from tests.services.test_intake import applicant, bundle_code, receive_all


def waybill(serial: int, prefix: str = "EA", country: str = "CN") -> str:
    """A valid UPU S10 number with the given 8-digit serial."""
    body = f"{serial:08d}"
    return f"{prefix}{body}{s10_check_digit(body)}{country}"


def bad_check(serial: int) -> str:
    good = waybill(serial)
    wrong = str((int(good[10]) + 1) % 10)
    return good[:10] + wrong + good[11:]


def accept_cases(ws, n: int) -> list[str]:
    svc = IntakeService(ws)
    out = []
    for _ in range(n):
        draft = receive_all(svc.new_draft("bundle", bundle_code(ws, "开餐馆")))
        draft.applicant = applicant()
        out.append(svc.accept(draft).case.number)
    return out
