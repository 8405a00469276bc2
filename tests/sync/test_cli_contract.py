"""The command-line contract of sync/ (start-up cost and argument checks)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.hubs import ycli

HUB_CLI = sorted(str(p) for p in Path("sync/hub").glob("cli*.py"))  # cli.py and its command groups


@pytest.mark.parametrize("path", ["app/cli/sync.py", *HUB_CLI])
def test_sync_cli_imports_only_argparse_at_module_level(path):
    """Every `yichuang` start pays for these: argparse only, and the hub CLI's own modules
    (each of which is held to the same rule here)."""
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    top = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    names = [a.name for n in top if isinstance(n, ast.Import) for a in n.names]
    names += [n.module for n in top if isinstance(n, ast.ImportFrom)]
    siblings = {n for n in names if n.startswith("sync.hub.cli")}
    assert {f"{n.replace('.', '/')}.py" for n in siblings} <= set(HUB_CLI)
    assert sorted(set(names) - siblings) == ["__future__", "argparse"]


@pytest.mark.slow
def test_hub_add_token_checks_its_arguments_and_prints_the_token_last(tmp_path):
    r = ycli("hub", "add-token", "--data-dir", str(tmp_path / "hub"), "--role", "workstation", check=False)
    assert r.returncode == 1 and "--office" in r.stderr
    r = ycli(
        "hub",
        "add-token",
        "--data-dir",
        str(tmp_path / "hub"),
        "--role",
        "workstation",
        "--office",
        "12345",
        "--workstation",
        "01",
        check=False,
    )
    assert r.returncode == 1
    r = ycli(
        "hub", "add-token", "--data-dir", str(tmp_path / "hub"), "--role", "backoffice", "--name", "税务"
    )
    token = r.stdout.strip().splitlines()[-1]
    assert token.startswith("yc1_") and len(token) > 40
    assert token not in (tmp_path / "hub" / "hub.db").read_bytes().decode("latin-1")  # only its hash is kept


@pytest.mark.slow
def test_sync_once_without_a_hub_exits_non_zero(tmp_path):
    ycli("demo", "seed", "--cases", "2", "--data-dir", str(tmp_path / "ws"))
    r = ycli("sync", "--once", "--data-dir", str(tmp_path / "ws"), check=False)
    assert r.returncode == 1 and "hub.url" in r.stderr
    r = ycli("sync", "status", "--json", "--data-dir", str(tmp_path / "ws"))
    assert '"waiting": 4' in r.stdout
