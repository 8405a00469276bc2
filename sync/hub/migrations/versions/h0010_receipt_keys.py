"""Receipt keys are bound by the hub's admin, never by first use (issue 16 §3; sync/hub/receipts.py):
``hub_token.key_origin`` and ``hub_qr_key.origin`` say who bound a key (``issued`` with the token,
``admin`` later). Keys that earlier versions registered when a window first sent them are kept
as ``first_use``: shown to the admin, trusted for nothing until the admin binds them.

Revision ID: h0010
Revises: h0009
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "h0010"
down_revision = "h0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a database made by create_all before the migrations may have the token column already
    have = {col["name"] for col in sa.inspect(op.get_bind()).get_columns("hub_token")}
    if "key_origin" not in have:
        op.add_column(
            "hub_token", sa.Column("key_origin", sa.String(length=16), nullable=False, server_default="")
        )
    op.execute("UPDATE hub_token SET key_origin = 'first_use' WHERE public_key <> '' AND key_origin = ''")
    op.add_column(
        "hub_qr_key", sa.Column("origin", sa.String(length=16), nullable=False, server_default="first_use")
    )


def downgrade() -> None:
    with op.batch_alter_table("hub_qr_key") as batch:
        batch.drop_column("origin")
    with op.batch_alter_table("hub_token") as batch:
        batch.drop_column("key_origin")
