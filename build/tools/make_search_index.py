"""Generate forms/demo/search-index.json, the stored search index of the demo catalogue.

Usage (from the repository root)::

    .venv/bin/python build/tools/make_search_index.py [--check]

The window loads this file at start-up instead of converting the catalogue to pinyin
(see app/services/catalogue_files.py). Run it after changing forms/demo/catalogue.json,
pypinyin or what app.domain.search indexes; ``--check`` only verifies it is up to date
(a stale file still works: the window then builds the index itself on first start).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # a tool script, run from a checkout
    sys.path.insert(0, str(ROOT))

from app.domain.search import SearchIndex  # noqa: E402
from app.services.catalogue_files import (  # noqa: E402
    catalogue_digest,
    search_entries,
    serialize_search_index,
)
from forms.loader import load_demo_catalogue  # noqa: E402

CATALOGUE = ROOT / "forms" / "demo" / "catalogue.json"
OUTPUT = ROOT / "forms" / "demo" / "search-index.json"


def expected() -> bytes:
    cat = load_demo_catalogue()
    index = SearchIndex(search_entries(cat))
    return serialize_search_index(index, cat.version, catalogue_digest(CATALOGUE.read_bytes()))


def main(argv: list[str]) -> int:
    payload = expected()
    if "--check" in argv:
        if not OUTPUT.exists() or OUTPUT.read_bytes() != payload:
            print(f"{OUTPUT} is out of date; run {Path(__file__).name}", file=sys.stderr)
            return 1
        print(f"{OUTPUT} is up to date")
        return 0
    OUTPUT.write_bytes(payload)
    print(f"wrote {OUTPUT}: {len(payload):,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
