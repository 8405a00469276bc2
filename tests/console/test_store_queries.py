"""The console's queries on both databases the hub runs on (SQLite and PostgreSQL): the
workstations overview with its counters, and the county statistics."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sync import protocol
from sync.hub.stats_store import county_stats
from sync.hub.store import Principal, open_hub
from sync.hub.ws_status import WorkstationLog
from tests.sync.helpers import case_events, number

OFFICE = "320724100"


def test_overview_and_statistics_on_each_database(tmp_path, hub_db):  # noqa: F811
    st = open_hub(tmp_path / "hub", hub_db)
    try:
        who = Principal("workstation", OFFICE, "01", "")
        today = date.today()
        evs = []
        for i in range(1, 4):
            e = case_events(number(i, OFFICE, "01", today), subject="320724-CG-0001")
            e[1]["p"]["due_date"] = (today - timedelta(days=10 * (i - 2))).isoformat()  # one overdue
            evs += e
        log = WorkstationLog(st)
        log.record_pull(
            who,
            {
                "events": 7,
                "scans": 2,
                "clock": datetime.now(UTC) + timedelta(seconds=90),
                "office_name": "新集镇",
                "window": "1号窗口",
            },
        )
        wire = [protocol.parse_event(e) for e in evs]
        stranger = protocol.parse_event(dict(case_events(number(9, OFFICE, "02", today))[0]))
        res = st.push(who, wire + [stranger])
        assert res.applied == 6 and len(res.refused) == 1
        log.record_push(who, res, [e.id for e in wire + [stranger]])
        (row,) = [r for r in log.overview() if r["ws"] == "01"]
        assert row["events_waiting"] == 1  # 7 reported, 6 arrived since
        assert row["scans_waiting"] == 2 and row["refused"] == 1 and row["cases"] == 3
        assert 85_000 <= row["skew_ms"] <= 95_000 and row["office_name"] == "新集镇"
        log.record_scan(who)
        (row,) = [r for r in log.overview() if r["ws"] == "01"]
        assert row["scans_waiting"] == 1
        fwd = log.forwarding()
        assert fwd["backlog"] == 0 and fwd["n_refused"] == 0
        bo = Principal("backoffice", "", "", "王芳")
        st.backoffice_event(bo, number(1, OFFICE, "01", today), "case.completed", {}, "王芳")
        stats = county_stats(st, today - timedelta(days=1), today, today)
        assert (stats.total.intake, stats.total.accepted, stats.total.completed, stats.total.one_time) == (
            3,
            3,
            1,
            1,
        )
        assert stats.by_department["320724-CG"].intake == 3
        assert [r["number"] for r in stats.overdue] == [number(3, OFFICE, "01", today)]
    finally:
        st.close()


def test_a_windows_report_never_makes_its_pull_wait_behind_a_writer(tmp_path):
    import threading

    st = open_hub(tmp_path / "hub")
    try:
        who = Principal("workstation", OFFICE, "01", "")
        log = WorkstationLog(st)
        report = {"events": 5, "scans": 0, "clock": datetime.now(UTC), "office_name": "", "window": ""}
        with st._write_lock:  # a long push of another window holds the writer
            pull = threading.Thread(target=log.record_pull, args=(who, report))
            pull.start()
            pull.join(5)
            assert not pull.is_alive(), "the pull waited for the writer"
        assert log.overview() == []  # nothing written yet
        # the window's next write carries the report first, then what arrived after it
        wire = [protocol.parse_event(e) for e in case_events(number(1, OFFICE, "01", date.today()))]
        res = st.push(who, wire)
        log.record_push(who, res, [e.id for e in wire])
        (row,) = log.overview()
        assert row["events_waiting"] == 3 and row["last_pull"]
    finally:
        st.close()
