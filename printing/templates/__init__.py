"""Per-kind document templates as data (default.toml), with office overrides.

An override file (TOML or JSON) has the structure of default.toml and only the keys an
office changes; tables merge, lists (sections, notes) replace.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..documents import DOC_KINDS

DEFAULT_PATH = Path(__file__).with_name("default.toml")

KNOWN_SECTIONS = frozenset(
    {
        "header",
        "rule",
        "case_number",
        "barcode",
        "applicant",
        "applicant_id",
        "subject",
        "materials_received",
        "materials_tolerated",
        "materials_missing",
        "accepted_on",
        "due_date",
        "window_clerk",
        "reason",
        "waybills",
        "trip_items",
        "trip_totals",
        "extra",
        "outcome",
        "collector",
        "issued_at",
        "qr",
        "notes",
        "signature",
        "footer",
        "test_page",
        "intro",
        "feed",
    }
)


class TemplateError(ValueError):
    pass


@dataclass(frozen=True)
class Template:
    kind: str
    title: str
    subtitle: str
    sections: tuple[str, ...]
    labels: Mapping[str, str]
    notes: tuple[str, ...]
    intro: str = ""
    tolerated_notes: tuple[str, ...] = ()  # printed after notes only with 容缺 materials

    def label(self, key: str) -> str:
        return self.labels.get(key, key)


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, Mapping) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


def _read(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".json":
        return json.loads(text)
    return tomllib.loads(text)


def _build(data: Mapping[str, Any], source: str) -> dict[str, Template]:
    common = data.get("labels", {})
    out: dict[str, Template] = {}
    for kind in DOC_KINDS:
        t = data.get(kind)
        if not isinstance(t, Mapping):
            raise TemplateError(f"{source}: missing table [{kind}]")
        sections = tuple(t.get("sections", ()))
        unknown = [s for s in sections if s not in KNOWN_SECTIONS]
        if unknown:
            raise TemplateError(f"{source}: [{kind}] unknown sections {unknown}")
        labels = {**common, **t.get("labels", {})}
        for k, v in labels.items():
            if not isinstance(v, str):
                raise TemplateError(f"{source}: label {k!r} must be a string")
        out[kind] = Template(
            kind=kind,
            title=str(t.get("title", "")),
            subtitle=str(t.get("subtitle", "")),
            sections=sections,
            labels=labels,
            notes=tuple(str(n) for n in t.get("notes", ())),
            intro=str(t.get("intro", "")),
            tolerated_notes=tuple(str(n) for n in t.get("tolerated_notes", ())),
        )
    return out


@lru_cache(maxsize=1)
def _defaults() -> dict[str, Any]:
    return _read(DEFAULT_PATH)


def load_templates(override: str | Path | Mapping[str, Any] | None = None) -> dict[str, Template]:
    """The templates for every kind: defaults merged with an office's override."""
    data = _defaults()
    source = str(DEFAULT_PATH)
    if override is not None:
        if isinstance(override, Mapping):
            over = override
            source = "override"
        else:
            over = _read(Path(override))
            source = str(override)
        data = _merge(data, over)
    return _build(data, source)


@lru_cache(maxsize=1)
def default_templates() -> dict[str, Template]:
    return load_templates()
