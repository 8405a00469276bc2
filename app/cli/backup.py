"""`yichuang backup DIR` and `yichuang restore FILE` (registered by app.cli).

Nothing heavy is imported at module level: every `yichuang` start pays for this file.
"""

from __future__ import annotations


def register(sub, add) -> None:
    from app.cli.common import gate
    from app.messages import t

    p = add("backup", t("cli.backup"), cmd_backup, sub)
    p.add_argument("dir", nargs="?", metavar="DIR", help=t("cli.backup_dir"))
    gate(p, "settings")  # the whole store leaves in one file
    p = add("restore", t("cli.restore"), cmd_restore, sub)
    p.add_argument("file", metavar="FILE", help=t("cli.restore_file"))
    p.add_argument("--force-other-workstation", action="store_true", help=t("cli.restore_force"))
    p.add_argument("--offline", action="store_true", help=t("cli.restore_offline"))
    gate(p, "settings", unreadable_store_ok=True)  # replaces the store, its accounts included


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def cmd_backup(args) -> int:
    from app.cli.common import workstation
    from app.errors import CommandError
    from app.messages import t
    from app.services.backup import BackupError, backup_dir, make_backup

    ws = workstation(args)
    try:
        res = make_backup(ws, args.dir or backup_dir(ws.config))
    except BackupError as exc:
        raise CommandError(str(exc)) from None
    finally:
        ws.close()
    print(
        t(
            "backup.done",
            path=res.path,
            size=_size(res.size),
            cases=res.cases,
            events=res.events,
            files=res.files,
            seconds=f"{res.seconds:.1f}",
        )
    )
    return 0


def cmd_restore(args) -> int:
    from app.cli.common import workstation
    from app.errors import CommandError
    from app.messages import t
    from app.services.backup import BackupError
    from app.services.restore import restore_backup

    ws = workstation(args)
    try:
        res = restore_backup(
            ws, args.file, force_other_workstation=args.force_other_workstation, use_hub=not args.offline
        )
    except BackupError as exc:
        raise CommandError(str(exc)) from None
    finally:
        ws.close()
    m = res.manifest
    fields = {"office": m["office"], "ws": m["workstation"], "created": m["created_at"], "cases": m["cases"]}
    if res.aside is not None:
        print(t("backup.restored", aside=res.aside, **fields))
    else:
        print(t("backup.restored_fresh", **fields))
    names = {
        "store": t("backup.src_store"),
        "prints": t("backup.src_prints"),
        "backup": t("backup.src_backup"),
        "hub": t("backup.src_hub"),
    }
    sources = "、".join(names[s] for s in res.sources) or "-"
    print(t("backup.counters", n=res.counters_raised, sources=sources))
    if res.keys_kept:
        print(t("backup.keys_kept", names="、".join(res.keys_kept)))
    if res.hub_configured and not res.hub_answered:
        print(t("backup.hub_later"))
    return 0
