"""What the `yichuang hub …` command modules share: options, the data dir, failing with a message.

Only argparse is imported at module level: every `yichuang` start pays for this file.
"""

from __future__ import annotations

import argparse

ENV_UPSTREAM_TOKEN = "YICHUANG_UPSTREAM_TOKEN"


class RefusedSecret(argparse.Action):
    """An option that would put a secret on the command line: a usage error that names what
    to use instead (the value itself is never echoed)."""

    def __call__(self, parser, namespace, values, option_string=None):
        parser.error(msg("secret.upstream_token_argv"))


def db_url(value: str) -> str:
    """``--db``: a URL without a password (libpq reads it from ~/.pgpass or PGPASSWORD)."""
    from app.domain.secret_input import url_has_password

    if url_has_password(value):
        raise argparse.ArgumentTypeError(msg("secret.db_password_argv"))
    return value


def fail(message: str) -> SystemExit:
    """Exit code 1 with the message on stderr, like app.cli's CommandError (not imported here:
    app.cli reaches the UI, and sync must not depend on Textual, even indirectly)."""
    import sys

    print(f"yichuang: {message}", file=sys.stderr)
    return SystemExit(1)


def msg(key: str, **fields) -> str:
    from app.messages import t  # the one message catalogue (a domain module: allowed here)

    return t(key, **fields)


# --- the hub's data dir and database -------------------------------------------------------------------------------------------
def hub_dir(args):
    import os
    from pathlib import Path

    d = args.data_dir or os.environ.get("YICHUANG_HUB_DIR")
    if not d:
        raise fail(msg("hub.need_data_dir"))
    return Path(d).expanduser().resolve()


def open_store(args):
    from sync.hub.store import open_hub

    try:
        return open_hub(hub_dir(args), getattr(args, "db", None))
    except Exception as exc:  # a database that cannot be opened, as one line
        if exc.__class__.__module__.startswith(("sqlalchemy", "psycopg")):
            from app.domain.failures import explain

            cause = explain(exc)  # said in the admin's language, without the library's link
            if cause.name in ("other", "os_other"):
                raise fail(msg("hub.db_error", error=str(exc).split("\n")[0][:300])) from None
            raise fail(msg("hub.db_error", error=f"{cause.text()}；{cause.advice()}")) from None
        raise
