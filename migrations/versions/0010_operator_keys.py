"""Operators' keys and signed account changes (issue 16 §2; app/domain/accounts.py).

``operator.public_key``: the account's key string (its Ed25519 public key and the salt and
argon2id parameters that derive the private half from the password); "" for an account made
before keys (it still logs in with its hash). ``operator_change.signed``: the change exactly as
signed and sent (JSON with its signature); "" for an unsigned one, which the hub refuses.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("operator") as batch:
        batch.add_column(sa.Column("public_key", sa.String(), nullable=False, server_default=""))
    with op.batch_alter_table("operator_change") as batch:
        batch.add_column(sa.Column("signed", sa.String(), nullable=False, server_default=""))
    op.execute("PRAGMA user_version = 10")


def downgrade() -> None:
    with op.batch_alter_table("operator_change") as batch:
        batch.drop_column("signed")
    with op.batch_alter_table("operator") as batch:
        batch.drop_column("public_key")
