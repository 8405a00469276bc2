"""Run `yichuang` in a child process for the sync tests: ``python -m tests.sync.ycli ARGS``.

Same as the `yichuang` console script, except that it raises app.store.db.SCHEMA_VERSION to
the version migration 0002 writes while app/store/db.py has not been bumped yet (the lead
owns that file). Once it says 2, this is a plain call of app.cli.main.
"""

from __future__ import annotations

import sys

SYNC_SCHEMA_VERSION = 2


def patch_schema_version() -> None:
    import app.store.db as db

    if db.SCHEMA_VERSION < SYNC_SCHEMA_VERSION:
        db.SCHEMA_VERSION = SYNC_SCHEMA_VERSION
    import sync.models  # noqa: F401  (tables registered with the metadata)


def main() -> int:
    patch_schema_version()
    from app.cli import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
