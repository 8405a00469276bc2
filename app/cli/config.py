"""`yichuang config / catalog / demo`: settings, the matter catalogue and the demo store."""

from __future__ import annotations

import sys

from app.cli.common import open_ws
from app.errors import CommandError
from app.messages import t


def cmd_config_get(args) -> int:
    from app.config import ConfigError, known_keys, load_config, resolve_data_dir

    config = load_config(resolve_data_dir(args.data_dir))
    if args.key is None:
        for key in known_keys():
            value = config.get(key)
            gloss = (
                t("cli.config_bool_gloss", word=t("cli.yes" if value else "cli.no"))
                if isinstance(value, bool)
                else ""
            )
            print(f"{key} = {config.shown(key)}{gloss}")
        return 0
    try:
        print(config.shown(args.key))
    except ConfigError as exc:
        raise CommandError(str(exc)) from None
    return 0


def cmd_config_set(args) -> int:
    from app.config import ConfigError, load_config, resolve_data_dir

    config = load_config(resolve_data_dir(args.data_dir))
    value = _secret_value(args.key, args.value)
    try:
        config.set(args.key, value)
    except ConfigError as exc:
        raise CommandError(str(exc)) from None
    config.save()
    return 0


def _secret_value(key: str, value: str) -> str:
    """A secret setting (hub.token) never comes from the command line, which every local user
    can read (ps): ``-`` reads it from standard input (asked without echo at a terminal); an
    empty value (clearing it) is no secret. Any other value is a usage error."""
    from app.config import SECRET_KEYS

    if key not in SECRET_KEYS or value == "":
        return value
    if value != "-":
        print(f"yichuang: {t('secret.config_argv', key=key)}", file=sys.stderr)
        raise SystemExit(2)
    if sys.stdin is not None and sys.stdin.isatty():
        import getpass

        given = getpass.getpass(t("secret.config_prompt", key=key)).strip()
    else:
        given = (sys.stdin.readline() if sys.stdin is not None else "").strip()
    if not given:
        raise CommandError(t("secret.config_no_input", key=key))
    return given


def cmd_catalog_import(args) -> int:
    from app.services.catalogue_files import import_catalogue
    from forms.loader import CatalogueError

    ws = open_ws(args)
    try:
        cat = import_catalogue(ws.config.catalogue_dir, args.file)
    except CatalogueError as exc:
        for issue in exc.issues:
            print(str(issue), file=sys.stderr)
        raise CommandError(t("cli.import_failed", n=len(exc.issues))) from None
    print(t("cli.imported", version=cat.version, matters=len(cat.matters), bundles=len(cat.bundles)))
    return 0


def cmd_catalog_export(args) -> int:
    from app.services.catalogue_files import export_catalogue

    ws = open_ws(args)
    try:
        cat = export_catalogue(ws.config.catalogue_dir, args.file)
    except OSError as exc:
        raise CommandError(t("cli.cannot_write", path=args.file, error=exc.strerror or exc)) from None
    print(t("cli.exported", version=cat.version, path=args.file))
    return 0


def cmd_demo_seed(args) -> int:
    from app.services.demo import seed_cases

    if args.cases < 0:
        raise CommandError(t("cli.cases_min"))
    ws = open_ws(args)
    done = seed_cases(
        ws,
        args.cases,
        seed=args.seed,
        days=args.days,
        progress=lambda n: print(t("cli.seed_progress", n=n), file=sys.stderr) if n % 100_000 == 0 else None,
    )
    print(t("cli.seeded", n=done))
    return 0
