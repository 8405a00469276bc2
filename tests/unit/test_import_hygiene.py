"""Start-up still defers what app/deferred_imports.py says it defers (issue 19 §2).

import-linter reads the static graph: it cannot tell an import at module level from one inside
the function that needs it. So, as Harlequin's tests/unit_tests/test_import_hygiene.py does,
the start paths run in a fresh interpreter and `sys.modules` is read; and the table is kept
honest both ways by reading the source: a new function-level import of a package start-up
does not load must be listed with its reason, and a listed one that is no longer deferred
anywhere is a stale row. The running window up to the clerk's first answer is checked by
tests/ui/test_first_answer.py.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.deferred_imports import ALSO_KEPT_OFF, DEFERRED, LOADED_AT_START

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("app", "devices", "forms", "printing", "sync")
FIRST_PARTY = {*SCANNED, "migrations", "tests"}
WATCHED = (*DEFERRED, *ALSO_KEPT_OFF)

# `yichuang` with no sub-command, as app.cli.main and cmd_run take it, to the App object (run_app
# is where Textual takes the terminal), then what the window does before the clerk's first
# answer (app.ui.gates.begin's account check, app.ui.jobs' index load, the search itself).
WINDOW_START = """
import sys
from app.cli import _window_args
from app.cli.common import open_ws
ws = open_ws(_window_args(["--data-dir", sys.argv[1]]))
from app.crashlog import run_app
from app.ui.app import YichuangApp
YichuangApp(ws)
from app.services.operators import any_operators
any_operators(ws.config.db_path, ws.resolved_key)
from app.services.catalogue_files import load_search_index
assert load_search_index(ws.config.catalogue_dir).search("kcg")
"""
# Every sub-command and `--help` build the whole parser first.
CLI_PARSER = """
from app.cli import build_parser
build_parser()
"""


def _loaded_after(code: str, tmp_path: Path) -> list[str]:
    probe = f"{code}\nimport json\nprint(json.dumps([m for m in {list(WATCHED)!r} if m in sys.modules]))\n"
    env = {k: v for k, v in os.environ.items() if not k.startswith("YICHUANG_")}
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.run(
        [sys.executable, "-c", "import sys\n" + probe, str(tmp_path / "data")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("path", [WINDOW_START, CLI_PARSER], ids=["window", "cli-parser"])
def test_start_up_loads_none_of_the_deferred_packages(path: str, tmp_path: Path) -> None:
    loaded = _loaded_after(path, tmp_path)
    assert loaded == [], f"start-up imported {loaded}: see app/deferred_imports.py for why each waits"


def _function_level_imports() -> dict[str, set[str]]:
    """Third-party package -> the files that import it inside a function (or a method)."""
    found: dict[str, set[str]] = {}
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for fn in ast.walk(tree):
                if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    continue
                for node in ast.walk(fn):
                    if isinstance(node, ast.Import):
                        names = [a.name for a in node.names]
                    elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                        names = [node.module]
                    else:
                        continue
                    for name in names:
                        pkg = name.split(".")[0]
                        if pkg not in FIRST_PARTY and pkg not in sys.stdlib_module_names:
                            found.setdefault(pkg, set()).add(path.relative_to(ROOT).as_posix())
    return found


def test_every_deferred_third_party_import_is_listed_with_its_reason() -> None:
    found = _function_level_imports()
    unlisted = {p: sorted(f) for p, f in found.items() if p not in DEFERRED and p not in LOADED_AT_START}
    assert unlisted == {}, "list these in app/deferred_imports.py with the reason they wait"
    for pkg, (reason, sites) in DEFERRED.items():
        assert reason.strip(), pkg
        assert set(sites) == found.get(pkg, set()), f"{pkg}: the sites in app/deferred_imports.py drifted"


def test_the_lists_do_not_overlap() -> None:
    assert not set(DEFERRED) & set(LOADED_AT_START)
    assert not set(DEFERRED) & set(ALSO_KEPT_OFF)
