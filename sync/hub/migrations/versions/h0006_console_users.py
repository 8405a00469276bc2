"""The back office console's users (role, departments, argon2id hash, lockout) and sessions.

Revision ID: h0006
Revises: h0002
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "h0006"
down_revision = "h0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hub_user",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.String(length=40), nullable=False),
        sa.Column("disabled_at", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("password_set_at", sa.String(length=40), nullable=False),
        sa.Column("last_login_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "hub_user_department",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("department", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["hub_user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "department"),
    )
    op.create_table(
        "hub_session",
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("seen_at", sa.String(length=40), nullable=False),
        sa.Column("expires_at", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["hub_user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("hash"),
    )
    op.create_index("ix_hub_session_user", "hub_session", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_hub_session_user", table_name="hub_session")
    op.drop_table("hub_session")
    op.drop_table("hub_user_department")
    op.drop_table("hub_user")
