"""The console's login limits (issue 16 §6): per user, the attempts refused unchecked while locked
and where the last attempt came from; per client address, its counted attempts and hold
(``hub_login_address``); and who locked and lifted what, when (``hub_lock_log``).

Revision ID: h0011
Revises: h0010
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "h0011"
down_revision = "h0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("hub_user") as batch:
        batch.add_column(sa.Column("refused", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(
            sa.Column("last_attempt_at", sa.String(length=40), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("last_attempt_from", sa.String(length=64), nullable=False, server_default="")
        )
    op.create_table(
        "hub_login_address",
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("since", sa.String(length=40), nullable=False),
        sa.Column("held_until", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("address"),
    )
    op.create_table(
        "hub_lock_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("detail", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_hub_lock_log_name", "hub_lock_log", ["subject", "name", "id"])


def downgrade() -> None:
    op.drop_index("ix_hub_lock_log_name", table_name="hub_lock_log")
    op.drop_table("hub_lock_log")
    op.drop_table("hub_login_address")
    with op.batch_alter_table("hub_user") as batch:
        batch.drop_column("last_attempt_from")
        batch.drop_column("last_attempt_at")
        batch.drop_column("refused")
