"""The search index stored beside the catalogue: written at import, rebuilt when stale,
and loaded at start-up without pypinyin (checked in a fresh interpreter)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.domain.search import INDEX_FORMAT, SearchIndex
from app.services.catalogue_files import (
    CURRENT,
    SEARCH_INDEX,
    catalogue_digest,
    import_catalogue,
    load_search_index,
    search_entries,
)
from forms.loader import catalogue_to_dict, load_demo_catalogue

ROOT = Path(__file__).resolve().parents[2]


def catalogue_file(tmp_path: Path, version: str, extra_bundle: str | None = None) -> Path:
    """The demo catalogue as an import file, with its own version (and one more bundle)."""
    doc = catalogue_to_dict(load_demo_catalogue())
    doc["version"] = version
    if extra_bundle:
        first = doc["matters"][0]["code"]
        doc["bundles"].append({"code": "TEST-B-1", "name": extra_bundle, "keywords": [], "matters": [first]})
    path = tmp_path / f"catalogue-{version}.json"
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def header(path: Path) -> dict:
    return json.loads(path.read_bytes())


def names(index: SearchIndex, query: str) -> list[str]:
    return [h.entry.name for h in index.search(query)]


def load_in_fresh_interpreter(catalogue_dir: Path, query: str = "kcg") -> dict:
    """load_search_index in a new process: what `query` finds and which heavy modules it imported."""
    code = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from app.services.catalogue_files import load_search_index\n"
        f"index = load_search_index(Path({str(catalogue_dir)!r}))\n"
        f"print(json.dumps({{'found': [h.entry.name for h in index.search({query!r})],"
        " 'modules': sorted(m for m in ('pypinyin', 'sqlalchemy', 'sqlmodel', 'forms.loader')"
        " if m in sys.modules)}, ensure_ascii=False))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60
    )
    return json.loads(out.stdout)


def test_import_writes_the_index_keyed_by_the_catalogue(tmp_path: Path) -> None:
    cat_dir = tmp_path / "catalogue"
    import_catalogue(cat_dir, catalogue_file(tmp_path, "2026.1", extra_bundle="开花店"))
    doc = header(cat_dir / SEARCH_INDEX)
    assert doc["format"] == INDEX_FORMAT
    assert doc["catalogue_version"] == "2026.1"
    assert doc["catalogue_sha256"] == catalogue_digest((cat_dir / CURRENT).read_bytes())
    # Loaded as stored: the pinyin was computed at import, not at start-up.
    got = load_in_fresh_interpreter(cat_dir, "khd")
    assert got["modules"] == []
    assert got["found"][0] == "开花店"


def test_a_fresh_data_dir_loads_the_embedded_demo_index_without_pypinyin(tmp_path: Path) -> None:
    got = load_in_fresh_interpreter(tmp_path / "catalogue")
    assert got["found"][0] == "开餐馆"
    assert got["modules"] == []
    assert not (tmp_path / "catalogue" / SEARCH_INDEX).exists()  # nothing to rebuild


def test_embedded_demo_index_is_up_to_date() -> None:
    """forms/demo/search-index.json matches the demo catalogue and today's index builder."""
    done = subprocess.run(
        [sys.executable, "build/tools/make_search_index.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


def test_a_catalogue_replaced_by_hand_gets_its_index_rebuilt(tmp_path: Path) -> None:
    cat_dir = tmp_path / "catalogue"
    import_catalogue(cat_dir, catalogue_file(tmp_path, "2026.1"))
    old = header(cat_dir / SEARCH_INDEX)["catalogue_sha256"]
    # An admin copies another catalogue over current.json: the stored index no longer matches.
    changed = catalogue_file(tmp_path, "2026.2", extra_bundle="开花店")
    (cat_dir / CURRENT).write_bytes(changed.read_bytes())
    index = load_search_index(cat_dir)
    assert "开花店" in names(index, "开花店")
    doc = header(cat_dir / SEARCH_INDEX)
    assert doc["catalogue_sha256"] == catalogue_digest(changed.read_bytes()) != old
    assert doc["catalogue_version"] == "2026.2"
    assert load_in_fresh_interpreter(cat_dir)["modules"] == []  # stored again for the next start


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: b"",
        lambda raw: raw[: len(raw) // 2],
        lambda raw: raw.replace(INDEX_FORMAT.encode(), b"yichuang-search-index/0"),
        lambda raw: raw.replace(b'"by_code":{', b'"by_code":{"X":[100000],', 1),
    ],
    ids=["empty", "truncated", "older-format", "bad-record"],
)
def test_a_damaged_or_older_index_is_rebuilt(tmp_path: Path, damage) -> None:
    cat_dir = tmp_path / "catalogue"
    import_catalogue(cat_dir, catalogue_file(tmp_path, "2026.1"))
    path = cat_dir / SEARCH_INDEX
    good = path.read_bytes()
    path.write_bytes(damage(good))
    assert path.read_bytes() != good
    assert names(load_search_index(cat_dir), "kcg")[0] == "开餐馆"
    assert path.read_bytes() == good


def test_a_stale_index_in_the_data_dir_does_not_shadow_the_demo_index(tmp_path: Path) -> None:
    cat_dir = tmp_path / "catalogue"
    cat_dir.mkdir()
    (cat_dir / SEARCH_INDEX).write_text('{"format": "x", "catalogue_sha256": "0", "entries": []}')
    index = load_search_index(cat_dir)
    assert names(index, "kcg")[0] == "开餐馆"
    assert len(index) == len(search_entries(load_demo_catalogue()))
