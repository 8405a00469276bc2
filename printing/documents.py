"""Documents to print: plain data, no I/O.

A :class:`Document` says *what* the paper must say; templates say *how* it is laid out and
which labels it uses; profiles say *what* the printer can do.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from .masking import mask_applicant_id

DocKind = Literal["receipt", "notice", "refusal", "pickup", "handover", "test", "trip"]
DOC_KINDS: tuple[str, ...] = ("receipt", "notice", "refusal", "pickup", "handover", "test", "trip")

MaterialForm = Literal["original", "copy"]
MaterialStatus = Literal["received", "tolerated", "missing"]


@dataclass(frozen=True)
class OfficeInfo:
    name: str
    hotline: str = ""
    address: str = ""
    footer: str = ""
    query_url: str = ""


@dataclass(frozen=True)
class MaterialLine:
    name: str
    form: str = "original"  # "original" | "copy"
    copies: int = 1
    status: str = "received"  # "received" | "tolerated" | "missing"
    note: str = ""  # missing: why / what to bring; tolerated: the promise text


@dataclass(frozen=True)
class Document:
    kind: DocKind
    case_number: str
    office: OfficeInfo
    issued_at: datetime
    applicant_name: str = ""
    applicant_id: str = ""  # raw; printing masks it for persons
    applicant_kind: str = "person"  # or "enterprise"
    applicant_id_type: str = ""  # the document's name when not a 居民身份证 (外国人永久居留身份证…)
    subject: str = ""  # matter or bundle name
    subject_code: str = ""
    materials: tuple[MaterialLine, ...] = ()
    accepted_on: date | None = None
    due_date: date | None = None
    due_provisional: bool = False  # printed with the 推定 marker
    tolerated_until: date | None = None  # 容缺 items promised by
    window: str = ""
    clerk: str = ""
    reason: str = ""  # refusal reason / notice remarks
    waybills: tuple[str, ...] = ()  # handover slip
    trip_items: tuple[tuple[str, str, str], ...] = ()  # courier 交接单: (waybill, case number, step)
    reprinted_at: datetime | None = None  # set → the paper says 补打 and when
    # 领取凭证 (pickup): who collected the result, and what the result was
    outcome: str = ""  # "completed" (办结) | "denied" (不予许可)
    collector_role: str = ""  # "applicant" | "agent"
    collector_name: str = ""
    collector_id: str = ""  # raw; printing masks it
    authorisation: str = ""  # the applicant's written authorisation (agent only)
    extra: Mapping[str, str] = field(default_factory=dict)


def mask_id(raw: str, kind: str = "person") -> str:
    """An identity number as paper shows it: the one rule of printing.masking
    (``320724********123X``); an enterprise's credit code (public registry data) stays whole."""
    return mask_applicant_id(raw, kind)
