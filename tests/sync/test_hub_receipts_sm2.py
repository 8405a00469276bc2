"""Receipts signed with SM2 (audit.signature = sm2): the QR code printed to a real TCP printer,
decoded from the bytes, verified by a real hub process against the key the hub's admin bound
(never one a push brought: issue 16 §3); forged and altered ones refused; Ed25519 receipts
still verify."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.services.printing import PrintSpool
from printing.signing import Signer, Sm2Signer, verify_payload
from tests.hubs import OFFICE, WSID, make_workstation, ycli
from tests.printing.listener import PrinterListener
from tests.printing.paper import read_paper
from tests.services.test_print_spool import accept, use_printer
from tests.sync.helpers import get

pytestmark = pytest.mark.slow  # real hub processes


def bind(hub, token: str, *keys: str) -> None:
    """The hub's admin binds the window's keys (what `yichuang hub set-key` does)."""
    import hashlib

    st = hub.store()
    try:
        st.set_keys(hashlib.sha256(token.encode()).hexdigest()[:16], list(keys))
    finally:
        st.close()


def verdict(hub, token: str, payload: str) -> dict:
    r = get(hub.url, token, "/api/v1/receipts/verify", qr=payload)
    assert r.status_code == 200, r.text
    return r.json()


def printed_receipt(ws) -> tuple[str, str]:
    """(case number, QR payload) of a 受理回执 printed to a real TCP listener."""
    with PrinterListener("accept") as printer:
        use_printer(ws, printer.url)
        decision = accept(ws)
        [result] = PrintSpool(ws).send_due()
        assert result.ok
        [data] = printer.wait_jobs(1)
    [payload] = read_paper(data).qr
    return decision.case.number, payload


def test_an_sm2_signed_receipt_is_verified_by_the_hub_and_a_forged_one_refused(tmp_path: Path, sqlite_hub):
    hub = sqlite_hub
    bo = hub.token("backoffice")
    data = tmp_path / "ws"
    ws = make_workstation(data, hub.url, hub.token("workstation", OFFICE, WSID))
    ws.config.set("audit.signature", "sm2")
    ws.config.save()
    ws.close()
    ws = make_workstation(data, hub.url, ws.config.get("hub.token"))
    number, payload = printed_receipt(ws)
    assert "&a=sm2&" in payload and ws.qr_signer.alg == "sm2"
    assert (data / "keys" / "workstation-sm2.key").stat().st_mode & 0o077 == 0
    assert verify_payload(payload, ws.qr_signer.public_key_b64())
    assert not verify_payload(payload, ws.signer.public_key_b64())  # not the Ed25519 key's
    ws.close()
    r = ycli("sync", "--once", "--data-dir", str(data), check=False)  # sends the key: not taken
    assert r.returncode == 0, r.stderr
    assert verdict(hub, bo, payload)["reason"] == "unknown_key"
    bind(hub, ws.config.get("hub.token"), ws.qr_signer.public_key_b64())

    ok = verdict(hub, bo, payload)
    assert {k: ok[k] for k in ("valid", "case", "office", "ws", "alg", "key", "v", "document")} == {
        "valid": True,
        "case": number,
        "office": OFFICE,
        "ws": WSID,
        "alg": "sm2",
        "key": ws.qr_signer.key_id(),
        "v": 2,
        "document": "receipt",
    }
    # the signature of another case's number does not carry over
    other = payload.replace(number, number[:-6] + "9999-" + number[-1])
    assert verdict(hub, bo, other)["valid"] is False
    ok = {k: v for k, v in ok.items() if k != "matter_name"}  # said of a known case only
    # one bit of the signature changed
    s = payload.rsplit("s=", 1)[1]
    flipped = payload[: -len(s)] + ("A" if s[0] != "A" else "B") + s[1:]
    assert {k: v for k, v in verdict(hub, bo, flipped).items()} | {"key": ""} == {
        **ok,
        "valid": False,
        "reason": "bad_signature",
        "key": "",
    }
    # a key the hub never registered for that window, even one claiming its key id
    forger = Sm2Signer.generate()
    forged = forger.payload(number)
    assert verdict(hub, bo, forged)["reason"] == "unknown_key"
    claimed = forged.replace(f"k={forger.key_id()}", f"k={ws.qr_signer.key_id()}")
    assert verdict(hub, bo, claimed)["reason"] == "bad_signature"
    # an Ed25519 signature passed off as SM2 under the window's SM2 key id
    ed = Signer.generate().payload(number).replace("?n=", "?a=sm2&n=")
    ed = ed.split("&k=")[0] + f"&k={ws.qr_signer.key_id()}&s=" + ed.rsplit("s=", 1)[1]
    assert verdict(hub, bo, ed)["valid"] is False


def test_ed25519_receipts_stay_the_default_and_verify_at_the_hub(tmp_path: Path, sqlite_hub):
    hub = sqlite_hub
    bo = hub.token("backoffice")
    data = tmp_path / "ws"
    ws = make_workstation(data, hub.url, hub.token("workstation", OFFICE, WSID))
    number, payload = printed_receipt(ws)
    assert "a=" not in payload and ws.qr_signer is ws.signer
    ws.close()
    assert ycli("sync", "--once", "--data-dir", str(data), check=False).returncode == 0
    bind(hub, ws.config.get("hub.token"), Signer.load(data / "keys" / "workstation.key").public_key_b64())
    got = verdict(hub, bo, payload)
    assert {k: got[k] for k in ("valid", "case", "office", "ws", "alg", "key")} == {
        "valid": True,
        "case": number,
        "office": OFFICE,
        "ws": WSID,
        "alg": "ed25519",
        "key": Signer.load(data / "keys" / "workstation.key").key_id(),
    }
    assert verdict(hub, bo, Signer.generate().payload(number))["reason"] == "unknown_key"
    # another office's back office may not ask
    assert (
        get(
            hub.url,
            hub.token("backoffice", office="320000999"),
            "/api/v1/receipts/verify",
            qr=payload,
        ).status_code
        == 403
    )
