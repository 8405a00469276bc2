"""The console's search newest first at a province's size (issue 20 §4): each kind of search has
an index on hub_case whose last column is created_seq, so its matches are read newest first and
a page is cut by LIMIT with a keyset (the created_seq of the page's last row), however many
cases match: an ID number (applicant_id_number, created_seq), a whole name (applicant_name,
created_seq), a name's first character and first two (substr(applicant_name, 1, 1|2),
created_seq) and a number's end as on a receipt, its sequence and check character "0001-Q" (the
number's last 6 characters, created_seq). The first two replace the plain ID and name indexes of
h0007.

Revision ID: h0014_search
Revises: h0013_console
Create Date: 2026-12-06
"""

from alembic import op

revision = "h0014_search"
down_revision = "h0013_console"
branch_labels = None
depends_on = None


# (name, columns); IF NOT EXISTS: a database made before the migrations (create_all of the
# platform's tables, sync.hub.db) has them from the MetaData already
_NEW = (
    ("ix_hub_case_name1", "substr(applicant_name, 1, 1), created_seq"),
    ("ix_hub_case_name2", "substr(applicant_name, 1, 2), created_seq"),
    ("ix_hub_case_tail", "substr(number, length(number) - 5), created_seq"),
)


def upgrade() -> None:
    for name, cols in (
        ("ix_hub_case_applicant_id", "applicant_id_number, created_seq"),
        ("ix_hub_case_applicant_name", "applicant_name, created_seq"),
    ):
        op.execute(f"DROP INDEX IF EXISTS {name}")
        op.execute(f"CREATE INDEX {name} ON hub_case ({cols})")
    for name, cols in _NEW:
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON hub_case ({cols})")


def downgrade() -> None:
    op.drop_index("ix_hub_case_tail", table_name="hub_case")
    op.drop_index("ix_hub_case_name2", table_name="hub_case")
    op.drop_index("ix_hub_case_name1", table_name="hub_case")
    op.drop_index("ix_hub_case_applicant_name", table_name="hub_case")
    op.drop_index("ix_hub_case_applicant_id", table_name="hub_case")
    op.create_index("ix_hub_case_applicant_id", "hub_case", ["applicant_id_number"])
    op.create_index("ix_hub_case_applicant_name", "hub_case", ["applicant_name"])
