"""The back office console's users (role, departments, argon2id hash, lockout) and sessions;
what the hub knows of each window for the workstations page (sync/hub/ws_status.py).

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
    op.create_table(
        "hub_ws_status",
        sa.Column("office", sa.String(length=12), nullable=False),
        sa.Column("ws", sa.String(length=4), nullable=False),
        sa.Column("office_name", sa.String(length=100), nullable=False, server_default=""),
        sa.Column("window", sa.String(length=100), nullable=False, server_default=""),
        sa.Column("last_pull_at", sa.String(length=40), nullable=False, server_default=""),
        sa.Column("last_push_at", sa.String(length=40), nullable=False, server_default=""),
        sa.Column("skew_ms", sa.BigInteger(), nullable=True),
        sa.Column("events_waiting", sa.Integer(), nullable=True),
        sa.Column("events_arrived", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("scans_waiting", sa.Integer(), nullable=True),
        sa.Column("scans_arrived", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("reported_at", sa.String(length=40), nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("office", "ws"),
    )
    op.create_table(
        "hub_ws_refused",
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("office", sa.String(length=12), nullable=False),
        sa.Column("ws", sa.String(length=4), nullable=False),
        sa.Column("case_number", sa.String(length=40), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("event_id"),
    )
    op.create_index("ix_hub_ws_refused_ws", "hub_ws_refused", ["office", "ws"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_hub_ws_refused_ws", table_name="hub_ws_refused")
    op.drop_table("hub_ws_refused")
    op.drop_table("hub_ws_status")
    op.drop_index("ix_hub_session_user", table_name="hub_session")
    op.drop_table("hub_session")
    op.drop_table("hub_user_department")
    op.drop_table("hub_user")
