"""Courier mode: trips, waybills and their scans (app/store/models.py).

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "courier_trip",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(), nullable=False),
        sa.Column("operator", sa.String(), nullable=False),
        sa.Column("office_code", sa.String(), nullable=False),
        sa.Column("workstation_id", sa.String(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uid"),
    )
    op.create_table(
        "courier_waybill",
        sa.Column("waybill", sa.String(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("case_number", sa.String(), nullable=False),
        sa.Column("carrier", sa.String(), nullable=False),
        sa.Column("last_step", sa.String(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case_record.id"]),
        sa.PrimaryKeyConstraint("waybill"),
    )
    op.create_index("ix_courier_waybill_case_id", "courier_waybill", ["case_id"], unique=False)
    op.create_table(
        "courier_scan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trip_id", sa.Integer(), nullable=False),
        sa.Column("waybill", sa.String(), nullable=False),
        sa.Column("case_number", sa.String(), nullable=False),
        sa.Column("step", sa.String(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("operator", sa.String(), nullable=False),
        sa.Column("event_id", sa.String(), nullable=False),
        sa.Column("recipient", sa.String(), nullable=False),
        sa.Column("recipient_is_applicant", sa.Boolean(), nullable=True),
        sa.Column("reason", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["trip_id"], ["courier_trip.id"]),
        sa.PrimaryKeyConstraint("id"),
        # a waybill is recorded once per trip and step, whatever raced to record it
        sa.UniqueConstraint("trip_id", "waybill", "step", name="uq_courier_scan_trip"),
    )
    op.create_index("ix_courier_scan_trip_id", "courier_scan", ["trip_id"], unique=False)
    op.create_index("ix_courier_scan_waybill", "courier_scan", ["waybill"], unique=False)
    op.execute("PRAGMA user_version = 4")


def downgrade() -> None:
    op.drop_table("courier_scan")
    op.drop_table("courier_waybill")
    op.drop_table("courier_trip")
