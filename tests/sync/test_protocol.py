"""Wire format, limits, catalogue deltas and bundles (no network)."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync import docdelta, protocol


def test_compressed_round_trip_and_limits():
    doc = {"v": 1, "batch": "b", "events": []}
    assert protocol.decode_body(protocol.compress(doc), "zstd") == doc
    assert protocol.decode_body(protocol.dumps(doc), None) == doc
    with pytest.raises(protocol.ProtocolError) as e:
        protocol.decode_body(b"x" * (protocol.MAX_BODY + 1), "zstd")
    assert e.value.status == 413
    with pytest.raises(protocol.ProtocolError) as e:
        protocol.decode_body(b"{}", "gzip")
    assert e.value.status == 415
    with pytest.raises(protocol.ProtocolError):
        protocol.decode_body(b"\xff\xfe", None)


def _event(**kw):
    e = {
        "id": str(uuid.uuid4()),
        "case": "320724100-01-261120-0001-X",
        "kind": "case.created",
        "lc": 1,
        "p": {},
        "actor": "a",
        "office": "320724100",
        "ws": "01",
        "at": "2026-11-20T00:00:00+00:00",
    }
    e.update(kw)
    return e


@pytest.mark.parametrize(
    "bad",
    [{"id": "not-a-uuid"}, {"kind": "Bad Kind"}, {"lc": 0}, {"lc": True}, {"p": []}, {"case": ""}, {"at": 5}],
)
def test_a_bad_event_makes_the_whole_batch_malformed(bad):
    with pytest.raises(protocol.ProtocolError):
        protocol.parse_batch({"v": 1, "batch": "b", "events": [_event(), _event(**bad)]})


def test_batch_envelope_is_checked():
    for doc in ({"v": 2, "batch": "b", "events": []}, {"v": 1, "events": []}, {"v": 1, "batch": "b"}, []):
        with pytest.raises(protocol.ProtocolError):
            protocol.parse_batch(doc)


def _catalogue(matters: dict[str, str], version: str) -> dict:
    return {
        "format": "f",
        "version": version,
        "published": "2026-01-01",
        "region": "r",
        "matters": [{"code": c, "name": n} for c, n in matters.items()],
        "bundles": [],
    }


@settings(max_examples=100, deadline=None)
@given(
    st.dictionaries(st.sampled_from("ABCDEFGH"), st.sampled_from(["x", "y", "z"])),
    st.dictionaries(st.sampled_from("ABCDEFGH"), st.sampled_from(["x", "y", "z"])),
)
def test_delta_applied_to_the_old_version_gives_the_new_one(old, new):
    a, b = _catalogue(old, "1"), _catalogue(new, "2")
    delta = docdelta.make_delta(a, b)
    assert docdelta.apply_delta(a, delta) == b
    with pytest.raises(ValueError):
        docdelta.apply_delta(_catalogue(old, "0"), delta)


def test_full_document_when_the_old_version_is_unknown():
    b = _catalogue({"A": "x"}, "2")
    assert docdelta.apply_delta(None, docdelta.make_delta(None, b)) == b


def test_bundle_layout_damage_is_refused():
    from sync.bundle import BundleError, read_bundle

    for data in (b"", b"NOTABUNDLE", b"YCBUNDLE1\n" + b"\xff" * 8 + b"{}"):
        with pytest.raises(BundleError):
            read_bundle(data)


_RACE = r"""
import random, sys, threading
from sync import protocol
docs = [
    {"v": 1, "events": [{"i": i, "t": random.Random(k * 1000 + i).randbytes(300).hex()} for i in range(200)]}
    for k in range(8)
]
bad = []
start = threading.Barrier(8)

def work(k):
    start.wait()
    for _ in range(40):
        try:
            out = protocol.loads(protocol.decompress(protocol.compress(docs[k])))
        except Exception as exc:
            bad.append(repr(exc))
            return
        if out != docs[k]:
            bad.append("other content")
            return

threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("bad", len(bad), bad[:2])
sys.exit(1 if bad else 0)
"""


def test_compress_without_a_level_is_safe_from_several_threads_at_once():
    """A window compresses from its workers (a push of operator changes beside a sync cycle): a
    compressor shared between threads mixes their frames or fails; each thread must get its
    own. Real threads, in a child process (a shared compressor may also crash the process)."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for _ in range(3):
        r = subprocess.run(
            [sys.executable, "-c", _RACE], cwd=root, capture_output=True, text=True, timeout=120
        )
        assert r.returncode == 0, (r.returncode, r.stdout[-500:], r.stderr[-500:])
