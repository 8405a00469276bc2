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
from typing import Any

from forms.catalogue import Bundle, Catalogue, Material, Matter

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
            where = f"line {self.line}, column {self.column}"
        return f"{self.file}: {where}: {self.reason}"


class CatalogueError(ValueError):
    """A catalogue could not be loaded; ``issues`` lists every problem found."""

    def __init__(self, issues: list[CatalogueIssue]) -> None:
        self.issues = list(issues)
        head = f"{len(self.issues)} problem(s) in catalogue"
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
        reason = f"cannot read file: {exc.strerror or exc}"
        raise CatalogueError([CatalogueIssue(source, "", reason)]) from exc
    return _parse_bytes(raw, source, validate_schema=validate_schema)


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
            raise CatalogueError([CatalogueIssue(source, "", f"invalid catalogue: {exc}")]) from exc
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
    return _parse_bytes(raw, "forms/demo/catalogue.json", validate_schema=False)


def catalogue_schema() -> dict[str, Any]:
    """The JSON Schema of the file format (forms/schema.json), as a dict."""
    return json.loads(resources.files("forms").joinpath(*SCHEMA_RESOURCE).read_bytes())


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in a catalogue")


def _parse_bytes(raw: bytes, source: str, *, validate_schema: bool) -> Catalogue:
    if not raw.strip():
        raise CatalogueError([CatalogueIssue(source, "", "file is empty")])
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # tolerate a UTF-8 byte order mark written by Windows editors
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        line = raw.count(b"\n", 0, exc.start) + 1
        column = len(raw[line_start : exc.start].decode("utf-8", errors="replace")) + 1
        if exc.end == len(raw) and "end of data" in str(exc.reason):
            reason = "unexpected end of file inside a character (file truncated?)"
        else:
            reason = f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})"
        raise CatalogueError([CatalogueIssue(source, "", reason, line, column)]) from exc
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        if exc.msg.startswith("Unterminated string"):  # only happens at the end of input
            reason = "unexpected end of file inside the string starting here (file truncated?)"
        elif exc.pos >= len(text.rstrip()):
            reason = f"unexpected end of file (file truncated?): {exc.msg}"
        else:
            reason = f"invalid JSON: {exc.msg}"
        raise CatalogueError([CatalogueIssue(source, "", reason, exc.lineno, exc.colno)]) from exc
    except ValueError as exc:  # NaN / Infinity
        raise CatalogueError([CatalogueIssue(source, "", f"invalid JSON: {exc}")]) from exc
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


_PATTERN_REASONS = {
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}$": "must be a date written YYYY-MM-DD",
    "^\\S(.*\\S)?$": "must be non-empty text on one line, without leading or trailing spaces",
    "^[0-9A-Za-z][0-9A-Za-z_.-]{0,63}$": (
        "must be a code of ASCII letters, digits, '-', '_' or '.' (at most 64 characters)"
    ),
    "^[a-z][a-z0-9_]{0,63}$": (
        "must be a key of lower-case ASCII letters, digits and '_', starting with a letter"
    ),
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
                yield f"{where}/{name}", "missing required field"
        return
    if kind == "additionalProperties" and isinstance(instance, dict):
        known = set(error.schema.get("properties", {}))
        for name in sorted(set(instance) - known):
            yield _pointer([*error.absolute_path, name]), "unknown field"
        return
    if kind == "type":
        yield where, f"must be of type {expected}, got {_describe(instance)}"
    elif kind == "enum":
        choices = ", ".join(json.dumps(c, ensure_ascii=False) for c in expected)
        yield where, f"must be one of {choices}; got {_describe(instance)}"
    elif kind == "const":
        wanted = json.dumps(expected, ensure_ascii=False)
        yield where, f"must be {wanted}; got {_describe(instance)}"
    elif kind == "pattern":
        reason = _PATTERN_REASONS.get(expected, f"does not match pattern {expected}")
        yield where, f"{reason}; got {_describe(instance)}"
    elif kind in ("minimum", "maximum"):
        sign = ">=" if kind == "minimum" else "<="
        yield where, f"must be {sign} {expected}; got {_describe(instance)}"
    elif kind == "minItems":
        yield where, f"must contain at least {expected} item(s)"
    elif kind == "uniqueItems":
        yield where, "items must be unique; this list repeats an item"
    elif kind in ("minLength", "maxLength"):
        bound = "at least" if kind == "minLength" else "at most"
        yield where, f"must be {bound} {expected} characters long"
    else:
        yield where, error.message


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"boolean {json.dumps(value)}"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return f"number {value!r}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"string {json.dumps(shown, ensure_ascii=False)}"
    if isinstance(value, list):
        return "an array"
    return "an object"


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
        return f"not a real calendar date: {value!r}"
    return None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _semantic_issues(data: Any, source: str, *, scan_strings: bool = True) -> list[CatalogueIssue]:
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
            add(path, f"contains control or invisible characters ({shown})")

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
                add(
                    (*base, "code"),
                    f"duplicate matter code {code!r}, first used at "
                    f"{_pointer(('matters', matter_at[code], 'code'))}",
                )
            else:
                matter_at[code] = i
        reason = _check_date(matter.get("effective"))
        if reason:
            add((*base, "effective"), reason)
        legal, promised = matter.get("legal_days"), matter.get("promised_days")
        if _is_int(legal) and _is_int(promised) and promised > legal:
            add((*base, "promised_days"), f"promised_days ({promised}) must not exceed legal_days ({legal})")
        keys_here: dict[str, int] = {}
        for j, material in _items(matter, "materials"):
            where = (*base, "materials", j)
            key, name = material.get("key"), material.get("name")
            if material.get("tolerable") is True and material.get("required") is False:
                add((*where, "tolerable"), "tolerable (容缺) is only allowed on a required material")
            if not isinstance(key, str):
                continue
            if key in keys_here:
                add(
                    (*where, "key"),
                    f"material key {key!r} appears twice in this matter, "
                    f"first at {_pointer((*base, 'materials', keys_here[key], 'key'))}",
                )
            else:
                keys_here[key] = j
            if not isinstance(name, str):
                continue
            if key in key_name_at:
                known, known_at = key_name_at[key]
                if known != name:
                    add(
                        (*where, "name"),
                        f"material key {key!r} is named {name!r} here but "
                        f"{known!r} at {_pointer(known_at)}; one key must have one name",
                    )
            else:
                key_name_at[key] = (name, (*where, "name"))

    bundle_at: dict[str, int] = {}
    for i, bundle in _items(data, "bundles"):
        base = ("bundles", i)
        code = bundle.get("code")
        if isinstance(code, str):
            if code in bundle_at:
                add(
                    (*base, "code"),
                    f"duplicate bundle code {code!r}, first used at "
                    f"{_pointer(('bundles', bundle_at[code], 'code'))}",
                )
            else:
                bundle_at[code] = i
            if code in matter_at:
                add(
                    (*base, "code"),
                    f"bundle code {code!r} is also the code of matter "
                    f"{_pointer(('matters', matter_at[code]))}",
                )
        refs = bundle.get("matters")
        if isinstance(refs, list):
            seen: set[str] = set()
            for j, ref in enumerate(refs):
                if not isinstance(ref, str):
                    continue
                if ref not in matter_at:
                    add((*base, "matters", j), f"unknown matter {ref!r}: no matter has this code")
                if ref in seen:
                    add((*base, "matters", j), f"matter {ref!r} is listed twice in this bundle")
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
        raise ValueError(f"format must be {FORMAT!r}")
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
    target = Path(path)
    payload = serialize_catalogue(cat)
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
