"""`yichuang keys [--json]` (registered by app.cli): this workstation's public keys and the command
the hub's admin runs to bind them (app.services.receipt_keys). Read-only apart from making the
window's key if it has none yet (as its first receipt would); prints public keys only.

Only argparse-free code at module level: every `yichuang` start imports this file.
"""

from __future__ import annotations


def register(sub, add) -> None:
    from app.messages import t

    p = add("keys", t("cli.keys"), cmd_keys)
    p.add_argument("--json", action="store_true", help=t("keys.cli_json"))


def cmd_keys(args) -> int:
    import shlex

    from app.messages import t
    from app.services.receipt_keys import admin_command, public_keys, token_id
    from app.services.workstation import open_workstation

    ws = open_workstation(args.data_dir)
    try:
        keys = public_keys(ws)
        command = admin_command(ws, keys)
        office, wsid = str(ws.config.get("office.code")), str(ws.config.get("workstation.id"))
        tid = token_id(ws)
    finally:
        ws.close()
    if args.json:
        from app.cli.common import print_json

        print_json(
            {
                "office": office,
                "workstation": wsid,
                "token_id": tid,
                "keys": [k.to_dict() for k in keys],
                "admin_command": command,
            }
        )
        return 0
    print(t("keys.title", office=office, ws=wsid))
    for k in keys:
        use = (
            "keys.use_sm2"
            if k.alg == "sm2"
            else ("keys.use_ed25519" if k.signs_receipts else "keys.use_ed25519_only")
        )
        print(f"  {t(use)}")
        print(t("keys.line_id", key_id=k.key_id))
        print(f"  {k.public_key}")
    print()
    print(t("keys.admin_set", id=tid) if tid else t("keys.admin_new"))
    print("  " + shlex.join(command))
    return 0
