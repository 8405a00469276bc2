"""The hub's schema 2 (tokens with expiry, revocation and last use; uploads per office): the
baseline of the hub's migrations. A hub database made before them (create_all) is stamped
with this revision once it is at schema 2 (sync.hub.store.HubStore.init).

Revision ID: h0002
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "h0002"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    meta = op.create_table(
        "hub_meta",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "hub_token",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("office", sa.String(length=12), nullable=False),
        sa.Column("ws", sa.String(length=4), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("expires_at", sa.String(length=40), nullable=False),
        sa.Column("revoked_at", sa.String(length=40), nullable=False),
        sa.Column("last_used_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("hash"),
    )
    op.create_table(
        "hub_event",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("case_number", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("lc", sa.Integer(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("office", sa.String(length=12), nullable=False),
        sa.Column("ws", sa.String(length=4), nullable=False),
        sa.Column("at", sa.String(length=40), nullable=False),
        sa.Column("author", sa.String(length=120), nullable=False),
        sa.Column("via", sa.String(length=120), nullable=False),
        sa.Column("owner_office", sa.String(length=12), nullable=False),
        sa.Column("owner_ws", sa.String(length=4), nullable=False),
        sa.Column("received_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
        sa.UniqueConstraint("event_id"),
    )
    op.create_index("ix_hub_event_case", "hub_event", ["case_number"], unique=False)
    op.create_index("ix_hub_event_owner", "hub_event", ["owner_office", "owner_ws", "seq"], unique=False)
    op.create_table(
        "hub_case",
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column("office", sa.String(length=12), nullable=False),
        sa.Column("ws", sa.String(length=4), nullable=False),
        sa.Column("subject_kind", sa.String(length=10), nullable=False),
        sa.Column("subject_code", sa.String(length=64), nullable=False),
        sa.Column("subject_name", sa.String(length=200), nullable=False),
        sa.Column("catalogue_version", sa.String(length=64), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("applicant_kind", sa.String(length=12), nullable=False),
        sa.Column("applicant_name", sa.String(length=200), nullable=False),
        sa.Column("applicant_id_number", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=True),
        sa.Column("lc", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("n_events", sa.Integer(), nullable=False),
        sa.Column("n_conflicts", sa.Integer(), nullable=False),
        sa.Column("created_seq", sa.BigInteger(), nullable=False),
        sa.Column("updated_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("number"),
    )
    op.create_index("ix_hub_case_office", "hub_case", ["office", "number"], unique=False)
    op.create_index("ix_hub_case_updated", "hub_case", ["updated_seq"], unique=False)
    op.create_table(
        "hub_conflict",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_number", sa.String(length=40), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("rule", sa.String(length=24), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("origin", sa.String(length=120), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_number", "event_id", "rule", name="uq_hub_conflict"),
    )
    op.create_table(
        "hub_applicant",
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("id_number", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("author", sa.String(length=120), nullable=False),
        sa.Column("case_number", sa.String(length=40), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "id_number"),
    )
    op.create_table(
        "hub_document",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "version"),
    )
    # schema 1's upload table: kept (empty) so a schema-1 database and a new one look alike
    op.create_table(
        "hub_attachment",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("length", sa.BigInteger(), nullable=False),
        sa.Column("offset", sa.BigInteger(), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("case_number", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )
    op.create_table(
        "hub_file",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("office", sa.String(length=12), nullable=False),
        sa.Column("length", sa.BigInteger(), nullable=False),
        sa.Column("offset", sa.BigInteger(), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("case_number", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("sha256", "office"),
    )
    op.create_table(
        "hub_forward_refused",
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("case_number", sa.String(length=40), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("event_id"),
    )
    op.bulk_insert(
        meta,
        [
            {"key": "schema", "value": "2"},
            {"key": "seq", "value": "0"},
            {"key": "forward_cursor", "value": "0"},
            {"key": "upstream_cursor", "value": "0"},
        ],
    )


def downgrade() -> None:
    raise NotImplementedError("the hub's baseline cannot be downgraded")
