"""The back office console's department queues (issue 10 §2): ``hub_queue``, one row per case
and department, kept with the case; indexes for a page of a queue, oldest first, and for the
search by applicant name and ID number. Existing cases are put in the queue once at start
(sync.hub.store.HubStore.init, meta ``console_queue``), where the catalogue is at hand.

Revision ID: h0007
Revises: h0006
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "h0007"
down_revision = "h0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hub_queue",
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("department", sa.String(length=100), nullable=False),
        sa.Column("office", sa.String(length=12), nullable=False),
        sa.Column("stage", sa.String(length=12), nullable=False),
        sa.Column("waiting", sa.Boolean(), nullable=False),
        sa.Column("subject_code", sa.String(length=64), nullable=False),
        sa.Column("received_on", sa.String(length=10), nullable=False),
        sa.Column("due_date", sa.String(length=10), nullable=False),
        sa.Column("due_provisional", sa.Boolean(), nullable=False),
        sa.Column("first_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("number", "department"),
    )
    op.create_index("ix_hub_queue_waiting", "hub_queue", ["department", "waiting", "received_on", "number"])
    op.create_index("ix_hub_queue_stage", "hub_queue", ["department", "stage", "received_on", "number"])
    op.create_index("ix_hub_queue_all", "hub_queue", ["department", "received_on", "number"])
    op.create_index(
        "ix_hub_queue_office", "hub_queue", ["department", "office", "stage", "received_on", "number"]
    )
    op.create_index(
        "ix_hub_queue_subject", "hub_queue", ["department", "subject_code", "stage", "received_on", "number"]
    )
    # a database made by create_all before the migrations may have them already
    have = {ix["name"] for ix in sa.inspect(op.get_bind()).get_indexes("hub_case")}
    if "ix_hub_case_applicant_id" not in have:
        op.create_index("ix_hub_case_applicant_id", "hub_case", ["applicant_id_number"])
    if "ix_hub_case_applicant_name" not in have:
        op.create_index("ix_hub_case_applicant_name", "hub_case", ["applicant_name"])


def downgrade() -> None:
    op.drop_index("ix_hub_case_applicant_name", table_name="hub_case")
    op.drop_index("ix_hub_case_applicant_id", table_name="hub_case")
    op.drop_table("hub_queue")
