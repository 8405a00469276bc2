"""Issue 18 (losing work): restoring a backup taken before the workstation's key existed keeps
the key the workstation has now. The hub's admin bound that key; moving it away made the
window sign with a new one, and the hub refused its next bundle (a real hub on 127.0.0.1, the
CLI as child processes)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.services.backup import public_key_of
from app.services.demo import seed_cases
from app.services.workstation import open_workstation
from tests.hubs import OFFICE, WSID, make_workstation, ycli

pytestmark = pytest.mark.slow


def test_a_copy_older_than_the_key_leaves_the_key_in_place(tmp_path: Path, sqlite_hub) -> None:
    hub = sqlite_hub
    token = hub.token("workstation", OFFICE, WSID)
    data = tmp_path / "ws"
    ws = make_workstation(data, hub.url, token)
    seed_cases(ws, 2, seed=5, days=1)
    ws.close()
    assert not (data / "keys" / "workstation.key").exists()
    ycli("--data-dir", str(data), "backup", str(tmp_path / "out"))  # before the key existed
    (file,) = (tmp_path / "out").glob("*.tar.zst")

    # the window's key is made, and the hub's admin binds it to the window's token
    doc = json.loads(ycli("--data-dir", str(data), "keys", "--json").stdout)
    [ed25519] = [k["public_key"] for k in doc["keys"] if k["alg"] == "ed25519"]
    ycli("hub", "set-key", doc["token_id"], "--public-key", ed25519, "--data-dir", str(hub.data_dir))
    ycli("--data-dir", str(data), "sync", "--once", "--quiet")

    r = ycli("--data-dir", str(data), "restore", str(file))
    assert "已恢复" in r.stdout and "已保留本机的密钥" in r.stdout, r.stdout
    assert public_key_of(data) == ed25519  # the key the hub knows is still the window's
    (aside,) = data.glob("replaced-*")
    assert public_key_of(aside) == ed25519  # and the replaced data keeps its copy, as before

    # the next bundle is the window's, signed with the bound key: the hub takes it
    ws = open_workstation(data)
    seed_cases(ws, 1, seed=6, days=1)
    ws.close()
    bundle = tmp_path / "next.ycb"
    ycli("--data-dir", str(data), "sync", "export-bundle", str(bundle))
    r = ycli("hub", "import-bundle", str(bundle), "--data-dir", str(hub.data_dir), check=False)
    assert r.returncode == 0, r.stderr
    assert "应用" in r.stdout, r.stdout
    ycli("--data-dir", str(data), "sync", "--once", "--quiet")  # and the next push


def test_a_copy_with_its_own_key_brings_that_key(tmp_path: Path) -> None:
    """A copy that holds the key (the usual case, a new PC) restores it: only a missing key is kept."""
    data = tmp_path / "ws"
    ws = open_workstation(data)
    seed_cases(ws, 1, seed=4, days=1)
    ws.close()
    ycli("--data-dir", str(data), "keys")  # the key exists before the copy
    key = public_key_of(data)
    ycli("--data-dir", str(data), "backup", str(tmp_path / "out"))
    (file,) = (tmp_path / "out").glob("*.tar.zst")
    pc = tmp_path / "newpc"
    ycli("--data-dir", str(pc), "restore", str(file), "--offline")
    assert public_key_of(pc) == key
