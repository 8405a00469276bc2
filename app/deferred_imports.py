"""The deliberate deferred imports: the third-party packages kept out of start-up, each with why.

Start-up here is the window's path (`yichuang` with no sub-command: `app.cli._window_args`,
`open_ws`, `YichuangApp(ws)`, until the clerk's first search answer) and the CLI's parser
(`app.cli.build_parser`, run by every sub-command and by `--help`). Neither loads any package
below; each is imported inside the function that needs it (``sites``), or by a module that is
itself imported only there. The store (SQLAlchemy) opens after the first answer is shown.

An import inside a function that is *not* listed here is one of two things: a package that
start-up loads anyway (LOADED_AT_START), or an import of our own kept
out of an import cycle, which the import-linter contracts (pyproject) now forbid growing.

Checked by tests/unit/test_import_hygiene.py: the start paths in a fresh interpreter load none
of these; every function-level import of a third-party package not loaded at start-up is
listed here; and every entry still names a function-level import somewhere (no stale rows).
This module imports nothing, so the test can read it without loading anything.
"""

from __future__ import annotations

# package -> (why it waits, the modules that import it inside a function)
DEFERRED: dict[str, tuple[str, tuple[str, ...]]] = {
    "sqlalchemy": (
        "the store: ~0.2 s to import; the first answer comes from the stored search index, "
        "the store opens after it",
        ("app/services/doctor_data.py", "sync/hub/db.py", "sync/hub/console_store.py"),
    ),
    "sqlmodel": ("the store's models (operators' accounts): as sqlalchemy", ("app/services/operators.py",)),
    "alembic": (
        "migrations: only when a store's schema is behind",
        ("app/store/db.py", "sync/hub/db.py", "sync/hub/migrations/env_config.py"),
    ),
    "pypinyin": (
        "~0.25 s and its dictionaries: needed to build a search index, not to search a stored one",
        ("app/domain/search_keys.py",),
    ),
    "rapidfuzz": ("fuzzy matching: only when exact and pinyin keys find nothing", ("app/domain/search.py",)),
    "openpyxl": ("the .xlsx case export only", ("app/services/case_export.py",)),
    "escpos": (
        "ESC/POS encoding (printing.render's composer) and the USB transport: only when a job is rendered or sent",
        ("devices/printers/usb.py", "printing/render.py"),
    ),
    "qrcode": (
        "the QR image for printers without native QR: only when such a job is rendered",
        ("printing/render.py",),
    ),
    "PIL": (
        "images: a TIFF scan's page count and a scan's thumbnail, only when one is shown or counted",
        ("app/services/scans.py", "app/ui/screens/scans.py"),
    ),
    "gmalg": (
        "SM2/SM3 signing of receipts: only when a receipt is signed or checked",
        ("printing/signing.py", "sync/hub/receipts.py"),
    ),
    "cryptography": (
        "Ed25519 keys of accounts and bundles, SM3 of the audit chain where hashlib lacks it: only when used",
        ("app/domain/accounts.py", "app/domain/audit_chain.py", "sync/hub/bundle_import.py"),
    ),
    "argon2": (
        "deriving an account key from a password: only at a login or a password change",
        ("app/domain/accounts.py",),
    ),
    "keyring": (
        "the OS keyring for the store key: only for an encrypted store",
        ("app/services/encryption.py",),
    ),
    "watchdog": ("the scanner folder watcher: only once scanning starts", ("app/services/scans.py",)),
    "jsonschema": ("validating an imported catalogue: only at `catalog import`", ("forms/loader.py",)),
    "stdnum": ("identifier check digits: only when an ID is checked", ("app/domain/identifiers.py",)),
    "zstandard": (
        "backup and sync bundles' compression: only when one is written or read",
        ("app/services/backup.py",),
    ),
    "fontTools": (
        "building the printer font subset, or a slice of the console's rare-character font: only when one is made",
        ("printing/fonts/__init__.py", "printing/fonts/build_font.py", "sync/hub/console/fonts.py"),
    ),
    "sqlcipher3": (
        "SQLCipher (~5 ms): only for an encrypted store; the login gate reads a plain store's accounts "
        "with sqlite3 (app.store.cipher's error pairs load it when first asked for)",
        ("app/services/encryption.py", "app/store/cipher.py"),
    ),
    "uvicorn": ("the hub's server: only in `yichuang-hub serve`", ("sync/hub/serve.py",)),
    "starlette": ("the hub's web console: only in the hub's server", ("sync/hub/console/web.py",)),
    "anyio": ("the hub's worker-thread limit: set when the hub's server starts", ("sync/hub/app.py",)),
    "psycopg": (
        "the hub's PostgreSQL driver (its LISTEN connection): only in a hub on PostgreSQL; the window never loads it",
        ("sync/hub/news.py",),
    ),
}

# Loaded at start-up anyway: a function-level import of these is not a deferral.
LOADED_AT_START: tuple[str, ...] = ("textual", "rich", "tomli_w", "platformdirs")

# Kept off the start path by the module that imports them (imported only where used), so no
# function-level import names them; the start-path test checks them all the same.
ALSO_KEPT_OFF: dict[str, str] = {
    "httpx": "the sync client (sync/transport.py): imported by the sync worker, after the first answer",
}
