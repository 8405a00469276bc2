"""Alembic migrations of the local store (run at start-up by app.store.db.open_store)."""
