"""The pull's read cache (sync.hub.read_cache): what it keeps is dropped at the next pull after
a change, made through the same store (one process) or through another store on the same
database (another process: the CLI, a second hub process). Real SQLite file and PostgreSQL."""

from __future__ import annotations

import pytest

from sync.hub.pull import read_page
from sync.hub.store import open_hub

pytestmark = pytest.mark.slow


@pytest.fixture
def stores(tmp_path, hub_db):
    a = open_hub(tmp_path / "hub", hub_db)
    b = open_hub(tmp_path / "hub", hub_db)  # as another process would: its own cache and pool
    yield a, b
    a.close()
    b.close()


def _page(store, token: str):
    return read_page(store, token, ("workstation", "hub"), 0, 10)


@pytest.mark.parametrize("through", ["same", "other"])
def test_a_revoked_token_is_refused_at_the_next_pull(stores, through):
    a, b = stores
    token = a.add_token("workstation", "320724100", "01")
    for _ in range(3):
        assert _page(a, token).who is not None
    assert a.cache.hits >= 2  # the identity came from the cache
    writer = a if through == "same" else b
    [row] = [t for t in writer.list_tokens() if t["workstation"] == "01"]
    writer.revoke_token(row["id"])
    assert _page(a, token).refused == "revoked"


@pytest.mark.parametrize("through", ["same", "other"])
def test_a_published_catalogue_is_named_at_the_next_pull(stores, through):
    a, b = stores
    token = a.add_token("workstation", "320724100", "01")
    before = _page(a, token).cat
    assert _page(a, token).cat == before
    writer = a if through == "same" else b
    doc = writer.current_document("catalogue")[1]
    writer.publish_document("catalogue", {**doc, "version": before + ".9"})
    assert _page(a, token).cat == before + ".9"


def test_keys_bound_to_a_token_are_seen_at_the_next_pull(stores):
    import base64

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    a, b = stores
    token = a.add_token("workstation", "320724100", "01")
    assert _page(a, token).who.public_key == ""
    raw = (
        Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )
    key = base64.b64encode(raw).decode()
    [row] = [t for t in b.list_tokens() if t["workstation"] == "01"]
    b.set_keys(row["id"], [key])  # the hub's admin, through another process
    assert _page(a, token).who.public_key == key
