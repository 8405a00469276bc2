"""Sync: cursor and status, per-event sync state, conflicts, attachments (sync/models.py).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_state",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "sync_event",
        sa.Column("event_id", sa.String(), nullable=False),
        sa.Column("case_number", sa.String(), nullable=False),
        sa.Column("lc", sa.Integer(), nullable=True),
        sa.Column("origin", sa.String(), nullable=False),
        sa.Column("hub_seq", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id"),
    )
    op.create_index("ix_sync_event_status", "sync_event", ["status", "case_number"], unique=False)
    op.create_table(
        "sync_conflict",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_number", sa.String(), nullable=False),
        sa.Column("event_id", sa.String(), nullable=False),
        sa.Column("rule", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("origin", sa.String(), nullable=False),
        sa.Column("state_then", sa.String(), nullable=False),
        sa.Column("prevailing", sa.String(), nullable=False),
        sa.Column("detail", sa.String(), nullable=False),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sync_conflict_case", "sync_conflict", ["case_number"], unique=False)
    op.create_table(
        "sync_attachment",
        sa.Column("sha256", sa.String(), nullable=False),
        sa.Column("case_number", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(), nullable=False),
        sa.Column("uploaded", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )
    op.create_index(op.f("ix_sync_attachment_case_number"), "sync_attachment", ["case_number"], unique=False)
    # Finding what is unsent must not scan every event ever written (a million cases).
    op.create_index(
        "ix_case_event_unsynced",
        "case_event",
        ["id"],
        unique=False,
        sqlite_where=sa.text("synced_at IS NULL"),
    )
    # The schema number that app.store.db checks before touching a file.
    op.execute("PRAGMA user_version = 2")


def downgrade() -> None:
    op.drop_index("ix_case_event_unsynced", table_name="case_event")
    for name in ("sync_attachment", "sync_conflict", "sync_event", "sync_state"):
        op.drop_table(name)
    op.execute("PRAGMA user_version = 1")
