"""The hub's view of each workstation's audit chain: the links it received and a state per
workstation; the SM2 keys of receipts' QR codes (sync/hub/audit_store.py).

Revision ID: h0004
Revises: h0003
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "h0004"
down_revision = "h0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hub_chain_link",
        sa.Column("office", sa.String(length=12), nullable=False),
        sa.Column("ws", sa.String(length=4), nullable=False),
        sa.Column("n", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("prev", sa.String(length=80), nullable=False),
        sa.Column("hash", sa.String(length=80), nullable=False),
        sa.Column("received_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("office", "ws", "n"),
    )
    op.create_table(
        "hub_chain_state",
        sa.Column("office", sa.String(length=12), nullable=False),
        sa.Column("ws", sa.String(length=4), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("links", sa.BigInteger(), nullable=False),
        sa.Column("unchained", sa.BigInteger(), nullable=False),
        sa.Column("top_n", sa.BigInteger(), nullable=False),
        sa.Column("top_hash", sa.String(length=80), nullable=False),
        sa.Column("breaks", sa.Integer(), nullable=False),
        sa.Column("first_break", sa.Text(), nullable=False),
        sa.Column("last_push_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("office", "ws"),
    )

    op.create_table(
        "hub_qr_key",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("alg", sa.String(length=10), nullable=False),
        sa.Column("office", sa.String(length=12), nullable=False),
        sa.Column("ws", sa.String(length=4), nullable=False),
        sa.Column("key_id", sa.String(length=12), nullable=False),
        sa.Column("public_key", sa.String(length=120), nullable=False),
        sa.Column("registered_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("token_hash", "alg"),
    )


def downgrade() -> None:
    op.drop_table("hub_qr_key")
    op.drop_table("hub_chain_state")
    op.drop_table("hub_chain_link")
