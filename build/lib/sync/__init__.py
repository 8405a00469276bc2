"""Sync with county and provincial platforms (issue 4)."""
