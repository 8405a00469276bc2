"""Several hub processes on one database (issue 20 §3): the lease of a job only one process runs
at a time (``hub_lease``: the forwarder to the province).

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


def downgrade() -> None:
    op.drop_table("hub_lease")
