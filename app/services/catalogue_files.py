"""The active catalogue of a workstation: an imported file in the data dir, else the demo.

Every imported version is kept (catalogue/versions/VERSION.json) because a case stays
pinned to the version it was accepted under.

Beside the active catalogue lies its search index (catalogue/search-index.json): the
pinyin of every name is computed once, when the catalogue is imported, so the window
answers the first search without pypinyin (or SQLAlchemy) on its start-up path. The
index names the SHA-256 of the catalogue file it was built from and the index format
(:data:`app.domain.search.INDEX_FORMAT`); one that does not match is rebuilt. The demo
catalogue's index is generated at build time (forms/demo/search-index.json,
build/tools/make_search_index.py).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

from app.private_files import make_private_dir

CURRENT = "current.json"
SEARCH_INDEX = "search-index.json"
DEMO_CATALOGUE_RESOURCE = ("demo", "catalogue.json")
DEMO_INDEX_RESOURCE = ("demo", "search-index.json")

log = logging.getLogger(__name__)


def _forms_file(parts: tuple[str, ...]):
    """A file shipped in the forms package: from its folder when it is one (importlib.resources'
    readers would add a zipfile import to the window's start-up), else through importlib.resources."""
    import forms

    folder = Path(forms.__file__).parent
    if folder.is_dir():
        return folder.joinpath(*parts)
    from importlib import resources

    return resources.files("forms").joinpath(*parts)


def load_active_catalogue(catalogue_dir: Path):
    from forms.loader import load_catalogue, load_demo_catalogue

    current = catalogue_dir / CURRENT
    if current.exists():
        # Validated in full when it was imported and written by our own serializer.
        return load_catalogue(current, validate_schema=False)
    return load_demo_catalogue()


def import_catalogue(catalogue_dir: Path, source: Path):
    """Validate `source` fully; install it only if it has no error (else CatalogueError)."""
    from forms.loader import dump_catalogue, load_catalogue, serialize_catalogue

    cat = load_catalogue(source)  # raises CatalogueError listing every problem
    versions = make_private_dir(catalogue_dir / "versions")
    safe = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in cat.version)
    archived = versions / f"{safe}.json"
    if archived.exists():
        _check_same_version(cat, archived, source)
    else:
        dump_catalogue(cat, archived)
    # The index first: it names the catalogue's digest, so if we stop before current.json
    # is replaced the old catalogue finds no matching index and rebuilds its own.
    write_search_index(catalogue_dir / SEARCH_INDEX, cat, serialize_catalogue(cat))
    tmp = catalogue_dir / (CURRENT + ".tmp")
    dump_catalogue(cat, tmp)
    os.replace(tmp, catalogue_dir / CURRENT)
    return cat


def _check_same_version(cat, archived: Path, source: Path) -> None:
    """A version is immutable (cases are pinned to it): the same content again is fine, other content not."""
    from app.messages import t
    from forms.loader import CatalogueError, CatalogueIssue, serialize_catalogue

    if archived.read_bytes() != serialize_catalogue(cat):
        reason = t("catalogue.version_exists", version=cat.version)
        raise CatalogueError([CatalogueIssue(str(source), "/version", reason)])


def export_catalogue(catalogue_dir: Path, target: Path):
    from forms.loader import dump_catalogue

    cat = load_active_catalogue(catalogue_dir)
    dump_catalogue(cat, target)
    return cat


# --- the search index ----------------------------------------------------------------------


def search_entries(cat) -> list:
    """The catalogue's bundles and matters as search entries (app.domain.search.SearchEntry)."""
    from app.domain.search import SearchEntry

    entries = [SearchEntry("bundle", b.code, b.name, "", tuple(b.keywords)) for b in cat.bundles.values()]
    entries += [
        SearchEntry("matter", m.code, m.name, m.department, tuple(m.keywords)) for m in cat.matters.values()
    ]
    return entries


def catalogue_digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def serialize_search_index(index, version: str, digest: str) -> bytes:
    """The index file: format and catalogue first, then the index's saved state."""
    from app.domain.search import INDEX_FORMAT

    doc = {
        "format": INDEX_FORMAT,
        "catalogue_version": version,
        "catalogue_sha256": digest,
        "index": index.to_state(),
    }
    return (json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def write_search_index(path: Path, cat, raw_catalogue: bytes):
    """Build the index of `cat` (pypinyin) and write it atomically to `path`; returns it."""
    from app.domain.search import SearchIndex

    index = SearchIndex(search_entries(cat))
    _write_atomic(path, serialize_search_index(index, cat.version, catalogue_digest(raw_catalogue)))
    return index


def parse_search_index(raw: bytes, digest: str):
    """The stored index if it is of this format and built from the catalogue `digest`, else None."""
    from app.domain.search import INDEX_FORMAT, SearchIndex

    try:
        doc = json.loads(raw)
        if doc.get("format") != INDEX_FORMAT or doc.get("catalogue_sha256") != digest:
            return None
        return SearchIndex.from_state(doc["index"])
    except (ValueError, TypeError, KeyError, AttributeError) as exc:  # damaged: rebuild
        log.warning("search index unreadable, rebuilding: %s", exc)
        return None


def load_search_index(catalogue_dir: Path):
    """The search index of the active catalogue: the stored one when it matches the
    catalogue, else built now (pypinyin, slow) and stored for the next start."""
    current = catalogue_dir / CURRENT
    stored = catalogue_dir / SEARCH_INDEX
    if current.exists():
        raw = current.read_bytes()
        candidates = [stored.read_bytes] if stored.exists() else []
    else:
        raw = _forms_file(DEMO_CATALOGUE_RESOURCE).read_bytes()
        demo_index = _forms_file(DEMO_INDEX_RESOURCE)
        candidates = [demo_index.read_bytes] if demo_index.is_file() else []
        if stored.exists():
            candidates.append(stored.read_bytes)
    digest = catalogue_digest(raw)
    for read in candidates:
        try:
            index = parse_search_index(read(), digest)
        except OSError:
            continue
        if index is not None:
            return index
    # Missing or stale (a catalogue copied in by hand, an older format): build it once.
    from forms.loader import parse_bytes

    # A damaged catalogue file fails here as a CatalogueError naming the file and the place.
    cat = parse_bytes(raw, str(current), validate_schema=False)
    try:
        make_private_dir(catalogue_dir)
        return write_search_index(stored, cat, raw)
    except OSError as exc:  # a read-only data dir still gets a working search
        log.warning("cannot store the search index in %s: %s", stored, exc)
        from app.domain.search import SearchIndex

        return SearchIndex(search_entries(cat))


def _write_atomic(path: Path, payload: bytes) -> None:
    from forms.loader import write_atomic

    write_atomic(path, payload)
