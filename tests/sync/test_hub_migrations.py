"""The hub's database has Alembic migrations of its own (sync/hub/migrations), on SQLite and
PostgreSQL; a database made before them is brought to schema 2 and stamped (issue 9)."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, create_engine, insert, select, text

from sync.hub.migrations.env_config import VERSION_TABLE, alembic_config
from sync.hub.schema import LEGACY
from sync.hub.store import (
    HUB_SCHEMA,
    attachment_t,
    attachment_v1_t,
    hash_token,
    md,
    meta_t,
    open_hub,
    token_t,
)


def head() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def all_tables() -> MetaData:
    """Every hub table: the one MetaData of sync.hub.schema (the store's own, operators, audit
    chains, console accounts and queues, windows, receipt keys)."""
    from sync.hub.schema import md as every_table

    assert len(every_table.tables) == 26
    return every_table


def url_of(tmp_path: Path, hub_db: str | None) -> str:
    return hub_db or f"sqlite:///{tmp_path / 'hub' / 'hub.db'}"


def revision(url: str) -> str | None:
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            return MigrationContext.configure(c, opts={"version_table": VERSION_TABLE}).get_current_revision()
    finally:
        engine.dispose()


def test_a_new_hub_database_is_made_by_the_migrations(tmp_path: Path, hub_db):
    st = open_hub(tmp_path / "hub", hub_db)
    st.close()
    url = url_of(tmp_path, hub_db)
    assert revision(url) == head()
    engine = create_engine(url)
    with engine.connect() as c:
        diff = compare_metadata(MigrationContext.configure(c), all_tables())
        # on PostgreSQL the case number's trigram index (h0013) is the migration's alone: it
        # needs the pg_trgm extension, which the MetaData cannot say
        assert [
            d
            for d in diff
            if not (d[0] == "remove_table" and d[1].name == VERSION_TABLE)
            and not (d[0] == "remove_index" and d[1].name == "ix_hub_case_number_trgm")
        ] == []
        assert c.execute(select(meta_t.c.value).where(meta_t.c.key == "schema")).scalar() == str(HUB_SCHEMA)
    engine.dispose()
    open_hub(tmp_path / "hub", hub_db).close()  # and again: nothing to do
    assert revision(url) == head()


def test_a_hub_database_from_before_the_migrations_is_stamped_and_kept(tmp_path: Path, hub_db):
    """The hub used to make its tables with create_all: such a database keeps its data."""
    url = url_of(tmp_path, hub_db)
    (tmp_path / "hub").mkdir()
    engine = create_engine(url)
    md.create_all(engine, tables=LEGACY)  # what the hub made before its migrations
    with engine.begin() as c:
        c.execute(
            insert(meta_t),
            [
                {"key": "schema", "value": "2"},
                {"key": "seq", "value": "41"},
                {"key": "forward_cursor", "value": "0"},
            ],
        )
        c.execute(
            insert(token_t).values(
                hash=hash_token("yc1_old"),
                role="workstation",
                office="320724100",
                ws="01",
                created_at="2026-01-01",
            )
        )
    engine.dispose()
    st = open_hub(tmp_path / "hub", hub_db)
    try:
        assert st.last_seq() >= 41  # the counter went on from where it was (not made anew)
        who = st.authenticate("yc1_old")
        assert not isinstance(who, str) and who.identity == "320724100/01"
    finally:
        st.close()
    assert revision(url) == head()


def test_a_schema_1_hub_database_is_upgraded_then_stamped(tmp_path: Path):
    url = url_of(tmp_path, None)
    (tmp_path / "hub").mkdir()
    engine = create_engine(url)
    with engine.begin() as c:
        # schema 1: tokens without life cycle, one upload slot per sha256
        c.exec_driver_sql(
            "CREATE TABLE hub_token (id INTEGER PRIMARY KEY, hash VARCHAR(64) NOT NULL UNIQUE,"
            " role VARCHAR(16) NOT NULL, office VARCHAR(12) NOT NULL, ws VARCHAR(4) NOT NULL,"
            " name VARCHAR(100) NOT NULL, public_key VARCHAR(64) NOT NULL, created_at VARCHAR(40) NOT NULL)"
        )
        c.exec_driver_sql(
            "INSERT INTO hub_token VALUES (1, 'h', 'backoffice', '', '', 'x', '', '2026-01-01')"
        )
        md.create_all(c, tables=[meta_t, attachment_v1_t])
        c.execute(insert(meta_t), [{"key": "schema", "value": "1"}, {"key": "seq", "value": "0"}])
        c.execute(
            insert(attachment_v1_t).values(
                sha256="a" * 64,
                length=3,
                offset=3,
                complete=True,
                case_number="320724100-01-261120-0001-X",
                created_at="2026-01-01",
            )
        )
    engine.dispose()
    open_hub(tmp_path / "hub").close()
    assert revision(url) == head()
    engine = create_engine(url)
    with engine.connect() as c:
        assert c.execute(select(token_t.c.revoked_at)).scalars().all() == [""]
        assert c.execute(select(attachment_t.c.office)).scalars().all() == ["320724100"]
        assert c.execute(select(meta_t.c.value).where(meta_t.c.key == "schema")).scalar() == "2"
    engine.dispose()


def test_a_hub_database_from_a_newer_yichuang_is_refused_unchanged(tmp_path: Path):
    open_hub(tmp_path / "hub").close()
    url = url_of(tmp_path, None)
    engine = create_engine(url)
    with engine.begin() as c:
        c.execute(text(f"UPDATE {VERSION_TABLE} SET version_num = 'h9999'"))
    engine.dispose()
    before = (tmp_path / "hub" / "hub.db").read_bytes()
    with pytest.raises(RuntimeError, match="newer"):
        open_hub(tmp_path / "hub")
    assert revision(url) == "h9999"
    assert (tmp_path / "hub" / "hub.db").read_bytes() == before
