"""The hub fixtures of the sync tests, for the 好差评 tests that sync."""

from tests.sync.conftest import sqlite_hub  # noqa: F401  (a fixture)
