"""The console at a province's scale (issue 20 §4): the queue's counts kept in a table of their
own (``hub_queue_count``, per department, the case's departments, stage and a part of the
offices; kept by
sync.hub.queue.write_queue in the transaction that changes the queue), indexes for the overdue
total (department, [office,] stage, due_date, number), and on PostgreSQL a trigram index on the case
number for the search by a part of it ("0001-Q").

Revision ID: h0013_console
Revises: h0012_scale
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "h0013_console"
down_revision = "h0012_scale"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from sync.hub.queue import rebuild_queue_counts

    op.create_table(
        "hub_queue_count",
        sa.Column("department", sa.String(length=100), nullable=False),
        sa.Column("departments", sa.Text(), nullable=False),
        sa.Column("stage", sa.String(length=12), nullable=False),
        sa.Column("part", sa.String(length=1), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("department", "departments", "stage", "part"),
    )
    op.create_index("ix_hub_queue_due", "hub_queue", ["department", "stage", "due_date", "number"])
    op.create_index(
        "ix_hub_queue_office_due", "hub_queue", ["department", "office", "stage", "due_date", "number"]
    )
    bind = op.get_bind()
    rebuild_queue_counts(bind)
    if bind.dialect.name == "postgresql":
        have = bind.execute(sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")).first()
        if have is not None:  # contrib; without it the part search reads the departments' queues
            op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            op.execute("CREATE INDEX ix_hub_case_number_trgm ON hub_case USING gin (number gin_trgm_ops)")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_hub_case_number_trgm")
    op.drop_index("ix_hub_queue_office_due", table_name="hub_queue")
    op.drop_index("ix_hub_queue_due", table_name="hub_queue")
    op.drop_table("hub_queue_count")
