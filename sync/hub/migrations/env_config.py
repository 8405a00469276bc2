"""How sync.hub.store runs the hub's migrations: the Alembic config, in code (no alembic.ini)."""

from __future__ import annotations

from pathlib import Path

VERSION_TABLE = "hub_alembic_version"  # not alembic_version: a shared PostgreSQL database stays clear
BASELINE = "h0002"  # the schema the hub had when it got migrations (HUB_SCHEMA 2)


def alembic_config(connection=None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent))
    cfg.attributes["configure_logger"] = False
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg
