"""Operator accounts at the hub (issue 8 §1; migrations h0003, h0009): made here with
`yichuang hub add-operator`, or at a window and pushed up; sent down to the windows by revision.

Every change bumps the account's ``rev`` from one hub-wide counter (``hub_meta.operator_rev``),
so a window asks for the accounts changed after the revision it holds. Changes pushed by a
window are applied once each by their id (``hub_operator_change``).

The hub is the authority, and a window's token proves no operator (issue 16 §2): a change a
window pushes is applied only when it is signed by the key the hub holds for the operator who
made it, and app.domain.accounts.refusal allows it (a supervisor or admin of that office
adding, resetting or disabling a clerk or courier of it; anyone changing their own password).
Supervisor and admin accounts change only here, through the `hub` commands, which compute the
account's key where the password is typed.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import (
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection

from app.domain import accounts, roles
from sync.hub import news
from sync.hub.db import utcnow
from sync.hub.principal import Principal
from sync.hub.schema import change_t, meta_t, operator_t
from sync.hub.store import HubStore

REV_KEY = "operator_rev"
OPS = ("add", "passwd", "disable")
MAX_CHANGES = 500  # per push
_UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class OperatorProblem(Exception):
    """A change the hub will not make; ``code`` travels back to the window."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def _next_rev(c: Connection) -> int:
    row = c.execute(select(meta_t.c.value).where(meta_t.c.key == REV_KEY).with_for_update()).first()
    rev = (int(row.value) if row else 0) + 1
    if row is None:
        c.execute(insert(meta_t).values(key=REV_KEY, value=str(rev)))
    else:
        c.execute(update(meta_t).where(meta_t.c.key == REV_KEY).values(value=str(rev)))
    return rev


def _check(name: str, role: str | None = None, key: str | None = None) -> None:
    if (
        not isinstance(name, str)
        or not 1 <= len(name) <= 32
        or any(ch.isspace() or ch in "@/:\\" for ch in name)
    ):
        raise OperatorProblem("bad_name", f"operator name {name!r} is not valid")
    if any(ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F for ch in name):
        raise OperatorProblem("bad_name", "operator name has control characters")
    if role is not None and not roles.is_role(role):
        raise OperatorProblem("bad_role", f"unknown role {role!r}")
    if key is not None and not accounts.is_key(key):
        raise OperatorProblem("no_key", accounts.REFUSALS["no_key"])


def _row(c: Connection, name: str):
    return c.execute(select(operator_t).where(operator_t.c.name == name)).first()


def _apply(c: Connection, op: str, name: str, by: str, **f: Any) -> None:
    """One change in transaction `c`, already allowed (the hub's own command, or a window's
    change that passed the signature and the rule)."""
    row = _row(c, name)
    now = utcnow()
    if op == "add":
        _check(name, f["role"], f["key"])
        if row is not None:
            raise OperatorProblem("exists", f"operator {name} exists already")
        c.execute(
            insert(operator_t).values(
                name=name,
                role=f["role"],
                password_hash="",
                public_key=f["key"],
                disabled=False,
                office=f.get("office", ""),
                rev=_next_rev(c),
                created_at=now,
                updated_at=now,
                updated_by=by,
            )
        )
        # the pulls held by the windows that get the account answer now (sync.hub.news)
        news.mark(c, [news.office_wide(f.get("office", ""))])
        return
    if row is None:
        raise OperatorProblem("unknown", f"no operator {name}")
    values: dict[str, Any] = {"updated_at": now, "updated_by": by}
    if op == "passwd":
        _check(name, key=f["key"])
        if row.disabled:
            raise OperatorProblem("disabled", f"operator {name} is disabled")
        values["password_hash"], values["public_key"] = "", f["key"]  # the key replaces a hash
    elif op == "disable":
        if row.disabled:
            return  # already: nothing to send down again
        values["disabled"] = True
    else:
        raise OperatorProblem("bad_op", f"unknown change {op!r}")
    values["rev"] = _next_rev(c)
    c.execute(update(operator_t).where(operator_t.c.name == name).values(**values))
    news.mark(c, [news.office_wide(row.office)])


def _held(row) -> accounts.Account | None:
    if row is None:
        return None
    return accounts.Account(row.name, row.role, row.office, bool(row.disabled), row.public_key or "")


def _window_change(c: Connection, who: Principal, ch: dict) -> None:
    """A change a window pushed: applied only when signed by the key the hub holds for its
    actor and allowed by the rule (app.domain.accounts), else OperatorProblem."""
    problem = accounts.malformed(ch)
    if problem is not None:
        raise OperatorProblem("malformed", problem)
    actor_name = ch.get("actor") or ""
    if not actor_name or not ch.get("sig"):
        raise OperatorProblem("unsigned", accounts.REFUSALS["unsigned"])
    actor = _held(_row(c, actor_name))
    if actor is None:
        raise OperatorProblem("unknown_actor", accounts.REFUSALS["unknown_actor"])
    if not actor.key:
        raise OperatorProblem("actor_no_key", accounts.REFUSALS["actor_no_key"])
    if not accounts.verify(actor.key, ch, ch.get("sig")):
        raise OperatorProblem("bad_signature", accounts.REFUSALS["bad_signature"])
    code = accounts.refusal(ch, actor, _held(_row(c, ch["name"])), who.office)
    if code is not None:
        raise OperatorProblem(code, accounts.REFUSALS[code])
    _apply(
        c,
        ch["op"],
        ch["name"],
        f"{who.identity} {actor_name}",
        role=ch.get("role"),
        key=ch.get("key"),
        office=who.office,
    )


# --- the hub's own commands (yichuang hub add-operator / disable-operator / list-operators) ---------
def add_operator(store: HubStore, name: str, role: str, key: str, office: str = "", by: str = "hub") -> None:
    """`key`: the account's key string, computed where the password was typed."""
    with store.tx() as c:
        _apply(c, "add", name, f"hub:{by}", role=role, key=key, office=office)


def set_password(store: HubStore, name: str, key: str, by: str = "hub") -> None:
    """A new password (its key string) for any account; an account made before keys gets one."""
    with store.tx() as c:
        _apply(c, "passwd", name, f"hub:{by}", key=key)


def disable_operator(store: HubStore, name: str, by: str = "hub") -> None:
    with store.tx() as c:
        _apply(c, "disable", name, f"hub:{by}")


def list_operators(store: HubStore) -> list[dict]:
    with store.ro() as c:
        rows = c.execute(select(operator_t).order_by(operator_t.c.name)).all()
    return [
        {
            "name": r.name,
            "role": r.role,
            "disabled": bool(r.disabled),
            "office": r.office,
            "has_key": bool(r.public_key),
            "rev": int(r.rev),
            "updated_at": r.updated_at,
            "updated_by": r.updated_by,
        }
        for r in rows
    ]


# --- what windows call (sync/hub/app.py) ---------------------------------------------------------------
def current_rev(store: HubStore) -> int:
    """The hub-wide account revision (named in every pull answer whose caller holds another)."""
    return int(store.meta(REV_KEY) or 0)


def operators_since(store: HubStore, who: Principal, after: int) -> dict:
    """Accounts of the caller's office (and those for every office) changed after `after`."""
    with store.ro() as c:
        q = select(operator_t).where(operator_t.c.rev > after).order_by(operator_t.c.rev)
        if who.role == "workstation":
            q = q.where(operator_t.c.office.in_(["", who.office]))
        elif who.role == "hub":
            q = q.where((operator_t.c.office == "") | operator_t.c.office.startswith(who.office))
        rows = c.execute(q).all()
        top = c.execute(select(meta_t.c.value).where(meta_t.c.key == REV_KEY)).scalar()
    return {
        "v": 1,
        "rev": int(top or 0),
        "operators": [
            {
                "name": r.name,
                "role": r.role,
                "hash": r.password_hash,  # "" once the account has a key
                "key": r.public_key,
                "disabled": bool(r.disabled),
                "office": r.office,
                "rev": int(r.rev),
            }
            for r in rows
        ],
    }


def apply_changes(store: HubStore, who: Principal, changes: list) -> list[dict]:
    """Each change once by its id: ok, dup (seen before), or refused with a code and reason
    (app.domain.accounts.REFUSALS). Every change is its own decision, checked against the
    accounts as they stand after the batch's earlier changes; the batch is one transaction."""
    if not isinstance(changes, list) or len(changes) > MAX_CHANGES:
        raise ValueError(f"changes must be a list of at most {MAX_CHANGES}")
    out: list[dict] = []
    with store.tx() as c:
        for ch in changes:
            if not isinstance(ch, dict) or not isinstance(ch.get("id"), str) or not _UUID_RE.match(ch["id"]):
                raise ValueError("every change needs an id (a lower-case UUID)")
            cid = ch["id"]
            if c.execute(select(change_t.c.id).where(change_t.c.id == cid)).first() is not None:
                out.append({"id": cid, "status": "dup"})
                continue
            op, name = ch.get("op"), ch.get("name")
            try:
                if op not in OPS:
                    raise OperatorProblem("bad_op", f"unknown change {op!r}")
                _check(name if isinstance(name, str) else "")
                savepoint = c.begin_nested()
                try:
                    _window_change(c, who, ch)
                except Exception:
                    savepoint.rollback()
                    raise
                savepoint.commit()
                outcome, code, reason = "ok", "", ""
            except OperatorProblem as exc:
                outcome, code, reason = "refused", exc.code, exc.reason
            c.execute(
                insert(change_t).values(
                    id=cid,
                    name=str(name)[:32],
                    op=str(op)[:10],
                    author=who.identity,
                    actor=str(ch.get("actor") or "")[:32],
                    outcome=outcome,
                    reason=f"{code}: {reason}" if code else "",
                    received_at=utcnow(),
                )
            )
            out.append({"id": cid, "status": outcome, **({"code": code, "reason": reason} if code else {})})
    return out
