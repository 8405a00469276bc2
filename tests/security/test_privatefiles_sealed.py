"""Issue 16 §5: on an encrypted store nothing personal leaves it in clear.

The attacks: a bundle on a USB stick, a copied backup and the printed documents in `prints/`
are read without any key. Every artefact made by a real `yichuang` process from an encrypted
store is searched for the applicant's name, ID number and phone (UTF-8, UTF-16, GB18030), in
its raw bytes and in everything readable without a key inside it (zstd frames decompressed,
base64 decoded, tar members); a backup also for the hub token and the private key. Bundles
are sealed to the hub's key and imported by a real hub process (SQLite and PostgreSQL); a
bundle sealed to another key is refused with a clear message; backups restore with the store's
key and are refused clearly without it; old plain bundles and backups still go in.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
from pathlib import Path

import pytest
import zstandard

from app.services.workstation import open_workstation
from sync import sealing
from sync.hub.store import hash_token
from tests.hubs import OFFICE, WSID
from tests.privacy.common import NAME, PERSON_ID, PHONE, accept_case, run

PASS = "正确的口令-correct horse"
ENC = {"YICHUANG_DB_PASSPHRASE": PASS}
KEYRING = {"PYTHON_KEYRING_BACKEND": "tests.privacy.file_keyring.FileKeyring"}
WORDS = (NAME, PERSON_ID, PHONE)
ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be", "gb18030")
_B64 = re.compile(rb"[A-Za-z0-9+/]{40,}={0,2}")


def readable_views(blob: bytes, depth: int = 0) -> list[bytes]:
    """`blob` and what anyone can read out of it without a key: every zstd frame decompressed,
    every long base64 run decoded (a bundle's scans), recursively."""
    views = [blob]
    if depth > 3:
        return views
    for m in re.finditer(re.escape(b"\x28\xb5\x2f\xfd"), blob):
        try:
            inner = zstandard.ZstdDecompressor().decompressobj().decompress(blob[m.start() :])
        except zstandard.ZstdError:
            continue
        if inner:
            views += readable_views(inner, depth + 1)
    for m in _B64.finditer(blob):
        try:
            inner = base64.b64decode(m.group(0), validate=True)
        except ValueError:
            continue
        views += readable_views(inner, depth + 1)
    return views


def personal_found(blob: bytes, extra: tuple[str, ...] = ()) -> list[str]:
    found = []
    for view in readable_views(blob):
        for word in WORDS + extra:
            for enc in ENCODINGS:
                if word.encode(enc) in view:
                    found.append(f"{word} ({enc})")
    return sorted(set(found))


def scan_with_personal_data(path: Path) -> Path:
    """A scan of the applicant's ID card: their name, ID and phone in the file in every encoding."""
    text = b"".join(w.encode(enc) + b"\n" for w in WORDS for enc in ENCODINGS)
    path.write_bytes(b"%PDF-1.4\n%" + text + b"\n%%EOF\n")
    return path


def setup_window(data: Path, hub, token: str, env: dict, monkeypatch) -> tuple[str, str]:
    """A window on an encrypted store (SQLCipher) with a case of the known applicant and a scan
    of their ID card; its key registered at the hub (it never synced). (number, public key)"""
    for key, value in (
        ("store.encrypted", "true"),
        ("office.code", OFFICE),
        ("workstation.id", WSID),
        ("hub.url", hub.url),
        ("hub.token", token),
    ):
        secret = key == "hub.token"  # a secret comes on standard input, never the command line
        assert (
            run(
                data, "config", "set", key, "-" if secret else value, env=env, stdin=value if secret else None
            ).returncode
            == 0
        )
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    ws = open_workstation(data)
    try:
        number = accept_case(ws).case.number
        from app.services.sync import actions

        actions.attach(ws, number, scan_with_personal_data(data.parent / "idcard.pdf"))
        public = ws.signer.public_key_b64()
    finally:
        ws.close()
    for k in env:
        monkeypatch.delenv(k)
    st = hub.store()
    try:
        st.set_keys(hash_token(token)[:16], [public])  # bound by the hub admin, as `hub set-key` does
    finally:
        st.close()
    return number, public


def hub_args(hub) -> list[str]:
    return ["--data-dir", str(hub.data_dir), *(["--db", hub.db_url] if hub.db_url else [])]


def hub_cli(hub, *args: str):
    from tests.hubs import ycli

    if args[0] == "bundle-key":  # the key file in the data dir, not the database
        return ycli("hub", *args, "--data-dir", str(hub.data_dir), check=False)
    return ycli("hub", *args, *hub_args(hub), check=False)


def test_encrypted_store_bundle_prints_backup_hold_nothing_personal_in_clear(tmp_path, hub, monkeypatch):
    data = tmp_path / "ws"
    token = hub.token("workstation", OFFICE, WSID)
    number, _ = setup_window(data, hub, token, ENC, monkeypatch)

    # 1. no hub key known yet: an encrypted store refuses to export (nothing written)
    bundle = tmp_path / "usb" / "out.ycb"
    bundle.parent.mkdir()
    r = run(data, "sync", "export-bundle", str(bundle), env=ENC)
    assert r.returncode == 1 and "yichuang sync hub-key" in r.stderr and "hub bundle-key" in r.stderr, (
        r.stderr
    )
    assert not bundle.exists()

    # 2. enrolment: the hub's key from `hub bundle-key`, set at the window
    r = hub_cli(hub, "bundle-key")
    assert r.returncode == 0, r.stderr
    hub_key = r.stdout.strip().splitlines()[-1]
    fingerprint = sealing.fingerprint(base64.b64decode(hub_key))
    assert fingerprint in r.stdout
    r = run(data, "sync", "hub-key", hub_key, env=ENC)
    assert r.returncode == 0 and fingerprint in r.stdout, r.stderr

    # 3. the bundle: sealed to the hub, nothing personal in it
    r = run(data, "sync", "export-bundle", str(bundle), env=ENC)
    assert r.returncode == 0 and fingerprint in r.stdout, r.stderr
    blob = bundle.read_bytes()
    assert personal_found(blob) == []

    # 4. printed documents: the default printer's prints/ keeps them sealed
    r = run(data, "print", "drain", env=ENC)
    assert r.returncode == 0, r.stderr
    papers = list((data / "prints").glob("*.bin"))
    assert papers
    for paper in papers:
        assert sealing.file_is_sealed(paper) and personal_found(paper.read_bytes()) == [], paper

    # 5. a backup: nothing personal, no hub token, no private key
    r = run(data, "backup", str(tmp_path / "copies"), env=ENC)
    assert r.returncode == 0, r.stderr
    [copy] = (tmp_path / "copies").glob("yichuang-*.tar.zst")
    raw = copy.read_bytes()
    assert personal_found(raw, extra=(token,)) == []
    assert all(b"PRIVATE KEY" not in view and b"case_record" not in view for view in readable_views(raw))

    # 6. the hub opens the bundle and applies it: the case and the scan arrive whole
    before = hub.store().counts()
    r = hub_cli(hub, "import-bundle", str(bundle))
    assert r.returncode == 0, r.stderr
    st = hub.store()
    try:
        detail = st.case_detail(number)
        assert detail is not None and detail["applicant"]["name"] == NAME
        assert st.counts()["cases"] == before["cases"] + 1
    finally:
        st.close()
    blobs = [p.read_bytes() for p in (hub.data_dir / "blobs").glob("*") if p.is_file()]
    assert any(NAME.encode("gb18030") in b for b in blobs)  # the scan, opened at the hub

    # 7. restore on a new PC: refused clearly without the key or with another, works with it
    new = tmp_path / "new-pc"
    r = run(new, "restore", str(copy), "--offline")
    assert r.returncode == 1 and "YICHUANG_DB_PASSPHRASE" in r.stderr and "未作任何改动" in r.stderr, r.stderr
    assert not (new / "yichuang.db").exists()
    r = run(new, "restore", str(copy), "--offline", env={"YICHUANG_DB_PASSPHRASE": "another passphrase"})
    assert r.returncode == 1 and "另一个数据库密钥或口令" in r.stderr, r.stderr
    assert not (new / "yichuang.db").exists()
    shutil.copytree(data / "prints", new / "prints")  # the paper tray came along: numbers from it
    r = run(new, "restore", str(copy), "--offline", env=ENC)
    assert r.returncode == 0 and "打印文件" in r.stdout, r.stdout + r.stderr
    r = run(new, "case", "show", number, "--json", env=ENC)
    assert r.returncode == 0 and NAME in r.stdout, r.stderr


def test_a_bundle_sealed_to_another_hub_key_is_refused_and_sync_teaches_the_right_one(
    tmp_path, sqlite_hub, monkeypatch
):
    hub = sqlite_hub
    data = tmp_path / "ws"
    token = hub.token("workstation", OFFICE, WSID)
    setup_window(data, hub, token, ENC, monkeypatch)
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    other = (
        X25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )
    other_fp = sealing.fingerprint(other)
    assert run(data, "sync", "hub-key", base64.b64encode(other).decode(), env=ENC).returncode == 0
    bundle = tmp_path / "wrong.ycb"
    assert run(data, "sync", "export-bundle", str(bundle), env=ENC).returncode == 0
    before = hub.store().counts()
    r = hub_cli(hub, "import-bundle", str(bundle))
    mine = hub_cli(hub, "bundle-key").stdout.strip().splitlines()[-1]
    mine_fp = sealing.fingerprint(base64.b64decode(mine))
    assert r.returncode == 1, r.stdout
    assert "另一个平台公钥" in r.stderr and other_fp in r.stderr and mine_fp in r.stderr, r.stderr
    assert "yichuang sync hub-key" in r.stderr and "未应用任何内容" in r.stderr
    assert hub.store().counts() == before

    # an online sync tells the window the hub's key (it differs from the one it holds)
    r = run(data, "sync", "--once", env=ENC)
    assert r.returncode == 0, r.stderr
    r = run(data, "sync", "hub-key", env=ENC)
    assert r.returncode == 0 and mine_fp in r.stdout and r.stdout.strip().splitlines()[-1] == mine, r.stdout


def test_a_plain_store_writes_the_old_plain_bundle_until_it_knows_the_key(tmp_path, sqlite_hub, monkeypatch):
    """A plain store: the bundle stays the v1 format older hubs read (with a warning) until the
    window knows the hub's key; then it is sealed too. The hub takes both."""
    hub = sqlite_hub
    data = tmp_path / "ws"
    token = hub.token("workstation", OFFICE, WSID)
    for key, value in (
        ("office.code", OFFICE),
        ("workstation.id", WSID),
        ("hub.url", hub.url),
        ("hub.token", token),
    ):
        secret = key == "hub.token"  # a secret comes on standard input, never the command line
        assert (
            run(
                data, "config", "set", key, "-" if secret else value, stdin=value if secret else None
            ).returncode
            == 0
        )
    ws = open_workstation(data)
    try:
        accept_case(ws)
        public = ws.signer.public_key_b64()
    finally:
        ws.close()
    st = hub.store()
    st.set_keys(hash_token(token)[:16], [public])  # bound by the hub admin, as `hub set-key` does
    st.close()
    plain = tmp_path / "plain.ycb"
    r = run(data, "sync", "export-bundle", str(plain))
    assert r.returncode == 0 and "未加密" in r.stderr, r.stderr
    assert personal_found(plain.read_bytes()) != []  # the grep sees a name when it is there
    from sync.bundle import read_bundle

    assert read_bundle(plain.read_bytes())[0]["v"] == 1
    r = hub_cli(hub, "import-bundle", str(plain))
    assert r.returncode == 0 and "应用 " in r.stdout, r.stderr

    key = hub_cli(hub, "bundle-key").stdout.strip().splitlines()[-1]
    assert run(data, "sync", "hub-key", key).returncode == 0
    ws = open_workstation(data)
    try:
        accept_case(ws, name="司马相如", id_number=PERSON_ID, phone=PHONE)
    finally:
        ws.close()
    sealed = tmp_path / "sealed.ycb"
    assert run(data, "sync", "export-bundle", str(sealed)).returncode == 0
    assert read_bundle(sealed.read_bytes())[0]["v"] == 2 and personal_found(sealed.read_bytes()) == []
    r = hub_cli(hub, "import-bundle", str(sealed))
    assert r.returncode == 0, r.stderr


def test_db_encrypt_seals_old_prints_and_doctor_names_plain_copies_left(tmp_path):
    """A keyring key (raw): `db encrypt` seals the documents printed before; doctor names the
    plain backup made before; a new backup is sealed and restores on this PC (its keyring)."""
    data = tmp_path / "ws"
    ring = {**KEYRING, "YICHUANG_TEST_KEYRING": str(tmp_path / "keyring.json")}
    ws = open_workstation(data)
    try:
        number = accept_case(ws).case.number
    finally:
        ws.close()
    assert run(data, "print", "drain").returncode == 0
    [paper] = (data / "prints").glob("*.bin")
    assert personal_found(paper.read_bytes()) != []  # a receipt names the applicant
    assert run(data, "backup").returncode == 0
    [old] = (data / "backups").glob("yichuang-*.tar.zst")
    assert personal_found(old.read_bytes()) != []
    r = run(data, "db", "encrypt", env=ring)
    assert r.returncode == 0, r.stderr
    assert sealing.file_is_sealed(paper) and personal_found(paper.read_bytes()) == []
    doc = json.loads(run(data, "doctor", "--json", env=ring).stdout)
    [plain] = [f for f in doc["findings"] if f["key"] == "files.plain"]
    assert plain["level"] == "warning" and plain["data"]["paths"] == [str(old)] and "删除" in plain["advice"]
    old.unlink()
    r = run(data, "backup", env=ring)
    assert r.returncode == 0, r.stderr
    [copy] = (data / "backups").glob("yichuang-*.tar.zst")
    assert personal_found(copy.read_bytes()) == []
    with open(copy, "rb") as fh:
        assert sealing.read_header(fh)["kdf"] == "hkdf-sha256"  # the keyring's raw key: no scrypt
    doc = json.loads(run(data, "doctor", "--json", env=ring).stdout)
    assert not [f for f in doc["findings"] if f["key"] == "files.plain"]
    r = run(data, "restore", str(copy), "--offline", env=ring)
    assert r.returncode == 0, r.stderr
    r = run(data, "case", "show", number, "--json", env=ring)
    assert r.returncode == 0 and NAME in r.stdout, r.stderr


@pytest.mark.parametrize("cut", ["last_chunk", "flipped_byte"])
def test_an_altered_sealed_backup_is_refused_and_nothing_changes(tmp_path, cut, monkeypatch):
    data = tmp_path / "ws"
    assert run(data, "config", "set", "store.encrypted", "true", env=ENC).returncode == 0
    monkeypatch.setenv("YICHUANG_DB_PASSPHRASE", PASS)
    ws = open_workstation(data)
    try:
        accept_case(ws)
    finally:
        ws.close()
    assert run(data, "backup", str(tmp_path / "copies"), env=ENC).returncode == 0
    [copy] = (tmp_path / "copies").glob("*.tar.zst")
    raw = bytearray(copy.read_bytes())
    if cut == "last_chunk":
        raw = raw[:-20]
    else:
        raw[len(raw) // 2] ^= 0x40
    copy.write_bytes(bytes(raw))
    before = (data / "yichuang.db").read_bytes()
    r = run(data, "restore", str(copy), "--offline", env=ENC)
    assert r.returncode == 1 and "已损坏或不完整" in r.stderr, r.stderr
    assert (data / "yichuang.db").read_bytes() == before
