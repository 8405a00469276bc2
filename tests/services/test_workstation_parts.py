"""Workstation says what it has opened already, without opening it (the window asks before its
store is open)."""

from __future__ import annotations


def test_the_store_is_open_only_once_something_used_it(ws):
    assert not ws.store_open and ws.resolved_key is None  # asking opens nothing
    _ = ws.store
    assert ws.store_open
    assert ws.resolved_key is None  # not encrypted: the resolved key is "none"
