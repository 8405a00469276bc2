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
    # --- `yichuang hub …` help (lang helper, issue 18: one language) ----------------------------
    "hub.help": ("平台服务器（县级或省级平台）", "the platform server (county or provincial hub)"),
    "hub.help_serve": ("运行平台（HTTP 服务，基于 uvicorn）", "run the hub (HTTP, ASGI on uvicorn)"),
    "hub.help_host": (
        "监听的地址（默认 127.0.0.1：只有本机能连；给各窗口用时设为本机的内网地址或 0.0.0.0）",
        "the address to listen on (default 127.0.0.1: this machine only; the LAN address or 0.0.0.0 for the windows)",
    ),
    "hub.help_port": ("监听的端口（默认 8470）", "the port to listen on (default 8470)"),
    "hub.help_db": (
        "数据库地址（默认：数据目录里的 SQLite；PostgreSQL 写 postgresql+psycopg://用户@主机:端口/库名，密码放在 ~/.pgpass）",
        "database URL (default: SQLite in the data dir; postgresql+psycopg://user@host:port/db for PostgreSQL, the password in ~/.pgpass)",
    ),
    "hub.help_upstream": (
        "省级平台的地址：省级事项的案件转发到那里",
        "provincial hub to forward province-level cases to",
    ),
    "hub.help_upstream_token_file": (
        "存放省级平台令牌的文件，只有本用户能读（chmod 600）；或设置环境变量 {env}",
        "a file holding the upstream hub's token, readable by this user alone (chmod 600); or set {env}",
    ),
    "hub.help_tls_cert": ("用这个证书（证书链）提供 HTTPS", "serve HTTPS with this certificate (chain)"),
    "hub.help_workers": (
        "本端口上的平台进程数（各有自己的监听套接字）；多于 1 个时须使用 PostgreSQL（--db）",
        "hub processes on this port (each with a listening socket of its own); more than 1 needs PostgreSQL (--db)",
    ),
    "hub.help_tls_key": ("证书的私钥", "the certificate's private key"),
    "hub.help_add_token": (
        "生成一个 API 令牌（打印在最后一行）",
        "create an API token (printed as the last line)",
    ),
    "hub.help_token_role": (
        "令牌的角色：workstation 窗口，backoffice 后台，hub 下级平台",
        "the token's role: workstation, backoffice, or hub (a county hub below this one)",
    ),
    "hub.help_token_office": (
        "单位编码（窗口令牌）；县级区划编码前缀（平台令牌）",
        "office code (workstation), county code prefix (hub)",
    ),
    "hub.help_token_workstation": ("窗口号（窗口令牌）", "workstation id (role workstation)"),
    "hub.help_token_name": ("持有人（后台：部门或人员）", "who holds it (back office: department or person)"),
    "hub.help_token_replace": (
        "这个窗口已有有效令牌时：吊销它并发一个新的",
        "a workstation that has a live token: revoke it and issue a new one",
    ),
    "hub.help_token_expires": ("令牌在 DAYS 天后过期", "the token expires after DAYS days"),
    "hub.help_token_public_key": (
        "窗口的公钥（在该窗口运行 yichuang keys 打印）：Ed25519（数据包和回执）或 SM2（audit.signature = sm2 时的回执）；两种都有时重复本选项",
        "a public key of the workstation, as `yichuang keys` prints it there: Ed25519 (its bundles and receipts) or SM2 (receipts with audit.signature = sm2); repeat for both",
    ),
    "hub.help_set_key": (
        "把窗口的回执公钥绑定到它的令牌（只有平台管理员能绑定）",
        "bind a workstation's receipt keys to its token (only the hub's admin binds keys)",
    ),
    "hub.help_set_key_id": (
        "令牌编号（见 list-tokens；窗口上运行 yichuang keys 也会打印）",
        "the token's id (see list-tokens; `yichuang keys` prints it at the window)",
    ),
    "hub.help_set_key_public_key": (
        "Ed25519 或 SM2 公钥；两种都有时重复本选项",
        "Ed25519 or SM2; repeat for both",
    ),
    "hub.help_list_tokens": (
        "列出令牌（编号、角色、范围、使用、过期；从不显示令牌本身）",
        "list tokens (id, role, scope, use, expiry; never the token)",
    ),
    "hub.help_revoke_token": (
        "按编号吊销令牌（见 list-tokens）",
        "revoke a token by its id (see list-tokens)",
    ),
    "hub.help_revoke_id": ("令牌编号（至少 6 位十六进制数字）", "the token's id (at least 6 hex digits)"),
    "hub.help_add_user": (
        "添加后台网页用户（密码从标准输入读取）",
        "add a back office console user (password from standard input)",
    ),
    "hub.help_user_name": ("用户名", "the user's name"),
    "hub.help_user_role": (
        "角色：backoffice 后台办理，admin 管理员",
        "the role: backoffice (decides cases) or admin",
    ),
    "hub.help_user_department": (
        "用户负责审批的部门（如 320724-SCJG）；多个部门时重复本选项",
        "a department the user decides for (e.g. 320724-SCJG); repeat for more",
    ),
    "hub.help_unlock_user": (
        "解除后台用户的登录锁定（记录为 shell:本机用户）",
        "lift a console user's login lock (recorded as shell:USER)",
    ),
    "hub.help_import_bundle": (
        "导入从窗口带来的数据包（只应用一次）",
        "apply a bundle carried from a workstation (exactly once)",
    ),
    "hub.help_bundle_file": ("数据包文件", "the bundle file"),
    "hub.help_bundle_key": (
        "打印窗口封装数据包所用的公钥（最后一行；给窗口的 yichuang sync hub-key 用）",
        "print the public key windows seal their bundles to (last line; for `yichuang sync hub-key`)",
    ),
    "hub.help_publish_catalogue": (
        "发布新版事项清单（窗口同步时只取差异）",
        "publish a new catalogue version (workstations get a delta)",
    ),
    "hub.help_catalogue_file": ("事项清单文件（JSON）", "the catalogue file (JSON)"),
    "hub.help_publish_calendar": ("发布新的工作日历", "publish a new working-day calendar"),
    "hub.help_calendar_file": ("工作日历文件（JSON）", "the calendar file (JSON)"),
    "hub.help_add_operator": (
        "建立窗口操作员账号（密码从标准输入读取，或提示输入两次）",
        "create a window operator account (password from stdin or asked twice)",
    ),
    "hub.help_operator_name": ("操作员姓名", "the operator's name"),
    "hub.help_operator_role": (
        "角色：clerk 窗口人员，courier 揽投员，supervisor 主管，admin 管理员",
        "the role: clerk, courier, supervisor or admin",
    ),
    "hub.help_operator_office": (
        "账号所属的单位编码（留空：所有单位）",
        "office code the account works at (empty: every office)",
    ),
    "hub.help_passwd_operator": (
        "为操作员账号设新密码（标准输入或提示输入两次）；密钥出现之前建立的账号同时得到密钥",
        "set a new password for an operator account (stdin or asked twice); gives a key to an account made before keys",
    ),
    "hub.help_disable_operator": (
        "停用操作员账号（各窗口下次同步后拒绝它）",
        "disable an operator account (windows refuse it after their next sync)",
    ),
    "hub.help_list_operators": (
        "列出操作员账号（从不显示密码哈希或密钥；“无密钥”是密钥出现之前建立的账号：用 passwd-operator 重设其密码）",
        "list operator accounts (never a password hash or key; 'no key' marks an account made before keys: reset its password with passwd-operator)",
    ),
    "hub.help_json": ("以 JSON 格式输出", "machine-readable output"),
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
    "hub.help_release_address": (
        "放行一个被暂停登录的客户端地址（记录为 shell:本机用户）",
        "let a held client address try to log in again now (recorded as shell:USER)",
    ),
    "hub.help_address": ("客户端地址（IPv6 按其 /64 网段）", "the client's address (an IPv6 one by its /64)"),
    "hub.address_still_held": (
        "注意：地址 {address} 仍被暂停登录（至 {until}），从该地址仍无法登录；"
        "放行：yichuang hub release-address {address}",
        "Note: address {address} is still held back (until {until}): logins from it are still refused; "
        "to let it through: yichuang hub release-address {address}",
    ),
    "hub.address_released": (
        "已放行地址 {address}（记录为 {actor}）",
        "Let address {address} through (recorded as {actor})",
    ),
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
    "hub.port_in_use": (
        "无法监听 {where}：该端口已被占用（另一个平台进程或程序）；请先停止它，或用 --port 换一个端口",
        "Cannot listen on {where}: the port is taken (another hub or program); stop it first, or choose "
        "another with --port",
    ),
    "hub.cannot_listen": (
        "无法监听 {where}（系统答复：{error}）；请检查 --host 和 --port",
        "Cannot listen on {where} (the system says: {error}); check --host and --port",
    ),
    "hub.workers_gave_up": (
        "平台工作进程无法启动（见上方日志：数据库、配置或证书）；平台已停止",
        "The hub's worker processes could not start (see the log above: database, configuration or "
        "certificate); the hub has stopped",
    ),
    "hub.tls_bad": (
        "无法使用该证书和私钥：{error}",
        "Cannot use this certificate and key: {error}",
    ),
    "hub.workers_no_reuseport": (
        "--workers 多于 1 需要 Linux（由内核把连接分给各进程的 SO_REUSEPORT）；本系统请用 1 个进程，"
        "或在反向代理后运行多个平台",
        "--workers above 1 needs Linux (SO_REUSEPORT, by which the kernel spreads connections over the "
        "processes); here run 1 process, or several hubs behind the reverse proxy",
    ),
    "hub.workers_bad": ("--workers 须为 1 到 64 之间的整数", "--workers must be an integer from 1 to 64"),
    "hub.bundle_unseal": (
        "加密的数据包打不开（损坏或被改动）：{error}",
        "The sealed bundle cannot be opened (damaged or altered): {error}",
    ),
}
