"""Runs the real `yichuang` entry point; at every search answer it notes which heavy modules
were loaded by then (JSON lines, to $FIRST_ANSWER_PROBE). Used by test_first_answer."""

from __future__ import annotations

import json
import os
import sys

from app.deferred_imports import ALSO_KEPT_OFF, DEFERRED
from app.ui.widgets.subject_search import SubjectSearch

# every package start-up defers (app/deferred_imports.py): none is loaded by the first answer
HEAVY = (*DEFERRED, *ALSO_KEPT_OFF)
OUT = os.environ["FIRST_ANSWER_PROBE"]
_refresh = SubjectSearch.refresh_results


def refresh_results(self, query: str) -> None:
    _refresh(self, query)  # the real thing; only noted afterwards
    if self._hits:  # one line per answer
        with open(OUT, "a", encoding="utf-8") as fh:
            note = {
                "query": query,
                "hits": [h.entry.name for h in self._hits],
                "loaded": [m for m in HEAVY if m in sys.modules],
            }
            fh.write(json.dumps(note, ensure_ascii=False) + "\n")


SubjectSearch.refresh_results = refresh_results

if __name__ == "__main__":
    from app.cli import main

    raise SystemExit(main(sys.argv[1:]))
