"""An index of the acceptances by time: the supervisor's view takes a repeat acceptance (a case
accepted again after its 补正) off the 受理 count, and found those by reading every event of the
store for each of its figures (issue 18). Partial (``kind = 'case.accepted'``): the acceptances
only, about a fifth of the events; ``case_id`` with them for the earlier-acceptance check.

Revision ID: 0014_first
Revises: 0013
Create Date: 2026-12-06
"""

from alembic import op

revision = "0014_first"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # IF NOT EXISTS: a store rewound to an earlier revision by hand keeps its indexes
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_case_event_accepted_at ON case_event (at, case_id)"
        " WHERE kind = 'case.accepted'"
    )
    op.execute("PRAGMA user_version = 14")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_case_event_accepted_at")
    op.execute("PRAGMA user_version = 13")
