"""The back office console with a province's cases at the hub on PostgreSQL (issue 20 §4): the
queue page, the case page and the queue's search, p50/p95 server time, at N cases seeded with
COPY (not through pushes). Figures, not a timed test.

    .venv/bin/python -m tests.bench.bench_console_scale [--cases 200000] [--template 2000] [--requests 200] [--db URL]

A template of ``--template`` cases is made as bench_console makes its cases (at the windows of 4
offices, pushed through ``HubStore.push``, part decided by the back office); its rows in
hub_case, hub_queue and hub_event are then copied with PostgreSQL ``COPY`` under other offices'
case numbers (office 320724000..999, windows 01..) until there are ``--cases`` cases, so each
copy keeps the template's states, queue stages, events and applicants. The timings are then
bench_console's (through the hub's ASGI app, logged in as a console user). The target is
10,000,000 cases with p95 <= 100 ms; the default is modest for a shared machine.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

_ALNUM36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _state(state: int, text: str) -> int:
    """ISO 7064 mod 37,36's running value after ``text`` (stdnum's checksum, resumable)."""
    for ch in text:
        state = (((state or 36) * 2) % 37 + _ALNUM36.index(ch)) % 36
    return state


def _check(state: int) -> str:
    return _ALNUM36[(1 - ((state or 36) * 2) % 37) % 36]


_RIC_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))  # ISO 7064 MOD 11-2
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # GB 32100


def _areas() -> list[str]:
    """The 6-digit county codes stdnum knows (its cn/loc table), for the copies' ID numbers."""
    from stdnum import numdb

    def walk(prefixes, pre=""):
        for _n, lo, hi, props, children in prefixes:
            for v in range(int(lo), int(hi) + 1):
                code = pre + str(v).zfill(len(lo))
                if len(code) == 6 and "county" in props and not code.endswith("00"):
                    yield code
                yield from walk(children, code)

    return sorted(set(walk(numdb.get("cn/loc").prefixes)))


def _id_rest(number: str) -> tuple[str, int] | None:
    """(kind, weighted sum of the characters but the area code's) of a resident ID ("p") or a
    credit code ("e") with a right check character; None for anything else (kept as it is)."""
    from app.domain.identifiers import USCC_ALPHABET, ric_check_char, uscc_check_char

    if re.fullmatch(r"[0-9]{17}[0-9X]", number) and ric_check_char(number[:17]) == number[17]:
        return "p", sum(int(ch) * w for i, (ch, w) in enumerate(zip(number[:17], _RIC_WEIGHTS)) if i >= 6)
    if (
        len(number) == 18
        and all(ch in USCC_ALPHABET for ch in number)
        and number[2:8].isdigit()
        and uscc_check_char(number[:17]) == number[17]
    ):
        return "e", sum(
            USCC_ALPHABET.index(ch) * w
            for i, (ch, w) in enumerate(zip(number[:17], _USCC_WEIGHTS))
            if not 2 <= i < 8
        )
    return None


def _area_sums(area: str) -> tuple[int, int]:
    """The area code's share of a resident ID's and of a credit code's weighted sums."""
    return (
        sum(int(ch) * w for ch, w in zip(area, _RIC_WEIGHTS[:6])),
        sum(int(ch) * w for ch, w in zip(area, _USCC_WEIGHTS[2:8])),
    )


def _indexes(cur, tables: tuple[str, ...]) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the tables' indexes that are no constraint's."""
    cur.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
        (list(tables),),
    )
    return list(cur.fetchall())


def _copy_rows(store, replicas: int, events_every: int = 1) -> dict:
    """Copies 1..replicas of the template (replica 0) under new case numbers, in the database:
    the rows are made by ``INSERT ... SELECT`` from the template joined to a small table of the
    copies' offices (nothing goes through Python row by row), the indexes that are no constraint
    are dropped for the load and made again after it, as a bulk load is done. Copy r of the
    template office i is office 320724(k % 1000), window k // 1000 + 2 (k = 4r + i); each copy
    keeps the template's days, sequences, states, queue stages and applicants' names, and its
    case numbers carry their right check character (computed per window and template number in
    Python: 36 running values x the template's numbers). Each copy's applicants have ID numbers
    of their own, as a province's do: the template's resident IDs and credit codes under copy r's
    own area code (one of stdnum's county codes; they repeat only past that many copies), with
    their check characters made right in SQL (the area code's share of the weighted sum is
    per copy, the rest's per template number). Events are copied for every
    ``events_every``-th copy only (each copy has the template's ~N events per case: at 10M cases
    all of them would not fit the machine's disk); the case page is timed on cases that have them.
    """
    from sqlalchemy import select

    from app.domain.numbering import parse_case_number
    from sync.hub.schema import case_t, event_t, meta_t, queue_t

    with store.ro() as c:
        numbers = list(c.execute(select(case_t.c.number)).scalars())
        ids = set(c.execute(select(case_t.c.applicant_id_number)).scalars())
        top = int(c.execute(select(meta_t.c.value).where(meta_t.c.key == "seq")).scalar() or 0)
    parsed = {n: parse_case_number(n) for n in numbers}
    offices = {o: i for i, o in enumerate(sorted({p.office for p in parsed.values()}))}
    width = len(offices)
    raw = store.engine.raw_connection()
    t0 = time.perf_counter()
    figures: dict = {}
    try:
        cur = raw.cursor()
        cur.execute("SET synchronous_commit = off")
        cur.execute("SET maintenance_work_mem = '512MB'")
        cur.execute("CREATE TEMP TABLE tpl_no (number text PRIMARY KEY, oi int, tail text)")
        with cur.copy("COPY tpl_no FROM STDIN") as cp:
            for n, p in parsed.items():
                cp.write_row([n, offices[p.office], f"{p.day:%y%m%d}-{p.seq:04d}"])
        # the check character of every (running value after office+window, template number)
        cur.execute("CREATE TEMP TABLE tpl_check (st int, number text, ch text, PRIMARY KEY (st, number))")
        with cur.copy("COPY tpl_check FROM STDIN") as cp:
            for st in range(36):
                for n, p in parsed.items():
                    cp.write_row([st, n, _check(_state(st, f"{p.day:%y%m%d}{p.seq:04d}"))])
        cur.execute("CREATE TEMP TABLE tpl_id (idn text PRIMARY KEY, kind text, rest int)")
        with cur.copy("COPY tpl_id FROM STDIN") as cp:
            for idn in ids:
                got = _id_rest(idn)
                if got is not None:
                    cp.write_row([idn, *got])
        areas = _areas()
        cur.execute(
            "CREATE TEMP TABLE tpl_copy (r int, oi int, office text, ws text, st int, "
            "area text, psum int, esum int, PRIMARY KEY (r, oi))"
        )
        with cur.copy("COPY tpl_copy FROM STDIN") as cp:
            for r in range(1, replicas + 1):
                area = areas[r % len(areas)]
                for oi in range(width):
                    key = r * width + oi
                    office, ws = f"320724{key % 1000:03d}", f"{key // 1000 + 2:02d}"
                    cp.write_row([r, oi, office, ws, _state(18, office + ws), area, *_area_sums(area)])
        # new number of (copy, template number): office-ws-day-seq-check
        cur.execute(
            "CREATE TEMP TABLE tpl_map AS SELECT k.r, t.number AS old, k.office, k.ws, "
            "k.area, k.psum, k.esum, "
            "k.office || '-' || k.ws || '-' || t.tail || '-' || c.ch AS new "
            "FROM tpl_no t JOIN tpl_copy k ON k.oi = t.oi JOIN tpl_check c ON c.st = k.st AND c.number = t.number"
        )
        cur.execute("CREATE INDEX ON tpl_map (r)")
        cur.execute("ANALYZE tpl_map")
        dropped = _indexes(cur, ("hub_case", "hub_queue", "hub_event"))
        for name, _ in dropped:
            cur.execute(f'DROP INDEX "{name}"')
        raw.commit()
        figures["prepare"] = time.perf_counter() - t0

        def cols(t, **expr) -> tuple[str, str]:
            names = [col.name for col in t.columns]
            return ", ".join(f'"{n}"' for n in names), ", ".join(expr.get(n, f't."{n}"') for n in names)

        case_cols, case_sel = cols(
            case_t,
            number="m.new",
            uid="lpad(to_hex(m.r), 8, '0') || substr(t.uid, 9)",
            office="m.office",
            ws="m.ws",
            applicant_id_number=_COPY_ID,
            created_seq=f"t.created_seq + m.r::bigint * {top}",
            updated_seq=f"t.updated_seq + m.r::bigint * {top}",
        )
        queue_cols, queue_sel = cols(
            queue_t, number="m.new", office="m.office", first_seq=f"t.first_seq + m.r * {top}"
        )
        event_cols, event_sel = cols(
            event_t,
            seq=f"t.seq + m.r::bigint * {top}",
            event_id="lpad(to_hex(m.r), 8, '0') || substr(t.event_id, 9)",
            case_number="m.new",
            owner_office="m.office",
            owner_ws="m.ws",
            office="CASE WHEN t.ws <> '' THEN m.office ELSE t.office END",
            ws="CASE WHEN t.ws <> '' THEN m.ws ELSE t.ws END",
        )
        cur.execute("CREATE TEMP TABLE tpl_case AS SELECT * FROM hub_case")
        cur.execute("CREATE TEMP TABLE tpl_queue AS SELECT * FROM hub_queue")
        cur.execute("CREATE TEMP TABLE tpl_event AS SELECT * FROM hub_event")
        n_cases = n_events = 0
        step = max(1, 200_000 // max(1, len(numbers)))  # about 200,000 cases a transaction
        t1 = time.perf_counter()
        for first in range(1, replicas + 1, step):
            last = min(replicas, first + step - 1)
            between = f"m.r BETWEEN {first} AND {last}"
            cur.execute(
                f"INSERT INTO hub_case ({case_cols}) SELECT {case_sel} FROM tpl_case t "
                f"JOIN tpl_map m ON m.old = t.number LEFT JOIN tpl_id i ON i.idn = t.applicant_id_number "
                f"WHERE {between}"
            )
            n_cases += cur.rowcount
            cur.execute(
                f"INSERT INTO hub_queue ({queue_cols}) SELECT {queue_sel} FROM tpl_queue t "
                f"JOIN tpl_map m ON m.old = t.number WHERE {between}"
            )
            cur.execute(
                f"INSERT INTO hub_event ({event_cols}) SELECT {event_sel} FROM tpl_event t "
                f"JOIN tpl_map m ON m.old = t.case_number WHERE {between} AND m.r % {events_every} = 0"
            )
            n_events += cur.rowcount
            cur.execute("UPDATE hub_meta SET value = %s WHERE key = 'seq'", (str(top * (last + 1)),))
            raw.commit()
            print(
                f"  copied {last}/{replicas} ({n_cases} cases, {time.perf_counter() - t0:.0f} s)", flush=True
            )
        figures["insert"] = time.perf_counter() - t1
        t1 = time.perf_counter()
        for _, ddl in dropped:
            cur.execute(ddl)
            raw.commit()
        figures["indexes"] = time.perf_counter() - t1
    finally:
        raw.close()
    from sync.hub.queue import rebuild_queue_counts

    t1 = time.perf_counter()
    with store.tx() as c:
        rebuild_queue_counts(c)
    figures["counts"] = time.perf_counter() - t1
    t1 = time.perf_counter()
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.exec_driver_sql("VACUUM ANALYZE")  # the visibility map: index-only scans, as autovacuum leaves it
    figures["vacuum"] = time.perf_counter() - t1
    figures.update(copy=time.perf_counter() - t0, cases=n_cases, events=n_events)
    return figures


# copy r's ID number of the template's (i: its tpl_id row, m: the copy's area and its sums)
_COPY_ID = (
    "CASE i.kind"
    " WHEN 'p' THEN m.area || substr(t.applicant_id_number, 7, 11)"
    " || substr('10X98765432', (i.rest + m.psum) % 11 + 1, 1)"
    " WHEN 'e' THEN substr(t.applicant_id_number, 1, 2) || m.area || substr(t.applicant_id_number, 9, 9)"
    " || substr('0123456789ABCDEFGHJKLMNPQRTUWXY', (31 - (i.rest + m.esum) % 31) % 31 + 1, 1)"
    " ELSE t.applicant_id_number END"
)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=200_000)
    ap.add_argument("--template", type=int, default=2_000)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument(
        "--events-every", type=int, default=1, help="copy the events of every Nth copy only (disk)"
    )
    ap.add_argument("--db", default=None, help="a PostgreSQL URL (default: a throwaway cluster)")
    ap.add_argument("--keep", action="store_true", help="leave the throwaway cluster running (for --db)")
    ap.add_argument("--shared-buffers", default="1GB", help="the throwaway cluster's shared_buffers")
    args = ap.parse_args(argv)

    from sync.hub.store import open_hub
    from tests.bench import bench_console

    tmp = Path(tempfile.mkdtemp(prefix="yc-bench-console-scale-"))
    cluster = None
    try:
        db = args.db
        if db is None:
            from tests.sync.pg import Cluster

            cluster = Cluster().start()
            _tune(cluster, args.shared_buffers)
            db = cluster.create_db()
        store = open_hub(tmp / "hub", db)
        have = store.counts()["cases"]
        if have == 0:
            t0 = time.perf_counter()
            bench_console._seed(tmp, store, args.template, 4)
            print(
                f"template: {store.counts()['cases']} cases in {time.perf_counter() - t0:.0f} s", flush=True
            )
            have = store.counts()["cases"]
            replicas = max(0, -(-args.cases // have) - 1)
            figures = _copy_rows(store, replicas, args.events_every) if replicas else {}
            print(
                "seeded in the database: "
                + ", ".join(
                    f"{k} {v:.0f} s" if isinstance(v, float) else f"{k} {v}" for k, v in figures.items()
                ),
                flush=True,
            )
            have = store.counts()["cases"]
        if args.keep and cluster is not None:
            print(f"kept: --db {db}  (stop: pg_ctl -D {cluster.dir}/data stop)", flush=True)
        store.close()
        return bench_console.main(
            ["--db", db, "--cases", str(have), "--offices", "4", "--requests", str(args.requests)]
        )
    finally:
        if cluster is not None and not args.keep:
            cluster.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def _tune(cluster, shared_buffers: str) -> None:
    """A server's memory for a province's tables (the throwaway cluster's default is 128 MB)."""
    import psycopg

    with psycopg.connect(
        f"host=127.0.0.1 port={cluster.port} user=yichuang dbname=postgres", autocommit=True
    ) as conn:
        conn.execute(f"ALTER SYSTEM SET shared_buffers = '{shared_buffers}'")
        conn.execute("ALTER SYSTEM SET max_wal_size = '4GB'")
    cluster._run(str(cluster.bin / "pg_ctl"), "-D", str(cluster.dir / "data"), "-w", "restart")


if __name__ == "__main__":
    sys.exit(main())
