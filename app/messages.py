"""The one message catalogue: every string the user sees, in Simplified Chinese and English.

Pure Python (no UI imports) so domain rules, services, the CLI and the TUI share it.
`t("key", **fields)` formats the message in the current language (zh by default).
"""

from __future__ import annotations

_LANG = "zh"

MESSAGES: dict[str, tuple[str, str]] = {
    # --- app frame -------------------------------------------------------------------------
    "app.title": ("一窗 · 综合窗口受理", "yichuang · comprehensive window"),
    # --- operators, roles, login and screen lock (issue 8 §1) ---------------------------
    "password.too_short": ("密码至少 8 位", "the password needs at least 8 characters"),
    "password.too_simple": (
        "密码不能只有数字或只有字母",
        "the password cannot be digits only or letters only",
    ),
    # --- backup (app.services.backup, app.cli_backup) --------------------------------------
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
    "cli.backup": (
        "备份数据（数据库、密钥、设置、事项清单、扫描件、日历）到一个文件",
        "back up the data (store, key, settings, catalogue, scans, calendar) into one file",
    ),
    "cli.backup_dir": ("备份文件存放目录", "folder for the backup file"),
    "cli.backup_verify": ("只校验一个备份文件，不写入", "only check a backup file, write nothing"),
    "cli.restore": (
        "从备份文件恢复（先校验，原数据移至 replaced-时间/）",
        "restore from a backup file (checked first; the current data moves to replaced-TIME/)",
    ),
    "cli.restore_file": ("备份文件（.tar.zst）", "backup file (.tar.zst)"),
    "cli.restore_force": ("允许恢复另一台工作站的备份", "allow restoring another workstation's backup"),
    "cli.restore_offline": (
        "不联系平台（编号计数器在下次同步时再核对）",
        "do not ask the hub (the counters are checked at the next sync)",
    ),
    "config.keep_days": (
        "backup.keep_days 应为 0 到 3650 的整数（0 表示不自动备份），而不是 {value}",
        "backup.keep_days must be a whole number 0..3650 (0 = no daily backup), not {value}",
    ),
    "status.store_opening": ("正在打开数据库…", "Opening the store…"),
    "status.store_ready": ("数据库就绪", "Store ready"),
    "status.catalogue": (
        "事项清单 {version}（{matters}项事项，{bundles}件一件事）",
        "Catalogue {version} ({matters} matters, {bundles} bundles)",
    ),
    "status.print_queue": ("打印队列：{waiting}待打印", "Print queue: {waiting} waiting"),
    "status.print_failed": ("打印失败：{error}（将自动重试）", "Printing failed: {error} (will retry)"),
    "status.printed": ("已打印：{doc}", "Printed: {doc}"),
    "status.print_unconfirmed": (
        "打印待确认{count}件（打印机未确认出纸，F12 查看）",
        "{count} print jobs unconfirmed (F12 to see)",
    ),
    "error.store": ("数据库错误：{error}", "Store error: {error}"),
    "error.crash_logged": (
        "一窗意外退出，错误记录已保存：{path}",
        "yichuang stopped on an unexpected error; the log is in {path}",
    ),
    "help.title": ("按键一览（本屏）", "Keys on this screen"),
    "help.col_key": ("按键", "Key"),
    "help.col_action": ("功能", "Action"),
    "help.close": ("Esc/F1 关闭", "Esc/F1 close"),
    # --- audit trail: hash chain, `yichuang audit verify`, SM2 signatures (issue 8 §2) ------
    # --- doctor (`yichuang doctor`, app/services/doctor.py, app/cli_doctor.py) ---------------
    "doctor.cli_help": (
        "检查本机能否正常办件：数据目录、数据库、打印机、扫描、平台、日历、事项目录、待发送",
        "check what stands between this PC and a working day: data dir, store, printer, scanner, hub, calendar, catalogue, queues",
    ),
    "doctor.cli_json": ("以 JSON 输出全部检查结果", "every finding as JSON"),
    "doctor.title": ("一窗自检（数据目录 {path}）", "yichuang doctor (data dir {path})"),
    "doctor.level_ok": ("正常", "ok"),
    "doctor.level_info": ("提示", "info"),
    "doctor.level_warning": ("注意", "warning"),
    "doctor.level_error": ("错误", "error"),
    "doctor.advice": ("处理：{advice}", "To do: {advice}"),
    "doctor.all_well": ("全部正常，可以办件。", "All is well: ready for a working day."),
    "doctor.summary": (
        "{errors}项错误，{warnings}项注意：按“处理”一行去做，然后再运行 yichuang doctor。",
        "{errors} errors, {warnings} warnings: do what each says, then run yichuang doctor again.",
    ),
    "doctor.check_failed": ("检查“{check}”本身出错：{error}", "The check '{check}' itself failed: {error}"),
    "doctor.check_failed_fix": ("把这一行发给技术支持", "Send this line to technical support"),
    "doctor.config_bad": ("配置文件无法读取：{error}", "The settings cannot be read: {error}"),
    "doctor.config_fix": (
        "改正 config.toml 里的错误；或把它改名，再用 yichuang config set 重新设置",
        "Fix the error in config.toml, or rename it and set the values again with yichuang config set",
    ),
    "doctor.dir_ok": ("数据目录 {path} 可以写入", "The data dir {path} is writable"),
    "doctor.dir_missing": (
        "数据目录 {path} 还不存在，第一次启动时建立（上级文件夹可以写入）",
        "The data dir {path} does not exist yet; the first start makes it (its parent is writable)",
    ),
    "doctor.dir_not_dir": ("数据目录 {path} 不是文件夹", "The data dir {path} is not a folder"),
    "doctor.dir_not_dir_fix": (
        "把同名的文件移走；或用 --data-dir 或环境变量 YICHUANG_DATA_DIR 指定另一个文件夹",
        "Move the file of that name away, or name another folder with --data-dir or YICHUANG_DATA_DIR",
    ),
    "doctor.dir_unwritable": (
        "数据目录 {path} 无法写入：{error}",
        "The data dir {path} cannot be written: {error}",
    ),
    "doctor.dir_unwritable_fix": (
        "检查磁盘是否已满、是否只读，以及文件夹的权限；或用 --data-dir 指定可以写入的文件夹",
        "Check whether the disk is full or read-only and the folder's permissions, or name a writable folder with --data-dir",
    ),
    "doctor.space_ok": ("磁盘剩余空间 {free}", "Free disk space: {free}"),
    "doctor.space_low": ("磁盘剩余空间只有 {free}", "Only {free} of disk space left"),
    "doctor.space_full": (
        "磁盘剩余空间只有 {free}：案件和文书可能保存不了",
        "Only {free} of disk space left: cases and print jobs may not be saved",
    ),
    "doctor.space_unknown": ("无法读取磁盘剩余空间：{error}", "The free disk space cannot be read: {error}"),
    "doctor.space_fix": (
        "清理这个磁盘上不用的文件，或把数据目录移到空间更大的磁盘",
        "Remove unneeded files from this disk, or move the data dir to a larger disk",
    ),
    "doctor.db_skipped": (
        "数据目录不可用，没有检查数据库",
        "The data dir is unusable: the store was not checked",
    ),
    "doctor.db_missing": (
        "数据库 {path} 还没有建立，第一次启动时自动建立",
        "The store {path} does not exist yet; the first start creates it",
    ),
    "doctor.db_unreadable": ("数据库 {path} 打不开：{error}", "The store {path} cannot be opened: {error}"),
    "doctor.db_unreadable_fix": (
        "关闭其他正在使用数据库的程序后再试；仍然不行请联系技术支持",
        "Close other programs using the store and try again; if it persists, call technical support",
    ),
    "doctor.db_ok": (
        "数据库 {path} 完整（integrity_check 通过）",
        "The store {path} is intact (integrity_check passed)",
    ),
    "doctor.db_corrupt": ("数据库 {path} 已损坏：{detail}", "The store {path} is damaged: {detail}"),
    "doctor.db_restore": (
        "停止在本机办件；从最近的备份恢复（yichuang restore 备份文件），并联系技术支持",
        "Stop taking cases on this PC; restore the latest backup (yichuang restore FILE) and call technical support",
    ),
    "doctor.schema_ok": (
        "数据库版本 {version}，与本程序一致",
        "Store schema version {version}, as this program expects",
    ),
    "doctor.schema_old": (
        "数据库版本 {version}，本程序是 {known}：下次启动时自动升级",
        "Store schema version {version}, this program's is {known}: the next start upgrades it",
    ),
    "doctor.schema_new": (
        "数据库版本 {version} 比本程序（{known}）新：是新版本的一窗写的",
        "Store schema version {version} is newer than this program's ({known}): a newer yichuang wrote it",
    ),
    "doctor.schema_new_fix": (
        "使用新版本的一窗程序；旧版本不会改动这个数据库",
        "Use the newer yichuang; this older one leaves the store untouched",
    ),
    "doctor.wal_ok": ("预写日志（WAL）{size}", "Write-ahead log (WAL): {size}"),
    "doctor.wal_big": ("预写日志（WAL）已有 {size}", "The write-ahead log (WAL) has grown to {size}"),
    "doctor.wal_fix": (
        "关闭所有一窗窗口和命令后重新打开，日志会写回数据库；仍然很大请联系技术支持",
        "Close every yichuang window and command, then start again: the log is folded back; if it stays large, call technical support",
    ),
    "doctor.profile_ok": (
        "打印机型号 {profile}：{paper} 毫米纸，{encoding} 字库",
        "Printer profile {profile}: {paper} mm paper, {encoding} font",
    ),
    "doctor.profile_bad": ("打印机型号 {profile} 不认识", "Unknown printer profile {profile}"),
    "doctor.profile_fix": (
        "yichuang config set printer.profile 型号（可选：{known}）",
        "yichuang config set printer.profile NAME (one of {known})",
    ),
    "doctor.printer_bad_url": ("打印机地址不对：{error}", "The printer URL is wrong: {error}"),
    "doctor.printer_url_fix": (
        "用 yichuang config set printer.url tcp://打印机IP:9100 设置打印机，再运行 yichuang printer test",
        "Set the printer: yichuang config set printer.url tcp://PRINTER-IP:9100, then yichuang printer test",
    ),
    "doctor.printer_files": (
        "没有设置打印机：文书写进文件夹 {path}，不会出纸",
        "No printer set: documents are written to the folder {path}, no paper comes out",
    ),
    "doctor.printer_dir_unwritable": (
        "打印文件夹 {path} 无法写入",
        "The print folder {path} cannot be written",
    ),
    "doctor.printer_online": ("打印机 {url} 连接正常，回答“在线”", "The printer {url} answers: online"),
    "doctor.printer_silent": (
        "打印机 {url} 可以连接，但不回答状态查询",
        "The printer {url} takes a connection but does not answer status queries",
    ),
    "doctor.printer_offline": (
        "打印机 {url} 回答“离线”（缺纸、开盖或故障）",
        "The printer {url} answers: offline (paper out, cover open or an error)",
    ),
    "doctor.printer_offline_fix": (
        "检查纸卷和上盖，排除故障后按打印机的进纸键",
        "Check the paper roll and the cover, clear the fault, then press the printer's feed button",
    ),
    "doctor.printer_unreachable": (
        "打印机 {url} 连接不上：{error}",
        "The printer {url} cannot be reached: {error}",
    ),
    "doctor.printer_unreachable_fix": (
        "检查打印机的电源、网线（或数据线）和地址，然后运行 yichuang printer test",
        "Check the printer's power, cable and address, then run yichuang printer test",
    ),
    "doctor.printer_device_missing": ("打印机设备 {path} 不存在", "The printer device {path} does not exist"),
    "doctor.printer_no_lp": ("没有找到 CUPS 打印命令 lp", "The CUPS command lp is not installed"),
    "doctor.printer_no_lp_fix": (
        "安装 CUPS 客户端，或改用 tcp:// 网络打印机",
        "Install the CUPS client, or use a tcp:// network printer",
    ),
    "doctor.printer_cannot_ask": (
        "打印机 {url} 不能回答状态查询，无法判断是否在线",
        "The printer {url} cannot answer status queries: whether it is ready is not known",
    ),
    "doctor.printer_test": (
        "打印一张测试页确认：yichuang printer test",
        "Print a test page to be sure: yichuang printer test",
    ),
    "doctor.paper_present": ("纸张：有纸", "Paper: present"),
    "doctor.paper_near_end": ("纸张：快用完了", "Paper: near its end"),
    "doctor.paper_near_end_fix": ("准备好新纸卷", "Have a new roll ready"),
    "doctor.paper_end": ("纸张：已用完", "Paper: out"),
    "doctor.paper_end_fix": ("装上新纸卷，合好上盖", "Load a new roll and close the cover"),
    "doctor.paper_unknown": (
        "纸张：打印机不回答纸张查询",
        "Paper: the printer does not answer the paper query",
    ),
    "doctor.scanner_unset": ("没有设置扫描文件夹（scanner.inbox）", "No scanner folder set (scanner.inbox)"),
    "doctor.scanner_unset_fix": (
        "需要扫描件时，设置 scanner.inbox 为扫描仪保存文件的文件夹",
        "When scans are needed, set scanner.inbox to the folder the scanner saves into",
    ),
    "doctor.scanner_ok": ("扫描文件夹 {path}：{files} 个文件", "Scanner folder {path}: {files} files"),
    "doctor.scanner_missing": (
        "扫描文件夹 {path} 不存在或不是文件夹",
        "The scanner folder {path} does not exist or is not a folder",
    ),
    "doctor.scanner_unreadable": (
        "扫描文件夹 {path} 无法读取：{error}",
        "The scanner folder {path} cannot be read: {error}",
    ),
    "doctor.scanner_fix": (
        "建立这个文件夹，并让扫描仪保存到同一个文件夹；或改正 scanner.inbox",
        "Create the folder and make the scanner save into it, or correct scanner.inbox",
    ),
    "doctor.hub_unset": (
        "没有设置平台（hub.url）：只在本机办件，记录不会自动上报",
        "No hub set (hub.url): cases stay on this PC, nothing is sent",
    ),
    "doctor.hub_unset_fix": (
        "需要上报时设置 hub.url 和 hub.token；没有网络时用 yichuang sync export-bundle 导出到U盘",
        "To send, set hub.url and hub.token; with no network, carry yichuang sync export-bundle on a USB stick",
    ),
    "doctor.hub_no_token": (
        "设置了平台 {url}，但没有令牌（hub.token）",
        "Hub {url} is set but hub.token is empty",
    ),
    "doctor.hub_token_fix": (
        "向平台管理员要一个新令牌，然后：yichuang config set hub.token 令牌",
        "Ask the hub's operator for a new token, then: yichuang config set hub.token TOKEN",
    ),
    "doctor.hub_plain": (
        "平台 {url} 用 http://（不加密）：只应在单位内网使用",
        "The hub {url} uses plain http://: only on the office's own network",
    ),
    "doctor.tls_ok": (
        "平台证书有效，{date} 到期（还有 {days} 天）",
        "The hub's certificate is valid until {date} ({days} days)",
    ),
    "doctor.tls_expiring": (
        "平台证书 {date} 到期（还有 {days} 天）",
        "The hub's certificate expires on {date} ({days} days)",
    ),
    "doctor.tls_renew": ("通知平台管理员及时更换证书", "Ask the hub's operator to renew the certificate"),
    "doctor.tls_invalid": ("平台证书验证不通过：{error}", "The hub's certificate does not verify: {error}"),
    "doctor.tls_invalid_fix": (
        "核对 hub.url；平台用本单位自签的证书时，把环境变量 YICHUANG_HUB_CA 设为其根证书文件；本机日期不对也会这样",
        "Check hub.url; for a certificate of the office's own CA set YICHUANG_HUB_CA to its root certificate; a wrong date on this PC does this too",
    ),
    "doctor.ca_bad": (
        "YICHUANG_HUB_CA 指向的根证书 {path} 无法读取：{error}",
        "The root certificate {path} named by YICHUANG_HUB_CA cannot be read: {error}",
    ),
    "doctor.hub_ok": ("平台 {url} 可以连接，令牌有效", "The hub {url} answers and accepts the token"),
    "doctor.hub_offline": ("连接不上平台 {url}：{error}", "The hub {url} cannot be reached: {error}"),
    "doctor.hub_offline_fix": (
        "检查网络；连不上时照常办件，记录在恢复后自动发送",
        "Check the network; cases can still be taken, they are sent once the hub is back",
    ),
    "doctor.hub_auth": ("平台拒绝了本机的令牌：{error}", "The hub refused this PC's token: {error}"),
    "doctor.hub_error": ("平台回答异常：{error}", "The hub answered wrongly: {error}"),
    "doctor.hub_error_fix": (
        "稍后再试；一直这样请联系平台管理员",
        "Try again later; if it persists, call the hub's operator",
    ),
    "doctor.clock_ok": ("本机时钟与平台相差 {seconds} 秒", "This PC's clock is {seconds} s off the hub's"),
    "doctor.clock_off": ("本机时钟与平台相差 {seconds} 秒", "This PC's clock is {seconds} s off the hub's"),
    "doctor.clock_wrong": (
        "本机时钟与平台相差 {seconds} 秒：案件编号和办结日期会用错日期",
        "This PC's clock is {seconds} s off the hub's: case numbers and due dates would take a wrong date",
    ),
    "doctor.clock_fix": (
        "校准本机的日期和时间（打开自动对时），然后再运行 yichuang doctor",
        "Correct this PC's date and time (turn on automatic time), then run yichuang doctor again",
    ),
    "doctor.clock_unknown": (
        "平台没有告知时间，无法比较时钟",
        "The hub gave no time: the clock was not compared",
    ),
    "doctor.calendar_ok": (
        "工作日历 {version}，已公布到 {last} 年",
        "Working-day calendar {version}, announced to {last}",
    ),
    "doctor.calendar_ending": (
        "工作日历只公布到 {last} 年：明年的办结日期将只按周末推算（标“推定”）",
        "The working-day calendar ends with {last}: next year's due dates would follow weekends only (marked provisional)",
    ),
    "doctor.calendar_past": (
        "工作日历只公布到 {last} 年，今年（{year}）的办结日期只按周末推算（标“推定”）",
        "The working-day calendar ends with {last}: this year's ({year}) due dates follow weekends only (marked provisional)",
    ),
    "doctor.calendar_fix": (
        "国务院公布放假安排后，同步一次（yichuang sync --once）或升级一窗，以取得新日历",
        "Once the State Council announces the holidays, sync (yichuang sync --once) or upgrade yichuang for the new calendar",
    ),
    "doctor.calendar_bad": ("工作日历无法读取：{error}", "The working-day calendar cannot be read: {error}"),
    "doctor.calendar_bad_fix": (
        "删除数据目录里的 calendar/cn_workdays.json 后同步一次；仍然不行请联系技术支持",
        "Delete calendar/cn_workdays.json in the data dir and sync again; if it persists, call technical support",
    ),
    "doctor.catalogue_ok": (
        "事项目录 {version}（{matters}项事项，{bundles}件一件事）",
        "Catalogue {version} ({matters} matters, {bundles} bundles)",
    ),
    "doctor.catalogue_demo": ("正在使用演示事项目录 {version}", "The demo catalogue {version} is in use"),
    "doctor.catalogue_bad": ("事项目录无法读取：{error}", "The catalogue cannot be read: {error}"),
    "doctor.catalogue_fix": (
        "导入本单位的事项目录：yichuang catalog import 文件",
        "Import the office's catalogue: yichuang catalog import FILE",
    ),
    "doctor.queues_new": ("还没有办件记录和打印文书", "No case events or print jobs yet"),
    "doctor.queues_skipped": (
        "数据库不可用，没有统计待发送记录和待打印文书",
        "The store is unusable: waiting events and jobs were not counted",
    ),
    "doctor.events_none": ("没有待发送的办件记录", "No case events waiting to be sent"),
    "doctor.events_waiting": (
        "{n} 条办件记录待发送，最早的是 {oldest}",
        "{n} case events wait to be sent, the oldest from {oldest}",
    ),
    "doctor.events_fix": (
        "连上平台后自动发送，也可运行 yichuang sync --once；长期没有网络时用 yichuang sync export-bundle 导出到U盘",
        "They go once the hub is reachable (or yichuang sync --once); with no network, yichuang sync export-bundle onto a USB stick",
    ),
    "doctor.events_refused": ("{n} 条办件记录被平台拒收", "{n} case events were refused by the hub"),
    "doctor.events_refused_fix": (
        "在同步页面（Ctrl+Y）或 yichuang sync status 查看原因，改正后重试或暂不发送",
        "See why in the sync screen (Ctrl+Y) or yichuang sync status; retry or set them aside",
    ),
    "doctor.jobs_none": ("打印队列中没有待打印的文书", "No print jobs waiting"),
    "doctor.jobs_waiting": (
        "{n} 份文书待打印，最早的是 {oldest}",
        "{n} print jobs wait, the oldest from {oldest}",
    ),
    "doctor.jobs_fix": (
        "先排除打印机的问题，再运行 yichuang print drain，或在打印队列（F12）重发",
        "Fix the printer, then run yichuang print drain or resend from the print queue (F12)",
    ),
    "doctor.jobs_unconfirmed": (
        "{n} 份文书已发送，打印机没有确认出纸，最早的是 {oldest}",
        "{n} print jobs were sent but the printer did not confirm, the oldest from {oldest}",
    ),
    "doctor.jobs_unconfirmed_fix": (
        "在打印队列（F12）确认：已出纸按 F6，没出纸按 F5 重发",
        "In the print queue (F12): F6 if the paper came out, F5 to send again if not",
    ),
    # --- personal data: masking, unmasking, encryption at rest (issue 8 §3) ---------------
    "key.unmask": ("显示完整号码", "Show full numbers"),
    "unmask.shown": (
        "已显示完整证件号码和电话（已记录查看）；F10 或离开本屏即隐藏",
        "Full ID and phone numbers shown (the viewing is recorded); F10 or leaving hides them",
    ),
    "unmask.failed": (
        "未能记录查看，号码不显示：{error}",
        "Could not record the viewing; numbers stay hidden: {error}",
    ),
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
    "doctor.db_encrypted": ("数据库已加密存储（SQLCipher）", "The store is encrypted at rest (SQLCipher)"),
    "doctor.db_not_encrypted": ("数据库未加密存储", "The store is not encrypted at rest"),
    "doctor.db_encrypt_how": (
        "含个人信息的办公电脑宜加密：关闭窗口程序后运行 yichuang db encrypt",
        "An office PC holding personal data should encrypt it: close the window, then run yichuang db encrypt",
    ),
    "cli.db": ("数据库（加密）", "the store (encryption)"),
    "cli.db_encrypt": (
        "把数据库转换为加密存储（SQLCipher）；密钥存本机密钥环，无密钥环时用口令",
        "convert the store to an encrypted one (SQLCipher); the key goes to this PC's keyring, or a passphrase without one",
    ),
    "cli.db_encrypt_passphrase": ("用口令而不用密钥环", "use a passphrase, not the keyring"),
    # --- key bindings (footer) -------------------------------------------------------------
    "key.search": ("找事项", "Find matter"),
    "key.applicant": ("申请人", "Applicant"),
    "key.checklist": ("材料", "Materials"),
    "key.accept": ("受理", "Accept"),
    "key.notify": ("一次性告知", "Notify missing"),
    "key.refuse": ("不予受理", "Refuse"),
    "key.cases": ("案件", "Cases"),
    "key.new": ("新办件", "New intake"),
    "key.quit": ("退出", "Quit"),
    "key.back": ("返回", "Back"),
    "key.toggle": ("收到/未收", "Received"),
    "key.form": ("原件/复印件", "Original/copy"),
    "key.more": ("份数+", "Copies +"),
    "key.less": ("份数−", "Copies −"),
    "key.tolerate": ("容缺", "Tolerate"),
    "key.defective": ("不符合要求", "Defective"),
    "key.open": ("查看", "Open"),
    "key.resume": ("继续受理", "Resume"),
    "key.confirm": ("确定", "Confirm"),
    "key.cancel": ("取消", "Cancel"),
    "key.kind": ("个人/企业", "Person/company"),
    "key.today": ("今日/全部", "Today/all"),
    "key.use_applicant": ("已有信息", "Saved details"),
    "key.help": ("全部按键", "All keys"),
    # --- courier (issue 12: courier mode, progress query) ------------------------------------
    "key.courier": ("揽投", "Courier"),
    "key.progress": ("进度查询", "Progress"),
    "key.step_pickup": ("揽收", "Pickup"),
    "key.step_transit": ("在途", "Transit"),
    "key.step_delivered": ("妥投", "Delivered"),
    "key.step_failed": ("投递失败", "Failed"),
    "key.fail_reason": ("失败原因", "Reason"),
    "key.recipient_applicant": ("本人/代收", "Applicant?"),
    "key.trip_slip": ("交接单", "Handover slip"),
    "key.scan_field": ("扫描", "Scan"),
    "key.case_field": ("案件", "Case"),
    "key.recipient_field": ("收件人", "Recipient"),
    "event.courier.assigned": ("登记邮件号", "waybill linked"),
    "event.courier.pickup": ("揽收", "picked up"),
    "event.courier.transit": ("在途", "in transit"),
    "event.courier.delivered": ("妥投", "delivered"),
    "event.courier.failed": ("投递失败", "delivery failed"),
    "doc.trip": ("邮件交接单", "courier handover slip"),
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
    "cli.courier": (
        "揽投扫描（不带子命令：打开揽投界面）",
        "courier scans (no action: open the courier screen)",
    ),
    "cli.courier_record": (
        "记录扫描的邮件号（- 从标准输入逐行读取）",
        "record scanned waybills (- reads standard input, one a line)",
    ),
    "cli.courier_step": (
        "环节：pickup 揽收、transit 在途、delivered 妥投、failed 投递失败",
        "step: pickup, transit, delivered, failed",
    ),
    "cli.courier_case": (
        "案件编号（揽收时必填，除非已登记或行内给出）",
        "case number (needed at pickup unless linked before or on the line)",
    ),
    "cli.courier_waybill": ("邮件号，或 - 从标准输入读取", "waybill number, or - to read standard input"),
    "cli.courier_recipient": ("收件人姓名（妥投）", "recipient's name (delivered)"),
    "cli.courier_applicant": ("收件人是申请人本人（妥投）", "the recipient is the applicant (delivered)"),
    "cli.courier_reason": ("投递失败原因", "why the delivery failed"),
    "cli.courier_scans": ("列出已记录的扫描", "list recorded scans"),
    "timeline.title": ("办理进度查询", "Progress query"),
    "timeline.placeholder": (
        "扫描回执或输入案件编号，回车查询",
        "Scan a receipt or type a case number, Enter",
    ),
    "timeline.not_found": ("找不到案件 {number}", "No case {number}"),
    "timeline.head": (
        "{number} · {subject} · {applicant} · 当前：{state}",
        "{number} · {subject} · {applicant} · now: {state}",
    ),
    "timeline.col_at": ("时间", "When"),
    "timeline.col_what": ("环节", "What"),
    "timeline.col_who": ("经办", "Who"),
    "timeline.col_detail": ("说明", "Detail"),
    "timeline.qr_unverified": (
        "二维码签名无法验证：不是本窗口出具的回执或已被改动，请输入案件编号查询",
        "The QR code's signature does not verify (not this window's receipt, or altered): type the case number",
    ),
    # --- 好差评: evaluation and follow-ups, `yichuang evaluate` (issue 8 §4) ----------------
    # --- intake screen ---------------------------------------------------------------------
    "intake.search_placeholder": (
        "输入事项名称、拼音首字母（如 kcg）或编码",
        "Matter name, pinyin initials (e.g. kcg) or code",
    ),
    "intake.search_loading": ("正在载入事项清单…", "Loading the catalogue…"),
    "intake.no_match": ("没有找到匹配的事项", "No matching matter"),
    "intake.bundle": ("一件事", "Bundle"),
    "intake.matter": ("事项", "Matter"),
    "intake.selected": ("{kind}：{name}（{code}）", "{kind}: {name} ({code})"),
    "intake.no_subject": ("尚未选择事项", "No matter chosen yet"),
    "intake.subject_info": (
        "{department} · 承诺{promised}个工作日 · 法定{legal}个工作日 · {fee}",
        "{department} · promised {promised} working days · legal {legal} · {fee}",
    ),
    "intake.bundle_info": (
        "{count}个事项，涉及{departments}个部门；材料合并后{materials}项（合并前{before}项）",
        "{count} matters, {departments} departments; {materials} materials after merge ({before} before)",
    ),
    "intake.applicant": ("申请人", "Applicant"),
    "intake.kind_person": ("个人", "Person"),
    "intake.kind_enterprise": ("企业", "Enterprise"),
    "intake.id_person": ("居民身份证号码", "Resident ID number"),
    "intake.id_enterprise": ("统一社会信用代码", "Unified social credit code"),
    "intake.name_person": ("姓名", "Name"),
    "intake.name_enterprise": ("单位名称", "Company name"),
    "intake.phone": ("联系电话", "Phone"),
    "intake.address": ("联系地址", "Address"),
    "intake.returning": (
        "已有信息：{name}，{phone}，{address}（F10 使用）",
        "Returning applicant: {name}, {phone}, {address} (F10 to use)",
    ),
    "intake.checklist": ("申请材料", "Materials"),
    "intake.col_status": ("状态", "Status"),
    "intake.col_name": ("材料名称", "Material"),
    "intake.col_form": ("原件/复印件", "Original/copy"),
    "intake.col_copies": ("份数", "Copies"),
    "intake.col_required": ("必要", "Required"),
    "intake.col_tolerable": ("可容缺", "Tolerable"),
    "intake.summary": (
        "收{received} · 容缺{tolerated} · 缺{missing}（必要）",
        "{received} received · {tolerated} tolerated · {missing} required missing",
    ),
    "intake.resumed": ("继续受理 {number}（补正后）", "Resuming {number} (after correction)"),
    "intake.discard_title": ("放弃当前办件？", "Discard the current intake?"),
    "intake.discard_body": (
        "当前填写的申请人和材料信息将被清空。",
        "The applicant and materials entered will be cleared.",
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
    "cli.scans": ("扫描文件夹：监视、列出扫描件", "the scanner folder: watch it, list the scans"),
    "cli.scans_watch": (
        "在前台监视扫描文件夹（Ctrl+C 结束）",
        "watch the scanner folder in the foreground (Ctrl+C stops)",
    ),
    "cli.scans_list": ("列出所有扫描件及其状态", "list every scan and its state"),
    "scan.cli_watching": ("正在监视 {path}（Ctrl+C 结束）", "Watching {path} (Ctrl+C stops)"),
    "scan.cli_taken": (
        "收取 #{id} {name}（{kind}，{pages}，{size}）sha256 {sha256}",
        "took #{id} {name} ({kind}, {pages}, {size}) sha256 {sha256}",
    ),
    "scan.cli_refused": ("拒收 {name}：{reason}（文件留在原处）", "refused {name}: {reason} (left in place)"),
    "scan.cli_none": ("还没有扫描件", "No scans yet"),
    "key.scans": ("扫描件", "Scans"),
    "key.assign_scan": ("分配", "Assign"),
    "key.scan_list": ("扫描件列表", "Scan list"),
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
    "intake.header": ("{office} · {window} · {clerk} · {date}", "{office} · {window} · {clerk} · {date}"),
    "intake.id_person_short": ("身份证号", "ID number"),
    "intake.id_enterprise_short": ("信用代码", "Credit code"),
    "intake.checklist_keys": (
        "[dim]空格 收到/未收 · o 原件/复印件 · +/- 份数 · r 容缺 · x 不符合要求[/]",
        "[dim]Space received · o original/copy · +/- copies · r tolerate · x not acceptable[/]",
    ),
    "intake.col_form_short": ("原/复", "Orig/copy"),
    "intake.col_copies_short": ("份", "Qty"),
    "intake.col_required_short": ("必", "Req"),
    "intake.col_tolerable_short": ("容", "Tol"),
    "form.original_short": ("原件", "orig."),
    "form.copy_short": ("复印", "copy"),
    "intake.subject_info_now": ("{department} · 即办 · {fee}", "{department} · decided on the spot · {fee}"),
    "intake.subject_info_now_legal": (
        "{department} · 即办 · 法定{legal}个工作日 · {fee}",
        "{department} · decided on the spot · legal {legal} working days · {fee}",
    ),
    "intake.resumed_keeps_subject": (
        "继续受理的案件 {number} 不能更换事项；如需办理其他事项，请按 F9 新办件",
        "Case {number} keeps its matter; F9 starts a new intake for another one",
    ),
    "intake.change_subject_title": ("更换事项？", "Choose another matter?"),
    "intake.change_subject_body": (
        "已标记的材料将被清空，申请人信息保留。",
        "The materials marked so far are cleared; the applicant stays.",
    ),
    "intake.change_subject_yes": ("更换事项", "change the matter"),
    "intake.discard_yes": ("放弃", "discard"),
    "key.find": ("查找", "Find"),
    "quit.title": ("退出前放弃当前办件？", "Quit and discard the current intake?"),
    "key.keep": ("继续办理", "keep"),
    "intake.no_returning": ("没有该申请人的已有信息", "No saved details for this applicant"),
    "intake.defective_title": ("不符合要求：{name}", "Not acceptable: {name}"),
    "intake.defective_label": (
        "原因（将写入补正材料通知书，可留空）",
        "Why (printed on the notice; may be left empty)",
    ),
    "intake.defective_default": ("材料不符合要求", "does not meet the requirements"),
    "notify.listed": ("以下{count}项材料将列入补正材料通知书：", "These {count} materials go on the notice:"),
    "refuse.reason_field": ("不予受理的理由", "Reason for refusal"),
    "refuse.reason_hint": ("（必填）", " (required)"),
    "case.reason": ("不予受理理由", "Reason for refusal"),
    "case.remarks": ("告知说明", "Remarks on the notice"),
    "status.received": ("已收", "received"),
    "status.missing": ("未收", "missing"),
    "status.tolerated": ("容缺", "tolerated"),
    "status.defective": ("不符", "defective"),
    "form.original": ("原件", "original"),
    "form.copy": ("复印件", "copy"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    # --- supervisor view, `yichuang stats`, `yichuang export cases` (issue 8 §5) -----------
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
    "refuse.title": ("不予受理", "Refuse"),
    "refuse.reason": ("不予受理的理由（必填）", "Reason for refusal (required)"),
    "notify.title": ("一次性告知", "Notify all missing materials"),
    "notify.remarks": ("补充说明（可选）", "Remarks (optional)"),
    "result.accepted": ("已受理，案件编号 {number}", "Accepted, case {number}"),
    "result.notified": (
        "已一次性告知，案件编号 {number}，待补正",
        "Notice issued, case {number}, awaiting correction",
    ),
    "result.refused": ("已不予受理，案件编号 {number}", "Refused, case {number}"),
    "result.due": ("承诺办结日期：{date}{provisional}", "Promised completion: {date}{provisional}"),
    "result.due_now": ("即办，办结日期：{date}{provisional}", "Decided on the spot, by {date}{provisional}"),
    "result.provisional": ("（推定）", " (provisional)"),
    "result.printing": ("正在打印：{doc}", "Printing: {doc}"),
    # --- documents -------------------------------------------------------------------------
    "doc.receipt": ("受理回执", "acceptance receipt"),
    "doc.notice": ("补正材料通知书", "correction notice"),
    "doc.refusal": ("不予受理通知书", "refusal notice"),
    "doc.pickup": ("领取凭证", "pickup voucher"),
    "doc.handover": ("交接单", "handover slip"),
    "doc.test": ("测试页", "test page"),
    # --- case list and detail --------------------------------------------------------------
    "cases.title": ("案件", "Cases"),
    "cases.find_placeholder": ("案件编号、申请人姓名或证件号码", "Case number, applicant name or ID number"),
    "cases.today": ("今日案件", "Today's cases"),
    "cases.all": ("全部案件（最近）", "All cases (latest)"),
    "cases.found": ("查找结果：{count}件", "Found: {count}"),
    "cases.col_number": ("案件编号", "Case number"),
    "cases.col_applicant": ("申请人", "Applicant"),
    "cases.col_subject": ("事项", "Matter"),
    "cases.col_state": ("状态", "State"),
    "cases.col_time": ("时间", "Time"),
    "cases.col_due": ("承诺日期", "Due"),
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
    "key.pickup": ("出件", "Hand out"),
    "key.handover": ("登记出件", "Record handover"),
    "key.agent": ("本人/代领", "Applicant/agent"),
    "pickup.title": ("统一窗口出件 · 待领取", "Handing results out · ready for pickup"),
    "pickup.found": ("待领取 · 查找结果：{count}件", "Ready for pickup · found: {count}"),
    "pickup.empty": ("没有待领取的案件", "No case is ready for pickup"),
    "pickup.find_placeholder": (
        "案件编号、申请人姓名或证件号码；或扫描回执",
        "Case number, applicant name or ID number; or scan the receipt",
    ),
    "pickup.col_outcome": ("办理结果", "Outcome"),
    "pickup.col_decided": ("办结时间", "Decided"),
    "pickup.case": ("出件：案件 {number} · {state}", "Hand out: case {number} · {state}"),
    "pickup.applicant": ("申请人：{name}  {id}", "Applicant: {name}  {id}"),
    "pickup.applicant_mode": ("领取人：申请人本人（F4 改为代领）", "Collector: the applicant (F4: an agent)"),
    "pickup.agent_mode": (
        "领取人：代领人，须有申请人书面授权（F4 改为本人）",
        "Collector: an agent with written authorisation (F4: the applicant)",
    ),
    "pickup.collector_id": ("领取人证件号码（身份证）", "Collector's ID number"),
    "pickup.agent_name": ("代领人姓名", "Agent's name"),
    "pickup.authorisation": ("授权委托（委托书内容或编号）", "Written authorisation (its text or reference)"),
    "pickup.hint": (
        "核对领取人后按 F5 登记出件并打印领取凭证",
        "Check the collector, then F5 records the handover and prints the voucher",
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
    "cli.case_handover": (
        "统一窗口出件：核对领取人，登记出件并打印领取凭证",
        "hand a result out: check the collector, record the handover, print the pickup voucher",
    ),
    "cli.collector_id": (
        "领取人的身份证号码（本人领取须与申请人一致；代领时为代领人的号码）",
        "the collector's ID number (the applicant's; or the agent's with --agent-name)",
    ),
    "cli.agent_name": ("代领人姓名（他人代领时）", "the agent's name (someone else collects)"),
    "cli.authorisation": (
        "申请人的书面授权（代领时必填）",
        "the applicant's written authorisation (required for an agent)",
    ),
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
    # --- field errors ----------------------------------------------------------------------
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
    # --- command line (app.cli) -------------------------------------------------------------
    "cli.description": ("一窗：综合窗口受理工作站", "yichuang: the comprehensive-window workstation"),
    "cli.version": ("显示版本号并退出", "show the version and exit"),
    "cli.data_dir": (
        "数据目录（默认：$YICHUANG_DATA_DIR 或本机的用户数据目录）",
        "data directory (default: $YICHUANG_DATA_DIR or the platform's user data dir)",
    ),
    "cli.run": ("启动工作站（默认）", "start the workstation (the default)"),
    "cli.config": ("查看或修改设置", "read or change settings"),
    "cli.config_get": ("显示一项设置（不带 KEY 时显示全部）", "print a setting (or all with no KEY)"),
    "cli.config_set": ("修改一项设置", "change a setting"),
    "cli.config_key": ("设置项，如 office.code", "the setting, e.g. office.code"),
    "cli.config_value": ("新的值", "the new value"),
    "cli.catalog": ("事项清单", "the matter catalogue"),
    "cli.catalog_import": (
        "校验并安装事项清单文件（有任何错误则不安装）",
        "validate and install a catalogue file (nothing is installed if any error)",
    ),
    "cli.catalog_export": ("把当前事项清单写入文件", "write the active catalogue to a file"),
    "cli.catalog_file": ("事项清单文件（JSON）", "the catalogue file (JSON)"),
    "cli.demo": ("演示数据", "demo data"),
    "cli.demo_seed": ("生成逼真的演示案件", "fill the store with realistic synthetic cases"),
    "cli.demo_cases": ("生成的案件数", "how many cases"),
    "cli.demo_random_seed": ("随机种子（种子相同，生成的案件相同）", "random seed (same seed, same cases)"),
    "cli.demo_days": ("案件分布在过去多少天内", "spread cases over this many past days"),
    "cli.case": ("案件", "cases"),
    "cli.case_list": ("列出案件（最新的在前）", "list cases (newest first)"),
    "cli.case_today": ("只列今日案件", "only today's cases"),
    "cli.case_find": ("案件编号、证件号码或申请人姓名", "case number, ID number or applicant name"),
    "cli.case_limit": ("最多列出多少件（默认200）", "list at most N cases (default 200)"),
    "cli.case_show": ("显示一个案件及其办理记录", "show one case with its timeline"),
    "cli.case_number": ("案件编号", "the case number"),
    "cli.case_print": ("打印（或补打）案件的文书", "print (or reprint) a document of a case"),
    "cli.case_doc": ("文书（默认：受理回执）", "the document (default: the receipt)"),
    "cli.case_preview": (
        "不打印，把打印内容写成 PNG 图片",
        "write the PNG of what was printed instead of printing",
    ),
    "cli.json": ("以 JSON 格式输出", "print JSON"),
    "cli.printer": ("打印机", "printers"),
    "cli.print_queue": ("打印队列", "the print queue"),
    "cli.print_drain": (
        "把每个待打印的打印任务发送一次（例如无窗口运行时由计划任务调用）；仍有任务等待时退出码为1",
        "send every waiting print job once (e.g. from cron when no window runs); exit 1 if any job still waits",
    ),
    "cli.printer_test": ("打印测试页", "print a test page"),
    "cli.printer_url": (
        "打印机地址（默认：已配置的打印机）",
        "printer URL (default: the configured printer)",
    ),
    "cli.import_failed": ("{n}处错误，未导入任何内容", "{n} error(s); nothing was imported"),
    "cli.imported": (
        "已导入事项清单 {version}：{matters}项事项，{bundles}件一件事",
        "imported catalogue {version}: {matters} matters, {bundles} bundles",
    ),
    "cli.cannot_write": ("无法写入 {path}：{error}", "cannot write {path}: {error}"),
    "cli.exported": ("已把事项清单 {version} 导出到 {path}", "exported catalogue {version} to {path}"),
    "cli.cases_min": ("--cases 应为0或更大", "--cases must be 0 or more"),
    "cli.limit_min": ("--limit 应为1或更大", "--limit must be 1 or more"),
    "cli.seed_progress": ("  已生成{n}件", "  {n} cases"),
    "cli.seeded": ("已生成{n}件演示案件", "seeded {n} cases"),
    "cli.about": ("{what}：{error}", "{what}: {error}"),
    # argparse's own words (through its gettext hook); the en text is argparse's msgid.
    "cli.argparse_usage": ("用法：", "usage: "),
    "cli.argparse_positional": ("位置参数", "positional arguments"),
    "cli.argparse_options": ("选项", "options"),
    "cli.argparse_help": ("显示本帮助并退出", "show this help message and exit"),
    "cli.argparse_error": ("%(prog)s：错误：%(message)s\n", "%(prog)s: error: %(message)s\n"),
    "cli.argparse_required": ("缺少必需的参数：%s", "the following arguments are required: %s"),
    "cli.argparse_choice": (
        "无效的选项：%(value)r（可选：%(choices)s）",
        "invalid choice: %(value)r (choose from %(choices)s)",
    ),
    "cli.argparse_unrecognized": ("无法识别的参数：%s", "unrecognized arguments: %s"),
    "cli.argparse_invalid": ("无效的%(type)s值：%(value)r", "invalid %(type)s value: %(value)r"),
    "cli.argparse_one_argument": ("需要一个参数", "expected one argument"),
    "cli.argparse_argument": (
        "参数 %(argument_name)s：%(message)s",
        "argument %(argument_name)s: %(message)s",
    ),
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
    # --- sync (issue 4) ------------------------------------------------------------------
    "state.withdrawn": ("已撤回", "withdrawn"),
    "sync.bar_offline_only": ("未配置上级平台（仅离线）", "No platform configured (offline only)"),
    "sync.online": ("在线", "Online"),
    "sync.offline": ("离线", "Offline"),
    "sync.not_yet": ("尚未同步", "Not synced yet"),
    "sync.waiting": ("待上传{n}条", "{n} waiting"),
    "sync.last_success": ("上次同步{when}", "last sync {when}"),
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
    "sync.done": ("同步完成：上传{pushed}条，下载{pulled}条", "Synced: {pushed} sent, {pulled} received"),
    "sync.failed": ("同步失败：{error}", "Sync failed: {error}"),
    "sync.set_aside_done": ("已搁置该记录，后续记录将继续上传", "Set aside; later records will flow"),
    "sync.retry_done": ("将重新上传该记录", "The record will be sent again"),
    "sync.delivered_done": ("已登记出件：{number}", "Handed out: {number}"),
    "sync.pick_row": ("请先选择一行", "Choose a row first"),
    "sync.not_allowed_kind": ("窗口不能登记“{kind}”", "The window cannot record “{kind}”"),
    "sync.no_such_case": ("没有案件{number}", "No case {number}"),
    "sync.not_fitting": (
        "案件处于“{state}”，不能登记“{kind}”",
        "“{kind}” does not apply to a case that is “{state}”",
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
    "sync.err_offline": ("无法连接上级平台（{detail}）", "Cannot reach the platform ({detail})"),
    "sync.err_deadline": (
        "平台在{seconds}秒内未完成应答，已断开重试",
        "The platform did not finish answering within {seconds} s; will retry",
    ),
    "sync.err_auth": ("平台拒绝了本机令牌：{detail}", "The platform refused this token: {detail}"),
    "sync.err_http": (
        "平台返回错误 HTTP {status}：{detail}",
        "The platform answered HTTP {status}: {detail}",
    ),
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
    "key.sync": ("同步", "Sync"),
    "key.sync_now": ("立即同步", "Sync now"),
    "key.set_aside": ("搁置", "Set aside"),
    "key.retry": ("重新上传", "Send again"),
    "key.deliver": ("出件", "Hand out"),
    "field.required": ("{field}不能为空", "{field} is required"),
    "field.too_long": ("{field}不能超过{max}个字", "{field} is longer than {max} characters"),
    "field.control": ("{field}含有不可见控制字符", "{field} contains invisible control characters"),
    "field.phone": ("联系电话格式不正确", "The phone number is not valid"),
    # --- the back office console on the hub: accounts, sessions, admin (issue 10) ---------
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
    "hub.upstream_token": ("--upstream 需要同时给出 --upstream-token", "--upstream needs --upstream-token"),
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
        "--public-key 不是 Ed25519 公钥（base64 编码的 32 字节）",
        "--public-key is not an Ed25519 public key (32 bytes, base64)",
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
        "平台尚未登记该窗口的公钥：请先联网同步一次，或签发令牌时用 --public-key 登记",
        "The hub holds no public key for this workstation: sync it online once, or issue its token with --public-key",
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
    # --- the back office console: queues, case page, decisions (issue 10) -----------------
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
    "drain.printed": ("已打印  {doc}  {number}（作业 {job}）", "printed  {doc}  {number} (job {job})"),
    "drain.sent": ("已发送  {doc}  {number}（作业 {job}）", "sent  {doc}  {number} (job {job})"),
    "drain.unconfirmed": (
        "待确认  {doc}  {number}（作业 {job}）：{note}",
        "unconfirmed  {doc}  {number} (job {job}): {note}",
    ),
    "drain.failed": (
        "未打印  {doc}  {number}（作业 {job}）：{error}",
        "not printed  {doc}  {number} (job {job}): {error}",
    ),
    "drain.summary": (
        "打印队列：本次发送{attempted}件，仍有{left}件待打印",
        "Print queue: {attempted} sent this run, {left} still waiting",
    ),
    "drain.empty": ("打印队列中没有待打印的文书", "Nothing waits in the print queue"),
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
    "status.print_failing": (
        "打印失败{count}件：{error}（自动重试，F12 查看）",
        "{count} print jobs failing: {error} (retrying; F12 to see)",
    ),
    "queue.title_active": ("打印队列 · 未完成{count}件", "Print queue · {count} not printed"),
    "queue.title_all": ("打印队列 · 全部（最近{count}件）", "Print queue · all (latest {count})"),
    "queue.col_case": ("案件编号", "Case"),
    "queue.col_doc": ("文书", "Document"),
    "queue.col_printer": ("打印机", "Printer"),
    "queue.col_state": ("状态", "State"),
    "queue.col_attempts": ("次数", "Attempts"),
    "queue.col_error": ("最后错误", "Last error"),
    "queue.col_time": ("时间", "Time"),
    "queue.col_next": ("下次重试", "Next try"),
    "queue.no_job": ("没有打印作业 {job}", "No print job {job}"),
    "queue.no_selection": ("请先选择一个打印作业", "Select a print job first"),
    "queue.already_sent": (
        "打印机已确认该文书已打印；如需再打一份，请在案件详情中补打（F7）",
        "Already printed; for another copy reprint it from the case detail (F7)",
    ),
    "queue.cannot_cancel": ("该文书{state}，不能取消", "The job is {state}: it cannot be cancelled"),
    "queue.cancel_title": ("取消打印？", "Cancel printing?"),
    "queue.cancel_body": (
        "{doc}（案件 {number}）将不再打印；需要时可按 F5 重新发送。",
        "The {doc} of {number} will not be printed; F5 sends it again if needed.",
    ),
    "queue.cancelled": ("已取消打印：{doc}（{number}）", "Cancelled: {doc} ({number})"),
    "queue.resent": ("已重新发送：{doc}（{number}）", "Sent again: {doc} ({number})"),
    "queue.resend_failed": ("重发失败：{error}（将自动重试）", "Resend failed: {error} (will retry)"),
    "queue.retargeted": ("改用当前打印机 {url}", "Moved to the configured printer {url}"),
    "queue.resend_title": ("重新发送？", "Send again?"),
    "queue.confirmed": ("已确认出纸：{doc}（{number}）", "Marked printed: {doc} ({number})"),
    "queue.cannot_confirm": (
        "该文书{state}：只有已发送或待确认的文书可以确认出纸",
        "The job is {state}: only sent or unconfirmed jobs can be marked printed",
    ),
    "queue.resend_body": (
        "{doc}（案件 {number}）已全部发送到打印机（{state}）。如果没有出纸，按 Y 再发送一次；"
        "如果已经出纸，再发送会多打一份。",
        "The {doc} of {number} was sent in full ({state}). If no paper came out, press Y to send it again; "
        "if it did, sending again prints another copy.",
    ),
    "key.print_queue": ("打印队列", "Print queue"),
    "key.resend": ("立即重发", "Resend now"),
    "key.confirm_printed": ("已出纸", "Paper came out"),
    "key.cancel_job": ("取消打印", "Cancel job"),
    "key.preview": ("预览", "Preview"),
    "key.all_jobs": ("全部/未完成", "All/unfinished"),
    "key.retarget": ("改用当前打印机", "Use configured printer"),
    "key.reprint": ("补打", "Reprint"),
    "key.view_doc": ("查看文书", "View document"),
    "reprint.choose_title": ("选择文书（按数字键）", "Choose a document (press its number)"),
    "reprint.none": ("案件 {number} 没有可补打的文书", "Case {number} has no document to reprint"),
    "reprint.queued": ("已加入打印队列：{doc}（补打）", "Queued: {doc} (reprint)"),
    "reprint.confirm_title": ("补打{doc}？", "Reprint the {doc}?"),
    "reprint.confirm_body": (
        "将打印案件 {number} 的{doc}，纸上标注“补打”和补打时间。",
        "The {doc} of {number} will print marked 补打 with the time now.",
    ),
}


def set_language(lang: str) -> None:
    global _LANG
    _LANG = "en" if lang == "en" else "zh"


def language() -> str:
    return _LANG


def t(key: str, /, **fields: object) -> str:
    """The message `key` in the current language, with `fields` filled in."""
    try:
        zh, en = MESSAGES[key]
    except KeyError:
        return key  # a missing key shows itself instead of crashing the window
    text = en if _LANG == "en" else zh
    return text.format(**fields) if fields else text
