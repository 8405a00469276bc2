"""Every message key the queue and case templates use exists (the catalogue test reads .py only)."""

from __future__ import annotations

import re
from pathlib import Path

from app.messages import MESSAGES

TEMPLATES = Path(__file__).resolve().parents[2] / "sync" / "hub" / "console" / "templates"


def test_case_templates_use_known_keys():
    used: set[str] = set()
    for name in ("queue.html", "case.html", "decide_confirm.html"):
        used |= set(
            re.findall(r"""\bt\(\s*["']([a-z_.]+)["']""", (TEMPLATES / name).read_text(encoding="utf-8"))
        )
    assert used, "the templates use the catalogue"
    # keys built in the templates: "event." ~ kind, "form." ~ form ~ "_short",
    # "console.applicant_field_" ~ the field that differs
    from app.domain import case_state as cs
    from sync.hub.console_queries import APPLICANT_FIELDS

    assert {"event.", "form.", "console.applicant_field_"} <= used
    used = {k for k in used if not k.endswith((".", "_"))}
    used |= {f"event.{k}" for k in cs.KNOWN_KINDS} | {"form.original_short", "form.copy_short"}
    used |= {f"console.applicant_field_{f}" for f in APPLICANT_FIELDS}
    assert sorted(k for k in used if k not in MESSAGES) == []
