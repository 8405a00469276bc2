"""`yichuang idcard read [--port DEV] [--wait SECONDS] [--json]`: one card off the reader.

Who may call it: a shell on the PC with access to the reader's serial device (the card's
holder lays the card there); it reads no store and writes nothing: the card's data goes to
stdout only, and the photo never leaves the reader module. Exit 1 with a message when no
card comes within the wait or the reader does not answer.
Only argparse-free code at module level: every `yichuang` start imports this file.
"""

from __future__ import annotations

JSON_KEYS = (
    "name",
    "sex",
    "nation",
    "birth",
    "address",
    "id_number",
    "issuer",
    "valid_from",
    "valid_to",
    "card_type",
)  # a contract: admins' scripts read them


def register(sub, add) -> None:
    from app.messages import t

    group = sub.add_parser("idcard", help=t("cli.idcard")).add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    p = add("read", t("cli.idcard_read"), cmd_idcard_read, group)
    p.add_argument("--port", metavar="DEV", help=t("cli.idcard_port"))
    p.add_argument("--wait", type=float, default=10.0, metavar="SECONDS", help=t("cli.idcard_wait"))
    p.add_argument("--json", action="store_true", help=t("cli.idcard_json"))


def cmd_idcard_read(args) -> int:
    import sys

    from app.config import load_config, resolve_data_dir
    from app.errors import CommandError
    from app.messages import t
    from app.services.idcard import NoCard, NoReader, read_one

    config = load_config(resolve_data_dir(args.data_dir))
    port = (args.port or str(config.get("idcard.port") or "")).strip()
    if not port:
        raise CommandError(t("idcard.no_port"))
    wait = max(0.0, args.wait)
    try:
        got = read_one((port, config.get("idcard.baud")), wait)
    except NoReader as exc:
        raise CommandError(t("idcard.no_answer", port=port, error=exc)) from None
    except NoCard:
        raise CommandError(t("idcard.no_card", seconds=f"{wait:g}")) from None
    data = got.card.as_json()
    if args.json:
        from app.cli.common import print_json

        print_json({key: data[key] for key in JSON_KEYS})
    else:
        from app.cli.common import shown

        for key in JSON_KEYS:
            value = data[key]
            if key == "card_type":
                value = t(f"idcard.type_{value}")
            elif key == "sex" and value in ("1", "2"):
                value = t(f"idcard.sex_{value}")
            elif key == "valid_to" and value is None:
                value = t("idcard.long_term")
            print(f"{t('idcard.field_' + key)}: {shown(value)}")
    if got.problem:
        print(f"yichuang: {t('idcard.refused', problem=got.problem_text)}", file=sys.stderr)
    return 0
