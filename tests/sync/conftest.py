"""The sync tests use the shared hub fixtures of tests/conftest.py (helpers in tests/hubs.py)."""
