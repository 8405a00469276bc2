"""The supervisor's view: intake counters kept by triggers, and an index of open cases by due date.

``stats_intake`` holds, per local day, subject, window and clerk, how many cases were opened
and how many 受理 / 一次性告知 / 不予受理 decisions were made, how many acceptances had 容缺
materials and how many were at the applicant's first visit (一次办结; the rule is
``FIRST_VISIT`` below and in the README). ``stats_refusal`` counts refusals per day and reason.
Both are written by a trigger on ``case_event`` — in the same transaction as the event, by
every writer (the window, ``demo seed``, events pulled by sync) — so the supervisor's view
reads a few thousand counter rows instead of scanning a million cases. Existing events are
counted once here with the same expressions (the "never accepted" of another case is then
judged as the cases stand at the upgrade, not as they stood at each acceptance).

``stats_open_due`` counts the cases whose promised clock runs (受理, 审批中) per promised date, kept
by triggers on ``case_record`` as a case enters or leaves those states (a decision at the window,
one pulled by sync); ``ix_case_open_due`` (partial, the same cases) gives the 超期预警 list in
due-date order.

The local day is ``date(at, 'localtime')``: ``at`` is stored in UTC, and the office's
processes share its time zone (Python's ``astimezone()`` and SQLite's ``localtime`` both read it).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

KINDS = "('case.created', 'case.accepted', 'case.notified', 'case.refused')"
# How far back an unaccepted notice on another case of the same applicant and subject makes an
# acceptance a return visit (the clerk opened a new case instead of resuming the old one).
RETURN_DAYS = 90

# An acceptance is at the first visit (一次办结) unless the applicant was sent away before it:
# the case itself had a 一次性告知 or a 补正 request earlier, or another case of the same applicant
# (kind + ID number) for the same matter or bundle got a 一次性告知 within RETURN_DAYS before it
# and was never accepted. `{e}` is the accepting event, `c` its case.
FIRST_VISIT = f"""(
  {{e}}.kind = 'case.accepted'
  AND NOT EXISTS (
    SELECT 1 FROM case_event p
    WHERE p.case_id = {{e}}.case_id AND p.id < {{e}}.id
      AND p.kind IN ('case.notified', 'case.correction_requested'))
  AND NOT EXISTS (
    SELECT 1 FROM case_record o JOIN case_event p ON p.case_id = o.id
    WHERE o.applicant_id_number = c.applicant_id_number AND o.applicant_kind = c.applicant_kind
      AND o.subject_kind = c.subject_kind AND o.subject_code = c.subject_code
      AND o.id <> c.id AND o.accepted_on IS NULL
      AND p.kind = 'case.notified' AND p.at < {{e}}.at AND p.at >= datetime({{e}}.at, '-{RETURN_DAYS} days'))
)"""

COLUMNS = "day, subject_kind, subject_code, window, actor, cases, accepted, notified, refused, tolerated, first_visit"


def _keys(e: str) -> list[str]:
    return [f"date({e}.at, 'localtime')", "c.subject_kind", "c.subject_code", "c.window", f"{e}.actor"]


def _counts(e: str) -> list[str]:
    return [
        f"{e}.kind = 'case.created'",
        f"{e}.kind = 'case.accepted'",
        f"{e}.kind = 'case.notified'",
        f"{e}.kind = 'case.refused'",
        f"{e}.kind = 'case.accepted' AND c.tolerated_until IS NOT NULL",
        FIRST_VISIT.format(e=e),
    ]


UPSERT = """ON CONFLICT (day, subject_kind, subject_code, window, actor) DO UPDATE SET
      cases = cases + excluded.cases, accepted = accepted + excluded.accepted,
      notified = notified + excluded.notified, refused = refused + excluded.refused,
      tolerated = tolerated + excluded.tolerated, first_visit = first_visit + excluded.first_visit"""

REASON = "coalesce(json_extract({e}.payload_json, '$.reason'), '')"


OPEN = "state IN ('accepted', 'in_review') AND due_date IS NOT NULL"


def _open_trigger(name: str, row: str, delta: int, event: str) -> str:
    """Keep stats_open_due (open cases per promised date) as a case row enters or leaves it."""
    cond = OPEN.replace("state", f"{row}.state").replace("due_date", f"{row}.due_date")
    change = (
        f"INSERT INTO stats_open_due (due_date, n) VALUES ({row}.due_date, 1)"
        " ON CONFLICT (due_date) DO UPDATE SET n = n + 1;"
        if delta > 0
        else f"UPDATE stats_open_due SET n = n - 1 WHERE due_date = {row}.due_date;"
        f" DELETE FROM stats_open_due WHERE due_date = {row}.due_date AND n <= 0;"
    )
    return f"CREATE TRIGGER {name} AFTER {event} ON case_record WHEN {cond} BEGIN {change} END"


def upgrade() -> None:
    op.create_table(
        "stats_intake",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("subject_kind", sa.String(), nullable=False),
        sa.Column("subject_code", sa.String(), nullable=False),
        sa.Column("window", sa.String(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("notified", sa.Integer(), nullable=False),
        sa.Column("refused", sa.Integer(), nullable=False),
        sa.Column("tolerated", sa.Integer(), nullable=False),
        sa.Column("first_visit", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "subject_kind", "subject_code", "window", "actor"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "stats_refusal",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "reason"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "stats_open_due",
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("due_date"),
        sqlite_with_rowid=False,
    )
    op.create_index(
        "ix_case_open_due",
        "case_record",
        ["due_date"],
        unique=False,
        sqlite_where=sa.text("state IN ('accepted', 'in_review')"),
    )
    # what is already there, counted once with the triggers' own expressions
    op.execute(
        f"""INSERT INTO stats_intake ({COLUMNS})
        SELECT {", ".join(_keys("e") + [f"sum({x})" for x in _counts("e")])}
        FROM case_event e JOIN case_record c ON c.id = e.case_id
        WHERE e.kind IN {KINDS}
        GROUP BY 1, 2, 3, 4, 5"""
    )
    op.execute(
        f"""INSERT INTO stats_refusal (day, reason, n)
        SELECT date(e.at, 'localtime'), {REASON.format(e="e")}, count(*) FROM case_event e
        WHERE e.kind = 'case.refused' GROUP BY 1, 2"""
    )
    op.execute(
        f"INSERT INTO stats_open_due (due_date, n) SELECT due_date, count(*) FROM case_record WHERE {OPEN} GROUP BY due_date"
    )
    # an UPDATE that touches state or due_date takes the old row out and puts the new one in
    op.execute(_open_trigger("stats_open_insert", "NEW", +1, "INSERT"))
    op.execute(_open_trigger("stats_open_leave", "OLD", -1, "UPDATE OF state, due_date"))
    op.execute(_open_trigger("stats_open_enter", "NEW", +1, "UPDATE OF state, due_date"))
    op.execute(_open_trigger("stats_open_delete", "OLD", -1, "DELETE"))
    op.execute(
        f"""CREATE TRIGGER stats_count_event AFTER INSERT ON case_event
        WHEN NEW.kind IN {KINDS}
        BEGIN
          INSERT INTO stats_intake ({COLUMNS})
          SELECT {", ".join(_keys("NEW") + _counts("NEW"))} FROM case_record c WHERE c.id = NEW.case_id
          {UPSERT};
          INSERT INTO stats_refusal (day, reason, n)
          SELECT date(NEW.at, 'localtime'), {REASON.format(e="NEW")}, 1 WHERE NEW.kind = 'case.refused'
          ON CONFLICT (day, reason) DO UPDATE SET n = n + 1;
        END"""
    )
    op.execute("PRAGMA user_version = 9")


def downgrade() -> None:
    for name in (
        "stats_count_event",
        "stats_open_insert",
        "stats_open_leave",
        "stats_open_enter",
        "stats_open_delete",
    ):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index("ix_case_open_due", table_name="case_record")
    op.drop_table("stats_open_due")
    op.drop_table("stats_refusal")
    op.drop_table("stats_intake")
