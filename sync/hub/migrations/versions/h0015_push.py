"""Pushes at a province's rate (issue 20): hub_case's index on updated_seq dropped. No query reads
cases by it (a case's version is read with its row, by number); each new case and each change of
a case paid an insertion into it, inside the transaction that holds the seq counter.

Revision ID: h0015_push
Revises: h0014_search
Create Date: 2026-12-06
"""

from alembic import op

revision = "h0015_push"
down_revision = "h0014_search"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # (a hub from before the migrations was made from today's tables: it never had it)
    op.execute("DROP INDEX IF EXISTS ix_hub_case_updated")


def downgrade() -> None:
    op.create_index("ix_hub_case_updated", "hub_case", ["updated_seq"], unique=False)
