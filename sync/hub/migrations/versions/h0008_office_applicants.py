"""Each office keeps its own record of its applicants (issue 16 §1): ``hub_office_applicant``,
keyed by office, kind and ID number, replaces the county-wide ``hub_applicant`` (one record per
ID number, which any window could overwrite and which told a window another office's details).
Each record is carried over to the office of the case it came from; another office's record of
the same applicant starts again with its next case.

The ``case.note`` events a hub before this wrote about applicant disagreements stay in the
history (the windows that pulled them hold them) but are never served again
(sync.hub.store.CONFLICT_NOTE_AUTHOR).

Revision ID: h0008
Revises: h0007
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "h0008"
down_revision = "h0007"
branch_labels = None
depends_on = None

_RECORD = ("name", "phone", "address", "author", "case_number", "seq")


def _tables() -> set[str]:
    return set(sa.inspect(op.get_bind()).get_table_names())


def upgrade() -> None:
    tables = _tables()
    if "hub_office_applicant" not in tables:  # a database made by create_all may have it already
        op.create_table(
            "hub_office_applicant",
            sa.Column("office", sa.String(length=12), nullable=False),
            sa.Column("kind", sa.String(length=12), nullable=False),
            sa.Column("id_number", sa.String(length=20), nullable=False),
            sa.Column("name", sa.String(length=200), nullable=False),
            sa.Column("phone", sa.String(length=40), nullable=False),
            sa.Column("address", sa.String(length=300), nullable=False),
            sa.Column("author", sa.String(length=120), nullable=False),
            sa.Column("case_number", sa.String(length=40), nullable=False),
            sa.Column("seq", sa.BigInteger(), nullable=False),
            sa.PrimaryKeyConstraint("office", "kind", "id_number"),
        )
    if "hub_applicant" in tables:
        cols = ", ".join(_RECORD)
        op.execute(
            "INSERT INTO hub_office_applicant (office, kind, id_number, "
            + cols
            + ") SELECT c.office, a.kind, a.id_number, "
            + ", ".join(f"a.{x}" for x in _RECORD)
            + " FROM hub_applicant a JOIN hub_case c ON c.number = a.case_number"
        )
        op.drop_table("hub_applicant")


def downgrade() -> None:
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
    # the latest record of each applicant, whichever office kept it
    cols = ", ".join(_RECORD)
    op.execute(
        "INSERT INTO hub_applicant (kind, id_number, "
        + cols
        + ") SELECT a.kind, a.id_number, "
        + ", ".join(f"a.{x}" for x in _RECORD)
        + " FROM hub_office_applicant a WHERE NOT EXISTS (SELECT 1 FROM hub_office_applicant b"
        " WHERE b.kind = a.kind AND b.id_number = a.id_number AND b.seq > a.seq)"
    )
    op.drop_table("hub_office_applicant")
