"""Pushes side by side on PostgreSQL (issue 20): the seq numbers a writer's transaction holds
until it ends (sync.hub.seq_hold), so the counter is no longer held to each writer's commit.
SQLite keeps the table empty (its writers hold the counter row as before).

Revision ID: h0016_seq_hold
Revises: h0015_push
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "h0016_seq_hold"
down_revision = "h0015_push"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hub_seq_hold",
        sa.Column("lo", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("xid", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("lo"),
    )


def downgrade() -> None:
    op.drop_table("hub_seq_hold")
