"""The hub's tables, in one MetaData: what the migrations (sync/hub/migrations) make.

The platform's own tables (LEGACY) are those a hub made with ``create_all`` before it had
migrations: such a database is brought to schema 2 with exactly these (sync.hub.db), the
others come from their migrations only.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)

NAME_MAX = 40  # a console user's name

md = MetaData()

# --- the platform's own (sync.hub.store; made by create_all before the migrations: LEGACY) ---
meta_t = Table(
    "hub_meta", md, Column("key", String(64), primary_key=True), Column("value", Text, nullable=False)
)
token_t = Table(
    "hub_token",
    md,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("hash", String(64), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("office", String(12), nullable=False, default=""),
    Column("ws", String(4), nullable=False, default=""),
    Column("name", String(100), nullable=False, default=""),
    Column("public_key", String(64), nullable=False, default=""),
    Column("key_origin", String(16), nullable=False, default=""),  # sync.hub.receipts (h0010)
    Column("created_at", String(40), nullable=False),
    Column("expires_at", String(40), nullable=False, default=""),
    Column("revoked_at", String(40), nullable=False, default=""),
    Column("last_used_at", String(40), nullable=False, default=""),
)
TOKEN_COLUMNS_V2 = ("expires_at", "revoked_at", "last_used_at")
event_t = Table(
    "hub_event",
    md,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("event_id", String(36), nullable=False, unique=True),
    Column("case_number", String(40), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("lc", Integer, nullable=False),
    Column("payload", Text, nullable=False),
    Column("actor", String(100), nullable=False),
    Column("office", String(12), nullable=False),
    Column("ws", String(4), nullable=False),
    Column("at", String(40), nullable=False),
    Column("author", String(120), nullable=False),  # "OFFICE/WS", "backoffice:NAME", "hub:NAME"
    Column("via", String(120), nullable=False),  # who delivered it: token identity, "bundle:…", "upstream"
    Column("owner_office", String(12), nullable=False),
    Column("owner_ws", String(4), nullable=False),
    Column("received_at", String(40), nullable=False),
    Index("ix_hub_event_owner", "owner_office", "owner_ws", "seq"),
    Index("ix_hub_event_case", "case_number"),
)
case_t = Table(
    "hub_case",
    md,
    Column("number", String(40), primary_key=True),
    Column("uid", String(36), nullable=False),
    Column("office", String(12), nullable=False),
    Column("ws", String(4), nullable=False),
    Column("subject_kind", String(10), nullable=False, default=""),
    Column("subject_code", String(64), nullable=False, default=""),
    Column("subject_name", String(200), nullable=False, default=""),
    Column("catalogue_version", String(64), nullable=False, default=""),
    Column("level", String(10), nullable=False, default="county"),
    Column("applicant_kind", String(12), nullable=False, default=""),
    Column("applicant_name", String(200), nullable=False, default=""),
    Column("applicant_id_number", String(20), nullable=False, default=""),
    Column("state", String(16), nullable=True),
    Column("lc", Integer, nullable=False, default=0),
    Column("reason", Text, nullable=False, default=""),
    Column("n_events", Integer, nullable=False, default=0),
    Column("n_conflicts", Integer, nullable=False, default=0),
    Column("created_seq", BigInteger, nullable=False),
    Column("updated_seq", BigInteger, nullable=False),
    Index("ix_hub_case_office", "office", "number"),
    # the console's search, each kind's matches newest first (h0014; sync.hub.console_queries)
    Index("ix_hub_case_applicant_id", "applicant_id_number", "created_seq"),
    Index("ix_hub_case_applicant_name", "applicant_name", "created_seq"),
)
# a name's first character and first two, a number's last six (its sequence and check character,
# as on a receipt: "0001-Q"), each with created_seq: sync.hub.console_queries searches by these
# very expressions (NAME1, NAME2, TAIL6), newest first
NAME1 = func.substr(case_t.c.applicant_name, 1, 1)
NAME2 = func.substr(case_t.c.applicant_name, 1, 2)
TAIL6 = func.substr(case_t.c.number, func.length(case_t.c.number) - 5)
Index("ix_hub_case_name1", NAME1, case_t.c.created_seq)
Index("ix_hub_case_name2", NAME2, case_t.c.created_seq)
Index("ix_hub_case_tail", TAIL6, case_t.c.created_seq)
conflict_t = Table(
    "hub_conflict",
    md,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_number", String(40), nullable=False),
    Column("event_id", String(36), nullable=False),
    Column("rule", String(24), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("origin", String(120), nullable=False),
    Column("detail", Text, nullable=False),
    Column("seq", BigInteger, nullable=False),
    UniqueConstraint("case_number", "event_id", "rule", name="uq_hub_conflict"),
)
applicant_t = Table(  # each office's record of its applicants (h0008; county-wide before)
    "hub_office_applicant",
    md,
    Column("office", String(12), primary_key=True),
    Column("kind", String(12), primary_key=True),
    Column("id_number", String(20), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("phone", String(40), nullable=False),
    Column("address", String(300), nullable=False),
    Column("author", String(120), nullable=False),
    Column("case_number", String(40), nullable=False),
    Column("seq", BigInteger, nullable=False),
)
doc_t = Table(  # catalogue and calendar versions
    "hub_document",
    md,
    Column("kind", String(16), primary_key=True),  # "catalogue" | "calendar"
    Column("version", String(64), primary_key=True),
    Column("seq", BigInteger, nullable=False),
    Column("body", LargeBinary, nullable=False),  # zstd JSON
)
attachment_v1_t = Table(  # schema 1: one slot per sha256 (any token could block it); migrated
    "hub_attachment",
    md,
    Column("sha256", String(64), primary_key=True),
    Column("length", BigInteger, nullable=False),
    Column("offset", BigInteger, nullable=False),
    Column("complete", Boolean, nullable=False),
    Column("case_number", String(40), nullable=False, default=""),
    Column("created_at", String(40), nullable=False),
)
attachment_t = Table(  # an upload slot per (sha256, office): one office cannot block or read another's
    "hub_file",
    md,
    Column("sha256", String(64), primary_key=True),
    Column("office", String(12), primary_key=True),
    Column("length", BigInteger, nullable=False),
    Column("offset", BigInteger, nullable=False),
    Column("complete", Boolean, nullable=False),
    Column("case_number", String(40), nullable=False, default=""),
    Column("created_at", String(40), nullable=False),
)
refused_up_t = Table(  # county -> province: events the province refused
    "hub_forward_refused",
    md,
    Column("event_id", String(36), primary_key=True),
    Column("case_number", String(40), nullable=False),
    Column("code", String(40), nullable=False),
    Column("reason", Text, nullable=False),
)

# --- window operators (sync.hub.operator_store; h0003, h0009) ---
operator_t = Table(
    "hub_operator",
    md,
    Column("name", String(32), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("password_hash", Text, nullable=False),  # "" once the account has a key
    Column("public_key", Text, nullable=False, server_default=""),  # h0009; "" = made before keys
    Column("disabled", Boolean, nullable=False),
    Column("office", String(12), nullable=False),  # "" = every office
    Column("rev", BigInteger, nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
    Column("updated_by", String(120), nullable=False),
    Index("ix_hub_operator_rev", "rev"),
)
change_t = Table(
    "hub_operator_change",
    md,
    Column("id", String(36), primary_key=True),
    Column("name", String(32), nullable=False),
    Column("op", String(10), nullable=False),
    Column("author", String(120), nullable=False),  # the token: office/workstation
    Column("actor", String(32), nullable=False, server_default=""),  # h0009: the signing operator
    Column("outcome", String(10), nullable=False),  # ok | refused
    Column("reason", Text, nullable=False),
    Column("received_at", String(40), nullable=False),
)

# --- audit chains (sync.hub.audit_store; h0004) ---
link_t = Table(
    "hub_chain_link",
    md,
    Column("office", String(12), primary_key=True),
    Column("ws", String(4), primary_key=True),
    Column("n", BigInteger, primary_key=True, autoincrement=False),
    Column("event_id", String(36), nullable=False),
    Column("prev", String(80), nullable=False),
    Column("hash", String(80), nullable=False),
    Column("received_at", String(40), nullable=False),
)
state_t = Table(
    "hub_chain_state",
    md,
    Column("office", String(12), primary_key=True),
    Column("ws", String(4), primary_key=True),
    Column("state", String(12), nullable=False),  # ok | broken | unchained
    Column("links", BigInteger, nullable=False, default=0),
    Column("unchained", BigInteger, nullable=False, default=0),  # events that came without a link
    Column("top_n", BigInteger, nullable=False, default=0),
    Column("top_hash", String(80), nullable=False, default=""),
    Column("breaks", Integer, nullable=False, default=0),
    Column("first_break", Text, nullable=False, default=""),  # JSON, app.domain.audit_chain.Break + at
    Column("last_push_at", String(40), nullable=False, default=""),
)

# --- console accounts (sync.hub.console_store; h0006, h0011) ---
user_t = Table(
    "hub_user",
    md,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(NAME_MAX), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("failures", Integer, nullable=False, default=0),
    Column("locked_until", String(40), nullable=False, default=""),
    Column("disabled_at", String(40), nullable=False, default=""),
    Column("created_at", String(40), nullable=False),
    Column("password_set_at", String(40), nullable=False),
    Column("last_login_at", String(40), nullable=False, default=""),
    # attempts refused unchecked while the current lock stands; where and when the last came from
    Column("refused", Integer, nullable=False, default=0),
    Column("last_attempt_at", String(40), nullable=False, default=""),
    Column("last_attempt_from", String(64), nullable=False, default=""),
)
user_dept_t = Table(
    "hub_user_department",
    md,
    Column("user_id", Integer, ForeignKey("hub_user.id", ondelete="CASCADE"), primary_key=True),
    Column("department", String(40), primary_key=True),
)
session_t = Table(
    "hub_session",
    md,
    Column("hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("hub_user.id", ondelete="CASCADE"), nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("seen_at", String(40), nullable=False),
    Column("expires_at", String(40), nullable=False),
    Index("ix_hub_session_user", "user_id"),
)
# login attempts per client address (an IPv6 client by its /64): what one stranger may cost (h0011)
address_t = Table(
    "hub_login_address",
    md,
    Column("address", String(64), primary_key=True),
    Column("attempts", Integer, nullable=False),  # counted since `since`
    Column("since", String(40), nullable=False),
    Column("held_until", String(40), nullable=False),  # "" or when the address may try again
)
# who locked and lifted what, and when: the admin's record (subject "user" or "address")
lock_log_t = Table(
    "hub_lock_log",
    md,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(40), nullable=False),
    Column("subject", String(16), nullable=False),
    Column("name", String(64), nullable=False),
    Column("action", String(16), nullable=False),  # locked | lifted | held | released
    Column("actor", String(80), nullable=False),  # "" (the rule), an admin's name, shell:USER
    Column("detail", String(200), nullable=False),
    Index("ix_hub_lock_log_name", "subject", "name", "id"),
)

# --- windows' status (sync.hub.ws_status) ---
status_t = Table(
    "hub_ws_status",
    md,
    Column("office", String(12), primary_key=True),
    Column("ws", String(4), primary_key=True),
    Column("office_name", String(100), nullable=False, default=""),
    Column("window", String(100), nullable=False, default=""),
    Column("last_pull_at", String(40), nullable=False, default=""),
    Column("last_push_at", String(40), nullable=False, default=""),
    Column("skew_ms", BigInteger, nullable=True),
    Column("events_waiting", Integer, nullable=True),  # as reported when the latest cycle began
    Column("events_arrived", Integer, nullable=False, default=0),  # of those, arrived since
    Column("scans_waiting", Integer, nullable=True),
    Column("scans_arrived", Integer, nullable=False, default=0),
    Column("reported_at", String(40), nullable=False, default=""),
)
refused_t = Table(
    "hub_ws_refused",
    md,
    Column("event_id", String(36), primary_key=True),
    Column("office", String(12), nullable=False),
    Column("ws", String(4), nullable=False),
    Column("case_number", String(40), nullable=False),
    Column("code", String(40), nullable=False),
    Column("reason", Text, nullable=False),
    Column("at", String(40), nullable=False),
    Index("ix_hub_ws_refused_ws", "office", "ws"),
)

# --- the console's queue (sync.hub.queue; h0007) ---
queue_t = Table(
    "hub_queue",
    md,
    Column("number", String(40), primary_key=True),
    Column("department", String(100), primary_key=True),
    Column("office", String(12), nullable=False),
    Column("stage", String(12), nullable=False),
    Column("waiting", Boolean, nullable=False),
    Column("subject_code", String(64), nullable=False),
    Column("received_on", String(10), nullable=False),  # the (latest) acceptance at the window
    Column("due_date", String(10), nullable=False),
    Column("due_provisional", Boolean, nullable=False),
    Column("first_seq", Integer, nullable=False),
    Index("ix_hub_queue_waiting", "department", "waiting", "received_on", "number"),
    Index("ix_hub_queue_stage", "department", "stage", "received_on", "number"),
    Index("ix_hub_queue_all", "department", "received_on", "number"),
    Index("ix_hub_queue_office", "department", "office", "stage", "received_on", "number"),
    Index("ix_hub_queue_subject", "department", "subject_code", "stage", "received_on", "number"),
    Index("ix_hub_queue_due", "department", "stage", "due_date", "number"),  # the overdue total (h0013)
    Index("ix_hub_queue_office_due", "department", "office", "stage", "due_date", "number"),
)

# how many queue rows per department, stage and the case's set of departments (h0013): kept by
# sync.hub.queue.write_queue with the rows, so the queue's tabs and per-department counts are read
# from a few dozen rows however many cases the hub holds; the set of departments counts a case of
# several of a user's departments once. Each count is split in parts (``part``, summed by readers):
# a writer adds to its connection's part (sync.hub.queue.PARTS), so writers at once mostly add to
# different rows (h0013 split by the office's last digit: one office's windows all met on one row).
queue_count_t = Table(
    "hub_queue_count",
    md,
    Column("department", String(100), primary_key=True),
    Column("departments", Text, primary_key=True),  # the case's departments, sorted, ","-joined
    Column("stage", String(12), primary_key=True),
    Column("part", String(1), primary_key=True),  # the writer's part (the office's last digit before)
    Column("n", BigInteger, nullable=False),
)

# --- receipt keys (sync.hub.receipts; h0004, h0010) ---
qr_key_t = Table(
    "hub_qr_key",
    md,
    Column("token_hash", String(64), primary_key=True),
    Column("alg", String(10), primary_key=True),
    Column("office", String(12), nullable=False),
    Column("ws", String(4), nullable=False),
    Column("key_id", String(12), nullable=False),
    Column("public_key", String(120), nullable=False),  # standard base64 of the uncompressed point
    Column("registered_at", String(40), nullable=False),
    Column("origin", String(16), nullable=False),  # issued | admin | first_use (h0010)
)

# --- several hub processes on one database (issue 20 §3; h0012) ---
lease_t = Table(  # a job only one process may run at a time (the forwarder): who holds it, until when
    "hub_lease",
    md,
    Column("name", String(40), primary_key=True),
    Column("holder", String(80), nullable=False),
    Column("expires_at", Float, nullable=False),  # the database's clock, seconds since the epoch
)

seq_hold_t = (
    Table(  # PostgreSQL: seq numbers a writer's transaction holds until it ends (h0016; sync.hub.seq_hold)
        "hub_seq_hold",
        md,
        Column("lo", BigInteger, primary_key=True, autoincrement=False),  # the first of them
        Column("xid", BigInteger, nullable=False),  # the writer's transaction (pg_current_xact_id)
    )
)

# What create_all made before the migrations (a legacy database is completed with these only).
LEGACY = (
    meta_t,
    token_t,
    event_t,
    case_t,
    conflict_t,
    applicant_t,
    doc_t,
    attachment_v1_t,
    attachment_t,
    refused_up_t,
)
