"""Shared by the personal-data tests: a case with a known applicant, the CLI as a process."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from app.domain.identifiers import ric_check_char
from app.services.intake import ApplicantInput, IntakeService

ROOT = Path(__file__).resolve().parents[2]
ID17 = "32072419850315002"
PERSON_ID = ID17 + ric_check_char(ID17)
PHONE = "13912345678"
NAME = "欧阳娜娜"
ADDRESS = "灌南县新安镇幸福路8号"
MASKED_ID = PERSON_ID[:6] + "*" * 8 + PERSON_ID[-4:]  # app.domain.masking's rule
MASKED_PHONE = PHONE[:3] + "****" + PHONE[-4:]


def accept_case(ws, name: str = NAME, id_number: str = PERSON_ID, phone: str = PHONE):
    svc = IntakeService(ws)
    code = next(b.code for b in ws.catalogue.bundles.values() if b.name == "开便利店")
    draft = svc.new_draft("bundle", code)
    draft.marks = [replace(m, status="received") for m in draft.marks]
    draft.applicant = ApplicantInput("person", id_number, name, phone, ADDRESS)
    return svc.accept(draft)


def run(
    data: Path, *args: str, env: dict | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess:
    e = {**os.environ, "PYTHONPATH": str(ROOT)}
    for k in ("YICHUANG_DATA_DIR", "YICHUANG_DB_PASSPHRASE"):
        e.pop(k, None)
    e.update(env or {})
    cmd = [sys.executable, "-m", "app", *args, "--data-dir", str(data)]
    return subprocess.run(
        cmd, cwd=ROOT, env=e, capture_output=True, text=True, timeout=180, input=stdin or ""
    )
