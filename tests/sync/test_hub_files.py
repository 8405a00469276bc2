"""Issue 11: scans are read only by their office, and a bogus upload slot never blocks the owner.

Real hub processes (SQLite and PostgreSQL), tus 1.0 calls by hand.
"""

from __future__ import annotations

import base64
import hashlib
import os

import httpx
import pytest

pytestmark = pytest.mark.slow


def _meta(**kv: str) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in kv.items())


def _create(hub, token: str, sha: str, length: int) -> httpx.Response:
    return httpx.post(
        hub.url + "/api/v1/files",
        headers={
            "Authorization": f"Bearer {token}",
            "Tus-Resumable": "1.0.0",
            "Upload-Length": str(length),
            "Upload-Metadata": _meta(sha256=sha, case="320724100-01-261120-0001-X"),
        },
        timeout=30,
    )


def _patch(hub, token: str, sha: str, offset: int, data: bytes) -> httpx.Response:
    return httpx.patch(
        f"{hub.url}/api/v1/files/{sha}",
        content=data,
        headers={
            "Authorization": f"Bearer {token}",
            "Tus-Resumable": "1.0.0",
            "Upload-Offset": str(offset),
            "Content-Type": "application/offset+octet-stream",
        },
        timeout=30,
    )


def _get(hub, token: str, sha: str, method: str = "GET") -> httpx.Response:
    return httpx.request(
        method, f"{hub.url}/api/v1/files/{sha}", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )


def _upload(hub, token: str, data: bytes) -> str:
    sha = hashlib.sha256(data).hexdigest()
    r = _create(hub, token, sha, len(data))
    assert r.status_code == 201, r.text
    r = _patch(hub, token, sha, int(r.headers["Upload-Offset"]), data)
    assert r.status_code == 204 and r.headers["Upload-Offset"] == str(len(data)), r.text
    return sha


def test_an_office_cannot_read_another_offices_scans(hub):
    a = hub.token("workstation", "320724100", "01")
    b = hub.token("workstation", "320724101", "01")
    bo_a = hub.token("backoffice", "320724100", name="甲镇")
    bo_b = hub.token("backoffice", "320724101", name="乙镇")
    scan = os.urandom(100_000)
    sha = _upload(hub, a, scan)
    assert _get(hub, a, sha).content == scan
    assert _get(hub, bo_a, sha).content == scan
    for other in (b, bo_b):
        assert _get(hub, other, sha).status_code == 404
        assert _get(hub, other, sha, "HEAD").status_code == 404
    # knowing the sha256 is not enough: creating a slot and reading gives office B nothing
    assert _create(hub, b, sha, len(scan)).status_code == 201
    assert _get(hub, b, sha).status_code == 404


def test_a_bogus_slot_does_not_block_the_owners_upload(hub):
    a1 = hub.token("workstation", "320724100", "01")
    a2 = hub.token("workstation", "320724100", "02")
    b = hub.token("workstation", "320724101", "01")
    scan = os.urandom(70_000)
    sha = hashlib.sha256(scan).hexdigest()
    # another office, then a sibling window, announce this sha256 with a wrong length
    assert _create(hub, b, sha, 5).status_code == 201
    assert _create(hub, a2, sha, 5).status_code == 201
    assert _patch(hub, a2, sha, 0, b"12345").status_code == 460  # its bytes do not match
    assert _create(hub, a2, sha, 5).status_code == 201
    # the owner's upload wins
    assert _upload(hub, a1, scan) == sha
    assert _get(hub, a1, sha).content == scan
    head = _get(hub, a1, sha, "HEAD")
    assert head.headers["Upload-Offset"] == head.headers["Upload-Length"] == str(len(scan))
    # a complete upload keeps its length: its sha256 proved it
    assert _create(hub, a2, sha, 5).status_code == 409
