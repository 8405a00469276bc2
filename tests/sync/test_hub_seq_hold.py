"""Pushes commit side by side on PostgreSQL, and a pull by cursor still never passes an event
(sync.hub.seq_hold): a writer's numbers are held apart until its transaction ends, and a
reader's top stays below any number still held. A real PostgreSQL cluster; a real hub process
for the held pull; a real kill -9 for a writer that dies holding numbers."""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from datetime import date

import pytest
from sqlalchemy import func, insert, select

from sync import protocol
from sync.hub.app import HELD_NEWS_WITHIN
from sync.hub.principal import Principal
from sync.hub.schema import event_t, seq_hold_t
from sync.hub.store import open_hub
from sync.sealing import fingerprint
from tests.bench import hub_push_load as hp
from tests.hubs import HubProcess
from tests.sync.helpers import case_events, decide, number, push
from tests.sync.test_hub_long_poll import HELD, _pull, _setup, held_pull

pytestmark = pytest.mark.slow  # a PostgreSQL cluster

READER = Principal("hub", hp.OFFICE[:6], "", "province-reader")  # sees every window's events


def _pull_all(store, after: int) -> tuple[list[dict], int]:
    got: list[dict] = []
    while True:
        events, more, after = store.events.pull(READER, after, protocol.MAX_PULL)
        got += events
        if not more:
            return got, after


def _window(store, i: int, batches: int = 1, size: int = 50):
    ws = hp.ws_id(i)
    who = store.principal(store.add_token("workstation", hp.OFFICE, ws, f"窗口{ws}"))
    return who, [protocol.parse_batch(d)[1] for d in hp.window_docs(ws, batches, size, date(2026, 11, 2))]


class Holder(threading.Thread):
    """A writer's transaction that takes ``n`` numbers, writes an event under the first, and
    waits to be told to commit (or to roll back)."""

    def __init__(self, store, n: int = 3) -> None:
        super().__init__(daemon=True)
        self.store, self.n = store, n
        self.taken = threading.Event()
        self.go = threading.Event()
        self.rollback = False
        self.lo = 0
        self.event_id = str(uuid.uuid4())

    def run(self) -> None:
        class Undo(Exception):
            pass

        try:
            with self.store.tx() as c:
                self.lo = self.store.next_seqs(c, self.n)
                row = dict(c.execute(select(event_t).limit(1)).one()._mapping)
                c.execute(insert(event_t).values({**row, "seq": self.lo, "event_id": self.event_id}))
                self.taken.set()
                self.go.wait(60)
                if self.rollback:
                    raise Undo
        except Undo:
            pass


def test_a_pull_never_passes_numbers_a_writer_still_holds(pg_cluster, tmp_path):
    store = open_hub(tmp_path / "hub", pg_cluster.create_db())
    try:
        a, (a_events,) = _window(store, 0)
        b, (b_events,) = _window(store, 1)
        assert store.push(a, a_events).applied == 50
        first, cursor = _pull_all(store, 0)
        assert len(first) == 50 and cursor == store.last_seq()
        held = Holder(store)
        held.start()
        assert held.taken.wait(10)
        # a later writer commits first: its events are numbered above the held ones
        res = store.push(b, b_events)
        assert res.applied == 50 and res.last_seq > held.lo
        assert store.last_seq() == held.lo - 1
        seen, cursor2 = _pull_all(store, cursor)
        assert seen == [] and cursor2 == held.lo - 1  # not past the held numbers
        held.go.set()
        held.join(10)
        rest, cursor3 = _pull_all(store, cursor2)
        assert [e["id"] for e in rest] == [held.event_id] + [e.id for e in sorted(b_events, key=_order(rest))]
        assert cursor3 == res.last_seq == store.last_seq()
        with store.ro() as c:
            assert c.execute(select(func.count()).select_from(seq_hold_t)).scalar_one() == 0
    finally:
        store.close()


def _order(rest: list[dict]):
    pos = {e["id"]: i for i, e in enumerate(rest)}
    return lambda e: pos.get(e.id, -1)


def test_numbers_of_a_writer_that_rolled_back_hold_nothing(pg_cluster, tmp_path):
    store = open_hub(tmp_path / "hub", pg_cluster.create_db())
    try:
        a, (a_events,) = _window(store, 0)
        b, (b_events,) = _window(store, 1)
        assert store.push(a, a_events).applied == 50
        held = Holder(store)
        held.rollback = True
        held.start()
        assert held.taken.wait(10)
        res = store.push(b, b_events)
        assert store.last_seq() == held.lo - 1
        held.go.set()
        held.join(10)
        assert store.last_seq() == res.last_seq  # the gap is passed, nothing waits on it
        got, _cursor = _pull_all(store, 0)
        assert held.event_id not in {e["id"] for e in got} and len(got) == 100
        a2, (more,) = _window(store, 2)
        store.push(a2, more)  # the next taker sweeps the ended writer's hold
        with store.ro() as c:
            assert c.execute(select(func.count()).select_from(seq_hold_t)).scalar_one() == 0
    finally:
        store.close()


_HOLDER = """
import sys, time
from pathlib import Path
from sync.hub.store import open_hub
store = open_hub(Path(sys.argv[1]), sys.argv[2])
with store.tx() as c:
    lo = store.next_seqs(c, 5)
    print(lo, flush=True)
    time.sleep(120)
"""


def test_a_writer_killed_holding_numbers_holds_nothing(pg_cluster, tmp_path):
    """kill -9 of a process in the middle of its transaction: PostgreSQL ends the transaction
    when its connection drops, and the top moves on."""
    url = pg_cluster.create_db()
    store = open_hub(tmp_path / "hub", url)
    try:
        a, (a_events,) = _window(store, 0)
        assert store.push(a, a_events).applied == 50
        proc = subprocess.Popen(
            [sys.executable, "-c", _HOLDER, str(tmp_path / "other"), url],
            stdout=subprocess.PIPE,
            text=True,
            cwd=os.getcwd(),
        )
        try:
            lo = int(proc.stdout.readline())
            b, (b_events,) = _window(store, 1)
            res = store.push(b, b_events)
            assert store.last_seq() == lo - 1
        finally:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(10)
        deadline = time.monotonic() + 15
        while store.last_seq() != res.last_seq and time.monotonic() < deadline:
            time.sleep(0.1)
        assert store.last_seq() == res.last_seq
        got, _cursor = _pull_all(store, 0)
        assert len(got) == 100
    finally:
        store.close()


def test_pushes_side_by_side_with_a_reader_by_cursor_lose_nothing(pg_cluster, tmp_path):
    """Six windows push at once from threads while a reader pulls by cursor without pause:
    the reader gets every event once, each page in seq order, and its cursor never passes one."""
    store = open_hub(tmp_path / "hub", pg_cluster.create_db())
    try:
        windows = [_window(store, i, batches=6, size=40) for i in range(6)]
        sent = {e.id for _who, batches in windows for batch in batches for e in batch}
        got: list[str] = []
        done = threading.Event()
        errors: list[BaseException] = []

        def reader() -> None:
            cursor = 0
            try:
                while True:
                    finished = done.is_set()
                    events, cursor = _pull_all(store, cursor)
                    seqs = [e["seq"] for e in events]
                    assert seqs == sorted(seqs)
                    got.extend(e["id"] for e in events)
                    if finished:
                        return
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)

        def writer(who, batches) -> None:
            try:
                for batch in batches:
                    assert store.push(who, batch).applied == len(batch)
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)

        r = threading.Thread(target=reader)
        r.start()
        ws = [threading.Thread(target=writer, args=w) for w in windows]
        for t in ws:
            t.start()
        for t in ws:
            t.join(120)
        done.set()
        r.join(60)
        assert errors == []
        assert len(got) == len(set(got)) and set(got) == sent
    finally:
        store.close()


def test_a_held_pull_whose_news_waits_on_an_earlier_writer_answers_when_it_commits(tmp_path, pg_cluster):
    """A window's pull waits at the hub; a decision for it commits while an earlier writer
    (another window's push, here held open) still holds lower numbers: the decision is not
    served yet (the reader's top is below the held numbers), and the news that woke the pull
    has been told. The pull looks again while numbers are held, so the decision reaches the
    window as soon as the earlier writer commits, not at the wait's bound."""
    url = pg_cluster.create_db()
    hub = HubProcess(tmp_path / "hub", url).start()
    store = open_hub(tmp_path / "here", url)
    try:
        ws, bo, cursor = _setup(hub)
        th, got = held_pull(hub.url, ws, cursor)
        held = Holder(store, n=1)
        held.start()
        assert held.taken.wait(10)
        assert decide(hub.url, bo, number(1), "case.in_review").status_code == 201
        time.sleep(1.0)
        assert th.is_alive()  # the decision is above the held number: not served yet
        t0 = time.monotonic()
        held.go.set()
        th.join(10)
        assert [e["kind"] for e in got["doc"]["events"]] == ["case.in_review"]
        assert time.monotonic() - t0 < 2.0
    finally:
        store.close()
        hub.stop()


def test_the_push_answer_and_the_pull_agree_on_sqlite(tmp_path):
    """SQLite keeps the counter in the writer's transaction: the top is the counter."""
    store = open_hub(tmp_path / "hub")
    try:
        a, (a_events,) = _window(store, 0)
        res = store.push(a, a_events)
        assert store.last_seq() == res.last_seq
        got, cursor = _pull_all(store, 0)
        assert len(got) == 50 and cursor == res.last_seq
        assert json.dumps(got[0]["p"])  # served as pushed
    finally:
        store.close()


def test_numbers_are_never_given_twice_across_two_stores(pg_cluster, tmp_path):
    url = pg_cluster.create_db()
    one, two = open_hub(tmp_path / "a", url), open_hub(tmp_path / "b", url)
    try:
        taken: list[tuple[int, int]] = []
        lock = threading.Lock()

        def take(store, n: int) -> None:
            for _ in range(30):
                with store.tx() as c:
                    lo = store.next_seqs(c, n)
                with lock:
                    taken.append((lo, lo + n - 1))

        ts = [threading.Thread(target=take, args=(s, n)) for s, n in ((one, 3), (two, 7), (one, 1), (two, 2))]
        for t in ts:
            t.start()
        for t in ts:
            t.join(60)
        taken.sort()
        assert len(taken) == 120
        assert all(a[1] < b[0] for a, b in zip(taken, taken[1:], strict=False))
        assert one.last_seq() == taken[-1][1]
    finally:
        one.close()
        two.close()


def test_two_windows_of_one_office_push_while_the_other_has_not_committed(pg_cluster, tmp_path):
    """The console's queue counts a push adds to are its connection's part of each count: a
    transaction of one window holding the office's count rows (uncommitted) does not hold up
    another window's push of new cases of the same departments (it waited until the first
    committed: the counts were split by the office's last digit only)."""
    from collections import Counter

    from sync.hub import queue
    from sync.hub.schema import queue_count_t

    store = open_hub(tmp_path / "hub", pg_cluster.create_db())
    try:
        a, (a_events,) = _window(store, 0)
        b, (b_events,) = _window(store, 1)
        assert store.push(a, a_events).applied == 50
        with store.ro() as c:
            keys = {
                tuple(r)
                for r in c.execute(
                    select(queue_count_t.c.department, queue_count_t.c.departments, queue_count_t.c.stage)
                )
            }
        assert keys
        holding, release = threading.Event(), threading.Event()

        def hold() -> None:
            class Undo(Exception):
                pass

            try:
                with store.tx() as c:
                    queue.add_counts(c, Counter(dict.fromkeys(keys, 1)))
                    holding.set()
                    release.wait(60)
                    raise Undo
            except Undo:
                pass

        holder = threading.Thread(target=hold, daemon=True)
        holder.start()
        assert holding.wait(10)
        got: dict = {}
        pusher = threading.Thread(target=lambda: got.update(res=store.push(b, b_events)), daemon=True)
        pusher.start()
        pusher.join(10)
        finished = not pusher.is_alive()
        release.set()
        holder.join(10)
        pusher.join(30)
        assert finished, "the push waited for the other transaction's count rows"
        assert got["res"].applied == 50
    finally:
        store.close()


class InProcessHub:
    """A hub served by uvicorn in a thread of this process (its SQL can be counted through
    SQLAlchemy's events), with HubProcess's ``url`` and ``token``."""

    def __init__(self, data_dir, url: str) -> None:  # noqa: ANN001
        import uvicorn

        from sync.hub.app import create_app
        from tests.sync.pg import free_port

        self.hub_store = open_hub(data_dir, url)
        self.server = uvicorn.Server(
            uvicorn.Config(create_app(self.hub_store, data_dir), port=free_port(), log_level="warning")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        while not self.server.started:
            time.sleep(0.05)
        self.url = f"http://127.0.0.1:{self.server.config.port}"

    def token(self, role: str, office: str = "", ws: str = "", name: str = "") -> str:
        return self.hub_store.add_token(role, office, ws, name)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.hub_store.close()


def test_a_held_pull_without_news_for_its_window_does_not_look_again(tmp_path, pg_cluster):
    """While numbers are held (under a steady stream of pushes, nearly always), a pull held
    for a window that got no news lately waits for news like any other: other windows' pushes
    committing meanwhile do not make it read again (each commit drops the hub's snapshot, so a
    look each 50 ms would be a read per commit for every idle window)."""
    from sqlalchemy import event

    url = pg_cluster.create_db()
    hub = InProcessHub(tmp_path / "hub", url)
    store = open_hub(tmp_path / "here", url)
    held = Holder(store, n=1)
    reads: list[str] = []

    def count(conn, cursor, statement, params, context, executemany):  # noqa: ANN001
        if "seq_taken" in statement:  # a pull's read (sync.hub.pull.read_page)
            reads.append(statement)

    event.listen(hub.hub_store.engine, "before_cursor_execute", count)
    other = hub.token("workstation", "320724100", "02")

    def reads_while_the_other_window_pushes(first: int) -> int:
        reads.clear()
        for i in range(first, first + 20):
            assert push(hub.url, other, case_events(number(i, ws="02"), ws="02")).status_code == 200
            time.sleep(0.1)
        return len(reads)

    try:
        ws, _bo, cursor = _setup(hub)
        time.sleep(HELD_NEWS_WITHIN + 0.5)  # the window's own push is no longer recent news
        held.start()
        assert held.taken.wait(10)
        HELD["bk"] = fingerprint(base64.b64decode(_pull(hub.url, ws)[1]["bk"]))
        # a commit drops the hub's snapshot: the held pull's first answer is a read, and that
        # read sees the number held (as nearly every read does under a stream of pushes)
        assert push(hub.url, other, case_events(number(99, ws="02"), ws="02")).status_code == 200
        reads.clear()
        th = threading.Thread(target=lambda: _pull(hub.url, ws, after=cursor, **HELD, wait=25), daemon=True)
        th.start()
        time.sleep(1.0)
        assert len(reads) == 1 and th.is_alive()
        assert reads_while_the_other_window_pushes(1) <= 2
        assert th.is_alive()
    finally:
        held.go.set()
        held.join(10)
        store.close()
        hub.stop()
