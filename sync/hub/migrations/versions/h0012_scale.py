"""Several hub processes on one database (issue 20 §3): the lease of a job only one process runs
at a time (``hub_lease``: the forwarder to the province), and scans kept in the database in
chunks (``hub_blob_chunk``) so that every process reads and resumes them.

Revision ID: h0012_scale
Revises: h0011
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "h0012_scale"
down_revision = "h0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hub_lease",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("holder", sa.String(length=80), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "hub_blob_chunk",
        sa.Column("office", sa.String(length=12), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("offset", sa.BigInteger(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("office", "sha256", "offset"),
    )


def downgrade() -> None:
    op.drop_table("hub_blob_chunk")
    op.drop_table("hub_lease")
