"""Our import-linter contract type (tests/import_contracts.py) breaks on a cycle, however it is
closed (a function-level import too), and names the imports that close it: run by lint-imports
itself on a scratch package."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.import_contracts import _cycles

LINT = Path(sys.executable).with_name("lint-imports")


def _package(root: Path, modules: dict[str, str]) -> None:
    pkg = root / "scratch"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("")
    for name, text in modules.items():
        (pkg / name).write_text(text)
    (root / ".importlinter").write_text(
        "[importlinter]\n"
        "root_package = scratch\n"
        "contract_types =\n    acyclic_modules: tests.import_contracts.AcyclicModulesContract\n\n"
        "[importlinter:contract:acyclic]\n"
        "name = scratch has no import cycles\n"
        "type = acyclic_modules\n"
        "containers =\n    scratch\n"
    )


def _lint(root: Path) -> subprocess.CompletedProcess:
    repo = Path(__file__).resolve().parents[2]
    env = {"PYTHONPATH": f"{root}:{repo}", "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [str(LINT), "--no-cache", "--config", str(root / ".importlinter")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_cycle_through_a_sub_package_breaks_the_contract(tmp_path: Path):
    _package(
        tmp_path,
        {
            "cases.py": "from scratch.sub import outbox\n",
            "sub/outbox.py": "def f():\n    from scratch import printing  # deferred, a cycle all the same\n",
            "printing.py": "from scratch import cases\n",
        },
    )
    run = _lint(tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "BROKEN" in run.stdout
    assert "scratch.sub.outbox -> scratch.printing (l. 2)" in run.stdout


def test_a_package_whose_sub_package_has_a_top_and_a_bottom_is_kept(tmp_path: Path):
    """acyclic_siblings would see scratch.sub as one unit; module by module there is no cycle."""
    _package(
        tmp_path,
        {
            "cases.py": "from scratch.sub import outbox\n",
            "reactions.py": "from scratch import cases\n",
            "sub/outbox.py": "",
            "sub/cycle.py": "from scratch import reactions\n",
        },
    )
    run = _lint(tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "KEPT" in run.stdout


def test_cycles_are_the_components_of_more_than_one_module():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert _cycles(edges) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []
