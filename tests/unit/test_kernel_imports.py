"""The kernel and the libraries, read from the import graph (grimp, import-linter's own library).

The kernel is what the window and the hub share: ``KERNEL`` below. The hub (``sync``) may import
exactly the kernel of ``app``, and the kernel imports nothing of ``app`` outside itself. The
forbidden contracts in pyproject say the same by listing the other ``app`` modules; these tests
say it by the allowed list instead, so a new ``app`` module cannot slip past a contract that
does not name it yet (and they check that the contracts do name it).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]
ROOTS = ("app", "forms", "printing", "sync")

# The kernel: domain rules, the message catalogue, the CLI's error type and private files
# (0700/0600 data dirs, which the window's and the hub's stores both create). Each imports only
# the standard library, third-party packages, `forms` and one another.
KERNEL = ("app.domain", "app.messages", "app.errors", "app.private_files")


def _within(module: str, packages: tuple[str, ...] | list[str]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def _imports_of(graph: grimp.ImportGraph, package: str) -> set[tuple[str, str]]:
    """(importer, imported) for every module of ``package`` and what it imports directly."""
    pairs = set()
    for module in graph.find_descendants(package) | {package}:
        for imported in graph.find_modules_directly_imported_by(module):
            pairs.add((module, imported))
    return pairs


def app_outside_kernel(graph: grimp.ImportGraph, sources: tuple[str, ...]) -> list[str]:
    """Imports from ``sources`` of an ``app`` module that is not in the kernel."""
    return sorted(
        f"{importer} -> {imported}"
        for source in sources
        for importer, imported in _imports_of(graph, source)
        if _within(imported, ["app"]) and not _within(imported, KERNEL)
    )


def any_app(graph: grimp.ImportGraph, sources: tuple[str, ...]) -> list[str]:
    """Imports from ``sources`` of any ``app`` module."""
    return sorted(
        f"{importer} -> {imported}"
        for source in sources
        for importer, imported in _imports_of(graph, source)
        if _within(imported, ["app"])
    )


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*ROOTS, cache_dir=None)


def test_the_hub_imports_only_the_kernel_of_app(graph):
    assert app_outside_kernel(graph, ("sync",)) == []


def test_the_kernel_imports_nothing_of_app_outside_itself(graph):
    assert app_outside_kernel(graph, KERNEL) == []


def test_a_forbidden_import_is_caught():
    """The checks can fail: one import of a window module, added to a graph of our own."""
    scratch = grimp.build_graph(*ROOTS, cache_dir=None)
    scratch.add_import(importer="sync.protocol", imported="app.services")
    scratch.add_import(importer="app.domain.lifecycle", imported="app.brand_new_module")
    assert app_outside_kernel(scratch, ("sync",)) == ["sync.protocol -> app.services"]
    assert app_outside_kernel(scratch, KERNEL) == ["app.domain.lifecycle -> app.brand_new_module"]


def _contracts() -> dict[str, dict]:
    with open(ROOT / "pyproject.toml", "rb") as f:
        contracts = tomllib.load(f)["tool"]["importlinter"]["contracts"]
    return {c["name"]: c for c in contracts}


def _top_level_app_modules() -> set[str]:
    names = set()
    for path in (ROOT / "app").iterdir():
        if path.name.startswith(("_", ".")) and path.name != "__main__.py":
            continue
        if path.is_dir() and (path / "__init__.py").exists():
            names.add(f"app.{path.name}")
        elif path.suffix == ".py":
            names.add(f"app.{path.stem}")
    return names


@pytest.mark.parametrize(
    "sources",
    [["sync"], list(KERNEL)],
    ids=["hub", "kernel"],
)
def test_the_forbidden_contracts_name_every_app_module_outside_the_kernel(sources):
    """A new window module (app/x.py or app/x/) must be added to the contracts' lists."""
    [contract] = [c for c in _contracts().values() if sorted(c.get("source_modules", [])) == sorted(sources)]
    assert contract["type"] == "forbidden"
    window = _top_level_app_modules() - set(KERNEL)
    assert window - set(contract["forbidden_modules"]) == set()


# printing/transport.py moves to devices/ (issue 19 §5, the devices helper), which drops its import
# of app.private_files; until that lands it is the one import tolerated here and in the contract.
LEAVING = {"printing.transport -> app.private_files"}


def test_the_libraries_import_no_app_module(graph):
    """forms and printing sit below the kernel: app imports them, never the reverse."""
    assert set(any_app(graph, ("printing", "forms"))) - LEAVING == set()


def test_the_libraries_run_without_app(tmp_path):
    """In a process that never imports app: a receipt is laid out and masked, and the catalogue
    loader reports a problem by its message key (app.messages installs the translator)."""
    import subprocess
    import sys

    bad = tmp_path / "bad.json"
    bad.write_text("", encoding="utf-8")
    code = (
        "import sys\n"
        "from forms.loader import CatalogueError, load_catalogue\n"
        "from printing.layout import layout\n"
        "from printing.profiles import get_profile\n"
        "from printing.samples import sample_document\n"
        "from dataclasses import replace\n"
        "doc = replace(sample_document('receipt'), applicant_id='32072419900101123X')\n"
        "text = repr(layout(doc, get_profile('generic-58')))\n"
        "assert '320724********123X' in text and '32072419900101123X' not in text, text\n"
        "try:\n"
        f"    load_catalogue({str(bad)!r})\n"
        "except CatalogueError as exc:\n"
        "    print(exc.issues[0].reason)\n"
        "print(sorted(m for m in sys.modules if m == 'app' or m.startswith('app.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == ["catalogue.empty", "[]"]
