"""Issue 16 §3: receipts cannot be forged (real hub processes on SQLite and PostgreSQL, the real
`yichuang hub` CLI, receipts printed to a real TCP printer and read back from its bytes).

The attack of the issue: with a window's token, an attacker sent their own SM2 key with a push
(the hub kept the first one a token sent) and `GET /api/v1/receipts/verify` then called their
receipt for a case that does not exist `valid`. Keys now come from the hub's admin only; the
answer names what the signature covers; a case the hub does not know is `unknown_case`; the
signature covers the document, matter, applicant and dates, so a real QR code moved onto
another receipt is refused at the hub and at the window's scan.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlsplit

import pytest

from app.services.handover import recognise_scan
from app.services.printing import PrintSpool
from printing.signing import Claim, Signer, Sm2Signer, receipt_payload
from tests.hubs import OFFICE, WSID, make_workstation, ycli
from tests.printing.listener import PrinterListener
from tests.printing.paper import read_paper
from tests.services.test_print_spool import accept, use_printer
from tests.sync.helpers import get, number, push

pytestmark = pytest.mark.slow  # real hub processes


def verdict(hub, token: str, payload: str) -> dict:
    r = get(hub.url, token, "/api/v1/receipts/verify", qr=payload)
    assert r.status_code == 200, r.text
    return r.json()


def add_token(hub, *keys: str, ws: str = WSID) -> str:
    """`yichuang hub add-token` as the hub's admin runs it; the token is the last line."""
    args = ["hub", "add-token", "--data-dir", str(hub.data_dir), "--role", "workstation"]
    args += ["--office", OFFICE, "--workstation", ws]
    for k in keys:
        args += ["--public-key", k]
    if hub.db_url:
        args += ["--db", hub.db_url]
    return ycli(*args).stdout.strip().splitlines()[-1]


def with_fields(payload: str, **changes: str) -> str:
    """The payload with some query fields replaced (same order, as a forger would rebuild it)."""
    base, _, query = payload.partition("?")
    fields = parse_qsl(query, keep_blank_values=True)
    fields = [(k, changes.get(k, v)) for k, v in fields]
    return base + "?" + "&".join(f"{k}={quote(v, safe='-._~*')}" for k, v in fields)


def print_receipt(ws, name: str, bundle: str) -> tuple[str, str]:
    """(case number, QR payload) of a 受理回执 printed to a real TCP listener."""
    with PrinterListener("accept") as printer:
        use_printer(ws, printer.url)
        decision = accept(ws, name=name, bundle=bundle)
        [result] = PrintSpool(ws).send_due()
        assert result.ok
        [data] = printer.wait_jobs(1)
    [payload] = read_paper(data).qr
    return decision.case.number, payload


def later(yyyymmdd: str, days: int) -> str:
    d = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:]))
    return (d + timedelta(days=days)).strftime("%Y%m%d")


def sync(data: Path) -> None:
    r = ycli("sync", "--once", "--data-dir", str(data), check=False)
    assert r.returncode == 0, r.stderr


def test_a_window_token_cannot_plant_a_receipt_key(tmp_path: Path, hub):
    """The issue's attack, on both key slots: a window's token pushes the attacker's SM2 and
    Ed25519 keys (the headers windows send); neither is trusted, so a receipt for a case that does not
    exist is not `valid`, and the real window's receipts still verify."""
    bo = hub.token("backoffice")
    real = Signer.generate()
    token = add_token(hub, real.public_key_b64())  # the window's Ed25519 key, bound by the admin
    bare = add_token(hub, ws="02")  # a window issued without a key (its slot is free)
    for tok in (token, bare):
        for sm2, ed in ((Sm2Signer.generate(), Signer.generate()), (Sm2Signer.generate(), Signer.generate())):
            r = push(
                hub.url,
                tok,
                [],
                headers={
                    "X-Yichuang-Qr-Key": f"sm2:{sm2.public_key_b64()}",
                    "X-Yichuang-Key": ed.public_key_b64(),
                },
            )
            assert r.status_code == 200, r.text
            ghost = number(7777, ws=WSID if tok == token else "02", day=date(2026, 11, 21))
            for signer in (sm2, ed):
                got = verdict(hub, bo, signer.payload(ghost))  # a receipt as windows printed them
                assert got["valid"] is False and got["reason"] == "unknown_key", got
                claim = Claim.of(
                    ghost, "receipt", "320724-SCJG-0001", "320724********1234", "王伟", date(2026, 11, 21)
                )
                got = verdict(hub, bo, receipt_payload(claim, "", signer))
                assert got["valid"] is False and got["reason"] == "unknown_key", got
    # the hub keeps what the admin bound: the window's own key, nothing of the attacker's
    st = hub.store()
    try:
        rows = {r["workstation"]: r for r in st.list_tokens()}
    finally:
        st.close()
    assert [(k["alg"], k["public_key"]) for k in rows[WSID]["keys"]] == [("ed25519", real.public_key_b64())]
    assert rows["02"]["keys"] == []
    # the real window's key signs; the case does not exist
    ghost = number(7777, day=date(2026, 11, 21))
    claim = Claim.of(ghost, "receipt", "320724-SCJG-0001", "320724********1234", "王伟", date(2026, 11, 21))
    assert verdict(hub, bo, receipt_payload(claim, "", real))["reason"] == "unknown_case"


def test_real_receipts_verify_naming_what_they_cover_and_a_moved_qr_is_refused(tmp_path: Path, hub):
    bo = hub.token("backoffice")
    data = tmp_path / "ws"
    ws = make_workstation(data, hub.url, "unset")
    token = add_token(hub, ws.signer.public_key_b64())  # bound when the token is made
    ws.config.set("hub.token", token)
    ws.config.save()
    a_number, a = print_receipt(ws, "张秀英", "开餐馆")
    b_number, b = print_receipt(ws, "李建国", "开便利店")
    assert len(a) < 300  # small enough for a 58 mm receipt (tests/unit/test_printing_signing.py)
    # the window's own scan: its receipts are genuine, a moved QR code is refused
    assert recognise_scan(ws, a).kind == "receipt"
    fa, fb = dict(parse_qsl(urlsplit(a).query)), dict(parse_qsl(urlsplit(b).query))
    unknown = verdict(hub, bo, a)
    assert unknown["valid"] is False and unknown["reason"] == "unknown_case"  # not synced yet
    sync(data)

    got = verdict(hub, bo, a)
    today = ws.now().date().isoformat()
    assert got["valid"] is True, got
    assert got["case"] == a_number and got["office"] == OFFICE and got["ws"] == WSID
    assert got["document"] == "receipt" and got["date"] == today and got["v"] == 2
    assert got["matter"] == fa["m"] and got["applicant_id"] == fa["i"]
    assert got["applicant_id"].startswith("320724") and "*" in got["applicant_id"]
    assert got["due"] and got["due"] >= today
    assert got["covers"] == ["case", "document", "matter", "applicant", "date", "due"]
    assert verdict(hub, bo, b)["valid"] is True

    # A's real QR code moved onto receipt B: B's applicant, matter, date with A's signature
    moved = [
        with_fields(a, i=fb["i"], h=fb["h"]),  # another applicant
        with_fields(a, m=fb["m"]),  # another matter
        with_fields(a, d=later(fa["d"], 3)),  # another date
        with_fields(a, e=later(fa["e"], 30)),  # a later promise
        with_fields(a, t="n"),  # passed off as another document
        with_fields(a, n=b_number),  # another case
        with_fields(a, i=fb["i"], h=fb["h"], m=fb["m"], d=fb["d"], e=fb["e"]),
    ]
    for forged in moved:
        assert forged != a
        got = verdict(hub, bo, forged)
        assert got["valid"] is False and got["reason"] in ("bad_signature", "bad_number"), (forged, got)
        scan = recognise_scan(ws, forged)
        assert scan is not None and scan.kind == "forged", forged
    # a receipt signed with the window's own key (a key thief) over another applicant than the
    # case's: the signature is good, the content is not what the window issued for that case
    fake = Claim.of(a_number, "receipt", fa["m"], fb["i"], "李建国", date.fromisoformat(today), due=None)
    forged = receipt_payload(fake, "", ws.qr_signer)
    got = verdict(hub, bo, forged)
    assert got["valid"] is False and got["reason"] == "content_mismatch" and "applicant" in got["differs"]
    scan = recognise_scan(ws, forged)
    assert scan.kind == "forged" and "申请人" in scan.reason
    # the notice a case never had
    fake = Claim.of(a_number, "notice", fa["m"], fa["i"], "张秀英", date.fromisoformat(today))
    got = verdict(hub, bo, receipt_payload(fake, "", ws.qr_signer))
    assert got["reason"] == "content_mismatch" and got["differs"] == ["document"]
    ws.close()


def test_an_sm2_window_verifies_once_its_key_is_registered_by_the_admin(tmp_path: Path, hub):
    bo = hub.token("backoffice")
    data = tmp_path / "ws"
    ws = make_workstation(data, hub.url, "unset")
    ws.config.set("audit.signature", "sm2")
    ws.config.save()
    token = add_token(hub, ws.signer.public_key_b64())
    ws.config.set("hub.token", token)
    ws.config.save()
    number_, payload = print_receipt(ws, "张秀英", "开餐馆")
    assert "&a=sm2&" in payload
    sync(data)  # sends its SM2 key in a header, as it always did: not trusted
    assert verdict(hub, bo, payload)["reason"] == "unknown_key"
    token_id = hashlib.sha256(token.encode()).hexdigest()[:16]
    args = ["hub", "set-key", token_id, "--public-key", ws.qr_signer.public_key_b64()]
    r = ycli(*args, "--data-dir", str(hub.data_dir), *(["--db", hub.db_url] if hub.db_url else []))
    assert token_id in r.stdout and ws.qr_signer.key_id() in r.stdout
    got = verdict(hub, bo, payload)
    assert got["valid"] is True and got["alg"] == "sm2" and got["case"] == number_
    assert got["date"] == ws.now().date().isoformat()
    ws.close()


def test_receipts_printed_before_version_2_still_verify_and_say_they_cover_the_number_only(
    tmp_path: Path, hub
):
    """Old receipts (QR version 1: the case number alone signed) stay verifiable where that is
    safe: signed by a key the admin bound, for a case the hub holds; the answer says the
    signature covers the number only, so the person checking compares the rest with the record."""
    bo = hub.token("backoffice")
    data = tmp_path / "ws"
    ws = make_workstation(data, hub.url, "unset")
    token = add_token(hub, ws.signer.public_key_b64())
    ws.config.set("hub.token", token)
    ws.config.save()
    number_, _payload = print_receipt(ws, "张秀英", "开餐馆")
    old = ws.signer.payload(number_)  # what this window printed before version 2
    ghost = ws.signer.payload(number(4444, day=ws.now().date()))
    ws.close()
    sync(data)
    got = verdict(hub, bo, old)
    assert got["valid"] is True and got["v"] == 1 and got["covers"] == ["case"]
    assert (
        got["date"] == date(2000 + int(number_[13:15]), int(number_[15:17]), int(number_[17:19])).isoformat()
    )
    assert got["matter_name"]  # the record's, to compare with the paper
    assert verdict(hub, bo, ghost)["reason"] == "unknown_case"
    assert verdict(hub, bo, Signer.generate().payload(number_))["reason"] == "unknown_key"
