"""Issue 16 §6: a window cannot wear the hub down by naming catalogue versions.

Before the fix the hub cached a parsed catalogue under every ``catalogue_version`` a window named
in a ``case.created``, for good: 100 events with unique 200 KB versions per push grew the hub's
memory by about the size of the names. A window's case must name a version the hub published;
the cache of parsed catalogues holds a few versions, least recently used out first.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from tests.sync.helpers import case_events, decoded, number, push

pytestmark = pytest.mark.slow

OFFICE = "320724100"


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def _created(seq: int, version: str) -> dict:
    ev = case_events(number(seq % 9999 + 1, day=_day(seq // 9999)))[0]
    ev["p"]["catalogue_version"] = version
    return ev


def _day(i: int):
    from datetime import date, timedelta

    return date(2026, 1, 1) + timedelta(days=i)


def test_unique_large_catalogue_versions_do_not_grow_the_hub(sqlite_hub):
    hub = sqlite_hub
    token = hub.token("workstation", OFFICE, "01")
    pid = hub.proc.pid
    pad = "v" * 200_000

    def attack(round_: int) -> dict:
        events = [_created(round_ * 100 + i, f"{uuid.uuid4()}{pad}") for i in range(100)]
        r = push(hub.url, token, events)
        assert r.status_code == 200, r.text[:300]
        return decoded(r)

    attack(0)  # warm up: the first push's parsing, pools and caches
    before = _rss_mb(pid)
    results = [attack(n) for n in range(1, 8)]
    grown = _rss_mb(pid) - before
    print(f"\nhub RSS {before:.0f} MB -> {before + grown:.0f} MB after 700 unique 200 KB versions")
    assert grown < 40, f"the hub grew by {grown:.0f} MB"
    for r in results:
        assert r["ok"] == 0 and {x["code"] for x in r["refused"]} == {"bad_payload"}
        assert len(r["refused"][0]["reason"]) < 300  # the name is not echoed back


def test_a_case_must_name_a_published_catalogue_version(hub):
    token = hub.token("workstation", OFFICE, "01")
    unknown = [_created(i, f"2099.{i}") for i in range(1, 201)]
    r = decoded(push(hub.url, token, unknown))
    assert r["ok"] == 0
    assert {x["code"] for x in r["refused"]} == {"unknown_catalogue"}
    assert "2099.1" in r["refused"][0]["reason"] and "publish" in r["refused"][0]["reason"]
    # the version the hub published (the demo one here) is accepted
    assert decoded(push(hub.url, token, case_events(number(300))))["ok"] == 2


def test_the_parsed_catalogues_are_a_bounded_cache(tmp_path):
    """On a real hub database: ten published versions named in turn leave at most a few parsed,
    the most recently used; an unknown version is judged by the current one and never kept."""
    from forms.loader import catalogue_to_dict, load_demo_catalogue
    from sync.hub.store import CATALOGUE_CACHE, open_hub

    st = open_hub(tmp_path / "hub")
    try:
        doc = catalogue_to_dict(load_demo_catalogue())
        versions = []
        for i in range(10):
            versions.append(st.publish_document("catalogue", {**doc, "version": f"2030.{i}"}))
        for v in versions:
            assert st.catalogue_obj(v).version == v
        cached = st.cached_catalogues()
        assert len(cached) <= CATALOGUE_CACHE < len(versions)
        assert cached[-1] == versions[-1]
        current = st.current_version("catalogue")
        for i in range(50):
            assert st.catalogue_obj(f"never-published-{i}").version == current
        assert not [v for v in st.cached_catalogues() if v.startswith("never")]
        assert len(st.cached_catalogues()) <= CATALOGUE_CACHE
    finally:
        st.close()
