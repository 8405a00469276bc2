"""好差评: ratings, follow-ups, the counter terminal's requests and heartbeat
(app/store/evaluation_models.py).

Revision ID: 0008
Revises: 0006
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evaluation_rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("case_number", sa.String(), nullable=False),
        sa.Column("stage", sa.String(), nullable=False),
        sa.Column("level", sa.String(), nullable=False),
        sa.Column("declined", sa.String(), nullable=False),
        sa.Column("reasons_json", sa.String(), nullable=False),
        sa.Column("comment", sa.String(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("clerk", sa.String(), nullable=False),
        sa.Column("window", sa.String(), nullable=False),
        sa.Column("rated_at", sa.DateTime(), nullable=False),
        sa.Column("rated_on", sa.Date(), nullable=False),
        sa.Column("event_id", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case_record.id"]),
        sa.PrimaryKeyConstraint("id"),
        # one rating per case and stage, whoever (window or counter) raced to record it
        sa.UniqueConstraint("case_number", "stage", name="uq_evaluation_case_stage"),
    )
    op.create_index("ix_evaluation_rating_on", "evaluation_rating", ["rated_on"], unique=False)
    op.create_table(
        "evaluation_followup",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(), nullable=False),
        sa.Column("rating_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("case_number", sa.String(), nullable=False),
        sa.Column("level", sa.String(), nullable=False),
        sa.Column("clerk", sa.String(), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("due_provisional", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_by", sa.String(), nullable=False),
        sa.Column("note", sa.String(), nullable=False),
        sa.Column("open_event_id", sa.String(), nullable=False),
        sa.Column("close_event_id", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case_record.id"]),
        sa.ForeignKeyConstraint(["rating_id"], ["evaluation_rating.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uid"),
    )
    op.create_index("ix_evaluation_followup_state", "evaluation_followup", ["state", "due_on"], unique=False)
    op.create_table(
        "evaluation_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_number", sa.String(), nullable=False),
        sa.Column("stage", sa.String(), nullable=False),
        sa.Column("clerk", sa.String(), nullable=False),
        sa.Column("window", sa.String(), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("shown_at", sa.DateTime(), nullable=True),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("level", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_evaluation_request_state", "evaluation_request", ["state", "id"], unique=False)
    op.create_table(
        "evaluation_terminal",
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.execute("PRAGMA user_version = 8")


def downgrade() -> None:
    op.drop_table("evaluation_terminal")
    op.drop_table("evaluation_request")
    op.drop_table("evaluation_followup")
    op.drop_table("evaluation_rating")
    op.execute("PRAGMA user_version = 6")
