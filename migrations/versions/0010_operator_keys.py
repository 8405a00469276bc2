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


def _has(table: str, column: str) -> bool:
    return column in {c["name"] for c in sa.inspect(op.get_bind()).get_columns(table)}


def upgrade() -> None:
    # each column only where it is missing: a store brought back to an older revision by hand
    # (tests/services/test_stats.py re-runs 0009 that way) keeps the ones it has
    if not _has("operator", "public_key"):
        with op.batch_alter_table("operator") as batch:
            batch.add_column(sa.Column("public_key", sa.String(), nullable=False, server_default=""))
    if not _has("operator_change", "signed"):
        with op.batch_alter_table("operator_change") as batch:
            batch.add_column(sa.Column("signed", sa.String(), nullable=False, server_default=""))
    op.execute("PRAGMA user_version = 10")


def downgrade() -> None:
    with op.batch_alter_table("operator_change") as batch:
        batch.drop_column("signed")
    with op.batch_alter_table("operator") as batch:
        batch.drop_column("public_key")
