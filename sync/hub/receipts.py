"""Receipt keys, bound by the hub's admin, and the check of a receipt's QR code (issue 16 §3).

A window's keys: its Ed25519 key (it signs its bundles, and its receipts by default) on the
token row (``hub_token.public_key``), and its SM2 key when its receipts are signed with SM2
(``hub_qr_key``). Who binds them: the hub's admin only —

* ``yichuang hub add-token --public-key B64`` (bound when the token is made: origin ``issued``);
* ``yichuang hub set-key TOKEN_ID --public-key B64`` or the console's token page (``admin``).

The keys a window sends with its pushes (``X-Yichuang-Key``, ``X-Yichuang-Qr-Key``) are never
registered: a window's token is not the hub's admin. Keys that earlier versions registered on
first use are kept with origin ``first_use`` (migration h0010) and trusted for nothing — no
receipt, no bundle — until the admin binds them (the same key again is enough).

A key bound to a token that was later revoked still vouches for receipts dated on or before
the day of revocation (they were issued while the token was good), not for later ones.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from sync.hub import read_cache
from sync.hub.schema import case_t, event_t, qr_key_t, token_t

ISSUED, ADMIN, FIRST_USE = "issued", "admin", "first_use"
TRUSTED = (ISSUED, ADMIN)


class KeyRefused(ValueError):
    """A key the admin gave is refused: ``key`` names the message (app.messages), ``fields`` fill it."""

    def __init__(self, key: str, **fields: Any) -> None:
        from app.messages import t

        super().__init__(t(key, **fields))
        self.key, self.fields = key, fields


def parse_key(text: str) -> tuple[str, str]:
    """(algorithm, standard base64) of a public key as `yichuang keys` prints it: a raw Ed25519
    key (32 bytes) or an uncompressed SM2 point (65 bytes, on the curve); an ``ed25519:`` or
    ``sm2:`` prefix is allowed. KeyRefused otherwise."""
    from printing.signing import ED25519, SM2, key_alg

    text = (text or "").strip()
    named, sep, rest = text.partition(":")
    if sep and named.lower() in (ED25519, SM2):
        text = rest.strip()
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise KeyRefused("keys.not_base64") from None
    alg = key_alg(raw)
    if not alg or (sep and named.lower() in (ED25519, SM2) and named.lower() != alg):
        raise KeyRefused("keys.bad_length", n=len(raw))
    if alg == SM2 and not _on_curve(raw):
        raise KeyRefused("keys.off_curve")
    return alg, base64.b64encode(raw).decode("ascii")


def _on_curve(raw: bytes) -> bool:
    import gmalg

    try:
        return bool(gmalg.SM2(pk=raw).verify_pk(raw))
    except Exception:  # noqa: BLE001  gmalg's errors for garbage
        return False


def _key_id(b64: str) -> str:
    from printing.signing import key_id

    return key_id(base64.b64decode(b64))


def bind(c: Connection, token: Any, keys: list[str], origin: str, now: str) -> list[dict[str, str]]:
    """Bind ``keys`` (parse_key's text) to the workstation token row ``token``, in the caller's
    transaction; what was bound, one dict per key. A slot that holds another trusted key is
    refused (KeyRefused): a window whose key changed gets a new token (add-token --replace
    --public-key NEW), so receipts signed with the old key stay verifiable up to that day.
    A ``first_use`` key is replaced; the same key again is bound as ``origin``."""

    if token.role != "workstation":
        raise KeyRefused("keys.not_workstation", id=token.hash[:16])
    if token.revoked_at:
        raise KeyRefused("keys.token_revoked", id=token.hash[:16])
    parsed = [parse_key(k) for k in keys]
    algs = [alg for alg, _ in parsed]
    if len(set(algs)) != len(algs):
        raise KeyRefused("keys.twice")
    out = []
    for alg, b64 in parsed:
        if alg == "ed25519":
            have, have_origin = token.public_key, token.key_origin
        else:
            row = c.execute(
                select(qr_key_t.c.public_key, qr_key_t.c.origin).where(
                    qr_key_t.c.token_hash == token.hash, qr_key_t.c.alg == alg
                )
            ).first()
            have, have_origin = (row.public_key, row.origin) if row else ("", "")
        if have and have != b64 and have_origin in TRUSTED:
            raise KeyRefused("keys.slot_taken", id=token.hash[:16], alg=alg, kid=_key_id(have))
        if have == b64 and have_origin in TRUSTED:  # bound already: nothing changes
            out.append({"alg": alg, "key_id": _key_id(b64), "public_key": b64, "origin": have_origin})
            continue
        if alg == "ed25519":
            c.execute(
                update(token_t).where(token_t.c.id == token.id).values(public_key=b64, key_origin=origin)
            )
        elif have:
            c.execute(
                update(qr_key_t)
                .where(qr_key_t.c.token_hash == token.hash, qr_key_t.c.alg == alg)
                .values(public_key=b64, key_id=_key_id(b64), origin=origin, registered_at=now)
            )
        else:
            c.execute(
                insert(qr_key_t).values(
                    token_hash=token.hash,
                    alg=alg,
                    office=token.office,
                    ws=token.ws,
                    key_id=_key_id(b64),
                    public_key=b64,
                    registered_at=now,
                    origin=origin,
                )
            )
        out.append({"alg": alg, "key_id": _key_id(b64), "public_key": b64, "origin": origin})
    read_cache.bump(c)  # a token's trusted key is cached with its identity
    return out


def keys_by_token(c: Connection, tokens: Sequence[Any]) -> dict[str, list[dict[str, Any]]]:
    """Each token's keys (by token hash): alg, key_id, public_key, origin, trusted."""
    out: dict[str, list[dict[str, Any]]] = {r.hash: [] for r in tokens}
    for r in tokens:
        if r.public_key:
            out[r.hash].append(_key_row("ed25519", r.public_key, r.key_origin or FIRST_USE))
    hashes = list(out)
    for i in range(0, len(hashes), 500):
        for q in c.execute(select(qr_key_t).where(qr_key_t.c.token_hash.in_(hashes[i : i + 500]))):
            out[q.token_hash].append(_key_row(q.alg, q.public_key, q.origin))
    return out


def _key_row(alg: str, b64: str, origin: str) -> dict[str, Any]:
    return {
        "alg": alg,
        "key_id": _key_id(b64),
        "public_key": b64,
        "origin": origin,
        "trusted": origin in TRUSTED,
    }


# --- a receipt's QR code -------------------------------------------------------------------------
# complexity: one refusal per check, in the documented order
def verify(c: Connection, payload: str) -> dict[str, Any]:  # noqa: C901
    """Whether a receipt's QR payload is genuine, and what its signature covers.

    Reasons, in the order they are checked: ``malformed``, ``bad_number``, ``unsigned``,
    ``unknown_key`` (no key of the window that numbered the case has that id),
    ``bad_signature``, ``unconfirmed_key`` (only a key the admin has not bound signed it),
    ``key_revoked`` (its token was revoked before the paper's date), ``unknown_case`` (the hub
    does not hold the case), ``content_mismatch`` (version 2: the case's record says no such
    paper was issued; ``differs`` names the fields)."""
    from app.domain.numbering import parse_case_number
    from app.domain.receipt_scan import claim_differs, issued_paper
    from printing.signing import COVERS_V1, COVERS_V2, ED25519, Claim, parse_payload, verify_payload

    try:
        fields = parse_payload(payload)
        number = parse_case_number(fields.get("n", ""))
    except ValueError:
        return {"valid": False, "reason": "malformed"}
    out: dict[str, Any] = {
        "case": str(number),
        "office": number.office,
        "ws": number.workstation,
        "alg": fields.get("a", ED25519),
        "key": fields.get("k", ""),
    }
    if str(number) != fields.get("n"):
        return {**out, "valid": False, "reason": "bad_number"}
    if not fields.get("s"):
        return {**out, "valid": False, "reason": "unsigned"}
    claim = None
    if "v" in fields:
        try:
            claim = Claim.from_fields(fields)
        except ValueError:
            return {**out, "valid": False, "reason": "malformed"}
        out.update(v=2, covers=list(COVERS_V2), **claim.to_json())
    else:
        out.update(v=1, covers=list(COVERS_V1), date=number.day.isoformat())
    paper_day = claim.day if claim is not None else number.day

    tokens = c.execute(
        select(token_t.c.hash, token_t.c.public_key, token_t.c.key_origin, token_t.c.revoked_at).where(
            token_t.c.role == "workstation",
            token_t.c.office == number.office,
            token_t.c.ws == number.workstation,
        )
    ).all()
    revoked = {r.hash: r.revoked_at for r in tokens}
    candidates = [(r.public_key, r.key_origin or FIRST_USE, r.revoked_at) for r in tokens if r.public_key]
    if revoked:
        for q in c.execute(
            select(qr_key_t.c.token_hash, qr_key_t.c.public_key, qr_key_t.c.origin).where(
                qr_key_t.c.token_hash.in_(list(revoked))
            )
        ):
            candidates.append((q.public_key, q.origin, revoked[q.token_hash]))
    matching = [k for k in candidates if _key_id(k[0]) == fields.get("k")]
    if not matching:
        return {**out, "valid": False, "reason": "unknown_key"}
    good = [k for k in matching if verify_payload(payload, k[0])]
    if not good:
        return {**out, "valid": False, "reason": "bad_signature"}
    trusted = [k for k in good if k[1] in TRUSTED]
    if not trusted:
        return {**out, "valid": False, "reason": "unconfirmed_key"}
    if not any(not rev or paper_day <= _day_of(rev) for _k, _o, rev in trusted):
        return {**out, "valid": False, "reason": "key_revoked"}
    case = c.execute(
        select(case_t.c.subject_code, case_t.c.subject_name).where(case_t.c.number == str(number))
    ).first()
    if case is None:
        return {**out, "valid": False, "reason": "unknown_case"}
    out["matter_name"] = case.subject_name
    if claim is not None:
        papers = []
        for kind, at, body in c.execute(
            select(event_t.c.kind, event_t.c.at, event_t.c.payload).where(
                event_t.c.case_number == str(number)
            )
        ):
            try:
                p = json.loads(body)
                paper = issued_paper(kind, at, p if isinstance(p, dict) else {})
            except ValueError:
                paper = None
            if paper is not None:
                papers.append(paper)
        differs = claim_differs(claim, case.subject_code, papers)
        if differs:
            return {**out, "valid": False, "reason": "content_mismatch", "differs": differs}
    return {**out, "valid": True}


def _day_of(stamp: str) -> date:
    """The hub's local day of a stored UTC instant (the windows it serves share its zone)."""
    when = datetime.fromisoformat(stamp)
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone().date()
