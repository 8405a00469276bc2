"""Operators' keys at the hub, and who signed each change a window pushed (issue 16 §2;
app/domain/accounts.py, sync/hub/operator_store.py).

``hub_operator.public_key``: the account's key string ("" for an account made before keys: it
keeps its argon2id hash and gets a key when its password is reset at the hub).
``hub_operator_change.actor``: the operator whose signature the change carried ("" unsigned).

Revision ID: h0009
Revises: h0008
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "h0009"
down_revision = "h0008"
branch_labels = None
depends_on = None


def _has(table: str, column: str) -> bool:
    return column in {c["name"] for c in sa.inspect(op.get_bind()).get_columns(table)}


def upgrade() -> None:
    if not _has("hub_operator", "public_key"):
        with op.batch_alter_table("hub_operator") as batch:
            batch.add_column(sa.Column("public_key", sa.Text(), nullable=False, server_default=""))
    if not _has("hub_operator_change", "actor"):
        with op.batch_alter_table("hub_operator_change") as batch:
            batch.add_column(sa.Column("actor", sa.String(length=32), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("hub_operator_change") as batch:
        batch.drop_column("actor")
    with op.batch_alter_table("hub_operator") as batch:
        batch.drop_column("public_key")
