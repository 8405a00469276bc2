"""Errors shared by the command-line parts (app.cli and the sync/hub commands)."""

from __future__ import annotations


class CommandError(Exception):
    """A failure to report on stderr with exit code 1."""
