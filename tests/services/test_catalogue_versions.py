"""A catalogue version is immutable: a changed file under a version already imported is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.services.catalogue_files import export_catalogue, import_catalogue, load_active_catalogue
from forms.loader import CatalogueError


def _demo(tmp_path: Path) -> dict:
    out = tmp_path / "demo.json"
    export_catalogue(tmp_path / "fresh", out)
    return json.loads(out.read_text(encoding="utf-8"))


def _write(path: Path, data: dict) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_changed_file_under_an_imported_version_is_refused(tmp_path: Path):
    cat_dir = tmp_path / "catalogue"
    data = _demo(tmp_path)
    data["version"] = "2026.11-test"
    first = import_catalogue(cat_dir, _write(tmp_path / "v1.json", data))
    archived = (cat_dir / "versions" / "2026.11-test.json").read_bytes()
    current = (cat_dir / "current.json").read_bytes()

    data["matters"][0]["name"] = data["matters"][0]["name"] + "（改）"
    with pytest.raises(CatalogueError) as info:
        import_catalogue(cat_dir, _write(tmp_path / "v1-changed.json", data))
    (issue,) = info.value.issues
    assert issue.location == "/version"
    assert "2026.11-test" in issue.reason and "版本" in issue.reason
    # Nothing moved: the archived version and the active catalogue are the first file's.
    assert (cat_dir / "versions" / "2026.11-test.json").read_bytes() == archived
    assert (cat_dir / "current.json").read_bytes() == current
    code = data["matters"][0]["code"]
    assert load_active_catalogue(cat_dir).matters[code].name == first.matters[code].name


def test_reimporting_the_same_version_unchanged_is_fine(tmp_path: Path):
    cat_dir = tmp_path / "catalogue"
    data = _demo(tmp_path)
    data["version"] = "2026.11-same"
    src = _write(tmp_path / "v.json", data)
    import_catalogue(cat_dir, src)
    archived = (cat_dir / "versions" / "2026.11-same.json").read_bytes()
    # Same content written differently (other key order, no indentation): still the same version.
    _write(src, dict(reversed(list(data.items()))))
    again = import_catalogue(cat_dir, src)
    assert again.version == "2026.11-same"
    assert (cat_dir / "versions" / "2026.11-same.json").read_bytes() == archived


def test_an_older_version_can_be_made_active_again(tmp_path: Path):
    cat_dir = tmp_path / "catalogue"
    data = _demo(tmp_path)
    data["version"] = "A"
    a = _write(tmp_path / "a.json", data)
    import_catalogue(cat_dir, a)
    data_b = dict(data, version="B")
    import_catalogue(cat_dir, _write(tmp_path / "b.json", data_b))
    assert load_active_catalogue(cat_dir).version == "B"
    import_catalogue(cat_dir, a)
    assert load_active_catalogue(cat_dir).version == "A"
