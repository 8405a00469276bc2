"""Scanner inbox: the scans taken or refused (app.store.models.Scan).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("reason_fields", sa.String(), nullable=False),
        sa.Column("source_path", sa.String(), nullable=False),
        sa.Column("source_mtime_ns", sa.Integer(), nullable=False),
        sa.Column("archive_path", sa.String(), nullable=False),
        sa.Column("case_number", sa.String(), nullable=False),
        sa.Column("material_key", sa.String(), nullable=False),
        sa.Column("material_name", sa.String(), nullable=False),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_scan_state", "scan", ["state", "id"], unique=False)
    op.create_index(op.f("ix_scan_sha256"), "scan", ["sha256"], unique=False)
    # The schema number that app.store.db checks before touching a file.
    op.execute("PRAGMA user_version = 3")


def downgrade() -> None:
    op.drop_index(op.f("ix_scan_sha256"), table_name="scan")
    op.drop_index("ix_scan_state", table_name="scan")
    op.drop_table("scan")
    op.execute("PRAGMA user_version = 2")
