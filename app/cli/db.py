"""`yichuang db encrypt` (registered by app.cli): convert the plain store to SQLCipher.

Nothing heavy is imported at module level: every `yichuang` start pays for this file.
"""

from __future__ import annotations

import sys


def register(sub, add) -> None:
    from app.messages import t

    db = sub.add_parser("db", help=t("cli.db")).add_subparsers(dest="action", required=True, metavar="ACTION")
    p = add("encrypt", t("cli.db_encrypt"), cmd_db_encrypt, db)
    p.add_argument("--passphrase", action="store_true", help=t("cli.db_encrypt_passphrase"))
    from app.cli.common import gate

    gate(p, "settings")


def _new_passphrase() -> str:
    """From YICHUANG_DB_PASSPHRASE, or asked twice on the terminal; never an argument."""
    import os

    from app.errors import CommandError
    from app.messages import t
    from app.services.encryption import ENV_PASSPHRASE, MIN_PASSPHRASE

    given = os.environ.get(ENV_PASSPHRASE, "")
    if not given:
        if not sys.stdin or not sys.stdin.isatty():
            raise CommandError(t("db.passphrase_needed", env=ENV_PASSPHRASE))
        import getpass

        given = getpass.getpass(t("db.passphrase_new"))
        if getpass.getpass(t("db.passphrase_again")) != given:
            raise CommandError(t("db.passphrase_mismatch"))
    if len(given) < MIN_PASSPHRASE:
        raise CommandError(t("db.passphrase_short", n=MIN_PASSPHRASE))
    return given


def cmd_db_encrypt(args) -> int:
    from app.cli.common import close
    from app.config import load_config, resolve_data_dir
    from app.errors import CommandError
    from app.messages import t
    from app.services.encryption import EncryptError, encrypt_store, keyring_usable, passphrase_key
    from app.store.cipher import DbKey

    close(args)  # the login's hold on the store: the conversion needs it closed
    config = load_config(resolve_data_dir(args.data_dir))
    to_keyring = keyring_usable() and not args.passphrase
    key = DbKey.generate() if to_keyring else passphrase_key(_new_passphrase())
    try:
        done = encrypt_store(config, key, to_keyring=to_keyring)
    except EncryptError as exc:
        raise CommandError(str(exc)) from None
    print(t("db.encrypted", path=done["path"], tables=done["tables"], rows=done["rows"]))
    print(t("db.key_in_keyring") if to_keyring else t("db.key_is_passphrase"))
    for path in done["plain_copies_left"]:
        print(t("db.plain_copy_left", path=path))
    return 0
