"""Issue 11: bundles are verified against the workstation's registered key, and decompressed
with a cap (a real hub process; `yichuang hub import-bundle` as the operator runs it)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import zstandard
from sqlalchemy import select

from app.services.sync.bundle_export import export_bundle
from app.services.sync.cycle import run_cycle
from printing.signing import Signer
from sync import protocol
from sync.bundle import pack, signed_part
from sync.hub.store import token_t
from tests.hubs import OFFICE, ROOT, WSID, make_workstation, ycli
from tests.sync.helpers import case_events, number

pytestmark = pytest.mark.slow


def _make_bundle(path: Path, body: bytes, token_hash: str, signer: Signer, n_events: int = 0) -> Path:
    """A bundle as sync.bundle lays it out, signed with ``signer`` and an HMAC keyed by ``token_hash``."""
    header = {
        "v": 1,
        "office": OFFICE,
        "ws": WSID,
        "events": n_events,
        "attachments": 0,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "body_sha256": hashlib.sha256(body).hexdigest(),
        "token_id": token_hash[:16],
        "public_key": signer.public_key_b64(),
    }
    signed = signed_part(header, body)
    header["hmac"] = hmac.new(bytes.fromhex(token_hash), signed, hashlib.sha256).hexdigest()
    header["signature"] = base64.b64encode(signer._key.sign(signed)).decode("ascii")
    path.write_bytes(pack(header, body))
    return path


def _import(hub, path: Path, check: bool = False):
    return ycli("hub", "import-bundle", str(path), "--data-dir", str(hub.data_dir), check=check)


def test_a_copy_of_the_token_table_cannot_forge_a_bundle(tmp_path, sqlite_hub):
    hub = sqlite_hub
    token = hub.token("workstation", OFFICE, WSID)
    ws = make_workstation(tmp_path / "ws", hub.url, token, cases=2)
    assert run_cycle(ws).ok  # the push brings the window's key: never taken (issue 16 §3)
    st = hub.store()
    [row] = st.list_tokens()
    assert row["public_key"] == "" and row["keys"] == []
    st.set_keys(row["id"], [ws.signer.public_key_b64()])  # the hub's admin binds it
    [row] = st.list_tokens()
    assert row["public_key"] == ws.signer.public_key_b64()
    # what a thief of the hub's database holds: the token's hash, not the token
    with st.ro() as c:
        stolen = c.execute(select(token_t.c.hash)).scalar_one()
    before = st.counts()
    st.close()
    events = case_events(number(9))
    body = zstandard.ZstdCompressor().compress(protocol.dumps({"events": events, "attachments": []}))
    forged = _make_bundle(tmp_path / "forged.ycb", body, stolen, Signer.generate(), len(events))
    r = _import(hub, forged)
    assert r.returncode == 1 and "公钥" in r.stderr, r.stderr
    st = hub.store()
    assert st.counts() == before
    st.close()
    # the window's own bundle goes in
    from app.services.demo import seed_cases

    seed_cases(ws, 2, seed=9, days=1)
    export_bundle(ws, tmp_path / "real.ycb")
    r = _import(hub, tmp_path / "real.ycb", check=True)
    assert "应用 4 条" in r.stdout, r.stdout
    ws.close()


def test_a_key_given_with_the_token_verifies_bundles_without_a_push(tmp_path, sqlite_hub):
    hub = sqlite_hub
    signer = Signer.generate()
    r = ycli(
        "hub",
        "add-token",
        "--data-dir",
        str(hub.data_dir),
        "--role",
        "workstation",
        "--office",
        OFFICE,
        "--workstation",
        WSID,
        "--public-key",
        signer.public_key_b64(),
    )
    token = r.stdout.strip().splitlines()[-1]
    events = case_events(number(1))
    body = zstandard.ZstdCompressor().compress(protocol.dumps({"events": events, "attachments": []}))
    th = hashlib.sha256(token.encode()).hexdigest()
    assert _import(hub, _make_bundle(tmp_path / "b.ycb", body, th, Signer.generate(), 2)).returncode == 1
    r = _import(hub, _make_bundle(tmp_path / "a.ycb", body, th, signer, 2), check=True)
    assert "应用 2 条" in r.stdout


_PEAK = """
import resource, subprocess, sys
r = subprocess.run(sys.argv[1:], capture_output=True, text=True)
sys.stdout.write(r.stderr)
print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)
"""


def _import_peak(hub, path: Path) -> tuple[int, int, str]:
    """(exit code, peak resident MB, stderr) of `yichuang hub import-bundle` in a fresh process."""
    cmd = [sys.executable, "-m", "app", "hub", "import-bundle", str(path), "--data-dir", str(hub.data_dir)]
    out = subprocess.run(
        [sys.executable, "-c", _PEAK, *cmd], cwd=ROOT, capture_output=True, text=True, timeout=600
    ).stdout
    *err, last = out.strip().splitlines()
    code, peak = (int(x) for x in last.split())
    return code, peak, "\n".join(err)


def test_a_bomb_bundle_is_refused_with_memory_flat(tmp_path, sqlite_hub):
    hub = sqlite_hub
    signer = Signer.generate()
    st = hub.store()
    token = st.add_token("workstation", OFFICE, WSID, public_key=signer.public_key_b64())
    st.close()
    th = hashlib.sha256(token.encode()).hexdigest()
    events = case_events(number(1))
    small = zstandard.ZstdCompressor().compress(protocol.dumps({"events": events, "attachments": []}))
    code, base_peak, err = _import_peak(hub, _make_bundle(tmp_path / "ok.ycb", small, th, signer, 2))
    assert code == 0, err
    # tens of KB on the stick, 600 MiB once decompressed: a signed bundle, so only the cap stops it
    filler = json.dumps({"events": [], "attachments": [], "pad": ""}).encode()[:-2]
    cobj = zstandard.ZstdCompressor(level=19).compressobj()
    bomb = cobj.compress(filler) + cobj.compress(b" " * (600 << 20)) + cobj.compress(b'"}') + cobj.flush()
    assert len(bomb) < 256 * 1024
    code, peak, err = _import_peak(hub, _make_bundle(tmp_path / "bomb.ycb", bomb, th, signer))
    assert code == 1 and "数据包被拒绝" in err, err
    assert peak - base_peak < 100, (base_peak, peak)
