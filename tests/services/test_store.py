"""The store: pragmas, migrations that agree with the models, refusing newer databases."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import app.store.evaluation_models  # noqa: F401  (registers the 好差评 tables)
import app.store.models  # noqa: F401  (registers the tables)
import app.store.operator_models  # noqa: F401  (registers the operator tables)
import app.store.stats_models  # noqa: F401  (registers the supervisor view's tables)
import app.store.sync_models  # noqa: F401  (registers the sync tables)
from app.store.db import SCHEMA_VERSION, StoreError, open_store


def test_models_and_migrations_agree(tmp_path: Path):
    store = open_store(tmp_path / "y.db")
    with store.write_engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": False})
        diff = compare_metadata(ctx, SQLModel.metadata)
    store.close()
    assert diff == []


def test_pragmas_for_durability(tmp_path: Path):
    store = open_store(tmp_path / "y.db")
    with store.read() as s:
        conn = s.connection()
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    store.close()


def test_schema_version_is_recorded(tmp_path: Path):
    open_store(tmp_path / "y.db").close()
    con = sqlite3.connect(tmp_path / "y.db")
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_newer_database_is_refused_and_left_untouched(tmp_path: Path):
    path = tmp_path / "y.db"
    open_store(path).close()
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.execute("CREATE TABLE from_the_future (x)")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="更新版本"):
        open_store(path)
    assert path.read_bytes() == before


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path):
    path = tmp_path / "y.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError):
        open_store(path)


def test_domain_printing_sync_forms_never_import_textual():
    """The same rule as the import-linter contract, enforced here too (make test runs both)."""
    import ast

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for pkg in ("app/domain", "app/store", "app/services", "devices", "forms", "printing", "sync"):
        for path in (root / pkg).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                if any(n == "textual" or n.startswith("textual.") or n.startswith("app.ui") for n in names):
                    offenders.append(str(path.relative_to(root)))
    assert offenders == []
