"""The active catalogue of a workstation: an imported file in the data dir, else the demo.

Every imported version is kept (catalogue/versions/VERSION.json) because a case stays
pinned to the version it was accepted under.
"""

from __future__ import annotations

import os
from pathlib import Path

CURRENT = "current.json"


def load_active_catalogue(catalogue_dir: Path):
    from forms.loader import load_catalogue, load_demo_catalogue

    current = catalogue_dir / CURRENT
    if current.exists():
        # Validated in full when it was imported and written by our own serializer.
        return load_catalogue(current, validate_schema=False)
    return load_demo_catalogue()


def import_catalogue(catalogue_dir: Path, source: Path):
    """Validate `source` fully; install it only if it has no error (else CatalogueError)."""
    from forms.loader import dump_catalogue, load_catalogue

    cat = load_catalogue(source)  # raises CatalogueError listing every problem
    versions = catalogue_dir / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    safe = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in cat.version)
    archived = versions / f"{safe}.json"
    if archived.exists():
        _check_same_version(cat, archived, source)
    else:
        dump_catalogue(cat, archived)
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
