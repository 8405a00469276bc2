"""Alembic environment of the hub's database (SQLite or PostgreSQL), separate from the
workstation's (migrations/): its own scripts and its own version table."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from sync.hub.migrations.env_config import VERSION_TABLE

config = context.config


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:  # sync.hub.store runs us inside its own transaction
        context.configure(connection=connection, target_metadata=None, version_table=VERSION_TABLE)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=None, version_table=VERSION_TABLE)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():  # pragma: no cover - we never generate offline SQL
    raise SystemExit("offline migrations are not supported")
run_migrations_online()
