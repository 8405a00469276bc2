"""Audit chain: every event linked to the one before it by its hash (app.domain.audit_chain).

Existing events are chained in local order (their id), deterministically: the same store
gives the same chain. Their payload text is rewritten in canonical form (sorted keys,
compact) first, the form every new event is stored in, so the hub can compute the same hash
from the payload it receives. The algorithm is the configured one (audit.hash, passed by
app.store.db.migrate), SM3 by default.

An insert without its chain values is refused by a trigger (the columns cannot be made NOT
NULL in SQLite without rebuilding the table): only app.store.audit writes events.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TRIGGER = """
CREATE TRIGGER case_event_chained BEFORE INSERT ON case_event
WHEN NEW.chain_n IS NULL OR NEW.chain_prev IS NULL OR NEW.chain_hash IS NULL
BEGIN
    SELECT RAISE(ABORT, 'case_event: events are inserted through app.store.audit (the audit chain)');
END
"""


def upgrade() -> None:
    from app.domain.audit_chain import DEFAULT_ALGORITHM, Tip
    from app.store.audit import backfill

    alg = op.get_context().config.attributes.get("audit_hash") or DEFAULT_ALGORITHM
    with op.batch_alter_table("case_event", recreate="never") as batch:
        batch.add_column(sa.Column("chain_n", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("chain_prev", sa.String(), nullable=True))
        batch.add_column(sa.Column("chain_hash", sa.String(), nullable=True))
    conn = op.get_bind()
    tip, after = Tip(), -(2**63)
    while True:  # in pages by id: a large store is never held in memory whole
        rows = conn.exec_driver_sql(
            "SELECT id, event_id, case_number, kind, actor, office_code, workstation_id, at, payload_json "
            "FROM case_event WHERE id > ? ORDER BY id LIMIT 5000",
            (after,),
        ).fetchall()
        if not rows:
            break
        after = rows[-1][0]
        conn.execute(
            sa.text(
                "UPDATE case_event SET chain_n = :n, chain_prev = :prev, chain_hash = :h, payload_json = :p "
                "WHERE id = :id"
            ),
            list(backfill(alg, rows, tip)),
        )
    op.create_index("ix_case_event_chain_n", "case_event", ["chain_n"], unique=True)
    op.execute(TRIGGER)
    op.execute("PRAGMA user_version = 6")


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS case_event_chained")
    op.drop_index("ix_case_event_chain_n", table_name="case_event")
    with op.batch_alter_table("case_event") as batch:
        batch.drop_column("chain_hash")
        batch.drop_column("chain_prev")
        batch.drop_column("chain_n")
    op.execute("PRAGMA user_version = 5")
