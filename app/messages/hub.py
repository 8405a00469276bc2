"""Messages for the hub: `yichuang hub …` and the hub server.

Part of the one catalogue (app.messages assembles the parts; t() looks keys up there).
Key prefixes here: hub.
"""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # --- the back office console on the hub: accounts, sessions, admin (issue 10) ---------
    "hub.user_password_prompt": ("密码：", "Password: "),
    "hub.user_password_again": ("再输一次：", "Again: "),
    "hub.user_password_mismatch": ("两次输入的密码不一致", "The two passwords differ"),
    "hub.user_added": (
        "已添加用户 {name}（{role}，部门 {departments}）",
        "Added user {name} ({role}, departments {departments})",
    ),
    # --- hub (`yichuang hub …`, sync/hub/cli.py) ---------------------------------------------
    "hub.need_data_dir": (
        "平台需要 --data-dir 目录（或环境变量 YICHUANG_HUB_DIR）",
        "The hub needs --data-dir DIR (or YICHUANG_HUB_DIR)",
    ),
    "hub.listening": (
        "平台已在 {url} 监听（数据 {data}，数据库 {db}）",
        "Hub listening on {url} (data {data}, db {db})",
    ),
    "hub.db_error": ("平台数据库：{error}", "Hub database: {error}"),
    "hub.upstream_token": (
        "--upstream 需要上级平台的令牌：用 --upstream-token-file 文件路径（仅本用户可读，权限 600）或环境变量 YICHUANG_UPSTREAM_TOKEN 给出",
        "--upstream needs the upstream hub's token: give --upstream-token-file PATH (readable by you alone, mode 600) or the YICHUANG_UPSTREAM_TOKEN environment variable",
    ),
    "hub.tls_pair": ("--tls-cert 与 --tls-key 须同时给出", "--tls-cert and --tls-key go together"),
    "hub.ws_needs": (
        "--role workstation 需要 --office 办理点代码和 --workstation 窗口号",
        "--role workstation needs --office CODE and --workstation ID",
    ),
    "hub.hub_needs": (
        "--role hub 需要 --office 县级代码前缀（如 320724）",
        "--role hub needs --office with the county code prefix (e.g. 320724)",
    ),
    "hub.bad_expiry": ("--expires 须为 1 至 36500 天", "--expires must be 1..36500 days"),
    "hub.bad_public_key": (
        "--public-key 不是 Ed25519 或 SM2 公钥（yichuang keys 显示的 base64）",
        "--public-key is not an Ed25519 or SM2 public key (the base64 yichuang keys prints)",
    ),
    "hub.token_exists": (
        "窗口 {scope} 已有有效令牌（{ids}）；如需换发，请加 --replace（旧令牌将被吊销）",
        "Workstation {scope} already has a live token ({ids}); add --replace to issue a new one and revoke the old",
    ),
    "hub.token_new": (
        "新{role}令牌，用于 {scope}（仅显示这一次；平台只保存其哈希）：",
        "New {role} token for {scope} (shown once; the hub keeps only its hash):",
    ),
    "hub.token_replaces": ("旧令牌已吊销：{ids}", "The old token was revoked: {ids}"),
    "hub.token_expires": ("有效期至 {when}", "Valid until {when}"),
    "hub.all_offices": ("全部办理点", "all offices"),
    "hub.role_workstation": ("窗口", "workstation"),
    "hub.role_backoffice": ("后台", "back office"),
    "hub.role_hub": ("平台", "hub"),
    "hub.tokens_none": ("尚无令牌", "No tokens"),
    "hub.col_id": ("编号", "ID"),
    "hub.col_role": ("角色", "Role"),
    "hub.col_scope": ("范围", "Scope"),
    "hub.col_created": ("创建", "Created"),
    "hub.col_last_used": ("最近使用", "Last used"),
    "hub.col_expires": ("到期", "Expires"),
    "hub.col_status": ("状态", "Status"),
    "hub.status_live": ("有效", "live"),
    "hub.status_revoked": ("已吊销", "revoked"),
    "hub.status_expired": ("已过期", "expired"),
    "hub.never": ("—", "—"),
    "hub.revoked": ("已吊销令牌 {id}（{role} {scope}）", "Revoked token {id} ({role} {scope})"),
    "hub.revoked_already": ("令牌 {id} 此前已吊销", "Token {id} was already revoked"),
    "hub.revoke_bad_id": (
        "令牌编号为至少 6 位十六进制数字（见 yichuang hub list-tokens）",
        "A token id is at least 6 hex digits (see yichuang hub list-tokens)",
    ),
    "hub.revoke_none": ("没有编号为 {id} 的令牌", "No token has the id {id}"),
    "hub.revoke_many": (
        "编号 {id} 对应 {n} 个令牌，请多写几位",
        "The id {id} matches {n} tokens; give more digits",
    ),
    "hub.cannot_read": ("无法读取 {file}：{error}", "Cannot read {file}: {error}"),
    "hub.bundle_refused": (
        "数据包被拒绝，未应用任何内容：{error}",
        "Bundle refused, nothing applied: {error}",
    ),
    "hub.bundle_done": (
        "{office}/{ws} 的数据包：应用 {applied} 条，已有 {duplicate} 条，退回 {refused} 条，扫描件 {attachments} 份",
        "Bundle of {office}/{ws}: {applied} applied, {duplicate} already here, {refused} refused, {attachments} attachments",
    ),
    "hub.bundle_refused_event": (
        "  退回 {id}（{case}）：{code}：{reason}",
        "  refused {id} ({case}): {code}: {reason}",
    ),
    "hub.bundle_not_bundle": ("不是一窗数据包", "Not a yichuang bundle"),
    "hub.bundle_damaged": ("数据包头部已损坏", "The bundle's header is damaged"),
    "hub.bundle_version": ("数据包版本未知", "Unknown bundle version"),
    "hub.bundle_hash": (
        "数据包内容与其哈希不符（损坏或被改动）",
        "The bundle's body does not match its hash (damaged or altered)",
    ),
    "hub.bundle_too_big": ("数据包超过 {max} 字节", "The bundle is larger than {max} bytes"),
    "hub.bundle_no_token": ("数据包未注明令牌", "The bundle names no token"),
    "hub.bundle_unknown_token": (
        "平台没有 {scope} 的有效窗口令牌 {id}",
        "No live workstation token {id} for {scope} here",
    ),
    "hub.bundle_hmac": (
        "数据包并非由该窗口的令牌签署（被改动？）",
        "The bundle is not signed by that workstation's token (altered?)",
    ),
    "hub.bundle_no_key": (
        "枢纽管理员尚未为该窗口登记公钥：在窗口上运行 yichuang keys，再在枢纽上用 hub set-key 登记",
        "The hub's admin has bound no public key for this workstation: run yichuang keys at the window, then hub set-key here",
    ),
    "hub.bundle_other_key": (
        "数据包的签名密钥不是平台为该窗口登记的公钥",
        "The bundle is signed by another key than the one registered for this workstation",
    ),
    "hub.bundle_signature": ("数据包签名无效（被改动？）", "The bundle's signature is not valid (altered?)"),
    "hub.bundle_bomb": (
        "数据包解压后超过 {max} 字节（不符合正常数据包的压缩比），拒绝",
        "The bundle decompresses to more than {max} bytes (no real bundle compresses that well)",
    ),
    "hub.bundle_content": ("数据包内容无效：{error}", "The bundle's content is refused: {error}"),
    "hub.bundle_attachment": ("扫描件 {sha} 与其哈希不符", "Attachment {sha} does not match its hash"),
    "hub.catalogue_errors": ("{n} 处错误，未发布", "{n} error(s); nothing was published"),
    "hub.published_catalogue": ("已发布事项目录 {version}", "Published catalogue {version}"),
    "hub.published_calendar": ("已发布工作日历 {version}", "Published calendar {version}"),
    "hub.file_error": ("{file}：{error}", "{file}: {error}"),
    # --- receipt keys and receipts' QR codes (issue 16 §3: sync/hub/receipts.py, `yichuang keys`) ---
    "hub.col_keys": ("回执密钥", "Receipt keys"),
    # --- hubproc (issue 16 §6): secrets never on a command line; the console's lockout ------
    "hub.user_unlocked": (
        "已解除 {name} 的锁定（记录为 {actor}）",
        "Lifted the lock of {name} (recorded as {actor})",
    ),
    # --- private files; bundles, backups and prints sealed on an encrypted store (issue 16 §5) ---
    "hub.bundle_other_hub_key": (
        "数据包加密给了另一个平台公钥（指纹 {theirs}），本平台的公钥指纹是 {mine}：请让该窗口联网同步一次，"
        "或在窗口上运行 yichuang sync hub-key 设置本平台公钥（本平台 yichuang hub bundle-key 显示），再重新导出",
        "The bundle is sealed to another hub key (fingerprint {theirs}); this hub's key is {mine}. Let that "
        "window sync online once, or set this hub's key there with `yichuang sync hub-key` (shown by "
        "`yichuang hub bundle-key` here), then export again",
    ),
    # --- hubscale (issue 20 §3): several hub processes on one PostgreSQL --------------------
    "hub.workers_need_postgres": (
        "--workers {n} 需要 PostgreSQL 数据库（--db postgresql+psycopg://…）：SQLite 只供单个平台进程使用，"
        "多个进程请改用 PostgreSQL，或去掉 --workers",
        "--workers {n} needs a PostgreSQL database (--db postgresql+psycopg://…): SQLite serves one hub "
        "process only; use PostgreSQL for several, or leave out --workers",
    ),
    "hub.workers_bad": ("--workers 须为 1 到 64 之间的整数", "--workers must be an integer from 1 to 64"),
    "hub.bundle_unseal": (
        "加密的数据包打不开（损坏或被改动）：{error}",
        "The sealed bundle cannot be opened (damaged or altered): {error}",
    ),
}
