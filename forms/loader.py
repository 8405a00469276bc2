"""Read, check and write service catalogues (format ``yichuang-catalogue/1``).

Public API::

    load_catalogue(path, *, validate_schema=True) -> Catalogue
    parse_catalogue(data, source, *, validate_schema=True) -> Catalogue
    load_demo_catalogue() -> Catalogue          # forms/demo/catalogue.json, cached
    catalogue_to_dict(cat) -> dict
    dump_catalogue(cat, path) -> None           # atomic write, canonical bytes
    serialize_catalogue(cat) -> bytes           # the canonical bytes themselves
    CatalogueError(issues)                      # .issues: list[CatalogueIssue]
    CatalogueIssue(file, location, reason, line=None, column=None)

Every problem of a file is reported at once: JSON Schema errors (all of them) and the
semantic rules the schema cannot express (unique codes, known references,
``promised_days <= legal_days``, one name per material key, ``tolerable`` only on
required materials, real calendar dates, no control characters). ``location`` is a
JSON pointer (RFC 6901) such as ``/matters/3/materials/2/copies``; syntax errors carry
``line`` and ``column`` instead.

Imports validate against ``forms/schema.json`` with ``jsonschema``. The built-in demo
catalogue is trusted and covered by tests, so :func:`load_demo_catalogue` skips the
(slow to import) schema validator and runs only the cheap semantic checks; should the
file still be malformed, the full validation runs to explain why.

The canonical file bytes are ``json.dumps(d, ensure_ascii=False, indent=2) + "\\n"``
in UTF-8 with ``\\n`` line ends, so load → dump of a canonical file is byte-identical.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeGuard

from forms.catalogue import Bundle, Catalogue, Material, Matter
from forms.texts import t

__all__ = [
    "FORMAT",
    "CatalogueIssue",
    "CatalogueError",
    "load_catalogue",
    "parse_catalogue",
    "load_demo_catalogue",
    "catalogue_to_dict",
    "serialize_catalogue",
    "dump_catalogue",
    "catalogue_schema",
]

FORMAT = "yichuang-catalogue/1"
DEMO_RESOURCE = ("demo", "catalogue.json")
SCHEMA_RESOURCE = ("schema.json",)


@dataclass(frozen=True)
class CatalogueIssue:
    """One problem found in a catalogue file.

    ``location`` is a JSON pointer into the document ("" = the whole document);
    ``line``/``column`` (1-based) are set for JSON syntax errors.
    """

    file: str
    location: str
    reason: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = self.location or "/"
        if self.line is not None:
            where = t("catalogue.at_line", line=self.line, column=self.column)
        return f"{self.file}: {where}: {self.reason}"


class CatalogueError(ValueError):
    """A catalogue could not be loaded; ``issues`` lists every problem found."""

    def __init__(self, issues: list[CatalogueIssue]) -> None:
        self.issues = list(issues)
        head = t("catalogue.problems", n=len(self.issues))
        super().__init__("\n".join([head, *(f"  {issue}" for issue in self.issues)]))


# --------------------------------------------------------------------------- reading


def load_catalogue(path: str | os.PathLike[str], *, validate_schema: bool = True) -> Catalogue:
    """Read and check the catalogue file at ``path``.

    Raises :class:`CatalogueError` listing every problem (unreadable file, bad
    encoding, JSON syntax with line/column, schema and semantic errors).
    """
    source = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        reason = t("catalogue.unreadable", error=exc.strerror or exc)
        raise CatalogueError([CatalogueIssue(source, "", reason)]) from exc
    return parse_bytes(raw, source, validate_schema=validate_schema)


def parse_catalogue(data: Any, source: str, *, validate_schema: bool = True) -> Catalogue:
    """Check the decoded JSON document ``data`` and build a :class:`Catalogue`.

    ``source`` names the origin in issues (a file name). With ``validate_schema``
    false only the semantic checks run (for trusted input such as the demo file).
    """
    return _check_and_build(data, source, validate_schema=validate_schema, scan_strings=True)


def _check_and_build(data: Any, source: str, *, validate_schema: bool, scan_strings: bool) -> Catalogue:
    issues: list[CatalogueIssue] = []
    if validate_schema:
        issues.extend(_schema_issues(data, source))
    issues.extend(_semantic_issues(data, source, scan_strings=scan_strings))
    if issues:
        raise CatalogueError(sorted(issues, key=_issue_order))
    try:
        return _build(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        if validate_schema:  # cannot happen for schema-valid data; keep a clear report anyway
            raise CatalogueError([CatalogueIssue(source, "", t("catalogue.invalid", error=exc))]) from exc
        # The fast path met malformed data: run the full validation to explain it.
        return _check_and_build(data, source, validate_schema=True, scan_strings=True)


@lru_cache(maxsize=1)
def load_demo_catalogue() -> Catalogue:
    """The bundled demo catalogue (forms/demo/catalogue.json), loaded once.

    Read through :mod:`importlib.resources`, so it works from a wheel, a zip or a
    PyInstaller bundle as long as the data file is collected with the package.
    """
    resource = resources.files("forms").joinpath(*DEMO_RESOURCE)
    raw = resource.read_bytes()
    return parse_bytes(raw, "forms/demo/catalogue.json", validate_schema=False)


def catalogue_schema() -> dict[str, Any]:
    """The JSON Schema of the file format (forms/schema.json), as a dict."""
    return json.loads(resources.files("forms").joinpath(*SCHEMA_RESOURCE).read_bytes())


def _reject_constant(name: str) -> Any:
    raise ValueError(t("catalogue.json_constant", name=name))


def parse_bytes(raw: bytes, source: str, *, validate_schema: bool) -> Catalogue:
    if not raw.strip():
        raise CatalogueError([CatalogueIssue(source, "", t("catalogue.empty"))])
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # tolerate a UTF-8 byte order mark written by Windows editors
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        line = raw.count(b"\n", 0, exc.start) + 1
        column = len(raw[line_start : exc.start].decode("utf-8", errors="replace")) + 1
        if exc.end == len(raw) and "end of data" in str(exc.reason):
            reason = t("catalogue.truncated_char")
        else:
            reason = t("catalogue.not_utf8", byte=f"0x{raw[exc.start]:02x}", offset=exc.start)
        raise CatalogueError([CatalogueIssue(source, "", reason, line, column)]) from exc
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        if exc.msg.startswith("Unterminated string"):  # only happens at the end of input
            reason = t("catalogue.truncated_string")
        elif exc.pos >= len(text.rstrip()):
            reason = t("catalogue.truncated", error=exc.msg)
        else:  # where, in the user's words (the parser's own are English)
            reason = t("catalogue.bad_json", error=t("failure.json", line=exc.lineno, column=exc.colno))
        raise CatalogueError([CatalogueIssue(source, "", reason, exc.lineno, exc.colno)]) from exc
    except ValueError as exc:  # NaN / Infinity
        raise CatalogueError([CatalogueIssue(source, "", t("catalogue.bad_json", error=exc))]) from exc
    scan = _SUSPECT_TEXT.search(text) is not None
    return _check_and_build(data, source, validate_schema=validate_schema, scan_strings=scan)


# --------------------------------------------------------------------------- schema


def _pointer(path: Any) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def _path_sort_key(path: Any) -> tuple[tuple[int, int, str], ...]:
    return tuple((0, p, "") if isinstance(p, int) else (1, 0, str(p)) for p in path)


def _issue_order(issue: CatalogueIssue) -> tuple[tuple[int, int, str], ...]:
    """Document order: /matters/2/... before /matters/10/... before /bundles/..."""
    parts = issue.location.split("/")[1:]
    top = {"format": 0, "version": 1, "published": 2, "region": 3, "matters": 4, "bundles": 5}
    key = [(0, top.get(parts[0], 9), "")] if parts else []
    return tuple(key + [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts[1:]])


@lru_cache(maxsize=1)
def _validator() -> Any:
    from jsonschema import Draft202012Validator  # slow import: only when validating

    schema = catalogue_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


# Message keys of the schema's patterns (looked up when reporting: the language may change).
_PATTERN_REASONS = {
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}$": "catalogue.pattern_date",
    "^\\S(.*\\S)?$": "catalogue.pattern_text",
    "^[0-9A-Za-z][0-9A-Za-z_.-]{0,63}$": "catalogue.pattern_code",
    "^[a-z][a-z0-9_]{0,63}$": "catalogue.pattern_key",
}


def _schema_issues(data: Any, source: str) -> list[CatalogueIssue]:
    errors = sorted(_validator().iter_errors(data), key=lambda e: _path_sort_key(e.absolute_path))
    issues: list[CatalogueIssue] = []
    for error in errors:
        for location, reason in _explain(error):
            issues.append(CatalogueIssue(source, location, reason))
    return issues


def _explain(error: Any) -> Iterator[tuple[str, str]]:
    """Turn one jsonschema error into (pointer, clear English reason) pairs."""
    where = _pointer(error.absolute_path)
    kind, expected, instance = error.validator, error.validator_value, error.instance
    if kind == "required" and isinstance(instance, dict):
        for name in expected:
            if name not in instance and repr(name) in error.message:
                yield f"{where}/{name}", t("catalogue.required")
        return
    if kind == "additionalProperties" and isinstance(instance, dict):
        known = set(error.schema.get("properties", {}))
        for name in sorted(set(instance) - known):
            yield _pointer([*error.absolute_path, name]), t("catalogue.unknown_field")
        return
    if kind == "type":
        yield where, t("catalogue.type", expected=expected, got=_describe(instance))
    elif kind == "enum":
        choices = ", ".join(json.dumps(c, ensure_ascii=False) for c in expected)
        yield where, t("catalogue.enum", choices=choices, got=_describe(instance))
    elif kind == "const":
        wanted = json.dumps(expected, ensure_ascii=False)
        yield where, t("catalogue.const", expected=wanted, got=_describe(instance))
    elif kind == "pattern":
        pattern_key = _PATTERN_REASONS.get(expected)
        reason = t(pattern_key) if pattern_key else t("catalogue.pattern", pattern=expected)
        yield where, t("catalogue.got", reason=reason, got=_describe(instance))
    elif kind in ("minimum", "maximum"):
        key = "catalogue.minimum" if kind == "minimum" else "catalogue.maximum"
        yield where, t(key, bound=expected, got=_describe(instance))
    elif kind == "minItems":
        yield where, t("catalogue.min_items", n=expected)
    elif kind == "uniqueItems":
        yield where, t("catalogue.unique_items")
    elif kind in ("minLength", "maxLength"):
        yield where, t("catalogue.min_length" if kind == "minLength" else "catalogue.max_length", n=expected)
    else:
        yield where, error.message


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return t("catalogue.a_boolean", value=json.dumps(value))
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return t("catalogue.a_number", value=repr(value))
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return t("catalogue.a_string", value=json.dumps(shown, ensure_ascii=False))
    if isinstance(value, list):
        return t("catalogue.an_array")
    return t("catalogue.an_object")


# --------------------------------------------------------------------------- semantics

# Characters refused in any text: C0/C1 controls (Cc), format characters such as
# zero-width spaces and bidi overrides (Cf), line/paragraph separators, lone surrogates.
_BAD_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
# Cheap pre-filter: printable ASCII, CJK, full-width forms and common punctuation
# (·, ‘’“”…) hold no such character.
_SUSPECT = re.compile(r"[^\u0020-\u007e\u00b7\u2010-\u2027\u3000-\u9fff\uff01-\uffef]")
# The same for a whole JSON text: line breaks and tabs may sit between tokens; any
# backslash is suspect (an escape such as \u0007 may hide a control character).
_SUSPECT_TEXT = re.compile(
    r"[^\n\r\t\u0020-\u005b\u005d-\u007e\u00b7\u2010-\u2027\u3000-\u9fff\uff01-\uffef]"
)


def _bad_characters(text: str) -> list[str]:
    found = []
    for char in _SUSPECT.findall(text):
        if unicodedata.category(char) in _BAD_CATEGORIES and char not in found:
            found.append(char)
    return found


def _walk_strings(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            if isinstance(key, str):
                yield (*path, key), key  # keys are texts too (they end up in messages)
            yield from _walk_strings(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk_strings(value, (*path, index))


def _items(node: Any, name: str) -> list[tuple[int, dict[str, Any]]]:
    """(index, object) pairs of the list ``node[name]``, skipping non-objects."""
    value = node.get(name) if isinstance(node, dict) else None
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]


def _check_date(value: Any) -> str | None:
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return None  # wrong shape: the schema reports it
    try:
        date.fromisoformat(value)
    except ValueError:
        return t("catalogue.bad_date", value=repr(value))
    return None


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


# complexity: one check per catalogue rule, each adding its issue
def _semantic_issues(data: Any, source: str, *, scan_strings: bool = True) -> list[CatalogueIssue]:  # noqa: C901
    """Rules beyond the schema; tolerant of any shape (wrong types are skipped).

    ``scan_strings=False`` skips the control-character scan of every string; callers
    pass it only when the raw JSON text showed no suspicious character at all.
    """
    issues: list[CatalogueIssue] = []

    def add(path: tuple[Any, ...] | str, reason: str) -> None:
        location = path if isinstance(path, str) else _pointer(path)
        issues.append(CatalogueIssue(source, location, reason))

    if not isinstance(data, dict):
        return issues  # the schema reports it (the fast path falls back to the schema)

    for path, text in _walk_strings(data) if scan_strings else ():
        bad = _bad_characters(text)
        if bad:
            shown = ", ".join(f"U+{ord(c):04X}" for c in bad)
            add(path, t("catalogue.control", chars=shown))

    reason = _check_date(data.get("published"))
    if reason:
        add(("published",), reason)

    matter_at: dict[str, int] = {}
    key_name_at: dict[str, tuple[str, tuple[Any, ...]]] = {}
    for i, matter in _items(data, "matters"):
        base = ("matters", i)
        code = matter.get("code")
        if isinstance(code, str):
            if code in matter_at:
                first = _pointer(("matters", matter_at[code], "code"))
                add((*base, "code"), t("catalogue.duplicate_matter", code=repr(code), first=first))
            else:
                matter_at[code] = i
        reason = _check_date(matter.get("effective"))
        if reason:
            add((*base, "effective"), reason)
        legal, promised = matter.get("legal_days"), matter.get("promised_days")
        if _is_int(legal) and _is_int(promised) and promised > legal:
            add((*base, "promised_days"), t("catalogue.promised_over_legal", promised=promised, legal=legal))
        keys_here: dict[str, int] = {}
        for j, material in _items(matter, "materials"):
            where = (*base, "materials", j)
            key, name = material.get("key"), material.get("name")
            if material.get("tolerable") is True and material.get("required") is False:
                add((*where, "tolerable"), t("catalogue.tolerable_required"))
            if not isinstance(key, str):
                continue
            if key in keys_here:
                first = _pointer((*base, "materials", keys_here[key], "key"))
                add((*where, "key"), t("catalogue.duplicate_material", key=repr(key), first=first))
            else:
                keys_here[key] = j
            if not isinstance(name, str):
                continue
            if key in key_name_at:
                known, known_at = key_name_at[key]
                if known != name:
                    add(
                        (*where, "name"),
                        t(
                            "catalogue.material_names",
                            key=repr(key),
                            name=repr(name),
                            known=repr(known),
                            first=_pointer(known_at),
                        ),
                    )
            else:
                key_name_at[key] = (name, (*where, "name"))

    bundle_at: dict[str, int] = {}
    for i, bundle in _items(data, "bundles"):
        base = ("bundles", i)
        code = bundle.get("code")
        if isinstance(code, str):
            if code in bundle_at:
                first = _pointer(("bundles", bundle_at[code], "code"))
                add((*base, "code"), t("catalogue.duplicate_bundle", code=repr(code), first=first))
            else:
                bundle_at[code] = i
            if code in matter_at:
                at = _pointer(("matters", matter_at[code]))
                add((*base, "code"), t("catalogue.bundle_is_matter", code=repr(code), matter=at))
        refs = bundle.get("matters")
        if isinstance(refs, list):
            seen: set[str] = set()
            for j, ref in enumerate(refs):
                if not isinstance(ref, str):
                    continue
                if ref not in matter_at:
                    add((*base, "matters", j), t("catalogue.unknown_matter", code=repr(ref)))
                if ref in seen:
                    add((*base, "matters", j), t("catalogue.matter_twice", code=repr(ref)))
                seen.add(ref)
    return issues


# --------------------------------------------------------------------------- building


def _build(data: dict[str, Any]) -> Catalogue:
    matters: dict[str, Matter] = {}
    for m in data["matters"]:
        materials = tuple(
            Material(
                key=x["key"],
                name=x["name"],
                form=x["form"],
                copies=x["copies"],
                required=x["required"],
                tolerable=x["tolerable"],
                medium=x["medium"],
                note=x.get("note", ""),
            )
            for x in m["materials"]
        )
        matter = Matter(
            code=m["code"],
            name=m["name"],
            type=m["type"],
            department=m["department"],
            level=m["level"],
            legal_days=m["legal_days"],
            promised_days=m["promised_days"],
            fee=m["fee"],
            effective=date.fromisoformat(m["effective"]),
            materials=materials,
            keywords=tuple(m.get("keywords", ())),
        )
        matters[matter.code] = matter
    bundles: dict[str, Bundle] = {}
    for b in data["bundles"]:
        bundle = Bundle(
            code=b["code"],
            name=b["name"],
            keywords=tuple(b["keywords"]),
            matters=tuple(b["matters"]),
            joint=b.get("joint", ""),
            description=b.get("description", ""),
        )
        bundles[bundle.code] = bundle
    if data.get("format") != FORMAT:
        raise ValueError(t("catalogue.format", format=repr(FORMAT)))
    return Catalogue(
        version=data["version"],
        published=date.fromisoformat(data["published"]),
        region=data["region"],
        matters=matters,
        bundles=bundles,
    )


# --------------------------------------------------------------------------- writing


def catalogue_to_dict(cat: Catalogue) -> dict[str, Any]:
    """The JSON document of ``cat``; optional fields are left out when empty."""
    return {
        "format": FORMAT,
        "version": cat.version,
        "published": cat.published.isoformat(),
        "region": cat.region,
        "matters": [_matter_to_dict(m) for m in cat.matters.values()],
        "bundles": [_bundle_to_dict(b) for b in cat.bundles.values()],
    }


def _matter_to_dict(m: Matter) -> dict[str, Any]:
    d: dict[str, Any] = {
        "code": m.code,
        "name": m.name,
        "type": m.type,
        "department": m.department,
        "level": m.level,
        "legal_days": m.legal_days,
        "promised_days": m.promised_days,
        "fee": m.fee,
        "effective": m.effective.isoformat(),
    }
    if m.keywords:
        d["keywords"] = list(m.keywords)
    d["materials"] = [_material_to_dict(x) for x in m.materials]
    return d


def _material_to_dict(x: Material) -> dict[str, Any]:
    d: dict[str, Any] = {
        "key": x.key,
        "name": x.name,
        "form": x.form,
        "copies": x.copies,
        "required": x.required,
        "tolerable": x.tolerable,
        "medium": x.medium,
    }
    if x.note:
        d["note"] = x.note
    return d


def _bundle_to_dict(b: Bundle) -> dict[str, Any]:
    d: dict[str, Any] = {
        "code": b.code,
        "name": b.name,
        "keywords": list(b.keywords),
        "matters": list(b.matters),
    }
    if b.joint:
        d["joint"] = b.joint
    if b.description:
        d["description"] = b.description
    return d


def serialize_catalogue(cat: Catalogue) -> bytes:
    """The canonical UTF-8 bytes of ``cat`` (what :func:`dump_catalogue` writes)."""
    text = json.dumps(catalogue_to_dict(cat), ensure_ascii=False, indent=2) + "\n"
    return text.encode("utf-8")


def dump_catalogue(cat: Catalogue, path: str | os.PathLike[str]) -> None:
    """Write ``cat`` to ``path`` atomically (temporary file + rename), ``\\n`` line ends."""
    write_atomic(Path(path), serialize_catalogue(cat))


def write_atomic(target: Path, payload: bytes) -> None:
    """Write ``payload`` to ``target`` through a synced temporary file and a rename: a crash
    leaves the old file or the new one, never half of one."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
