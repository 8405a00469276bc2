"""Messages for words shared by the window, the CLI and the hub: domain rules (identifiers, numbers, working days, states, events), services' reports and errors.

Part of the one catalogue (app.messages assembles the parts; t() looks keys up there).
Key prefixes here: accounts, audit, backup, calendar, case, catalogue, config, courier, db,
decide, error, evaluation, event, field, followup, form, handover, id, idcard, job, keys, login,
no, number, operator, password, print, role, scan, scans, sealed, secret, state, stats, store,
sync, workdays, yes.
"""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # --- operators, roles, login and screen lock (issue 8 §1) ---------------------------
    "password.too_short": ("密码至少 8 位", "the password needs at least 8 characters"),
    "password.too_simple": (
        "密码不能只有数字或只有字母",
        "the password cannot be digits only or letters only",
    ),
    "role.clerk": ("办事员", "clerk"),
    "role.courier": ("揽投员", "courier"),
    "role.supervisor": ("窗口负责人", "supervisor"),
    "role.admin": ("系统管理员", "administrator"),
    "role.demo": ("演示办事员", "demo clerk"),
    "role.refused": ("{role}不能{action}", "a {role} may not {action}"),
    "login.title": ("登录", "Log in"),
    "login.office": ("{office}", "{office}"),
    "login.name": ("用户名", "name"),
    "login.password": ("密码", "password"),
    "login.hint": (
        "输入用户名，回车，输入密码，回车。连续 5 次密码错误将锁定账号 15 分钟。",
        "Type your name, Enter, your password, Enter. Five wrong passwords lock the account for 15 minutes.",
    ),
    "login.need_name": ("请输入用户名", "type your name"),
    "login.checking": ("正在验证…", "checking…"),
    "login.wrong": ("用户名或密码不对", "wrong name or password"),
    "login.wrong_left": (
        "密码不对；再错 {left} 次账号将被锁定",
        "wrong password; {left} more and the account locks",
    ),
    "login.locked": (
        "账号 {name} 因多次密码错误已锁定，{until} 后再试",
        "account {name} is locked after too many wrong passwords; try again after {until}",
    ),
    "login.disabled": ("账号 {name} 已停用", "account {name} is disabled"),
    "config.lock_after": (
        "ui.lock_after 应为 0 到 86400 之间的整数秒（0 表示不自动锁屏），而不是 {value}",
        "ui.lock_after must be whole seconds from 0 to 86400 (0: never lock), not {value}",
    ),
    "operator.field_name": ("用户名", "name"),
    "operator.bad_name": (
        "用户名“{name}”不可用：不能含空格、@、/、:、\\",
        "the name “{name}” cannot be used: no spaces, @, /, : or \\",
    ),
    "operator.bad_role": ("没有角色“{role}”；可用：{known}", "no role “{role}”; known: {known}"),
    "operator.exists": ("操作员 {name} 已存在", "operator {name} exists already"),
    "operator.unknown": ("没有操作员 {name}", "no operator {name}"),
    "operator.is_disabled": ("操作员 {name} 已停用", "operator {name} is disabled"),
    "operator.no_password": (
        "标准输入中没有密码（请用管道输入一行密码）",
        "no password on standard input (pipe one line)",
    ),
    "operator.ask_password": ("新密码：", "New password: "),
    "operator.ask_again": ("再输入一次：", "Again: "),
    "operator.mismatch": ("两次输入的密码不一致，未作改动", "the passwords do not match; nothing changed"),
    "operator.added": ("已添加操作员 {name}（{role}）", "operator {name} added ({role})"),
    "operator.password_set": ("已修改 {name} 的密码", "password of {name} changed"),
    "operator.disabled": ("已停用操作员 {name}", "operator {name} disabled"),
    "operator.already_disabled": ("操作员 {name} 原已停用", "operator {name} was disabled already"),
    "operator.none": ("尚无操作员账号（演示模式）", "no operator accounts (demo mode)"),
    "operator.state_active": ("启用", "active"),
    "operator.state_disabled": ("停用", "disabled"),
    "operator.state_locked": ("锁定至 {until}", "locked until {until}"),
    "operator.synced": ("已同步", "synced"),
    "operator.not_synced": ("待同步", "not yet synced"),
    # --- backup (app.services.backup, app.cli.backup) --------------------------------------
    "backup.db_damaged": ("数据库副本已损坏（{error}）", "the database copy is damaged ({error})"),
    "backup.dest_unwritable": (
        "无法写入备份目录 {path}：{error}",
        "cannot write to the backup folder {path}: {error}",
    ),
    "backup.no_store": ("没有可备份的数据库：{path}", "there is no store to back up: {path}"),
    "backup.verify_failed": (
        "备份 {path} 写入后校验失败（{error}），已删除",
        "backup {path} failed its check after writing ({error}); deleted",
    ),
    "backup.damaged": (
        "备份文件 {path} 已损坏或不完整，未作任何改动（{error}）",
        "backup {path} is damaged or incomplete; nothing was changed ({error})",
    ),
    "backup.no_manifest": ("缺少清单 manifest.json", "manifest.json is missing"),
    "backup.hash_mismatch": ("{file} 的校验值与清单不符", "{file} does not match its hash in the manifest"),
    "backup.newer_schema": (
        "备份来自较新版本的一窗（数据库版本 {version}，本程序 {known}），请先升级程序；未作任何改动",
        "the backup comes from a newer yichuang (schema {version}, this program {known}); upgrade first. Nothing was changed",
    ),
    "backup.other_workstation": (
        "备份属于另一台工作站（{diffs}），未作任何改动；确需恢复请加 --force-other-workstation",
        "the backup belongs to another workstation ({diffs}); nothing was changed. Add --force-other-workstation if you mean it",
    ),
    "backup.diff_office": ("本机办事点 {mine}，备份 {theirs}", "office here {mine}, in the backup {theirs}"),
    "backup.diff_ws": (
        "本机工作站号 {mine}，备份 {theirs}",
        "workstation here {mine}, in the backup {theirs}",
    ),
    "backup.diff_key": ("签名密钥不同", "a different signing key"),
    "backup.in_use": (
        "数据库 {path} 正在使用中，请先关闭一窗窗口再恢复",
        "the store {path} is in use; close the window before restoring",
    ),
    "backup.no_file": ("找不到备份文件 {path}", "backup file not found: {path}"),
    "backup.done": (
        "已备份：{path}（{size}，{cases}件案件，{events}条事件，{files}个文件，用时{seconds}秒，已校验）",
        "backed up: {path} ({size}, {cases} cases, {events} events, {files} files, {seconds} s, verified)",
    ),
    "backup.verified": (
        "备份完好：{path}（{office}-{ws}，{created}，{cases}件案件）",
        "backup is sound: {path} ({office}-{ws}, {created}, {cases} cases)",
    ),
    "backup.restored": (
        "已恢复 {office}-{ws} 于 {created} 的备份（{cases}件案件）；原数据已移至 {aside}",
        "restored the backup of {office}-{ws} taken {created} ({cases} cases); the previous data is in {aside}",
    ),
    "backup.restored_fresh": (
        "已恢复 {office}-{ws} 于 {created} 的备份（{cases}件案件）",
        "restored the backup of {office}-{ws} taken {created} ({cases} cases)",
    ),
    "backup.counters": (
        "案件编号计数器已按{sources}抬高 {n} 处，已发出的编号不会重复",
        "case-number counters raised in {n} places from {sources}; no number already issued comes again",
    ),
    "backup.hub_later": (
        "平台暂时联系不上：下次同步成功时将再按平台已知编号核对计数器",
        "the hub did not answer: the counters are checked against the hub's numbers at the next successful sync",
    ),
    "store.backup_failed": (
        "升级前备份数据库 {path} 失败（{error}），未升级，未作任何改动",
        "backing up {path} before the upgrade failed ({error}); not upgraded, nothing changed",
    ),
    "backup.src_store": ("被替换的数据库", "the replaced store"),
    "backup.src_prints": ("打印文件", "the printed documents"),
    "backup.src_backup": ("备份", "the backup"),
    "backup.src_hub": ("平台", "the hub"),
    "backup.pre_upgrade": ("升级数据库前已自动备份：{path}", "backed up before upgrading the store: {path}"),
    "backup.daily_done": ("今日自动备份完成：{path}", "daily backup done: {path}"),
    "backup.daily_failed": ("自动备份失败：{error}", "daily backup failed: {error}"),
    "config.keep_days": (
        "backup.keep_days 应为 0 到 3650 的整数（0 表示不自动备份），而不是 {value}",
        "backup.keep_days must be a whole number 0..3650 (0 = no daily backup), not {value}",
    ),
    "error.store": ("数据库错误：{error}", "Store error: {error}"),
    "error.crash_logged": (
        "一窗意外退出，错误记录已保存：{path}",
        "yichuang stopped on an unexpected error; the log is in {path}",
    ),
    # --- audit trail: hash chain, `yichuang audit verify`, SM2 signatures (issue 8 §2) ------
    "audit.bad_hash": (
        "audit.hash 只能是 sm3 或 sha256，不是 {value}",
        "audit.hash is sm3 or sha256, not {value}",
    ),
    "audit.bad_signature": (
        "audit.signature 只能是 ed25519 或 sm2，不是 {value}",
        "audit.signature is ed25519 or sm2, not {value}",
    ),
    "audit.cli_help": (
        "审计链：本机事件的哈希链",
        "audit trail: the hash chain over this workstation's events",
    ),
    "audit.cli_verify": (
        "校验审计链，指出第一处断链；断链时退出码非零",
        "check the audit chain and name the first broken link; non-zero exit when one is found",
    ),
    "audit.progress": ("已校验 {events} 条事件…", "{events} events checked…"),
    "audit.ok": (
        "审计链完好：{events} 条事件（{algorithms}），末端第 {n} 条 {hash}",
        "the audit chain is whole: {events} events ({algorithms}), last link {n} {hash}",
    ),
    "audit.broken": (
        "审计链断开：第 {position} 条事件（事件 {event_id}，链序号 {n}，行 {row}）",
        "the audit chain is broken at event {position} (event {event_id}, link number {n}, row {row})",
    ),
    "audit.broken_summary": (
        "此前 {checked} 条事件完好；其后的事件未再校验",
        "the {checked} events before it are whole; the events after it were not checked",
    ),
    "audit.problem_content": (
        "内容与其哈希不符（记录被改动）：按内容应为 {expected}，存的是 {found}",
        "its content does not give its hash (the record was changed): computed {expected}, stored {found}",
    ),
    "audit.problem_link": (
        "前一哈希不符（前一条事件被删除、插入或改动）：应为 {expected}，记的是 {found}",
        "its previous hash does not match (an event before it was deleted, inserted or changed): expected {expected}, recorded {found}",
    ),
    "audit.problem_sequence": (
        "链序号应为 {expected}，实为 {found}（事件被删除、插入或调换了顺序）",
        "its link number should be {expected} but is {found} (an event was deleted, inserted or moved)",
    ),
    "audit.problem_algorithm": (
        "哈希算法未知：{found}（应为 {expected}）",
        "unknown hash algorithm {found} (expected {expected})",
    ),
    "audit.problem_case": (
        "事件指向的办件不是它所记的办件 {expected}",
        "the event points to a case other than the one it names ({expected})",
    ),
    "audit.problem_fork": (
        "同一链序号已有另一条事件（链分叉）：已有 {expected}，新到 {found}",
        "another event already holds this link number (the chain forked): held {expected}, sent {found}",
    ),
    "audit.problem_missing": (
        "该工作站已上报哈希链，此事件却不带链",
        "the workstation sends a hash chain, but this event has none",
    ),
    # --- personal data: masking, unmasking, encryption at rest (issue 8 §3) ---------------
    "event.case.unmasked": ("查看完整号码", "full numbers viewed"),
    "db.wrong_key": (
        "无法打开数据库 {path}：密钥或口令不对（或该文件不是本系统的加密数据库）",
        "Cannot open the store {path}: wrong key or passphrase (or not an encrypted store of ours)",
    ),
    "db.encrypted_no_key": (
        "数据库 {path} 无法直接读取：它是加密的（而设置 store.encrypted 未开启，请开启后输入口令），或者不是一窗的数据库",
        "The store {path} cannot be read as it is: it is encrypted (and store.encrypted is off: turn it on and give the passphrase), or it is not a yichuang database",
    ),
    "db.not_encrypted": (
        "数据库 {path} 未加密，但设置 store.encrypted 已开启：请运行 yichuang db encrypt 转换",
        "The store {path} is not encrypted but store.encrypted is on: run yichuang db encrypt to convert it",
    ),
    "db.no_key": (
        "数据库已加密，但没有密钥：本机密钥环中没有，也没有口令（在终端中启动以输入口令，或设置环境变量 {env}）",
        "The store is encrypted but no key was found: none in this PC's keyring and no passphrase (start in a terminal to type it, or set {env})",
    ),
    "db.passphrase_prompt": ("数据库口令：", "Store passphrase: "),
    "db.passphrase_new": ("新的数据库口令：", "New store passphrase: "),
    "db.passphrase_again": ("再输入一次：", "Again: "),
    "db.passphrase_mismatch": (
        "两次输入的口令不一致，未做任何更改",
        "The passphrases differ; nothing was changed",
    ),
    "db.passphrase_short": (
        "口令至少 {n} 个字符，未做任何更改",
        "The passphrase needs at least {n} characters; nothing was changed",
    ),
    "db.passphrase_needed": (
        "本机没有密钥环：需要口令（在终端中运行以输入，或设置环境变量 {env}），未做任何更改",
        "No keyring on this PC: a passphrase is needed (run in a terminal to type it, or set {env}); nothing was changed",
    ),
    "db.encrypt_no_store": ("没有可加密的数据库：{path}", "No store to encrypt: {path}"),
    "db.encrypt_already": (
        "数据库 {path} 已经加密，未做任何更改",
        "The store {path} is already encrypted; nothing was changed",
    ),
    "db.encrypt_busy": (
        "数据库 {path} 正在使用（窗口程序未关闭？）：请先关闭再加密，未做任何更改",
        "The store {path} is in use (is the window still open?): close it first; nothing was changed",
    ),
    "db.encrypt_unsound": (
        "数据库 {path} 检查未通过（{error}），不能加密：请先从备份恢复，未做任何更改",
        "The store {path} failed its check ({error}) and cannot be encrypted: restore a backup first; nothing was changed",
    ),
    "db.encrypt_copy_failed": (
        "未能做出可靠的备份副本 {path}，未做任何更改",
        "Could not make a verified copy {path}; nothing was changed",
    ),
    "db.encrypt_verify_failed": (
        "加密后的副本 {path} 校验未通过（{error}），已删除；原数据库未改动",
        "The encrypted copy {path} failed its check ({error}) and was deleted; the store is unchanged",
    ),
    "db.encrypt_failed": (
        "加密失败：{error}；原数据库未改动，备份副本保留在 {copy}",
        "Encryption failed: {error}; the store is unchanged, the copy is kept at {copy}",
    ),
    "db.encrypt_keyring_failed": (
        "未能把密钥存入本机密钥环（{error}），未做任何更改；可用 --passphrase 改用口令",
        "Could not store the key in this PC's keyring ({error}); nothing was changed; --passphrase uses a passphrase instead",
    ),
    "db.use_encrypt_command": (
        "已有数据库未加密：请用 yichuang db encrypt 转换（它会开启此设置）",
        "The existing store is not encrypted: convert it with yichuang db encrypt (which turns this on)",
    ),
    "db.cannot_turn_off": (
        "数据库已加密，不能把 store.encrypted 关闭",
        "The store is encrypted; store.encrypted cannot be turned off",
    ),
    "db.encrypted": (
        "数据库已加密：{path}（{tables} 张表，{rows} 行，均已核对）",
        "Store encrypted: {path} ({tables} tables, {rows} rows, all checked)",
    ),
    "db.key_in_keyring": (
        "密钥保存在本机密钥环中（不在配置文件里）",
        "The key is in this PC's keyring (not in the config file)",
    ),
    "db.key_is_passphrase": (
        "每次启动需输入口令（或由环境变量提供）；口令遗失则数据无法恢复",
        "The passphrase is asked at every start (or given by the environment); without it the data cannot be read",
    ),
    "db.plain_copy_left": (
        "注意：此备份仍是未加密的，请确认后删除：{path}",
        "Note: this backup is not encrypted; delete it once you are sure: {path}",
    ),
    # --- courier (issue 12: courier mode, progress query) ------------------------------------
    "event.courier.assigned": ("登记邮件号", "waybill linked"),
    "event.courier.pickup": ("揽收", "picked up"),
    "event.courier.transit": ("在途", "in transit"),
    "event.courier.delivered": ("妥投", "delivered"),
    "event.courier.failed": ("投递失败", "delivery failed"),
    "courier.step_pickup": ("揽收", "pickup"),
    "courier.step_transit": ("在途", "in transit"),
    "courier.step_delivered": ("妥投", "delivered"),
    "courier.step_failed": ("投递失败", "failed"),
    "courier.step_assigned": ("已登记待揽收", "linked, not picked up"),
    "courier.step_none": ("未登记", "not known"),
    "courier.fail_no_answer": ("无人签收", "nobody to sign"),
    "courier.fail_bad_address": ("地址错误", "wrong address"),
    "courier.fail_refused": ("拒收", "refused"),
    "courier.fail_other": ("其他原因", "other"),
    "courier.bad_pattern": (
        "邮件号规则无效：{pattern}（{error}）",
        "Invalid waybill pattern {pattern} ({error})",
    ),
    "courier.bad_terminator": (
        "courier.terminator 只能是 enter 或 tab，不是 {value}",
        "courier.terminator must be enter or tab, not {value}",
    ),
    "courier.too_long": (
        "扫描内容过长（{n}个字符），不是邮件号",
        "Scan too long ({n} characters): not a waybill",
    ),
    "courier.line_format": (
        "每行应为：邮件号，或 邮件号 案件编号",
        "Each line must be: a waybill, or a waybill and a case number",
    ),
    "courier.invalid": ("邮件号无效：{value}（{error}）", "Invalid waybill {value}: {error}"),
    "courier.echo": (
        "{waybill} 一秒内重复扫描，按一次计",
        "{waybill} scanned again within a second: counted once",
    ),
    "courier.repeat": (
        "{waybill} 本趟已扫描过，未重复记录",
        "{waybill} is already in this trip: not recorded again",
    ),
    "courier.need_case": (
        "{waybill} 揽收时须对应案件：先扫描或输入案件编号",
        "{waybill}: a pickup needs its case; scan or type the case number first",
    ),
    "courier.unknown_case": ("找不到案件 {case}", "No case {case}"),
    "courier.unknown_waybill": (
        "{waybill} 未揽收，不能记录此环节",
        "{waybill} was never picked up: this step cannot be recorded",
    ),
    "courier.step_order": (
        "{waybill} 当前为「{last}」，不能记录此环节",
        "{waybill} is at '{last}': this step cannot be recorded",
    ),
    "courier.other_case": ("{waybill} 已对应案件 {case}", "{waybill} belongs to case {case}"),
    "courier.recorded": ("已记录 {waybill} · {case} · {step}", "Recorded {waybill} · {case} · {step}"),
    "courier.assigned": ("邮件号 {waybill} 已登记到案件 {case}", "Waybill {waybill} linked to case {case}"),
    "courier.recipient": ("收件人", "Recipient"),
    "courier.need_recipient": ("妥投须填写收件人姓名", "Delivered needs the recipient's name"),
    "courier.need_reason": ("投递失败须选择原因", "A failed delivery needs a reason"),
    "courier.title": ("揽投扫描", "Courier scans"),
    "courier.scan_placeholder": (
        "扫描邮件号（或案件编号选择案件）",
        "Scan a waybill (or a case number to choose the case)",
    ),
    "courier.case_placeholder": ("揽收对应的案件编号", "Case number for pickups"),
    "courier.recipient_placeholder": ("收件人姓名（妥投）", "Recipient's name (delivered)"),
    "courier.mode": (
        "环节：{step}  案件：{case}  本人签收：{applicant}  失败原因：{reason}",
        "Step: {step}  Case: {case}  Applicant signed: {applicant}  Reason: {reason}",
    ),
    "courier.yes": ("是", "yes"),
    "courier.no": ("否", "no"),
    "courier.none": ("—", "—"),
    "courier.case_chosen": ("已选择案件 {case}", "Case {case} chosen"),
    "courier.trip_info": ("本趟 {trip}：已记录 {count} 件", "Trip {trip}: {count} recorded"),
    "courier.col_waybill": ("邮件号", "Waybill"),
    "courier.col_case": ("案件编号", "Case"),
    "courier.col_step": ("环节", "Step"),
    "courier.col_at": ("时间", "At"),
    "courier.col_operator": ("操作员", "Operator"),
    "courier.slip_queued": (
        "交接单已送打印（{count}件），新的一趟开始",
        "Handover slip queued ({count}); a new trip starts",
    ),
    "courier.slip_empty": ("本趟还没有记录，无交接单可打", "Nothing recorded in this trip: no slip to print"),
    "courier.line_error": ("第{line}行：{error}", "line {line}: {error}"),
    "courier.line_notice": ("第{line}行（提示）：{message}", "line {line} (notice): {message}"),
    "courier.summary": ("已记录 {ok} 条，拒绝 {bad} 条", "{ok} recorded, {bad} rejected"),
    "courier.no_scans": ("还没有扫描记录", "No scans recorded yet"),
    "courier.scans_shown": ("显示第{first}–{last}条，共{total}条", "showing {first}–{last} of {total}"),
    "courier.scans_more": ("；更早的：--page {page}", "; older: --page {page}"),
    # --- 好差评: evaluation and follow-ups, `yichuang evaluate` (issue 8 §4) ----------------
    "event.evaluation.rated": ("好差评", "rated"),
    "event.evaluation.declined": ("未评价", "no rating"),
    "event.followup.opened": ("差评整改", "follow-up opened"),
    "event.followup.closed": ("整改办结", "follow-up closed"),
    "evaluation.level_very_satisfied": ("非常满意", "Very satisfied"),
    "evaluation.level_satisfied": ("满意", "Satisfied"),
    "evaluation.level_basically_satisfied": ("基本满意", "Fairly satisfied"),
    "evaluation.level_dissatisfied": ("不满意", "Dissatisfied"),
    "evaluation.level_very_dissatisfied": ("非常不满意", "Very dissatisfied"),
    "evaluation.reason_friendly": ("服务热情", "Friendly service"),
    "evaluation.reason_efficient": ("办事高效", "Quick and efficient"),
    "evaluation.reason_clear": ("告知清楚", "Clearly explained"),
    "evaluation.reason_one_trip": ("一次办成", "Done in one visit"),
    "evaluation.reason_short_wait": ("等候时间短", "Short wait"),
    "evaluation.reason_wait_long": ("等候时间长", "Long wait"),
    "evaluation.reason_unclear": ("告知不清楚", "Not clearly explained"),
    "evaluation.reason_attitude": ("服务态度差", "Unfriendly service"),
    "evaluation.reason_slow": ("办理速度慢", "Slow handling"),
    "evaluation.reason_many_trips": ("多次跑腿", "Had to come several times"),
    "evaluation.reason_too_many_materials": ("材料要求多", "Too many materials asked"),
    "evaluation.stage_accepted": ("受理", "acceptance"),
    "evaluation.stage_delivered": ("出件", "handover"),
    "evaluation.bad_level": ("没有这个评价等级：{level}", "No such rating level: {level}"),
    "evaluation.bad_reason": ("“{level}”没有这个原因：{reason}", "{level} has no reason {reason}"),
    "evaluation.bad_stage": ("没有这个评价环节：{stage}", "No such stage to rate: {stage}"),
    "evaluation.comment": ("其他意见", "Other comments"),
    "evaluation.comment_placeholder": ("其他意见（可不填）", "Other comments (optional)"),
    "evaluation.declined": ("申请人不评价", "the applicant declined to rate"),
    "evaluation.no_answer": ("申请人未作答", "the applicant did not answer"),
    "evaluation.not_rateable": (
        "案件 {number} 没有受理或出件，不能评价",
        "Case {number} was neither accepted nor handed out: nothing to rate",
    ),
    "evaluation.already": ("案件 {number} 已评价：{level}", "Case {number} is rated already: {level}"),
    "evaluation.no_case": (
        "本窗口还没有受理或出件的案件可评价",
        "No case accepted or handed out here to rate",
    ),
    "evaluation.title": ("请您对本次服务作出评价", "Please rate our service"),
    "evaluation.about": (
        "案件 {number} · {stage} · {window} · 经办人 {clerk}",
        "Case {number} · {stage} · {window} · clerk {clerk}",
    ),
    "evaluation.hint_levels": (
        "请按数字键 1–5 选择；不评价请按 0 或 Esc",
        "Press 1-5 to choose; 0 or Esc if you prefer not to rate",
    ),
    "evaluation.chosen": ("您的评价：{level}", "Your rating: {level}"),
    "evaluation.hint_reasons": (
        "可按数字键选择原因（可多选），Tab 填写其他意见，Enter 提交，Esc 重选",
        "Number keys choose reasons (any), Tab for a comment, Enter submits, Esc to choose again",
    ),
    "evaluation.choose_first": ("请先按 1–5 选择评价", "Press 1-5 to choose a rating first"),
    "evaluation.recorded": ("案件 {number} 评价已记录：{level}", "Rating of {number} recorded: {level}"),
    "evaluation.declined_recorded": (
        "案件 {number}：申请人不评价，已记录",
        "{number}: the applicant declined to rate (recorded)",
    ),
    "evaluation.sent_to_counter": (
        "请申请人在评价器上评价（案件 {number}）",
        "Asked the applicant to rate {number} at the counter terminal",
    ),
    "evaluation.counter_absent": (
        "评价器未连接：案件 {number} 的评价将在评价器开启后显示（yichuang evaluate）",
        "The counter terminal is not running: {number} is shown there once it starts (yichuang evaluate)",
    ),
    "evaluation.counter_rated": (
        "案件 {number} 申请人评价：{level}",
        "{number} rated at the counter: {level}",
    ),
    "evaluation.counter_declined": ("案件 {number} 申请人未评价", "{number}: no rating at the counter"),
    "followup.note": ("整改说明", "What was done"),
    "followup.note_hint": (
        "（必填：如何整改、回访结果）",
        " (required: what was done, the applicant's answer)",
    ),
    "followup.opened": (
        "已生成差评整改 {id}，须在 {due} 前办结",
        "Follow-up {id} opened: to be closed by {due}",
    ),
    "followup.due_on": ("须在 {due} 前整改", "to be closed by {due}"),
    "followup.not_found": ("没有差评整改 {id}", "No follow-up {id}"),
    "followup.already_closed": ("差评整改 {id} 已办结", "Follow-up {id} is closed already"),
    "followup.closed_done": ("差评整改 {id} 已办结", "Follow-up {id} closed"),
    "followup.title": ("差评整改", "Follow-ups of bad ratings"),
    "followup.col_id": ("编号", "ID"),
    "followup.col_case": ("案件编号", "Case"),
    "followup.col_level": ("评价", "Rating"),
    "followup.col_due": ("办结期限", "Due"),
    "followup.col_left": ("剩余", "Left"),
    "followup.col_state": ("状态", "State"),
    "followup.col_reasons": ("原因", "Reasons"),
    "followup.open": ("待整改", "open"),
    "followup.closed": ("已办结", "closed"),
    "followup.overdue": ("已超期", "OVERDUE"),
    "followup.overdue_flag": ("已超期!", "OVERDUE!"),
    "followup.days_left": ("{days} 个工作日", "{days} working days"),
    "followup.days_over": ("超期 {days} 个工作日", "{days} working days over"),
    "followup.summary": ("{count} 件，其中超期 {overdue} 件", "{count}, {overdue} overdue"),
    "followup.none": ("没有待整改的差评", "No follow-ups open"),
    "followup.overdue_count": ("有 {count} 件差评整改已超期", "{count} follow-ups are overdue"),
    "followup.status_overdue": ("差评整改超期 {count} 件（Ctrl+F）", "{count} follow-ups overdue (Ctrl+F)"),
    "followup.closed_detail": ("{by} 办结：{note}", "Closed by {by}: {note}"),
    "followup.close_title": ("办结差评整改 {id}（案件 {case}）", "Close follow-up {id} (case {case})"),
    "config.evaluation_prompt": (
        "evaluation.prompt 只能是 auto、window、counter 或 off，不是 {value}",
        "evaluation.prompt must be auto, window, counter or off, not {value}",
    ),
    "config.evaluation_days": (
        "evaluation.followup_days 须是 1–60 的整数，不是 {value}",
        "evaluation.followup_days must be a whole number 1-60, not {value}",
    ),
    "config.evaluation_timeout": (
        "evaluation.counter_timeout 须是 10–3600 的整数（秒），不是 {value}",
        "evaluation.counter_timeout must be a whole number of seconds 10-3600, not {value}",
    ),
    # --- scanner (scanner inbox: app.services.scanner, app.ui.screens.scans, `yichuang scans`) --
    "config.scanner_max_mb": (
        "scanner.max_mb 须为 1 到 200 之间的数（MB），不是 {value}",
        "scanner.max_mb must be a number of MB from 1 to 200, not {value}",
    ),
    "config.scanner_inbox_relative": (
        "scanner.inbox 须为绝对路径（如 /srv/scans），不是 {path}",
        "scanner.inbox must be an absolute path (e.g. /srv/scans), not {path}",
    ),
    "config.scanner_inbox": (
        "扫描文件夹 {path} 不可用：{error}",
        "Scanner folder {path} cannot be used: {error}",
    ),
    "config.scanner_inbox_unwritable": (
        "不可写（收取后要把文件移走）",
        "not writable (taken files are moved out)",
    ),
    "scan.refused_empty": ("空文件", "empty file"),
    "scan.refused_too_big": (
        "文件过大：{size} 字节，上限 {limit} 字节（scanner.max_mb）",
        "too big: {size} bytes, the limit is {limit} bytes (scanner.max_mb)",
    ),
    "scan.refused_type": (
        "不是 PDF、JPEG、PNG 或 TIFF 文件（按内容判断，开头为 {head}）",
        "not a PDF, JPEG, PNG or TIFF file by its content (it starts {head})",
    ),
    "scan.refused_truncated_pdf": ("PDF 不完整：结尾没有 %%EOF", "truncated PDF: no %%EOF at its end"),
    "scan.refused_truncated_jpeg": ("JPEG 不完整：没有结束标记 FFD9", "truncated JPEG: no end marker FFD9"),
    "scan.refused_truncated_png": ("PNG 不完整：没有 IEND 块", "truncated PNG: no IEND chunk"),
    "scan.refused_truncated_tiff": (
        "TIFF 不完整：目录位置超出文件",
        "truncated TIFF: its directory lies beyond the end",
    ),
    "scan.refused_name": ("文件名不安全（{why}）", "unsafe file name ({why})"),
    "scan.refused_link": (
        "不是普通文件（链接、设备或有多个硬链接）",
        "not a plain file (a link, a device, or a file with several hard links)",
    ),
    "scan.state_unassigned": ("未分配", "unassigned"),
    "scan.state_assigned": ("已分配 {case}/{material}", "assigned to {case}/{material}"),
    "scan.state_refused": ("已拒收：{reason}", "refused: {reason}"),
    "scan.no_material": ("办件 {number} 的材料清单中没有 {key}", "Case {number} has no material {key}"),
    "scan.not_found": ("没有编号为 {id} 的扫描件", "No scan with id {id}"),
    "scan.not_unassigned": ("扫描件 {id} 不能再分配：{state}", "Scan {id} cannot be assigned: {state}"),
    "scan.no_inbox": (
        "未设置扫描文件夹（yichuang config set scanner.inbox /路径）",
        "No scanner folder set (yichuang config set scanner.inbox /path)",
    ),
    "scan.inbox_missing": ("扫描文件夹 {path} 不存在", "Scanner folder {path} does not exist"),
    "scan.inbox_busy": (
        "扫描文件夹 {path} 已由另一个程序监视（窗口或 scans watch）",
        "Scanner folder {path} is already watched by another program (a window or scans watch)",
    ),
    "scan.error": ("扫描文件夹出错：{error}", "Scanner folder error: {error}"),
    "scan.pages": ("{pages}页", "{pages} p."),
    "scan.pages_unknown": ("页数未知", "pages unknown"),
    "scan.cli_watching": ("正在监视 {path}（Ctrl+C 结束）", "Watching {path} (Ctrl+C stops)"),
    "scan.cli_taken": (
        "收取 #{id} {name}（{kind}，{pages}，{size}）sha256 {sha256}",
        "took #{id} {name} ({kind}, {pages}, {size}) sha256 {sha256}",
    ),
    "scan.cli_refused": ("拒收 {name}：{reason}（文件留在原处）", "refused {name}: {reason} (left in place)"),
    "scan.cli_none": ("还没有扫描件", "No scans yet"),
    "scans.title": ("扫描件 · 分配到材料", "Scans · assign to materials"),
    "scans.for_draft": ("当前受理：{subject}", "Current intake: {subject}"),
    "scans.for_case": ("办件 {number}：{subject}", "Case {number}: {subject}"),
    "scans.no_subject": (
        "尚未选择事项：先选事项，再把扫描件分配到材料",
        "No matter chosen yet: choose one, then assign scans to its materials",
    ),
    "scans.none": ("没有待分配的扫描件", "No scans waiting"),
    "scans.col_scan": ("扫描件", "Scan"),
    "scans.col_kind": ("类型", "Type"),
    "scans.col_pages": ("页数", "Pages"),
    "scans.col_size": ("大小", "Size"),
    "scans.col_time": ("时间", "Time"),
    "scans.col_material": ("材料", "Material"),
    "scans.col_status": ("状态", "Status"),
    "scans.keys": (
        "↑↓ 选扫描件，Tab 到材料，Enter 分配；Esc 返回",
        "↑↓ choose a scan, Tab to the materials, Enter assigns; Esc back",
    ),
    "scans.electronic": ("电子件", "electronic"),
    "scans.assigned": ("{name} 已分配到 {material}", "{name} assigned to {material}"),
    "scans.held": (
        "{name} → {material}（受理后归入办件）",
        "{name} → {material} (filed with the case when it is decided)",
    ),
    "scans.bound_failed": (
        "扫描件未能归入 {number}：{error}",
        "A scan could not be filed with {number}: {error}",
    ),
    "scans.arrived": (
        "新扫描件：{name}（{pages}，{size}）· Ctrl+S 分配",
        "New scan: {name} ({pages}, {size}) · Ctrl+S to assign",
    ),
    "scans.refused": ("扫描件被拒收：{name}：{reason}", "Scan refused: {name}: {reason}"),
    "scans.status": ("扫描件待分配 {n}", "{n} scan(s) to assign"),
    "scans.pick_scan": ("先选一个扫描件", "Choose a scan first"),
    # --- intake screen, review fixes ---------------------------------------------------
    "form.original_short": ("原件", "orig."),
    "form.copy_short": ("复印", "copy"),
    "case.reason": ("不予受理理由", "Reason for refusal"),
    "case.remarks": ("告知说明", "Remarks on the notice"),
    "case.reason_denied": ("不予许可理由", "Reason for denial"),
    "case.reason_correction": ("需补正的内容", "What is to be corrected"),
    # the back office's remark on its 办结 / 不予许可 (issue 18): window, case show, 领取凭证
    "case.decision_remarks": ("审批意见", "Back office's remark"),
    "form.original": ("原件", "original"),
    "form.copy": ("复印件", "copy"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    # --- supervisor view, `yichuang stats`, `yichuang export cases` (issue 8 §5) -----------
    "stats.title": ("主管视图", "Supervisor view"),
    "stats.as_of": ("{today} · 更新于 {time}", "{today} · updated {time}"),
    "stats.loading": ("正在统计…", "Counting…"),
    "stats.failed": ("统计失败：{error}", "The figures failed: {error}"),
    "stats.today": ("今日", "Today"),
    "stats.month": ("本月", "This month"),
    "stats.range": ("期间", "Period"),
    "stats.totals": (
        "新案 {cases} · 受理 {accepted} · 一次性告知 {notified} · 不予受理 {refused}",
        "new cases {cases} · accepted {accepted} · notified {notified} · refused {refused}",
    ),
    "stats.rates": (
        "一次办结率 {first_visit} · 容缺率 {tolerated} · 每案告知 {notices} 次",
        "first-visit rate {first_visit} · 容缺 share {tolerated} · notices per case {notices}",
    ),
    "stats.by_matter": ("按事项", "By matter"),
    "stats.by_department": ("按部门", "By department"),
    "stats.by_window": ("按窗口", "By window"),
    "stats.by_clerk": ("按经办人", "By clerk"),
    "stats.row": (
        "受理 {accepted} · 告知 {notified} · 不予受理 {refused}",
        "accepted {accepted} · notified {notified} · refused {refused}",
    ),
    "stats.breakdown": ("{period} · {dimension}（收件数）", "{period} · {dimension} (decisions)"),
    "stats.refusals": ("不予受理原因", "Refusal reasons"),
    "stats.refusals_of": ("{period} · 不予受理原因", "{period} · refusal reasons"),
    "stats.deadlines": (
        "超期预警：已超期 {overdue} 件 · 今日到期 {today} 件 · 即将到期 {soon} 件（办理中 {open} 件）",
        "Deadlines: overdue {overdue} · due today {today} · due soon {soon} ({open} open)",
    ),
    "stats.days_left": ("剩余 {n} 个工作日", "{n} working days left"),
    "stats.days_over": ("超期 {n} 个工作日", "{n} working days overdue"),
    "stats.level_overdue": ("已超期", "overdue"),
    "stats.level_today": ("今日到期", "due today"),
    "stats.level_soon": ("即将到期", "due soon"),
    "stats.col_number": ("案件编号", "Case"),
    "stats.col_subject": ("事项", "Matter"),
    "stats.col_state": ("状态", "State"),
    "stats.col_due": ("承诺日期", "Promised"),
    "stats.col_left": ("剩余工作日", "Working days left"),
    "stats.col_level": ("预警", "Warning"),
    "stats.trend": (
        "近 {days} 天收件（每日）：{total} 件",
        "Cases taken in, last {days} days (daily): {total}",
    ),
    "stats.evaluation": ("好差评", "Service ratings (好差评)"),
    "stats.no_evaluation": ("好差评数据暂不可用", "Service ratings are not available"),
    "stats.eval_total": ("评价数", "ratings"),
    "stats.eval_rate": ("好评率", "satisfaction rate"),
    "stats.eval_declined": ("未评价", "declined"),
    "stats.eval_followups": ("差评整改", "follow-ups"),
    "stats.eval_followup_counts": (
        "新开 {opened}　待整改 {open}　超期 {overdue}　已整改 {closed}",
        "opened {opened}, open {open}, overdue {overdue}, closed {closed}",
    ),
    "stats.empty": ("暂无数据", "nothing yet"),
    "stats.unknown_department": ("（目录中已无此事项）", "(no longer in the catalogue)"),
    "stats.bad_date": ("日期应为 YYYY-MM-DD：{value}", "a date must be YYYY-MM-DD: {value}"),
    "stats.bad_period": (
        "结束日期 {end} 早于开始日期 {start}",
        "the end date {end} is before the start date {start}",
    ),
    "stats.cli_help": (
        "主管统计：今日和本月收件（按事项、部门、窗口、经办人）、一次办结率、容缺率、不予受理原因、超期预警、好差评",
        "the supervisor's figures: today's and this month's intake (by matter, department, window, clerk), first-visit rate, 容缺 share, refusal reasons, deadlines, ratings",
    ),
    "stats.cli_from": ("开始日期 YYYY-MM-DD（含）", "first day, YYYY-MM-DD (inclusive)"),
    "stats.cli_to": (
        "结束日期 YYYY-MM-DD（含；默认今天）",
        "last day, YYYY-MM-DD (inclusive; default today)",
    ),
    # --- decisions -------------------------------------------------------------------------
    "decide.need_subject": ("请先选择事项或一件事", "Choose a matter or bundle first"),
    "decide.fix_applicant": ("请先更正申请人信息", "Correct the applicant details first"),
    "decide.cannot_accept": (
        "还缺{count}项必要材料，不能受理；可按 F6 一次性告知",
        "{count} required materials missing; cannot accept (F6 to notify)",
    ),
    "decide.nothing_missing": (
        "材料齐全，无需一次性告知，请按 F5 受理",
        "Nothing is missing; accept with F5 instead",
    ),
    "decide.tolerable_only": ("{name} 不可容缺", "{name} cannot be tolerated"),
    # --- case list and detail --------------------------------------------------------------
    "case.title": ("案件 {number}", "Case {number}"),
    "case.timeline": ("办理记录", "Timeline"),
    "case.not_found": ("没有找到案件 {number}", "No case {number}"),
    "case.not_resumable": (
        "案件 {number} 不在待补正状态，不能继续受理",
        "Case {number} is not awaiting correction",
    ),
    # --- handover: handing results out at the window (统一窗口出件, issue 12) ----------------
    "scan.bad_number": (
        "扫描的回执二维码无效：案件编号「{number}」不正确（伪造或被改动？），拒绝",
        "The scanned receipt's QR code is refused: its case number {number} is not valid (forged or altered?)",
    ),
    "scan.bad_signature": (
        "回执二维码签名无效：案件 {number} 的二维码是伪造或被改动的，拒绝",
        "The receipt's QR signature is not valid: the code for {number} is forged or altered; refused",
    ),
    "scan.unsigned": (
        "回执二维码没有签名：案件 {number} 的二维码不是本中心出具的，拒绝",
        "The receipt's QR code carries no signature ({number}): not issued here; refused",
    ),
    "scan.unknown_key": (
        "回执二维码由未知的密钥（{key}）签名：案件 {number} 不是本中心出具的回执，拒绝",
        "The receipt's QR code is signed by an unknown key ({key}): {number} was not issued here; refused",
    ),
    "scan.opened": ("已扫描回执：案件 {number}", "Receipt scanned: case {number}"),
    "scan.receipt_not_found": (
        "扫描的回执（案件 {number}）在本工作站没有记录",
        "The scanned receipt (case {number}) is not in this workstation's store",
    ),
    "handover.not_ready": (
        "案件 {number} 状态为「{state}」，不是待出件（办结或不予许可）",
        "Case {number} is {state}: only completed or denied cases are handed out",
    ),
    "handover.id_mismatch": (
        "领取人证件号码与申请人不符；他人代领须填写代领人姓名和申请人的书面授权",
        "The collector's ID does not match the applicant's; an agent needs a name and the applicant's written authorisation",
    ),
    "handover.enterprise_agent": (
        "申请单位的办理结果须由经授权的经办人领取：请填写经办人姓名、身份证号码和授权委托",
        "A company's result goes to an authorised person: give their name, ID number and the authorisation",
    ),
    "handover.agent_is_applicant": (
        "代领人证件号码与申请人相同：申请人本人领取时无需代领信息",
        "The agent's ID is the applicant's: the applicant needs no authorisation",
    ),
    "handover.done": (
        "已出件：案件 {number}（{who}），正在打印领取凭证",
        "Handed out: {number} ({who}); printing the pickup voucher",
    ),
    "handover.who_applicant": ("申请人本人", "the applicant"),
    "handover.who_agent": ("代领人 {name}", "agent {name}"),
    "handover.printed": ("领取凭证：{state}（作业 {job}）", "Pickup voucher: {state} (job {job})"),
    "state.correction": ("待补正", "awaiting correction"),
    "state.accepted": ("已受理", "accepted"),
    "state.refused": ("不予受理", "refused"),
    "state.in_review": ("审批中", "in review"),
    "state.completed": ("办结", "completed"),
    "state.denied": ("不予许可", "denied"),
    "state.delivered": ("已出件", "delivered"),
    "event.case.created": ("建立案件", "case created"),
    "event.case.notified": ("一次性告知", "notice issued"),
    "event.case.accepted": ("受理", "accepted"),
    "event.case.refused": ("不予受理", "refused"),
    # --- identifiers and field checks (app.domain) ----------------------------------------
    "id.ric_required": ("请输入身份证号码", "Enter the resident ID number"),
    "id.ric_old15": (
        "15位旧身份证号码已停止使用，请提供18位身份证号码",
        "15-digit IDs are no longer valid; an 18-character ID is needed",
    ),
    "id.ric_length": ("身份证号码应为18位，当前为{n}位", "A resident ID has 18 characters, this has {n}"),
    "id.ric_format": (
        "身份证号码格式错误：前17位应为数字，最后一位为数字或X",
        "Wrong format: 17 digits, then a digit or X",
    ),
    "id.ric_check": ("身份证号码校验位错误，请逐位核对", "The check digit is wrong; compare digit by digit"),
    "id.ric_birth_invalid": ("身份证号码中的出生日期无效", "The birth date in the ID is not a date"),
    "id.ric_birth_future": ("身份证号码中的出生日期晚于今天", "The birth date in the ID is in the future"),
    "id.ric_birth_old": ("身份证号码中的出生日期早于1900年", "The birth date in the ID is before 1900"),
    "id.ric_area_unknown": ("地区代码未收录，请核对", "Unknown area code: please check"),
    # h/window (issue 17): a foreigner's permanent-residence card, the document a number names
    "id.fpr_format": (
        "外国人永久居留身份证号码应为3个字母加12位数字，或以9开头的18位",
        "A foreign permanent resident ID is 3 letters and 12 digits, or 18 characters starting with 9",
    ),
    "id.fpr_birth_invalid": (
        "外国人永久居留身份证号码中的出生日期无效",
        "The birth date in the foreign permanent resident ID is invalid",
    ),
    "id.doc_type": ("证件类型", "ID type"),
    # h/window2 (issue 17 leftover): a GB 11643 number of another document says which it is
    "id.doc_length": ("{doc}号码应为18位，当前为{n}位", "A {doc} number has 18 characters, this has {n}"),
    "id.doc_format": (
        "{doc}号码格式错误：前17位应为数字，最后一位为数字或X",
        "Wrong {doc} number: 17 digits, then a digit or X",
    ),
    "id.doc_check": (
        "{doc}号码校验位错误，请逐位核对",
        "The {doc} number's check digit is wrong; compare digit by digit",
    ),
    "id.doc_birth_invalid": ("{doc}号码中的出生日期无效", "The birth date in the {doc} number is not a date"),
    "id.doc_birth_future": (
        "{doc}号码中的出生日期晚于今天",
        "The birth date in the {doc} number is in the future",
    ),
    "id.doc_birth_old": (
        "{doc}号码中的出生日期早于1900年",
        "The birth date in the {doc} number is before 1900",
    ),
    "id.uscc_required": ("请输入统一社会信用代码", "Enter the unified social credit code"),
    "id.uscc_length": (
        "统一社会信用代码应为18位，当前为{n}位",
        "A credit code has 18 characters, this has {n}",
    ),
    "id.uscc_area": (
        "统一社会信用代码第3至8位（登记管理机关行政区划码）应为数字",
        "Characters 3 to 8 (the registering authority's area code) must be digits",
    ),
    "id.uscc_check": (
        "统一社会信用代码校验位错误，请逐位核对",
        "The check character is wrong; compare character by character",
    ),
    "id.uscc_authority_unusual": (
        "登记管理部门代码不常见，请核对",
        "Unusual registering authority code: please check",
    ),
    "id.s10_required": ("请输入邮件号", "Enter the waybill number"),
    "id.s10_length": (
        "邮件号应为13位（如EA123456785CN），当前为{n}位",
        "A waybill number has 13 characters (e.g. EA123456785CN), this has {n}",
    ),
    "id.s10_format": (
        "邮件号格式错误：应为2个字母、9位数字、2个字母（如EA123456785CN）",
        "Wrong format: 2 letters, 9 digits, 2 letters (e.g. EA123456785CN)",
    ),
    "id.s10_check": (
        "邮件号校验位错误，请重新扫描或逐位核对",
        "The check digit is wrong; scan again or compare digit by digit",
    ),
    "id.uscc_chars": (
        "统一社会信用代码含有无效字符：{chars}（不使用字母I、O、Z、S、V）",
        "Invalid characters: {chars} (I, O, Z, S and V are not used)",
    ),
    "field.control_at": (
        "{field}含有不可见控制字符（第{index}个字符，{code}），请删除后重新输入",
        "{field} contains an invisible control character (character {index}, {code}); delete it and type again",
    ),
    "field.too_long_now": (
        "{field}不能超过{max}个字（当前{n}个）",
        "{field} may have at most {max} characters (now {n})",
    ),
    "field.phone_format": (
        "{field}格式不正确：手机号为11位数字，固定电话如025-12345678",
        "{field} is not valid: a mobile has 11 digits, a landline looks like 025-12345678",
    ),
    # --- case numbers (app.domain.numbering) ----------------------------------------------
    "number.office_format": (
        "机构代码 {code} 无效：应为9位数字（乡镇/街道行政区划代码；县级中心用县级代码加000）",
        "Office code {code} is not valid: 9 digits (the township/street division code; a county centre uses its county code + 000)",
    ),
    "number.office_province": (
        "机构代码 {code} 无效：前两位 {prefix} 不是省级行政区划代码",
        "Office code {code} is not valid: {prefix} is not a province code",
    ),
    "number.office_level": (
        "机构代码 {code} 无效：应为县级或乡镇级代码，不能是省级代码",
        "Office code {code} is not valid: a county or township code is needed, not a province code",
    ),
    "number.ws_format": (
        "工作站编号 {ws} 无效：应为2位数字或大写字母（0-9、A-Z）",
        "Workstation id {ws} is not valid: two characters 0-9 or A-Z",
    ),
    "number.format": (
        "案件编号格式错误：应为 9位机构代码-2位工作站-6位日期-4位流水号-1位校验码",
        "Not a case number: 9-digit office-2-char workstation-6-digit date-4-digit sequence-check character",
    ),
    "number.check": ("案件编号校验失败", "The case number's check character is wrong"),
    "number.date": ("案件编号中的日期 {date} 无效", "The date {date} in the case number is not valid"),
    # --- settings (app.config) -------------------------------------------------------------
    "config.dir_unwritable": (
        "数据目录 {path} 无法写入：{error}",
        "The data dir {path} cannot be written: {error}",
    ),
    "config.unknown_key": (
        "没有设置项 {setting}；可用的设置项：{known}",
        "Unknown setting {setting}; known: {known}",
    ),
    "config.key_format": (
        "设置项名称应为“分组.名称”（如 office.code），而不是 {setting}",
        "Setting names look like section.name (e.g. office.code), not {setting}",
    ),
    "config.invalid": ("{setting}：{error}", "{setting}: {error}"),
    "config.language": ("ui.language 只能是 zh（简体中文）或 en（英文）", "ui.language must be zh or en"),
    "config.printer_scheme": (
        "printer.url 应以 tcp://、usb://、serial://、cups://、file:// 或 dir:// 开头",
        "printer.url must start with tcp://, usb://, serial://, cups://, file:// or dir://",
    ),
    "config.printer_profile": (
        "未知打印机型号 {value}；可选：{known}",
        "Unknown printer profile {value}; known: {known}",
    ),
    "config.hotline": (
        "office.hotline 只能包含数字、-、+、空格和括号，如 0518-83212345 或 12345",
        "office.hotline: digits only (and - + space brackets), e.g. 0518-83212345 or 12345",
    ),
    "config.hub_url": (
        "hub.url 应以 http:// 或 https:// 开头",
        "hub.url must start with http:// or https://",
    ),
    "config.unreadable": ("{path} 不是有效的 TOML 文件：{error}", "{path} cannot be read as TOML: {error}"),
    "config.key_unreadable": (
        "无法读取工作站密钥 {path}（{error}）；请从备份恢复",
        "The workstation key {path} cannot be read ({error}); restore it from backup",
    ),
    # --- the store (app.store.db) ----------------------------------------------------------
    "store.not_ours": ("{path} 不是一窗的数据库（{error}）", "{path} is not a yichuang database ({error})"),
    "store.newer": (
        "{path} 由更新版本的一窗写入（数据结构版本 {version}，本版本最高支持 {known}），未作任何改动：请升级一窗后再打开",
        "{path} was written by a newer yichuang (schema {version}; this version knows up to {known}). It has not been changed: upgrade yichuang to open it.",
    ),
    "store.cannot_open": ("无法打开数据库 {path}：{error}", "cannot open database {path}: {error}"),
    "store.cannot_write": ("无法写入数据库 {path}：{error}", "cannot write database {path}: {error}"),
    # --- catalogue files (forms.loader, app.services.catalogue_files) ---------------------
    "catalogue.problems": ("事项清单有{n}处错误", "{n} problem(s) in catalogue"),
    "catalogue.at_line": ("第{line}行第{column}列", "line {line}, column {column}"),
    "catalogue.unreadable": ("无法读取文件：{error}", "cannot read file: {error}"),
    "catalogue.empty": ("文件为空", "file is empty"),
    "catalogue.truncated_char": (
        "文件在一个字符中间结束（文件不完整？）",
        "unexpected end of file inside a character (file truncated?)",
    ),
    "catalogue.not_utf8": (
        "文件不是有效的 UTF-8 编码（第{offset}字节处为 {byte}）",
        "file is not valid UTF-8 (byte {byte} at offset {offset})",
    ),
    "catalogue.truncated_string": (
        "文件在从此处开始的字符串中结束（文件不完整？）",
        "unexpected end of file inside the string starting here (file truncated?)",
    ),
    "catalogue.truncated": (
        "文件意外结束（文件不完整？）：{error}",
        "unexpected end of file (file truncated?): {error}",
    ),
    "catalogue.bad_json": ("JSON 格式错误：{error}", "invalid JSON: {error}"),
    "catalogue.json_constant": ("事项清单中不允许出现 {name}", "{name} is not allowed in a catalogue"),
    "catalogue.invalid": ("事项清单无效：{error}", "invalid catalogue: {error}"),
    "catalogue.format": ("format 应为 {format}", "format must be {format}"),
    "catalogue.required": ("缺少必填字段", "missing required field"),
    "catalogue.unknown_field": ("未知字段", "unknown field"),
    "catalogue.type": ("类型应为 {expected}，实际为{got}", "must be of type {expected}, got {got}"),
    "catalogue.enum": ("应为 {choices} 之一，实际为{got}", "must be one of {choices}; got {got}"),
    "catalogue.const": ("应为 {expected}，实际为{got}", "must be {expected}; got {got}"),
    "catalogue.got": ("{reason}，实际为{got}", "{reason}; got {got}"),
    "catalogue.pattern": ("不符合格式 {pattern}", "does not match pattern {pattern}"),
    "catalogue.pattern_date": ("应为 YYYY-MM-DD 格式的日期", "must be a date written YYYY-MM-DD"),
    "catalogue.pattern_text": (
        "应为单行非空文本，首尾不能有空格",
        "must be non-empty text on one line, without leading or trailing spaces",
    ),
    "catalogue.pattern_code": (
        "应为由英文字母、数字、“-”“_”“.”组成的编码（最多64个字符）",
        "must be a code of ASCII letters, digits, '-', '_' or '.' (at most 64 characters)",
    ),
    "catalogue.pattern_key": (
        "应为以小写字母开头、由小写英文字母、数字和“_”组成的键",
        "must be a key of lower-case ASCII letters, digits and '_', starting with a letter",
    ),
    "catalogue.minimum": ("应不小于 {bound}，实际为{got}", "must be >= {bound}; got {got}"),
    "catalogue.maximum": ("应不大于 {bound}，实际为{got}", "must be <= {bound}; got {got}"),
    "catalogue.min_items": ("至少应有{n}项", "must contain at least {n} item(s)"),
    "catalogue.unique_items": ("列表中的项不能重复", "items must be unique; this list repeats an item"),
    "catalogue.min_length": ("至少应有{n}个字符", "must be at least {n} characters long"),
    "catalogue.max_length": ("最多{n}个字符", "must be at most {n} characters long"),
    "catalogue.a_boolean": ("布尔值 {value}", "boolean {value}"),
    "catalogue.a_number": ("数字 {value}", "number {value}"),
    "catalogue.a_string": ("字符串 {value}", "string {value}"),
    "catalogue.an_array": ("数组", "an array"),
    "catalogue.an_object": ("对象", "an object"),
    "catalogue.control": (
        "含有控制字符或不可见字符（{chars}）",
        "contains control or invisible characters ({chars})",
    ),
    "catalogue.bad_date": ("不是有效的日历日期：{value}", "not a real calendar date: {value}"),
    "catalogue.duplicate_matter": (
        "事项编码 {code} 重复，首次出现于 {first}",
        "duplicate matter code {code}, first used at {first}",
    ),
    "catalogue.promised_over_legal": (
        "承诺时限 promised_days（{promised}）不能超过法定时限 legal_days（{legal}）",
        "promised_days ({promised}) must not exceed legal_days ({legal})",
    ),
    "catalogue.tolerable_required": (
        "只有必要材料才能设为可容缺（tolerable）",
        "tolerable (容缺) is only allowed on a required material",
    ),
    "catalogue.duplicate_material": (
        "材料键 {key} 在本事项中出现两次，首次出现于 {first}",
        "material key {key} appears twice in this matter, first at {first}",
    ),
    "catalogue.material_names": (
        "材料键 {key} 在此处名为 {name}，但在 {first} 名为 {known}；同一个键只能有一个名称",
        "material key {key} is named {name} here but {known} at {first}; one key must have one name",
    ),
    "catalogue.duplicate_bundle": (
        "一件事编码 {code} 重复，首次出现于 {first}",
        "duplicate bundle code {code}, first used at {first}",
    ),
    "catalogue.bundle_is_matter": (
        "一件事编码 {code} 与事项 {matter} 的编码相同",
        "bundle code {code} is also the code of matter {matter}",
    ),
    "catalogue.unknown_matter": (
        "未知事项 {code}：没有事项使用该编码",
        "unknown matter {code}: no matter has this code",
    ),
    "catalogue.matter_twice": (
        "事项 {code} 在本一件事中列出两次",
        "matter {code} is listed twice in this bundle",
    ),
    "catalogue.version_exists": (
        "事项清单版本 {version} 已导入过，且内容与本文件不同：已发布的版本不能修改，请为修改后的清单使用新的版本号",
        "Catalogue version {version} was imported before with other content: a published version cannot change; give the changed catalogue a new version",
    ),
    "number.day_type": ("编号日期 {day} 无效：应为日期", "The numbering day {day} is not a date"),
    "number.day_range": (
        "编号日期 {day} 超出范围：只支持2000至2099年",
        "The numbering day {day} is out of range: years 2000 to 2099 only",
    ),
    "number.seq_range": (
        "当日流水号 {seq} 超出范围：应为1至{max}",
        "The day's sequence number {seq} is out of range: 1 to {max}",
    ),
    # --- working days (app.domain.workdays) ------------------------------------------------
    "calendar.not_object": (
        "工作日历数据无效：顶层应为 JSON 对象",
        "Invalid calendar data: the top level must be a JSON object",
    ),
    "calendar.format": (
        "工作日历数据无效：格式标识应为 {expected}，实际为 {actual}",
        "Invalid calendar data: format must be {expected}, not {actual}",
    ),
    "calendar.no_version": (
        "工作日历数据无效：缺少版本号 version",
        "Invalid calendar data: version is missing",
    ),
    "calendar.year": (
        "工作日历数据无效：{name} 应为年份整数，实际为 {value}",
        "Invalid calendar data: {name} must be a year (an integer), not {value}",
    ),
    "calendar.year_order": (
        "工作日历数据无效：first_year ({first}) 晚于 last_year ({last})",
        "Invalid calendar data: first_year ({first}) is after last_year ({last})",
    ),
    "calendar.holiday_weekend": (
        "工作日历数据无效：holidays 只应列出周一至周五的休息日，{date} 是周末",
        "Invalid calendar data: holidays lists only Monday-to-Friday days off; {date} is a weekend day",
    ),
    "calendar.workday_weekday": (
        "工作日历数据无效：workdays 只应列出周六、周日的调休上班日，{date} 不是周末",
        "Invalid calendar data: workdays lists only make-up Saturdays and Sundays; {date} is not a weekend day",
    ),
    "calendar.not_list": (
        "工作日历数据无效：{name} 应为日期列表",
        "Invalid calendar data: {name} must be a list of dates",
    ),
    "calendar.not_date": (
        "工作日历数据无效：{name} 中的 {value} 不是 YYYY-MM-DD 日期",
        "Invalid calendar data: {value} in {name} is not a YYYY-MM-DD date",
    ),
    "calendar.out_of_range": (
        "工作日历数据无效：{name} 中的 {date} 不在 {first}–{last} 年范围内",
        "Invalid calendar data: {date} in {name} is outside the years {first}–{last}",
    ),
    "calendar.duplicate": (
        "工作日历数据无效：{name} 中的 {date} 重复出现",
        "Invalid calendar data: {date} appears twice in {name}",
    ),
    "calendar.bad_json": (
        "工作日历文件 {file} 不是有效的 JSON：{error}",
        "The calendar file {file} is not valid JSON: {error}",
    ),
    "calendar.in_file": ("{error}（文件：{file}）", "{error} (file: {file})"),
    "workdays.bad_pause": (
        "暂停区间无效：结束日期 {last} 早于开始日期 {first}",
        "Invalid pause: it ends on {last}, before it starts on {first}",
    ),
    "workdays.negative_days": ("时限天数不能为负数", "A time limit cannot be negative"),
    # --- failures: what the OS and the libraries said, in the user's words (app.domain.failures;
    # lang helper, issue 18). failure.NAME: what happened; failure.NAME_fix: what to do. ------
    "failure.disk_full": ("磁盘已满", "the disk is full"),
    "failure.disk_full_fix": (
        "清理这个磁盘上不用的文件，或用 --data-dir 把数据目录移到空间更大的磁盘；空间腾出后再试",
        "Free space on this disk, or move the data dir to a larger disk with --data-dir; then try again",
    ),
    "failure.read_only": (
        "磁盘是只读的（磁盘出错后系统会把它改为只读）",
        "the disk is read-only (the system does this after a disk error)",
    ),
    "failure.read_only_fix": (
        "请技术支持检查这块磁盘（可能已损坏，或U盘有写保护开关）；在此之前用 --data-dir 改用另一块可写磁盘上的文件夹",
        "Have technical support check this disk (it may be failing, or a USB stick's write-protect switch is on); meanwhile use a folder on another, writable disk with --data-dir",
    ),
    "failure.no_permission": ("没有权限", "permission denied"),
    "failure.no_permission_fix": (
        "用平时运行一窗的系统用户操作；或请管理员把这个文件夹交给该用户（chown -R 用户 文件夹）",
        "Work as the system user that runs yichuang, or have an admin give the folder to that user (chown -R USER FOLDER)",
    ),
    "failure.not_found": ("文件或文件夹不存在", "no such file or folder"),
    "failure.not_found_fix": (
        "核对路径；U盘或网络盘被拔出或断开时，重新接上",
        "Check the path; reconnect the USB stick or network drive if it was removed",
    ),
    "failure.not_dir": ("路径中有一段不是文件夹", "part of the path is not a folder"),
    "failure.not_dir_fix": (
        "核对路径，把占用这个名字的文件移走",
        "Check the path; move away the file that takes the name",
    ),
    "failure.is_dir": ("这是文件夹，不是文件", "this is a folder, not a file"),
    "failure.is_dir_fix": ("核对路径，指向文件而不是文件夹", "Check the path: name a file, not a folder"),
    "failure.io_error": (
        "磁盘读写出错（磁盘或U盘可能坏了）",
        "a disk read or write failed (the disk or USB stick may be failing)",
    ),
    "failure.io_error_fix": (
        "马上把备份存到别的磁盘（yichuang backup），并请技术支持检查这块磁盘",
        "Put a backup on another disk now (yichuang backup) and have technical support check this disk",
    ),
    "failure.busy": ("文件正被其他程序使用", "the file is in use by another program"),
    "failure.busy_fix": ("关闭正在使用它的程序后再试", "Close the program using it, then try again"),
    "failure.too_many_files": ("打开的文件太多", "too many open files"),
    "failure.too_many_files_fix": (
        "关闭不用的程序，或重新启动电脑后再试",
        "Close unneeded programs or restart the PC, then try again",
    ),
    "failure.no_memory": ("内存不足", "out of memory"),
    "failure.no_memory_fix": ("关闭不用的程序后再试", "Close unneeded programs, then try again"),
    "failure.device_missing": (
        "设备没有找到（没接上、没开机或驱动没装）",
        "the device is not found (not connected, off, or no driver)",
    ),
    "failure.device_missing_fix": (
        "检查设备的电源和数据线，重新插拔后再试；仍然不行请核对设置里的设备名",
        "Check the device's power and cable, plug it in again and retry; if it persists, check the device name in the settings",
    ),
    "failure.store_read_only": (
        "数据库无法写入（磁盘只读，或没有文件夹的写入权限）",
        "the store cannot be written (the disk is read-only, or the folder is not writable)",
    ),
    "failure.store_read_only_fix": (
        "用平时运行一窗的系统用户操作，并检查磁盘是否只读；仍然不行请联系技术支持",
        "Work as the system user that runs yichuang and check whether the disk is read-only; if it persists, call technical support",
    ),
    "failure.store_cant_open": (
        "数据库文件打不开（文件夹不存在、没有权限或磁盘只读）",
        "the store file cannot be opened (no folder, no permission, or a read-only disk)",
    ),
    "failure.store_cant_open_fix": (
        "核对数据目录（--data-dir）和它的权限；仍然不行请联系技术支持",
        "Check the data dir (--data-dir) and its permissions; if it persists, call technical support",
    ),
    "failure.store_busy": ("数据库正被另一个一窗程序使用", "another yichuang program is using the store"),
    "failure.store_busy_fix": (
        "关闭其他一窗窗口和命令后再试",
        "Close the other yichuang windows and commands, then try again",
    ),
    "failure.store_damaged": ("数据库文件已损坏", "the store file is damaged"),
    "failure.store_damaged_fix": (
        "停止在本机办件；从最近的备份恢复（yichuang restore 备份文件），并联系技术支持",
        "Stop taking cases on this PC; restore the latest backup (yichuang restore FILE) and call technical support",
    ),
    "failure.os_other": ("系统报告错误 {code}", "the system reported {code}"),
    "failure.os_other_fix": (
        "把这一行和 --json 输出的详细信息发给技术支持",
        "Send this line and the detail of --json to technical support",
    ),
    "failure.refused": (
        "对方拒绝连接：这个地址和端口上没有服务在运行",
        "connection refused: nothing is listening at this address and port",
    ),
    "failure.refused_fix": (
        "核对地址和端口；确认对方已开机、服务已启动（平台由平台管理员启动）",
        "Check the address and port; make sure the other side is on and its service is running (the hub's operator starts the hub)",
    ),
    "failure.timeout": ("连接超时：对方没有回应", "the connection timed out: no response"),
    "failure.timeout_fix": (
        "检查网线和网络；确认对方已开机；请网络管理员确认防火墙放行这个端口",
        "Check the cable and the network; make sure the other side is on; have the network admin check the firewall lets this port through",
    ),
    "failure.unreachable": ("网络不通：没有通往对方的线路", "the network cannot reach the other side"),
    "failure.unreachable_fix": (
        "检查网线或无线网络，以及本机的网络设置（IP 地址、网关）",
        "Check the cable or Wi-Fi and this PC's network settings (IP address, gateway)",
    ),
    "failure.no_such_host": (
        "找不到这个主机名（域名解析失败）",
        "the host name cannot be found (DNS lookup failed)",
    ),
    "failure.no_such_host_fix": (
        "核对地址里的主机名；检查本机的 DNS 设置，或改用 IP 地址",
        "Check the host name in the address; check this PC's DNS settings, or use the IP address",
    ),
    "failure.connect_failed": ("连接失败", "the connection failed"),
    "failure.connect_failed_fix": ("检查网络，核对地址和端口", "Check the network, the address and the port"),
    "failure.reset": ("连接被对方中途断开", "the other side dropped the connection"),
    "failure.reset_fix": (
        "稍后自动重试；经常这样请检查网络，或请网络管理员检查代理和防火墙",
        "It is retried later; if it keeps happening, check the network or have the network admin check the proxy and firewall",
    ),
    "failure.cut": ("应答还没传完，连接就断了", "the connection broke before the answer was complete"),
    "failure.cut_fix": (
        "稍后自动重试，已收到的部分不会丢；经常这样请检查网络",
        "It is retried later and nothing received is lost; if it keeps happening, check the network",
    ),
    "failure.no_answer": (
        "对方接受了连接，但没有回答就断开了",
        "the other side took the connection but closed it without an answer",
    ),
    "failure.no_answer_fix": (
        "核对地址的 http:// 或 https:// 以及端口（对方可能是加密服务或别的服务）；地址无误时稍后自动重试",
        "Check http:// or https:// and the port in the address (the other side may expect TLS or be another service); if it is right, it is retried later",
    ),
    "failure.no_answer_in_time": ("对方在规定时间内没有回答", "no answer within the time allowed"),
    "failure.no_answer_in_time_fix": (
        "稍后自动重试；链路很慢时可设环境变量 YICHUANG_HUB_DEADLINE 放宽时限；一直这样请联系平台管理员",
        "It is retried later; on a very slow link set YICHUANG_HUB_DEADLINE to allow longer; if it persists, call the hub's operator",
    ),
    "failure.not_http": (
        "对方的应答不符合 HTTP 协议：连到的可能不是平台",
        "the answer is not HTTP: this may not be the hub",
    ),
    "failure.not_http_fix": (
        "核对地址的 http:// 或 https:// 以及端口",
        "Check http:// or https:// and the port in the address",
    ),
    "failure.bad_url": (
        "地址无效（应以 http:// 或 https:// 开头）",
        "the address is invalid (it must start with http:// or https://)",
    ),
    "failure.bad_url_fix": (
        "改正地址：yichuang config set hub.url https://平台地址",
        "Correct it: yichuang config set hub.url https://HUB-ADDRESS",
    ),
    "failure.proxy": ("代理服务器拒绝或无法转发", "the proxy refused or could not forward the request"),
    "failure.proxy_fix": (
        "请网络管理员放行平台地址；或取消本机的代理设置（环境变量 HTTPS_PROXY）",
        "Have the network admin let the hub's address through, or unset this PC's proxy (HTTPS_PROXY)",
    ),
    "failure.tls_not_tls": (
        "对方不是加密服务：地址用了 https://，对方却只接受普通 http",
        "the other side does not speak TLS: the address says https:// but it answers plain http",
    ),
    "failure.tls_not_tls_fix": (
        "核对地址的 http:// 或 https:// 以及端口（问平台管理员要正确的地址）",
        "Check http:// or https:// and the port in the address (ask the hub's operator for the right one)",
    ),
    "failure.tls_cert": ("证书验证不通过：{why}", "the certificate does not verify: {why}"),
    "failure.tls_cert_fix": (
        "核对地址；平台用本单位自签的证书时，把环境变量 YICHUANG_HUB_CA 设为其根证书文件；本机日期不对也会这样",
        "Check the address; for a certificate of the office's own CA set YICHUANG_HUB_CA to its root certificate; a wrong date on this PC does this too",
    ),
    "failure.cert_expired": ("证书已过期", "it has expired"),
    "failure.cert_not_yet_valid": (
        "证书尚未生效（本机日期可能不对）",
        "it is not valid yet (this PC's date may be wrong)",
    ),
    "failure.cert_self_signed": ("证书是自签的，本机不信任", "it is self-signed and not trusted here"),
    "failure.cert_unknown_issuer": ("签发证书的机构本机不认识", "its issuer is not known here"),
    "failure.cert_wrong_name": ("证书上的名字与地址不符", "it names another host than the address"),
    "failure.cert_untrusted": ("证书不被本机信任", "it is not trusted here"),
    "failure.tls_cut": ("加密连接被对方中途断开", "the other side broke off the encrypted connection"),
    "failure.tls_cut_fix": (
        "核对地址和端口；稍后自动重试；一直这样请联系平台管理员",
        "Check the address and port; it is retried later; if it persists, call the hub's operator",
    ),
    "failure.tls_other": ("加密连接（TLS）建立失败", "the encrypted (TLS) connection could not be set up"),
    "failure.tls_other_fix": (
        "核对地址和端口，确认本机日期正确；一直这样请联系平台管理员",
        "Check the address and port and this PC's date; if it persists, call the hub's operator",
    ),
    "failure.http_auth": (
        "平台拒绝了本机的令牌（HTTP {status}）",
        "the hub refused this PC's token (HTTP {status})",
    ),
    "failure.http_auth_fix": (
        "向平台管理员要一个新令牌，然后：yichuang config set hub.token 令牌",
        "Ask the hub's operator for a new token, then: yichuang config set hub.token TOKEN",
    ),
    "failure.http_token_revoked": ("平台已吊销本机的令牌", "the hub has revoked this PC's token"),
    "failure.http_token_revoked_fix": (
        "向平台管理员要一个新令牌，然后：yichuang config set hub.token 令牌",
        "Ask the hub's operator for a new token, then: yichuang config set hub.token TOKEN",
    ),
    "failure.http_token_expired": ("本机的令牌已过期", "this PC's token has expired"),
    "failure.http_token_expired_fix": (
        "向平台管理员要一个新令牌，然后：yichuang config set hub.token 令牌",
        "Ask the hub's operator for a new token, then: yichuang config set hub.token TOKEN",
    ),
    "failure.http_forbidden": (
        "平台不允许本机的令牌做这件事（HTTP 403）",
        "the hub does not let this PC's token do this (HTTP 403)",
    ),
    "failure.http_forbidden_fix": (
        "核对令牌是否发给了本窗口（单位编码、窗口号）；请平台管理员核对令牌的角色和范围",
        "Check the token was issued for this window (office code, window); ask the hub's operator to check its role and scope",
    ),
    "failure.http_not_found": ("平台上没有这个接口（HTTP 404）", "the hub has no such endpoint (HTTP 404)"),
    "failure.http_not_found_fix": (
        "核对 hub.url（只写到端口，不带路径）；平台版本过旧时请平台管理员升级",
        "Check hub.url (up to the port, no path); if the hub is older, ask its operator to upgrade it",
    ),
    "failure.http_too_large": (
        "发送的数据太大，平台不接收（HTTP 413）",
        "the hub refused the data as too large (HTTP 413)",
    ),
    "failure.http_too_large_fix": (
        "下次同步会分成更小的批次；一直这样请联系平台管理员（可能是平台前面的代理限制了大小）",
        "The next sync sends smaller batches; if it persists, call the hub's operator (a proxy before the hub may cap the size)",
    ),
    "failure.http_busy": (
        "平台繁忙，要求稍后再来（HTTP 429）",
        "the hub is busy and asks to come back later (HTTP 429)",
    ),
    "failure.http_busy_fix": ("稍后自动重试，不用处理", "It is retried later; nothing to do"),
    "failure.http_gateway": (
        "平台暂时不可用（HTTP {status}：平台前面的网关连不上平台）",
        "the hub is unavailable for now (HTTP {status}: the gateway before it cannot reach it)",
    ),
    "failure.http_gateway_fix": (
        "稍后自动重试；超过半小时仍这样请联系平台管理员",
        "It is retried later; if it lasts over half an hour, call the hub's operator",
    ),
    "failure.http_server": ("平台内部出错（HTTP {status}）", "the hub failed internally (HTTP {status})"),
    "failure.http_server_fix": (
        "稍后自动重试；一直这样请联系平台管理员",
        "It is retried later; if it persists, call the hub's operator",
    ),
    "failure.http_redirect": (
        "平台地址被转到了别处（HTTP {status}）",
        "the hub's address redirects elsewhere (HTTP {status})",
    ),
    "failure.http_redirect_fix": (
        "核对 hub.url：常见原因是应为 https:// 而不是 http://，或地址多了路径",
        "Check hub.url: usually it should be https:// rather than http://, or it has a path too many",
    ),
    "failure.http_refused": (
        "平台拒绝了这个请求（HTTP {status}）",
        "the hub refused the request (HTTP {status})",
    ),
    "failure.http_refused_fix": (
        "把一窗升级到平台要求的版本；一直这样请联系平台管理员",
        "Upgrade yichuang to the version the hub expects; if it persists, call the hub's operator",
    ),
    "failure.http_other": (
        "平台返回了意外的状态（HTTP {status}）",
        "the hub answered an unexpected status (HTTP {status})",
    ),
    "failure.http_other_fix": (
        "稍后自动重试；一直这样请联系平台管理员",
        "It is retried later; if it persists, call the hub's operator",
    ),
    "failure.answer_not_json": (
        "平台的应答不是平台的数据（可能是一个网页：地址指向了别的网站，或被代理、上网认证拦下）",
        "the answer is not the hub's data (perhaps a web page: the address leads elsewhere, or a proxy or captive portal intercepts it)",
    ),
    "failure.answer_not_json_fix": (
        "核对 hub.url；单位网络有上网认证或代理时，请网络管理员放行平台地址",
        "Check hub.url; if the office network has a login page or proxy, have the network admin let the hub's address through",
    ),
    "failure.answer_damaged": (
        "平台的应答数据已损坏（无法解压）",
        "the hub's answer is damaged (cannot be decompressed)",
    ),
    "failure.answer_damaged_fix": (
        "稍后自动重试；一直这样请联系平台管理员",
        "It is retried later; if it persists, call the hub's operator",
    ),
    "failure.answer_encoding": (
        "平台的应答用了本机不认识的压缩方式",
        "the hub's answer uses a compression this PC does not know",
    ),
    "failure.answer_encoding_fix": (
        "把一窗升级到与平台相同的版本",
        "Upgrade yichuang to the hub's version",
    ),
    "failure.answer_too_large": (
        "平台的应答超过上限，已停止读取",
        "the hub's answer is over the limit; reading stopped",
    ),
    "failure.answer_too_large_fix": (
        "请平台管理员检查平台；本机的数据不受影响",
        "Ask the hub's operator to check the hub; nothing on this PC is affected",
    ),
    "failure.answer_malformed": ("平台的应答格式不对", "the hub's answer is malformed"),
    "failure.answer_malformed_fix": (
        "把一窗升级到与平台相同的版本；一直这样请联系平台管理员",
        "Upgrade yichuang to the hub's version; if it persists, call the hub's operator",
    ),
    "failure.toml": (
        "第 {line} 行第 {column} 列的写法不对",
        "line {line}, column {column} is not valid",
    ),
    "failure.toml_fix": (
        '改正 config.toml 的这一行（值用英文引号括起来，如 url = "https://…"）；或把它改名，再用 yichuang config set 重新设置',
        'Correct that line of config.toml (quote values: url = "https://…"), or rename it and set the values again with yichuang config set',
    ),
    "failure.json": (
        "第 {line} 行第 {column} 列的写法不对",
        "line {line}, column {column} is not valid JSON",
    ),
    "failure.json_fix": (
        "用文本编辑器改正文件的这一处（JSON：名字和文字用英文双引号，项与项之间用英文逗号）",
        "Correct that place in the file (JSON: double quotes around names and text, commas between items)",
    ),
    "failure.db_login": (
        "数据库拒绝了登录（用户名或密码不对）",
        "the database refused the login (user or password)",
    ),
    "failure.db_login_fix": (
        "核对 --db 里的用户名，以及 ~/.pgpass 里的密码（权限 600）",
        "Check the user in --db and the password in ~/.pgpass (mode 600)",
    ),
    "failure.db_missing": ("数据库或其中的对象不存在", "the database (or something in it) does not exist"),
    "failure.db_missing_fix": (
        "核对 --db 里的库名；新库要先由数据库管理员建立（createdb）",
        "Check the database name in --db; a new one is created by the database admin first (createdb)",
    ),
    "failure.not_utf8": ("文件不是 UTF-8 编码的文本", "the file is not UTF-8 text"),
    "failure.not_utf8_fix": (
        "用支持 UTF-8 的编辑器另存为 UTF-8；或把它改名，再用 yichuang config set 重新设置",
        "Save it as UTF-8, or rename it and set the values again with yichuang config set",
    ),
    "failure.other": ("意外错误（{name}）", "unexpected error ({name})"),
    "failure.other_fix": (
        "把这一行和 --json 输出的详细信息发给技术支持",
        "Send this line and the detail of --json to technical support",
    ),
    # why the hub refused an event (its Refusal codes; app.domain.failures.refusal_text)
    "refusal.bad_case_number": (
        "案件编号的格式不对，平台不接收",
        "the case number is malformed; the hub does not take it",
    ),
    "refusal.bad_payload": ("记录的内容不完整或格式不对", "the record is incomplete or malformed"),
    "refusal.blocked": (
        "同一案件前面有一条记录被退回：处理好那一条后，这一条随后发送",
        "an earlier record of the same case was refused: once it is dealt with, this one follows",
    ),
    "refusal.changed": (
        "案件在平台上已有新的变化，这项决定基于旧的情况",
        "the case changed at the hub since; this decision was made on what it was before",
    ),
    "refusal.duplicate_id": (
        "平台上已有同一编号的另一条记录",
        "another record with this id is already at the hub",
    ),
    "refusal.forbidden_office": (
        "本机令牌所属的单位不能为这个单位登记记录：请检查本机的单位代码（office.code），"
        "或请平台管理员为本单位签发令牌",
        "this PC's token belongs to an office that may not record for this one: check this PC's "
        "office code (office.code), or ask the platform's admin for a token of this office",
    ),
    "refusal.invalid_transition": (
        "案件当前的状态不允许这项操作",
        "the case's present state does not allow this",
    ),
    "refusal.kind_not_allowed": ("窗口不能发送这类记录", "a window may not send this kind of record"),
    "refusal.not_your_workstation": (
        "这条记录属于另一个窗口，不能用本窗口的令牌发送",
        "this record belongs to another window; this window's token cannot send it",
    ),
    "refusal.number_conflict": (
        "平台上已有同号但内容不同的另一件案件",
        "the hub holds another case with this number",
    ),
    "refusal.unknown_case": (
        "平台上还没有这件案件（它的受理记录尚未到达）",
        "the hub does not know the case yet (its first record has not arrived)",
    ),
    "refusal.unknown_catalogue": (
        "案件所用的事项清单版本平台上没有发布：请平台管理员发布（hub publish-catalogue），之后重发这条记录",
        "the catalogue version of the case is not published at the hub: its admin publishes it (hub publish-catalogue), then send the record again",
    ),
    "refusal.unknown_kind": (
        "平台不认识这类记录（平台的版本可能较旧）",
        "the hub does not know this kind of record (it may be an older version)",
    ),
    # --- sync (issue 4) ------------------------------------------------------------------
    "state.withdrawn": ("已撤回", "withdrawn"),
    "sync.bar_details": ("详情 Ctrl+Y", "details: Ctrl+Y"),  # h/window: the status line's short form
    "sync.bar_offline_only": ("未配置上级平台（仅离线）", "No platform configured (offline only)"),
    "sync.online": ("在线", "Online"),
    "sync.offline": ("离线", "Offline"),
    "sync.not_yet": ("尚未同步", "Not synced yet"),
    "sync.waiting": ("待上传{n}条", "{n} waiting"),
    "sync.last_success": ("上次同步 {when}", "last sync {when}"),
    "sync.refused_count": ("{n}条被平台退回", "{n} refused by the platform"),
    "sync.conflict_count": ("{n}项冲突", "{n} conflicts"),
    "sync.ready_count": ("{n}件待出件", "{n} ready for pickup"),
    "sync.clock_skew": (
        "本机时钟与平台相差约{minutes}分钟，请校准",
        "This clock is about {minutes} min off the platform's; please correct it",
    ),
    "sync.title": ("数据同步", "Sync"),
    "sync.section_waiting": ("待上传", "Waiting to be sent"),
    "sync.section_refused": (
        "被平台退回（仅阻塞同一案件的后续记录）",
        "Refused by the platform (blocks only later records of the same case)",
    ),
    "sync.section_conflicts": ("冲突（按规则处理并记录）", "Conflicts (resolved by rule and recorded)"),
    "sync.section_ready": ("办结待出件", "Completed, ready for pickup"),
    # an empty section says so in a dim line (issue 21)
    "sync.empty_waiting": ("无待上传", "Nothing waiting to be sent"),
    "sync.empty_refused": ("无退回", "Nothing refused"),
    "sync.empty_conflicts": ("无冲突", "No conflicts"),
    "sync.empty_ready": ("无待出件", "Nothing ready for pickup"),
    "sync.col_case": ("案件编号", "Case"),
    "sync.col_kind": ("记录", "Record"),
    "sync.col_time": ("时间", "Time"),
    "sync.col_status": ("状态", "Status"),
    "sync.col_reason": ("平台说明", "Platform's reason"),
    "sync.col_rule": ("规则", "Rule"),
    "sync.col_applicant": ("申请人", "Applicant"),
    "sync.col_subject": ("事项", "Matter"),
    "sync.blocked": ("等待前序记录", "waiting for an earlier record"),
    "sync.pending": ("待上传", "pending"),
    "sync.status_refused": ("已退回", "refused"),
    "sync.status_set_aside": ("已搁置", "set aside"),
    "sync.rule_superseded": (
        "未生效：与同时发生的决定冲突，以先序决定为准",
        "Not applied: a concurrent decision prevailed",
    ),
    "sync.rule_concurrent": ("同时发生，已按规则排序", "Concurrent; ordered by rule"),
    "sync.rule_applicant_details": (
        "两个窗口对同一申请人登记的信息不同",
        "Two windows recorded different details for one applicant",
    ),
    "sync.rule_unknown_case": (
        "平台发来的记录所属案件不在本窗口，未应用，已保留备查",
        "A record for a case this window does not hold: kept, not applied",
    ),
    "sync.status_pulled": ("已接收", "received"),
    "sync.none": ("无", "None"),
    "sync.now_running": ("正在同步…", "Syncing…"),
    "sync.now_not_configured": (
        "未配置上级平台，无法同步：请管理员设置 hub.url 和 hub.token（yichuang config set hub.url …）",
        "No platform configured, nothing to sync with: an admin sets hub.url and hub.token "
        "(yichuang config set hub.url …)",
    ),
    "sync.done": ("同步完成：上传{pushed}条，下载{pulled}条", "Synced: {pushed} sent, {pulled} received"),
    "sync.failed": ("同步失败：{error}", "Sync failed: {error}"),
    "sync.set_aside_done": ("已搁置该记录，后续记录将继续上传", "Set aside; later records will flow"),
    "sync.retry_done": ("将重新上传该记录", "The record will be sent again"),
    "sync.pick_row": ("请先选择一行", "Choose a row first"),
    "sync.not_allowed_kind": ("窗口不能登记“{kind}”", "The window cannot record “{kind}”"),
    "sync.no_such_case": ("没有案件{number}", "No case {number}"),
    "sync.not_fitting": (
        "案件处于“{state}”，不能登记“{kind}”",
        "“{kind}” does not apply to a case that is “{state}”",
    ),
    # a window event the platform would refuse is refused at the window, before it is saved
    "sync.text_too_long": (
        "“{kind}”的文字过长：{length}字，最多{limit}字；未保存",
        "The text of “{kind}” is too long: {length} characters, at most {limit}; nothing saved",
    ),
    "sync.payload_refused": (
        "“{kind}”的内容不符合平台要求（{problem}）；未保存",
        "The platform would refuse this “{kind}” ({problem}); nothing saved",
    ),
    "sync.rule_uid_mismatch": (
        "平台下发的记录属于另一件同号案件（案件标识不同），未应用",
        "A record from the platform belongs to another case with this number (different uid); not applied",
    ),
    # sync errors and the CLI (issue 11): what the clerk and the admin read
    "sync.unstable": ("在线（链路不稳）", "Online (unstable link)"),
    "sync.last_error": ("上次出错：{error}", "last error: {error}"),
    "sync.err_no_url": (
        "未设置上级平台地址 hub.url（yichuang config set hub.url URL）",
        "hub.url is not set (yichuang config set hub.url URL)",
    ),
    "sync.err_no_token": (
        "未设置平台令牌 hub.token（yichuang config set hub.token TOKEN）",
        "hub.token is not set (yichuang config set hub.token TOKEN)",
    ),
    "sync.err_offline": ("无法连接上级平台：{detail}", "Cannot reach the platform: {detail}"),
    "sync.token_refused": ("平台拒绝了本机令牌", "Token refused by the platform"),
    "sync.err_cut": ("已连上上级平台，但{detail}", "The platform was reached, but {detail}"),
    "sync.err_deadline": (
        "平台在{seconds}秒内未完成应答，已断开重试",
        "The platform did not finish answering within {seconds} s; will retry",
    ),
    "sync.err_auth": ("令牌不能用：{detail}", "The token does not work: {detail}"),
    "sync.err_http": ("平台回答出错：{detail}", "The platform answered with an error: {detail}"),
    "sync.err_unreadable": ("平台的应答无法读取：{detail}", "The platform's answer is unreadable: {detail}"),
    "sync.err_too_large": (
        "平台的应答超过{limit}字节上限，已停止读取",
        "The platform's answer is over the limit of {limit} bytes; reading stopped",
    ),
    "sync.err_shape": ("平台的应答格式不对（{what}）", "The platform's answer has the wrong shape ({what})"),
    "sync.err_ack_count": (
        "平台只确认了{accounted}条，本批发送{sent}条：未标记为已上传，将重发",
        "The platform accounted for {accounted} of {sent} events sent: nothing marked sent; will resend",
    ),
    "sync.err_ack_foreign": (
        "平台的确认含有本批以外或重复的记录：未标记为已上传，将重发",
        "The platform's answer names events not in the batch, or twice: nothing marked sent; will resend",
    ),
    "sync.err_cursor": (
        "平台给出的同步位置无效（{cursor}），未保存",
        "The platform's cursor {cursor} is invalid; not stored",
    ),
    "sync.err_no_progress": (
        "平台表示还有记录但同步位置未前进（{cursor}）",
        "The platform says there is more but its cursor does not move ({cursor})",
    ),
    "sync.err_upload": ("扫描件{sha}上传失败：{detail}", "Upload of scan {sha} failed: {detail}"),
    "sync.err_corrupt_upload": (
        "平台发现扫描件{sha}已损坏，将重新上传",
        "The platform found scan {sha} corrupted; will send again",
    ),
    "sync.err_no_offset": (
        "平台的上传应答缺少 Upload-Offset",
        "The platform's upload answer has no Upload-Offset",
    ),
    "sync.err_pulled": (
        "平台下发的记录无法应用：{detail}",
        "Records from the platform cannot be applied: {detail}",
    ),
    "sync.err_catalogue": (
        "平台下发的事项清单{version}无效：{detail}",
        "Catalogue {version} from the platform is invalid: {detail}",
    ),
    "sync.err_calendar": (
        "平台下发的工作日历无效：{detail}",
        "The calendar from the platform is invalid: {detail}",
    ),
    "sync.err_bundle_no_token": (
        "未设置平台令牌 hub.token：数据包要用它签名（yichuang config set hub.token TOKEN）",
        "hub.token is not set: the bundle is signed with it (yichuang config set hub.token TOKEN)",
    ),
    "sync.err_local": ("本机同步出错：{detail}", "Sync failed on this computer: {detail}"),
    "sync.cli_once": (
        "上传{pushed}条（重复{dup}条，退回{refused}条），下载{pulled}条",
        "pushed {pushed} (duplicates {dup}, refused {refused}), pulled {pulled}",
    ),
    "sync.cli_catalogue": ("，事项清单更新为{version}", ", catalogue {version}"),
    "sync.cli_calendar": ("，工作日历更新为{version}", ", calendar {version}"),
    "sync.cli_attachments": ("，扫描件{n}份", ", attachments {n}"),
    "sync.cli_refused": (
        "  退回 {id}（{case}）：{code}：{reason}",
        "  refused {id} ({case}): {code}: {reason}",
    ),
    "sync.cli_skew": (
        "警告：本机时钟与平台相差{seconds}秒",
        "warning: this computer's clock is {seconds} s off the hub's",
    ),
    "sync.cli_failed": (
        "同步失败：{error}；{left}条记录未上传",
        "sync failed: {error}; {left} event(s) left unsent",
    ),
    "sync.cli_left": (
        "{left}条记录、{attachments}份扫描件未上传",
        "{left} event(s) and {attachments} attachment(s) left unsent",
    ),
    "sync.cli_bundle_written": (
        "已写入{file}：{events}条记录，{attachments}份扫描件，{bytes}字节",
        "wrote {file}: {events} events, {attachments} attachments, {bytes} bytes",
    ),
    "sync.cli_cannot_write": ("无法写入{file}：{error}", "cannot write {file}: {error}"),
    "sync.cli_cannot_read": ("无法读取{file}：{error}", "cannot read {file}: {error}"),
    "sync.err_attachment_too_large": ("{file}超过{limit}字节上限", "{file} is larger than {limit} bytes"),
    "sync.cli_not_refused": ("{id}不是被退回的记录", "{id} is not a refused event"),
    "sync.cli_not_retryable": ("{id}不是被退回或已搁置的记录", "{id} is not a refused or set-aside event"),
    "sync.cli_attachment": (
        "  扫描件 {sha} {case} {name}：已上传{uploaded}/{size}字节",
        "  attachment {sha} {case} {name}: {uploaded}/{size} bytes uploaded",
    ),
    "sync.cli_event": (
        "  {status} {id} {case} {kind}：{code}：{reason}",
        "  {status} {id} {case} {kind}: {code}: {reason}",
    ),
    "sync.cli_conflict": (
        "  冲突 {rule} {case} {kind}（{origin}）",
        "  conflict {rule} {case} {kind} ({origin})",
    ),
    "sync.superseded_mark": ("〔未生效：已被其他决定取代〕", "[not applied: superseded]"),
    # h/window2 (issue 18 leftover): a set-aside event in a case's timeline
    "sync.set_aside_mark": ("〔未生效：已搁置，未上报平台〕", "[not applied: set aside, not sent]"),
    "sync.actor_backoffice": ("{name}（后台）", "{name} (back office)"),
    "sync.actor_hub": ("平台", "the platform"),
    "event.case.in_review": ("审批中", "in review"),
    "event.case.correction_requested": ("补正要求", "correction requested"),
    "event.case.completed": ("办结", "completed"),
    "event.case.denied": ("不予许可", "denied"),
    "event.case.delivered": ("出件", "handed out"),
    "event.case.withdrawn": ("撤回", "withdrawn"),
    "event.attachment.added": ("扫描件", "scan added"),
    "event.case.note": ("备注", "note"),
    "field.required": ("{field}不能为空", "{field} is required"),
    "field.too_long": ("{field}不能超过{max}个字", "{field} is longer than {max} characters"),
    "field.control": ("{field}含有不可见控制字符", "{field} contains invisible control characters"),
    "field.phone": ("联系电话格式不正确", "The phone number is not valid"),
    # --- receipt keys and receipts' QR codes (issue 16 §3: sync/hub/receipts.py, `yichuang keys`) ---
    "keys.not_base64": ("公钥不是 base64 编码", "The public key is not base64"),
    "keys.bad_length": (
        "公钥长度不对（{n} 字节）：应为 Ed25519 公钥（32 字节）或 SM2 公钥（65 字节，04 开头）",
        "The public key has the wrong length ({n} bytes): an Ed25519 key is 32 bytes, an SM2 key 65 bytes starting 04",
    ),
    "keys.off_curve": (
        "SM2 公钥不在曲线上（复制时出错？）",
        "The SM2 public key is not on the curve (copied wrongly?)",
    ),
    "keys.not_workstation": (
        "只有工作站令牌可以登记回执密钥（令牌 {id}）",
        "Only a workstation token takes receipt keys (token {id})",
    ),
    "keys.only_workstation": (
        "只有工作站令牌可以带公钥（--public-key）",
        "Only a workstation token takes public keys (--public-key)",
    ),
    "keys.token_revoked": (
        "令牌 {id} 已吊销，不能再登记密钥",
        "Token {id} is revoked: no key can be bound to it",
    ),
    "keys.twice": ("同一种算法的公钥只能给一个", "Give one public key per algorithm"),
    "keys.none_given": ("请给出公钥（--public-key）", "Give the public key (--public-key)"),
    "keys.slot_taken": (
        "令牌 {id} 已登记另一把 {alg} 公钥（{kid}）。窗口换了密钥时，请为它签发新令牌"
        "（add-token --replace --public-key 新公钥）：旧密钥签的回执到换令牌那天为止仍可核验",
        "Token {id} already has another {alg} key ({kid}). When a window's key changes, issue it a new "
        "token (add-token --replace --public-key NEW): receipts signed with the old key stay verifiable up to that day",
    ),
    "keys.bound": ("令牌 {id} 已登记 {alg} 公钥 {kid}", "Token {id} now has the {alg} key {kid}"),
    "keys.bound_scope": (
        "令牌 {id}（{scope}）已登记 {alg} 公钥 {kid}",
        "Token {id} ({scope}) now has the {alg} key {kid}",
    ),
    "keys.unconfirmed_mark": ("(未确认)", "(unconfirmed)"),
    "keys.cli_json": ("以 JSON 输出", "JSON output"),
    "keys.title": (
        "本工作站 {office}/{ws} 的公钥（请交给枢纽管理员登记）：",
        "The public keys of workstation {office}/{ws} (for the hub's admin to bind):",
    ),
    "keys.use_ed25519": ("Ed25519：数据包签名、回执二维码", "Ed25519: bundles, receipts' QR codes"),
    "keys.use_ed25519_only": ("Ed25519：数据包签名", "Ed25519: bundles"),
    "keys.use_sm2": (
        "SM2：回执二维码（audit.signature = sm2）",
        "SM2: receipts' QR codes (audit.signature = sm2)",
    ),
    "keys.line_id": ("  密钥编号 {key_id}", "  key id {key_id}"),
    "keys.admin_set": (
        "管理员在枢纽上执行（或在后台控制台“API 令牌”页为令牌 {id} 登记）：",
        "The hub's admin runs (or binds them to token {id} on the console's API tokens page):",
    ),
    "keys.admin_new": (
        "本工作站还没有令牌；管理员签发令牌时一并登记：",
        "This workstation has no token yet; the admin binds the keys when issuing it:",
    ),
    "scan.content_differs": (
        "回执二维码签名有效，但与案件 {number} 的记录不符（{what}）：不是为该案件出具的这张回执，拒绝",
        "The receipt's QR signature is valid but does not match case {number}'s record ({what}): not a paper issued for it; refused",
    ),
    "scan.field_sep": ("、", ", "),
    "scan.field_matter": ("办理事项", "matter"),
    "scan.field_document": ("文书种类", "kind of paper"),
    "scan.field_applicant": ("申请人", "applicant"),
    "scan.field_date": ("日期", "date"),
    # --- printing (issue 3) ----------------------------------------------------------------
    "print.unknown_doc": ("未知文书类型 {doc}（可选：{known}）", "Unknown document {doc} (one of {known})"),
    "print.no_receipt": (
        "案件 {number} 未受理，没有受理回执",
        "Case {number} was not accepted: it has no receipt",
    ),
    "print.no_notice": (
        "案件 {number} 未出具过补正材料通知书",
        "Case {number} never had a correction notice",
    ),
    "print.no_refusal": (
        "案件 {number} 未被不予受理，没有不予受理通知书",
        "Case {number} was not refused: it has no refusal notice",
    ),
    "print.no_pickup": (
        "案件 {number} 尚未出件，没有领取凭证",
        "Case {number} has not been handed out: no pickup voucher",
    ),
    "print.no_handover": (
        "案件 {number} 没有邮件交接单：交接单按快递批次打印，快递交接功能启用后提供",
        "Case {number} has no handover slip: slips are printed per courier batch, once courier handover exists",
    ),
    "print.bad_printer": ("打印机地址无效：{error}", "Bad printer URL: {error}"),
    "print.printed": (
        "已打印{doc}（案件 {number}，作业 {job}）",
        "Printed the {doc} of {number} (job {job})",
    ),
    "print.not_printed": (
        "未能打印：{error}。该文书已保存在打印队列中（作业 {job}）：打开着的工作站窗口每隔几秒自动重试；"
        "没有打开窗口时，运行 yichuang print drain（可由 cron 定时运行）重试",
        "Not printed: {error}. The job is kept in the print queue (job {job}): an open workstation window "
        "retries it every few seconds; without a window, run yichuang print drain (e.g. from cron)",
    ),
    "print.sent_only": (
        "已发送{doc}（案件 {number}，作业 {job}）：该打印机不回报状态，无法确认已打印",
        "Sent the {doc} of {number} (job {job}): this printer cannot report status, printing is not confirmed",
    ),
    "print.unconfirmed": (
        "已发送{doc}（案件 {number}，作业 {job}），但打印机未确认：{note}。请查看是否出纸；"
        "需要时在打印队列（F12）中按 F5 重发",
        "Sent the {doc} of {number} (job {job}) but the printer did not confirm: {note}. Check the paper; "
        "resend from the print queue (F12, F5) if needed",
    ),
    "print.fully_written": (
        "打印机已收下全部内容，未确认是否打出；不自动重发，请查看纸张后决定",
        "the printer took every byte but did not confirm; not resent automatically, check the paper",
    ),
    "print.partly_written": (
        "打印机已收下 {written}/{total} 字节，可能已打印一部分",
        "the printer took {written}/{total} bytes and may have printed part of it",
    ),
    "print.unconfirmed_no_answer": (
        "打印机在{seconds}秒内未应答状态查询",
        "the printer did not answer the status query within {seconds} s",
    ),
    "print.unconfirmed_offline": (
        "打印机报告离线（缺纸、开盖或故障），文书在打印机中等待",
        "the printer reports it is offline (paper, cover or error); the job waits in the printer",
    ),
    "print.test_printed": (
        "测试页已打印（打印机已确认）：{url}",
        "Test page printed (confirmed by the printer): {url}",
    ),
    "print.test_unconfirmed": (
        "测试页已发送到 {url}，但打印机未确认：{note}",
        "Test page sent to {url} but the printer did not confirm: {note}",
    ),
    "config.bad_seconds": (
        "{key} 应为 0 到 600 之间的秒数，收到 {value}",
        "{key} must be a number of seconds between 0 and 600, got {value}",
    ),
    "print.sending_elsewhere": ("该文书正由另一处发送", "Another process is sending this job"),
    "print.interrupted": (
        "上次发送被中断（程序退出或崩溃），已重新发送",
        "The previous attempt was interrupted (exit or crash); sent again",
    ),
    "print.preview_written": ("预览已写入 {path}", "Preview written to {path}"),
    "print.preview_fresh": (
        "（该文书尚未打印过，预览按补打生成）",
        "(never printed: previewed as a reprint)",
    ),
    "print.test_sent": ("测试页已发送到 {url}", "Test page sent to {url}"),
    "print.printer_error": ("打印机：{error}", "Printer: {error}"),
    "job.queued": ("待打印", "queued"),
    "job.retrying": ("待重试", "retrying"),
    "job.sending": ("发送中", "sending"),
    "job.printed": ("已打印", "printed"),
    "job.sent": ("已发送", "sent"),
    "job.unconfirmed": ("已发送待确认", "sent, unconfirmed"),
    "job.failed": ("失败", "failed"),
    "job.cancelled": ("已取消", "cancelled"),
    "job.reprint": ("补打", "reprint"),
    # --- office PC (issue 18): an answer that is no printer's status byte -------------------
    "print.unconfirmed_not_printer": (
        "该地址上应答的不是打印机（回答不是 ESC/POS 状态字节），请核对打印机地址和端口",
        "what answers at that address is not a printer (its answer is not an ESC/POS status byte); "
        "check the printer's address and port",
    ),
    "print.not_printer": (
        "{url} 不是打印机：该地址上有设备应答，但回答不是 ESC/POS 状态字节（可能是网页服务器或其他设备）。"
        "请核对打印机的 IP 地址和端口（通常为 9100）",
        "{url} is not a printer: something answers there, but not with an ESC/POS status byte "
        "(a web server or another device?). Check the printer's IP address and port (usually 9100)",
    ),
    # --- office PC (issue 18): a damaged store at start ----------------------------------------
    "store.damaged": (
        "数据库 {path} 已损坏（文件内容被破坏，不是一窗能读的数据库），无法继续。"
        "请关闭一窗，从最近的备份恢复：{command}（原数据会移到数据目录下的 replaced-时间 文件夹保留；"
        "已有操作员账号时加上 --operator 用户名）。恢复后运行 yichuang doctor 检查",
        "The store {path} is damaged (its content is corrupted; it is no longer a database yichuang can "
        "read) and cannot be used. Close yichuang and restore the latest backup: {command} (the damaged "
        "data is kept in a replaced-TIME folder of the data dir; add --operator NAME when there are "
        "operator accounts). Then run yichuang doctor",
    ),
    "store.damaged_short": (
        "数据库 {path} 已损坏（文件内容被破坏），无法继续；请从最近的备份恢复（yichuang restore 备份文件）",
        "The store {path} is damaged (its content is corrupted); restore the latest backup "
        "(yichuang restore BACKUP)",
    ),
    "store.damaged_no_backup": (
        "数据库 {path} 已损坏（文件内容被破坏，不是一窗能读的数据库），无法继续，且在 {folder} 中没有找到备份。"
        "如在别处（U 盘、其他文件夹）有备份，请关闭一窗后运行 yichuang restore 备份文件.tar.zst{where}；"
        "否则请联系管理员，并用 yichuang doctor 查看详情",
        "The store {path} is damaged (its content is corrupted; it is no longer a database yichuang can "
        "read) and cannot be used, and there is no backup in {folder}. If a backup is elsewhere (a USB "
        "drive, another folder), close yichuang and run yichuang restore BACKUP.tar.zst{where}; "
        "otherwise call your administrator and run yichuang doctor for details",
    ),
    # --- office PC (issue 18): the store's lock (app.store.lock): restore, encrypt, upgrade ----
    "store_lock.busy": (
        "不能{what}：{holders}正在使用数据库 {path}。请先关闭它（窗口按 Ctrl+Q 退出），再重试；未做任何更改",
        "cannot {what}: {holders} has the store {path} open. Close it first (Ctrl+Q in the window), "
        "then try again; nothing was changed",
    ),
    "store_lock.busy_exclusive": (
        "数据库 {path} 正由{holders}独占使用（恢复、加密或升级中），请等它完成后再打开",
        "the store {path} is held by {holders} (a restore, encryption or upgrade); open it again when "
        "that has finished",
    ),
    "store_lock.holder_window": (
        "一窗窗口（进程 {pid}，{since} 打开）",
        "the yichuang window (process {pid}, open since {since})",
    ),
    "store_lock.holder_courier": (
        "揽投窗口（进程 {pid}，{since} 打开）",
        "the courier window (process {pid}, open since {since})",
    ),
    "store_lock.holder_command": (
        "命令 {command}（进程 {pid}，{since} 起）",
        "the command {command} (process {pid}, since {since})",
    ),
    "store_lock.holder_program": (
        "另一个程序（进程 {pid}，{since} 起）",
        "another program (process {pid}, since {since})",
    ),
    "store_lock.holder_unknown": ("另一个程序", "another program"),
    "store_lock.what_restore": ("恢复备份", "restore the backup"),
    "store_lock.what_encrypt": ("加密数据库", "encrypt the store"),
    "store_lock.what_upgrade": ("升级数据库（v{old} → v{new}）", "upgrade the store (v{old} → v{new})"),
    # --- office PC (issue 18): a restore keeps the keys its copy does not hold ------------------
    "backup.keys_kept": (
        "备份中没有本机现有的密钥，已保留本机的密钥（keys/{names}）：平台登记的仍是这把密钥",
        "the backup has no copy of this workstation's current keys; they were kept (keys/{names}): "
        "the platform knows these",
    ),
    # --- hubproc (issue 16 §6): secrets never on a command line; the console's lockout ------
    "secret.file_unreadable": (
        "无法读取密钥文件 {path}：{error}",
        "Cannot read the secret file {path}: {error}",
    ),
    "secret.file_not_regular": ("{path} 不是普通文件", "{path} is not a regular file"),
    "secret.file_other_owner": (
        "密钥文件 {path} 属于其他用户：请由运行本程序的用户创建，并执行 chmod 600 {path}",
        "The secret file {path} belongs to another user: create it as the user running this program and chmod 600 {path}",
    ),
    "secret.file_open": (
        "密钥文件 {path} 的权限为 {mode}，本机其他用户可以读取或改动：请执行 chmod 600 {path} 后重试",
        "The secret file {path} has mode {mode}: other users of this computer can read or change it. Run chmod 600 {path} and try again",
    ),
    "secret.file_too_big": (
        "密钥文件 {path} 过大，不像是一个令牌",
        "The secret file {path} is too big to hold a token",
    ),
    "secret.file_not_text": ("密钥文件 {path} 不是 UTF-8 文本", "The secret file {path} is not UTF-8 text"),
    "secret.file_empty": ("密钥文件 {path} 是空的", "The secret file {path} is empty"),
    "secret.upstream_token_argv": (
        "--upstream-token 不能写在命令行上（本机所有用户都能用 ps 看到命令行）：请把令牌写入只有本用户可读的文件（chmod 600）并用 --upstream-token-file 文件路径 给出，或设置环境变量 YICHUANG_UPSTREAM_TOKEN",
        "--upstream-token is refused on the command line (every user of this computer can see it with ps): put the token in a file only you can read (chmod 600) and give --upstream-token-file PATH, or set the YICHUANG_UPSTREAM_TOKEN environment variable",
    ),
    "secret.upstream_token_twice": (
        "上级平台的令牌给了两次（--upstream-token-file 和 YICHUANG_UPSTREAM_TOKEN）：只用其中一个",
        "The upstream token is given twice (--upstream-token-file and YICHUANG_UPSTREAM_TOKEN): use one of them",
    ),
    "secret.db_password_argv": (
        "--db 的地址中含有密码，而命令行本机所有用户都能看到：请把密码放在 ~/.pgpass（或 PGPASSFILE 指向的文件，权限 600）或环境变量 PGPASSWORD 中，或把完整地址放在环境变量 YICHUANG_HUB_DB 或数据目录的 hub.toml（db_url）中",
        "The --db URL holds a password, and every user of this computer can see a command line: put the password in ~/.pgpass (or the file PGPASSFILE names, mode 600) or the PGPASSWORD environment variable, or the whole URL in the YICHUANG_HUB_DB environment variable or db_url of hub.toml in the data dir",
    ),
    "secret.config_argv": (
        "{key} 是密钥，不能写在命令行上（本机所有用户都能用 ps 看到）：请用 `yichuang config set {key} -`，从标准输入读入（管道，或在终端输入且不回显）",
        "{key} is a secret and is refused on the command line (every user of this computer can see it with ps): use `yichuang config set {key} -` to read it from standard input (a pipe, or typed at the terminal without echo)",
    ),
    "secret.config_prompt": ("{key}（输入不回显）：", "{key} (not shown as you type): "),
    "secret.config_no_input": ("标准输入中没有 {key} 的值", "No value for {key} on standard input"),
    # --- private files; bundles, backups and prints sealed on an encrypted store (issue 16 §5) ---
    "sealed.bundle_no_hub_key": (
        "数据库已加密，但本窗口还不知道平台的数据包公钥，不能导出（姓名、证件号、电话不能明文带出）："
        "联网同步一次即可获得，或在平台上运行 yichuang hub bundle-key，再在本机运行 yichuang sync hub-key 公钥",
        "The store is encrypted but this window does not know the hub's bundle key, so nothing is exported "
        "(names, ID and phone numbers must not leave in clear): sync online once, or run "
        "`yichuang hub bundle-key` at the hub and `yichuang sync hub-key KEY` here",
    ),
    "sealed.bundle_sealed": (
        "数据包已加密给平台公钥（指纹 {fingerprint}），只有该平台能打开",
        "The bundle is sealed to the hub's key (fingerprint {fingerprint}): only that hub can open it",
    ),
    "sealed.bundle_plain": (
        "注意：本窗口还不知道平台的数据包公钥，数据包未加密（本机数据库也未加密）。"
        "联网同步一次，或用 yichuang sync hub-key 公钥 设置（平台上 yichuang hub bundle-key 显示）",
        "Note: this window does not know the hub's bundle key yet, so the bundle is not sealed (nor is "
        "this store). Sync online once, or set it with `yichuang sync hub-key KEY` "
        "(`yichuang hub bundle-key` at the hub shows it)",
    ),
    "sealed.hub_key_bad": (
        "不是有效的平台数据包公钥（{error}）：请复制平台上 yichuang hub bundle-key 输出的最后一行",
        "Not a hub bundle key ({error}): copy the last line printed by `yichuang hub bundle-key` at the hub",
    ),
    "sealed.hub_key_set": (
        "已设置平台数据包公钥（指纹 {fingerprint}）：此后导出的数据包都加密给它",
        "Hub bundle key set (fingerprint {fingerprint}): bundles exported from now on are sealed to it",
    ),
    "sealed.hub_key_none": (
        "本窗口还不知道平台的数据包公钥：联网同步一次即可获得，或用 yichuang sync hub-key 公钥 设置",
        "This window does not know the hub's bundle key yet: sync online once, or set it with "
        "`yichuang sync hub-key KEY`",
    ),
    "sealed.hub_key_known": (
        "平台数据包公钥（指纹 {fingerprint}，来源 {source}）：",
        "Hub bundle key (fingerprint {fingerprint}, from {source}):",
    ),
    "sealed.hub_key_unreadable": (
        "无法读取或建立平台数据包密钥 {path}：{error}",
        "Cannot read or make the hub's bundle key {path}: {error}",
    ),
    "sealed.hub_key_show": (
        "本平台的数据包公钥（指纹 {fingerprint}）。离线窗口上运行 yichuang sync hub-key 加下一行：",
        "This hub's bundle key (fingerprint {fingerprint}). On an offline window run "
        "`yichuang sync hub-key` with the next line:",
    ),
    "sealed.backup_no_key": (
        "备份 {path} 已用数据库密钥加密，没有该密钥无法读取；未作任何改动",
        "Backup {path} is sealed with the store's key and cannot be read without it; nothing was changed",
    ),
    "sealed.backup_wrong_key": (
        "备份 {path} 打不开：它是用另一个数据库密钥或口令加密的；未作任何改动",
        "Backup {path} does not open with this key: it was sealed with another store key or passphrase; "
        "nothing was changed",
    ),
    "sealed.backup_need_key": (
        "该备份已用数据库密钥加密，恢复需要原来的密钥：在原电脑上恢复（密钥在其密钥环中），"
        "或提供口令（在终端中运行以输入，或设置环境变量 {env}）；未作任何改动",
        "This backup is sealed with the store's key and restoring it needs that key: restore on the PC whose "
        "keyring holds it, or give the passphrase (run in a terminal to type it, or set {env}); nothing was changed",
    ),
    # --- accounts: signed account changes, the CLI's login (issue 16 §2 §4; app.domain.accounts,
    # app.cli.common) -------------------------------------------------------------------------------
    "accounts.need_login": (
        "已有操作员账号：请以有权限的操作员登录后再改账号",
        "operator accounts exist: log in as an operator allowed to change accounts",
    ),
    "accounts.no_key": ("无密钥（请在平台重设密码）", "no key (reset the password at the hub)"),
    "accounts.refused_unsigned": (
        "没有操作员签名：仅凭窗口令牌不能改任何账号",
        "no operator's signature: a window's token alone changes no account",
    ),
    "accounts.refused_unknown_actor": (
        "签名的操作员不是平台上的账号",
        "the signing operator is not an account of the hub",
    ),
    "accounts.refused_actor_no_key": (
        "你的账号还没有密钥，不能改账号：请平台管理员重设你的密码（yichuang hub passwd-operator）",
        "your account has no key yet and cannot change accounts: ask the hub's administrator to reset your password (yichuang hub passwd-operator)",
    ),
    "accounts.refused_bad_signature": (
        "签名与平台保存的该操作员密钥不符",
        "the signature does not match the hub's key of that operator",
    ),
    "accounts.refused_actor_disabled": ("签名的操作员已停用", "the signing operator is disabled"),
    "accounts.refused_actor_office": ("你的账号属于其他窗口单位", "your account belongs to another office"),
    "accounts.refused_office": (
        "变更的单位不是本窗口的单位",
        "the change names another office than this window's",
    ),
    "accounts.refused_not_allowed": (
        "你的角色不能管理其他操作员（只有窗口负责人和系统管理员可以）",
        "your role may not manage other operators (supervisors and admins may)",
    ),
    "accounts.refused_role": (
        "窗口负责人和系统管理员账号只能在平台上修改（yichuang hub …）",
        "supervisor and admin accounts change only at the hub (yichuang hub …)",
    ),
    "accounts.refused_not_yours": (
        "该账号属于其他单位或全县通用，只能在平台上修改",
        "the account belongs to another office or to every office: change it at the hub",
    ),
    "accounts.refused_exists": ("已有同名账号", "an account of that name exists already"),
    "accounts.refused_unknown": ("没有这个账号", "no such account"),
    "accounts.refused_disabled": ("该账号已停用", "the account is disabled"),
    "accounts.refused_no_key": ("变更中没有有效的新密钥", "the change carries no valid key"),
    "accounts.refused_malformed": ("变更格式不对", "the change is malformed"),
    "accounts.refused_line": (
        "平台拒绝了账号变更（{op} {name}，操作人 {actor}）：{reason}；本窗口已撤销该变更",
        "the hub refused the account change ({op} {name}, by {actor}): {reason}; undone at this window",
    ),
    "accounts.refused_count": ("账号变更被拒 {n}", "{n} account changes refused"),
    "accounts.state_refused": ("平台拒绝：{reason}", "refused by the hub: {reason}"),
    "accounts.op_add": ("添加", "add"),
    "accounts.op_passwd": ("改密码", "password"),
    "accounts.op_disable": ("停用", "disable"),
    # --- issue 16 §7 (record): each case's record checked against its events in `audit verify`
    # and `doctor`; what the long-running sync says when the hub asks it to wait (Retry-After)
    "audit.records_ok": (
        "办件记录与其事件相符：{cases} 件",
        "every case's record matches its events: {cases} cases",
    ),
    "audit.records_broken": (
        "办件记录与其事件不符：{count} 处（共 {cases} 件）",
        "case records that do not match their events: {count} fields (of {cases} cases)",
    ),
    "audit.record_mismatch": (
        "办件 {case} 的“{field}”（{name}）：存的是 {stored}，按事件应为 {derived}",
        "case {case}, {field} ({name}): stored {stored}, its events give {derived}",
    ),
    "audit.records_more": (
        "……另有 {more} 处未列出（--json 列出前 1000 处）",
        "… and {more} more (--json names the first 1,000)",
    ),
    "audit.record_none": ("（空）", "(none)"),
    "audit.field_events": ("事件", "events"),
    "audit.field_state": ("状态", "state"),
    "audit.field_reason": ("理由", "reason"),
    "audit.field_applicant_kind": ("申请人类型", "applicant kind"),
    "audit.field_applicant_name": ("申请人", "applicant"),
    "audit.field_applicant_id_number": ("证件号码", "ID number"),
    "audit.field_applicant_phone": ("联系电话", "phone"),
    "audit.field_applicant_address": ("地址", "address"),
    "audit.field_uid": ("办件标识", "case uid"),
    "audit.field_subject_kind": ("事项类别", "subject kind"),
    "audit.field_subject_code": ("事项编码", "subject code"),
    "audit.field_subject_name": ("事项名称", "subject"),
    "audit.field_catalogue_version": ("事项清单版本", "catalogue version"),
    "audit.field_promised_days": ("承诺时限", "promised days"),
    "audit.field_legal_days": ("法定时限", "legal days"),
    "audit.field_office_code": ("单位编码", "office code"),
    "audit.field_workstation_id": ("窗口机编号", "workstation"),
    "audit.field_clerk": ("受理人", "clerk"),
    "audit.field_created_at": ("登记时间", "created at"),
    "audit.field_created_on": ("登记日期", "created on"),
    "audit.field_accepted_on": ("受理日期", "accepted on"),
    "audit.field_due_date": ("承诺办结日期", "promised date"),
    "audit.field_due_provisional": ("日期为推定", "date provisional"),
    "audit.field_tolerated_until": ("容缺补交期限", "tolerated until"),
    "audit.field_marks": ("材料", "materials"),
    "sync.err_retry_after": (
        "平台繁忙（HTTP {status}），要求 {seconds} 秒后再同步",
        "The platform is busy (HTTP {status}) and asks to sync again in {seconds} s",
    ),
    # --- the 居民身份证 reader (issue 17 §2; devices helper) -------------------------------
    "config.idcard_baud": (
        "读卡器速率 {value} 无效：可用 115200、57600、38400、19200、9600",
        "Reader speed {value} is not valid: use 115200, 57600, 38400, 19200 or 9600",
    ),
    "config.idcard_port": (
        "读卡器串口 {value} 无效：应为设备名，如 /dev/ttyUSB0 或 COM3",
        "Reader port {value} is not valid: give a device such as /dev/ttyUSB0 or COM3",
    ),
    "idcard.expired": ("证件已过期（有效期至 {date}），请核对", "The card expired on {date}"),
    "idcard.number_invalid": (
        "证件号码 {id_number} 校验不通过：{error}",
        "The card's number {id_number} fails its check: {error}",
    ),
    "idcard.sex_mismatch": (
        "芯片性别与证件号码不符，请核对",
        "The sex on the chip does not match the ID number",
    ),
    "idcard.birth_mismatch": (
        "芯片出生日期 {birth} 与证件号码不符，请核对",
        "The birth date on the chip ({birth}) does not match the ID number",
    ),
    "idcard.private_char": (
        "姓名含生僻字（专用字库字符），请核对姓名",
        "The name holds a rare character from the registry's own font: check the name",
    ),
    "idcard.reader_lost": ("读卡器无响应：{reason}", "The ID-card reader does not answer: {reason}"),
    "idcard.reader_back": ("读卡器已恢复", "The ID-card reader answers again"),
    "idcard.card_read": ("已读取身份证：{name}", "ID card read: {name}"),
    "idcard.no_port": (
        "未配置读卡器：请设置 idcard.port（如 /dev/ttyUSB0 或 COM3）或使用 --port",
        "No reader configured: set idcard.port (e.g. /dev/ttyUSB0 or COM3) or give --port",
    ),
    "idcard.no_card": (
        "{seconds} 秒内读卡器上没有可读的证件",
        "No readable card on the reader within {seconds} s",
    ),
    "idcard.no_answer": ("读卡器 {port} 无应答：{error}", "The reader on {port} does not answer: {error}"),
    "idcard.refused": ("证件有问题：{problem}", "The card has a problem: {problem}"),
    "idcard.type_resident": ("居民身份证", "resident identity card"),
    "idcard.type_foreign_permanent": ("外国人永久居留身份证", "foreign permanent resident ID card"),
    "idcard.type_hkmotw_residence": ("港澳台居民居住证", "residence permit (HK, Macao, Taiwan)"),
    "idcard.field_name": ("姓名", "Name"),
    "idcard.field_sex": ("性别", "Sex"),
    "idcard.field_nation": ("民族/国籍", "Ethnic group / nationality"),
    "idcard.field_birth": ("出生", "Born"),
    "idcard.field_address": ("住址", "Address"),
    "idcard.field_id_number": ("证件号码", "ID number"),
    "idcard.field_issuer": ("签发机关", "Issued by"),
    "idcard.field_valid_from": ("有效期起", "Valid from"),
    "idcard.field_valid_to": ("有效期至", "Valid to"),
    "idcard.field_card_type": ("证件类型", "Card type"),
    "idcard.long_term": ("长期", "no end date"),
    "idcard.sex_1": ("男", "male"),
    "idcard.sex_2": ("女", "female"),
}
