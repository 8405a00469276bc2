"""Which build this is: the version, the commit and the build date (`--version`, `doctor`).

An executable carries ``app/_build_info.json``, written by build/yichuang.spec from the checkout
it was built from (never tracked: a build makes it). Run from a checkout, git answers instead.
Read only when asked, never at start-up (git is a child process).
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from app import __version__

HERE = Path(__file__).resolve().parent
STAMP = HERE / "_build_info.json"


@dataclass(frozen=True)
class BuildInfo:
    version: str
    commit: str  # short hash, "+" when the checkout had changes; "" when unknown
    built: str  # YYYY-MM-DD of the build (or of the commit, from a checkout); "" when unknown

    def line(self) -> str:
        extra = ", ".join(part for part in (self.commit, self.built) if part)
        return f"yichuang {self.version}" + (f" ({extra})" if extra else "")

    def to_dict(self) -> dict[str, str]:
        return {"version": self.version, "commit": self.commit, "built": self.built}


def _git(*args: str) -> str:
    try:
        r = subprocess.run(
            ["git", "-C", str(HERE.parent), *args], capture_output=True, text=True, timeout=5, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return r.stdout.strip()


def from_checkout() -> BuildInfo:
    commit = _git("rev-parse", "--short=10", "HEAD")
    if commit and _git("status", "--porcelain", "--untracked-files=no"):
        commit += "+"
    return BuildInfo(__version__, commit, _git("log", "-1", "--format=%cs") if commit else "")


@cache
def build_info() -> BuildInfo:
    try:
        stamp = json.loads(STAMP.read_text(encoding="utf-8"))
        return BuildInfo(__version__, str(stamp.get("commit", "")), str(stamp.get("built", "")))
    except (OSError, ValueError, AttributeError):
        return from_checkout()
