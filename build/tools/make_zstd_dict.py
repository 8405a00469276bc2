"""Train the shared zstd dictionary of sync pushes (sync/dict/<protocol.DICT_NAME>.zdict).

Usage (from the repository root)::

    .venv/bin/python build/tools/make_zstd_dict.py [--cases 6000] [--seed 9] [--size 32768]
        [--measure 16384,32768,65536] [--check] [--name events-v2]

The samples are wire events made by the real decision code: ``yichuang demo seed`` into a
temporary data dir, then the outbox's ``next_batch`` (what a window pushes). The seed must
differ from the benchmark's (101, 202, 303) so the figures are not measured on the training
set. ``--measure`` trains each size and prints what it gives on 1,000-event batches of
another seed, against zstd-19 without a dictionary. ``--check`` verifies that the shipped
dictionary's id (in sync/dict/<name>.json) is its content hash, as sync/protocol.py expects.
A new dictionary gets a new name (events-v2 after events-v1): sync/protocol.py sends the one
named DICT_NAME and still decodes those in OLDER_DICTS, so windows not yet upgraded keep working.

The demo data depends on today's date and random event ids, so a new run gives a dictionary
of the same effect, not the same bytes; its id changes with it (and hubs must learn it before
windows send it: ship both together, as a new protocol dictionary version).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # a tool script, run from a checkout
    sys.path.insert(0, str(ROOT))

import zstandard  # noqa: E402

NAME = "events-v2"  # the default: sync.protocol.DICT_NAME
OUT = ROOT / "sync" / "dict"
LEVEL = 19
BENCH_SEEDS = (101, 202, 303)


def wire_events(cases: int, seed: int, tmp: Path) -> list[bytes]:
    """The wire events (JSON, one per event) a window seeded with ``seed`` would push."""
    from app.services.sync import outbox
    from app.services.workstation import open_workstation
    from sync import protocol

    data = tmp / f"ws{seed}"
    subprocess.run(
        [sys.executable, "-m", "app", "demo", "seed", "--cases", str(cases), "--seed", str(seed)]
        + ["--days", "30", "--data-dir", str(data)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    ws = open_workstation(data)
    try:
        events = outbox.next_batch(ws.store, max_events=10**9, max_bytes=1 << 62)
    finally:
        ws.close()
    return [protocol.dumps(e) for e in events]


def train(samples: list[bytes], size: int) -> bytes:
    # fixed k/d and one thread: the same samples give the same dictionary
    d = zstandard.train_dictionary(size, samples, k=1024, d=8, level=LEVEL, threads=1)
    return d.as_bytes()


def dict_id(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()[:16]


def batches(events: list[bytes], per: int = 1000) -> list[bytes]:
    """Bodies as the client sends them: a JSON list of events (the envelope is a few bytes)."""
    return [b"[" + b",".join(events[i : i + per]) + b"]" for i in range(0, len(events), per)]


def measure(train_events: list[bytes], test_events: list[bytes], sizes: list[int]) -> None:
    bodies = batches(test_events)
    whole = len(zstandard.ZstdCompressor(level=LEVEL).compress(b"[" + b",".join(test_events) + b"]"))
    plain = sum(len(zstandard.ZstdCompressor(level=LEVEL).compress(b)) for b in bodies)
    print(f"{len(test_events)} test events in {len(bodies)} batches; zstd-19 as one stream: {whole} B")
    print(f"  no dictionary: {plain} B = {plain / whole:.3f}x")
    for size in sizes:
        zd = zstandard.ZstdCompressionDict(train(train_events, size))
        c = zstandard.ZstdCompressor(level=LEVEL, dict_data=zd)
        total = sum(len(c.compress(b)) for b in bodies)
        print(f"  {size // 1024} KiB dictionary: {total} B = {total / whole:.3f}x")


def check() -> int:
    meta = json.loads((OUT / f"{NAME}.json").read_text("utf-8"))
    content = (OUT / f"{NAME}.zdict").read_bytes()
    if meta.get("id") != dict_id(content) or meta.get("sha256") != hashlib.sha256(content).hexdigest():
        print(f"{NAME}: id {meta.get('id')} does not match the content ({dict_id(content)})")
        return 1
    print(f"{NAME}: {len(content)} bytes, id {meta['id']}")
    return 0


def main(argv: list[str] | None = None) -> int:
    global NAME
    p = argparse.ArgumentParser()
    p.add_argument("--cases", type=int, default=6000)
    p.add_argument("--seed", type=int, default=9)
    p.add_argument("--size", type=int, default=64 * 1024)
    p.add_argument("--measure", default="", help="comma-separated sizes to compare (nothing written)")
    p.add_argument("--test-seed", type=int, default=202)
    p.add_argument("--check", action="store_true")
    p.add_argument("--name", default=NAME, help="the dictionary's name (a new one for new content)")
    args = p.parse_args(argv)
    NAME = args.name
    if args.check:
        return check()
    if args.seed in BENCH_SEEDS:
        p.error(f"seed {args.seed} is one of the benchmark's: train on another")
    with tempfile.TemporaryDirectory(prefix="yc-zdict-") as tmp:
        samples = wire_events(args.cases, args.seed, Path(tmp))
        if args.measure:
            test = wire_events(1000, args.test_seed, Path(tmp))
            measure(samples, test, [int(s) for s in args.measure.split(",")])
            return 0
    content = train(samples, args.size)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{NAME}.zdict").write_bytes(content)
    meta = {
        "name": NAME,
        "id": dict_id(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "size": len(content),
        "level": LEVEL,
        "trained_on": f"{len(samples)} wire events of `yichuang demo seed --cases {args.cases} --seed {args.seed}`",
    }
    (OUT / f"{NAME}.json").write_text(json.dumps(meta, indent=2) + "\n", "utf-8")
    print(f"wrote {OUT / NAME}.zdict: {len(content)} bytes, id {meta['id']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
