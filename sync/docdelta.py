"""Catalogue deltas: what changed between two versions of a catalogue document (pure).

A delta names the version it applies to (``from``); matters and bundles are replaced whole
when they changed (they are small) and listed by code when removed. Top-level fields
(version, published, region, format) are carried in ``meta``.
"""

from __future__ import annotations

from typing import Any

_KEYED = ("matters", "bundles")


def make_delta(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    if old is None:
        return {"from": None, "to": new["version"], "full": new}
    out: dict[str, Any] = {
        "from": old["version"],
        "to": new["version"],
        "meta": {k: v for k, v in new.items() if k not in _KEYED},
    }
    for key in _KEYED:
        before = {x["code"]: x for x in old.get(key, [])}
        after = {x["code"]: x for x in new.get(key, [])}
        out[key] = [x for code, x in after.items() if before.get(code) != x]
        out[f"removed_{key}"] = [code for code in before if code not in after]
        out[f"order_{key}"] = list(after)
    return out


def apply_delta(old: dict[str, Any] | None, delta: dict[str, Any]) -> dict[str, Any]:
    """The new document; ValueError when the delta is not for the version held."""
    if delta.get("full") is not None:
        return delta["full"]
    if old is None or old.get("version") != delta.get("from"):
        raise ValueError(f"delta is for version {delta.get('from')!r}, held {old and old.get('version')!r}")
    new: dict[str, Any] = dict(delta["meta"])
    for key in _KEYED:
        items = {x["code"]: x for x in old.get(key, [])}
        for code in delta.get(f"removed_{key}", []):
            items.pop(code, None)
        for x in delta.get(key, []):
            items[x["code"]] = x
        new[key] = [items[code] for code in delta.get(f"order_{key}", list(items)) if code in items]
    return new
