"""Messages for the command line (`yichuang …`), its commands' reports (doctor, export, drain).

Part of the one catalogue (app.messages assembles the parts; t() looks keys up there).
Key prefixes here: cli, cli_login, doctor, drain, export.
"""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # --- operators, roles, login and screen lock (issue 8 §1) ---------------------------
    "cli.operator": ("操作员账号", "operator accounts"),
    "cli.operator_add": (
        "添加操作员（密码从标准输入读取，或在终端输入两次）",
        "add an operator (password from standard input, or asked twice at a terminal)",
    ),
    "cli.operator_name": ("用户名", "login name"),
    "cli.operator_role": ("角色", "role"),
    "cli.operator_list": ("列出操作员", "list operators"),
    "cli.operator_disable": ("停用操作员", "disable an operator"),
    "cli.operator_passwd": ("修改操作员密码", "change an operator's password"),
    # --- backup (app.services.backup, app.cli.backup) --------------------------------------
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
    # --- doctor (`yichuang doctor`, app/services/doctor.py, app/cli/doctor.py) ---------------
    "doctor.cli_help": (
        "检查本机能否正常办件：数据目录、数据库、打印机、扫描、平台、日历、事项目录、待发送",
        "check what stands between this PC and a working day: data dir, store, printer, scanner, hub, calendar, catalogue, queues",
    ),
    # --- `yichuang sync …` help (lang helper, issue 18: one language) ---------------------------
    "cli.sync_help": (
        "与上级平台同步（--once 同步一次后退出，否则一直同步）",
        "sync with the county platform (one cycle with --once, else keep syncing)",
    ),
    "cli.sync_once": (
        "只同步一次；还有记录没有上传时退出码为 1",
        "one cycle; exit 1 if anything is left unsent",
    ),
    "cli.sync_quiet": ("只报告错误，不打印每次同步的结果", "print errors only, not each cycle's outcome"),
    "cli.sync_export_bundle": (
        "把所有未上传的记录写成一个签名、压缩的文件（完全没有网络时用U盘带去平台）",
        "write everything unsent to a signed, compressed file (no link at all)",
    ),
    "cli.sync_bundle_file": ("要写入的数据包文件", "the bundle file to write"),
    "cli.sync_hub_key": (
        "显示本窗口封装数据包所用的平台公钥；给出 KEY 时设置它（离线登记）",
        "show the hub's bundle key this window seals bundles to; with KEY, set it (offline enrolment)",
    ),
    "cli.sync_hub_key_arg": (
        "平台上 yichuang hub bundle-key 打印的公钥",
        "the key printed by `yichuang hub bundle-key`",
    ),
    "cli.sync_status": ("待上传、冲突、上次同步情况", "what waits, conflicts, last success"),
    "cli.sync_set_aside": (
        "不再发送一条被平台退回的记录（它不再阻塞同一案件的后续记录）",
        "stop sending an event the hub refused (it no longer blocks its case)",
    ),
    "cli.sync_event_id": (
        "记录编号（见 yichuang sync status）",
        "the event's id (see yichuang sync status)",
    ),
    "cli.sync_retry": ("重新发送一条被退回或已搁置的记录", "send a refused or set-aside event again"),
    "cli.sync_attach": ("保存案件的一份扫描件，并排队上传", "keep a scan of a case and queue it for upload"),
    "cli.sync_attach_file": ("扫描件文件", "the scan's file"),
    "cli.sync_deliver": ("出件：把案件的办理结果交给申请人", "hand out the result of a case (出件)"),
    "cli.sync_tracking": ("EMS 政务专递的邮件号（S10 格式）", "EMS 政务专递 item number (S10)"),
    "cli.sync_withdraw": ("申请人撤回申请", "the applicant withdraws (撤回)"),
    "cli.sync_advice": ("处理：{advice}", "To do: {advice}"),
    "cli.sync_reason": ("撤回的原因", "why the applicant withdraws"),
    "doctor.cli_json": ("以 JSON 输出全部检查结果", "every finding as JSON"),
    "doctor.title": ("一窗自检（数据目录 {path}）", "yichuang doctor (data dir {path})"),
    "doctor.build": ("版本：{line}", "Build: {line}"),
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
    # doctor: the hub did not answer in time (lang helper, issue 18): doctor asks once, no retry
    "doctor.hub_slow": (
        "平台 {url} 在 {seconds} 秒内没有答完，自检已放弃这一项",
        "The hub {url} did not finish answering within {seconds} s; the check gave up",
    ),
    "doctor.hub_slow_fix": (
        "检查网络是否很慢或不稳；稍后再运行 yichuang doctor；一直这样请联系平台管理员",
        "Check whether the link is very slow or unstable; run yichuang doctor again later; if it persists, call the hub's operator",
    ),
    "doctor.printer_dir_unwritable_why": (
        "打印文件夹 {path} 无法写入：{error}",
        "The print folder {path} cannot be written: {error}",
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
    # --- courier (issue 12: courier mode, progress query) ------------------------------------
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
    "cli.courier_limit": ("每页条数（默认1000）", "scans per page (default 1000)"),
    "cli.courier_page": ("第几页，1为最新（默认1）", "page, 1 = the newest (default 1)"),
    # --- 好差评: evaluation and follow-ups, `yichuang evaluate` (issue 8 §4) ----------------
    "cli.evaluate": (
        "评价器：在本数据目录上等待窗口请申请人评价（与窗口同一台电脑的第二块屏幕）",
        "the counter terminal: waits for this data dir's window to ask for a rating (a second screen on the same PC)",
    ),
    "cli.followup": ("差评整改", "follow-ups of bad ratings"),
    "cli.followup_list": ("列出待整改（超期的标出）", "list open follow-ups (overdue ones flagged)"),
    "cli.followup_all": ("包括已办结的", "include closed ones"),
    "cli.followup_close": ("办结一件差评整改（须填说明）", "close a follow-up (a note is required)"),
    "cli.followup_id": ("整改编号（followup list 中的编号）", "the follow-up's ID (from followup list)"),
    "cli.followup_note": ("整改说明", "what was done"),
    # --- scanner (scanner inbox: app.services.scanner, app.ui.screens.scans, `yichuang scans`) --
    "cli.scans": ("扫描文件夹：监视、列出扫描件", "the scanner folder: watch it, list the scans"),
    "cli.scans_watch": (
        "在前台监视扫描文件夹（Ctrl+C 结束）",
        "watch the scanner folder in the foreground (Ctrl+C stops)",
    ),
    "cli.scans_list": ("列出所有扫描件及其状态", "list every scan and its state"),
    # --- supervisor view, `yichuang stats`, `yichuang export cases` (issue 8 §5) -----------
    "export.cli_help": ("导出数据", "export data"),
    "export.cli_cases": (
        "导出案件清单到 .xlsx 或 .csv（姓名、证件号码、电话已脱敏，不含地址）",
        "export the cases to .xlsx or .csv (names, ID and phone numbers masked; no addresses)",
    ),
    "export.cli_file": ("目标文件（.xlsx 或 .csv）", "the file to write (.xlsx or .csv)"),
    "export.cli_force": ("覆盖已存在的文件", "overwrite an existing file"),
    "export.bad_format": ("只能导出为 .xlsx 或 .csv：{path}", "export to .xlsx or .csv only: {path}"),
    "export.exists": (
        "文件已存在：{path}（确需覆盖请加 --force）",
        "the file exists: {path} (add --force to overwrite it)",
    ),
    "export.is_dir": ("{path} 是一个目录", "{path} is a folder"),
    "export.cannot_write": ("无法写入 {path}：{error}", "cannot write {path}: {error}"),
    "export.done": ("已导出 {n} 件案件到 {path}（已脱敏）", "exported {n} cases to {path} (masked)"),
    "export.progress": ("已导出 {done}/{total}", "exported {done}/{total}"),
    "export.progress_label": ("导出案件", "Exporting cases"),
    "export.sheet": ("案件", "Cases"),
    "export.yes": ("是", "yes"),
    "export.col_number": ("案件编号", "Case number"),
    "export.col_state": ("状态", "State"),
    "export.col_subject_code": ("事项编码", "Matter code"),
    "export.col_subject_name": ("事项名称", "Matter"),
    "export.col_applicant_kind": ("申请人类型", "Applicant kind"),
    "export.col_applicant_name": ("申请人", "Applicant"),
    "export.col_applicant_id": ("证件号码", "ID number"),
    "export.col_applicant_phone": ("联系电话", "Phone"),
    "export.col_created_at": ("收件时间", "Received"),
    "export.col_accepted_on": ("受理日期", "Accepted on"),
    "export.col_due_date": ("承诺办结日期", "Promised by"),
    "export.col_due_provisional": ("日期为推定", "Date provisional"),
    "export.col_window": ("窗口", "Window"),
    "export.col_clerk": ("经办人", "Clerk"),
    "export.col_reason": ("原因/备注", "Reason / remarks"),
    # --- handover: handing results out at the window (统一窗口出件, issue 12) ----------------
    "cli.case_handover": (
        "统一窗口出件：核对领取人，登记出件并打印领取凭证",
        "hand a result out: check the collector, record the handover, print the pickup voucher",
    ),
    "cli.agent_name": ("代领人姓名（他人代领时）", "the agent's name (someone else collects)"),
    "cli.authorisation": (
        "申请人的书面授权（代领时必填）",
        "the applicant's written authorisation (required for an agent)",
    ),
    # --- command line (app.cli) -------------------------------------------------------------
    "cli.field": ("{label}：{value}", "{label}: {value}"),
    "cli.config_bool_gloss": ("（{word}）", " ({word})"),
    "cli.yes": ("是", "yes"),
    "cli.no": ("否", "no"),
    "cli.case_list_empty": ("本机还没有案件", "No cases in this store yet"),
    "cli.case_list_none_found": ("没有符合条件的案件", "No case matches"),
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
    "cli.config_value": (
        "新的值（密钥 hub.token 写 -，从标准输入读入）",
        "the new value (for the secret hub.token: -, read from standard input)",
    ),
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
    # --- receipt keys and receipts' QR codes (issue 16 §3: sync/hub/receipts.py, `yichuang keys`) ---
    "cli.keys": (
        "显示本工作站的公钥（交给枢纽管理员登记，回执和数据包才能被核验）",
        "show this workstation's public keys (for the hub's admin to bind: receipts and bundles are verified against them)",
    ),
    "doctor.keys_none": (
        "本工作站还没有签名密钥（第一次打印回执时生成；yichuang keys 可提前生成并显示）",
        "This workstation has no signing key yet (made at the first receipt; yichuang keys makes and shows it now)",
    ),
    "doctor.keys_bound": (
        "回执密钥已由枢纽管理员登记（{keys}）",
        "The receipt keys are bound by the hub's admin ({keys})",
    ),
    "doctor.keys_missing": (
        "枢纽没有登记本工作站的 {alg} 公钥 {kid}：它签的回执在枢纽核验为无效，数据包也不能导入",
        "The hub has not bound this workstation's {alg} key {kid}: its receipts do not verify there, and its bundles are refused",
    ),
    "doctor.keys_other": (
        "枢纽为本工作站登记的 {alg} 公钥是 {bound}，本机用的是 {kid}（换过电脑或密钥文件？）",
        "The hub has the {alg} key {bound} for this workstation, this PC uses {kid} (a new PC or key file?)",
    ),
    "doctor.keys_fix": (
        "运行 yichuang keys，把显示的公钥和命令交给枢纽管理员",
        "Run yichuang keys and give the hub's admin the keys and command it prints",
    ),
    "doctor.keys_unknown": (
        "无法向枢纽查询密钥登记：{error}",
        "Could not ask the hub about the keys: {error}",
    ),
    # --- printing (issue 3) ----------------------------------------------------------------
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
    # --- private files; bundles, backups and prints sealed on an encrypted store (issue 16 §5) ---
    "doctor.private_not_posix": (
        "文件权限未检查（Windows 由用户目录的访问控制保护）",
        "File permissions not checked (on Windows the user profile's access control protects them)",
    ),
    "doctor.private_ok": (
        "数据目录 {path} 及其中文件只有本用户能访问",
        "The data dir {path} and its files are accessible to this user only",
    ),
    "doctor.private_exposed": (
        "有 {n} 个文件或文件夹本机其他用户也能访问（平台令牌、密钥、数据库、备份、扫描件或打印文书）：{shown}",
        "{n} files or folders can be reached by other users of this PC (hub token, keys, store, backups, "
        "scans or printed documents): {shown}",
    ),
    "doctor.private_exposed_fix": (
        "运行 chmod -R go-rwx {path}（{backups} 中的一窗备份同样处理）：数据目录应为 700，其中文件为 600",
        "run chmod -R go-rwx {path} (and the same on yichuang's backups in {backups}): the data dir "
        "should be 700 and its files 600",
    ),
    "doctor.private_plain": (
        "数据库已加密，但还有 {n} 个未加密的备份或打印文书（含个人信息）：{shown}",
        "The store is encrypted, but {n} backups or printed documents beside it are not (they hold personal "
        "data): {shown}",
    ),
    "doctor.private_plain_fix": (
        "先用 yichuang backup 做一份新的（加密的）备份，再删除这些文件；打印文书的内容仍在数据库中，可补打或预览",
        "make a new (sealed) backup with `yichuang backup`, then delete these files; printed documents "
        "stay in the store (reprint or preview them there)",
    ),
    # --- accounts: signed account changes, the CLI's login (issue 16 §2 §4; app.domain.accounts,
    # app.cli.common) -------------------------------------------------------------------------------
    "cli_login.option": (
        "执行本命令的操作员（已有账号时必填；密码从标准输入第一行读取，或在终端输入，从不作为参数）",
        "the operator running this command (needed once accounts exist; password from the first line of standard input, or asked at the terminal; never an argument)",
    ),
    "cli_login.epilog": (
        "已有操作员账号时，本命令需要有“{action}”权限的操作员登录：--operator 用户名，密码从标准输入第一行读取或在终端输入。没有账号（演示）时无需登录。",
        "Once operator accounts exist, this command needs the login of an operator allowed to {action}: --operator NAME, the password on the first line of standard input or asked at the terminal. Without accounts (the demo) no login is needed.",
    ),
    "cli_login.epilog_any": (
        "已有操作员账号时，本命令需要操作员登录：--operator 用户名，密码从标准输入第一行读取或在终端输入（若还要新密码，新密码在第二行）。",
        "Once operator accounts exist, this command needs an operator's login: --operator NAME, the password on the first line of standard input or asked at the terminal (a new password, if asked for, on the next line).",
    ),
    "cli_login.need_operator": (
        "已有操作员账号：请用 --operator 用户名 指明执行本命令的操作员（密码从标准输入读取）",
        "operator accounts exist: name the operator running this command with --operator NAME (password on standard input)",
    ),
    "cli_login.ask_name": ("操作员用户名：", "Operator: "),
    "cli_login.ask_password": ("{name} 的密码：", "Password of {name}: "),
    "cli_login.no_password": (
        "标准输入中没有操作员 {name} 的密码（请用管道输入一行）",
        "no password of operator {name} on standard input (pipe one line)",
    ),
    "cli_login.not_allowed": (
        "{name}（{role}）不能{action}：本命令需要有此权限的操作员",
        "{name} ({role}) may not {action}: this command needs an operator who may",
    ),
    # --- issue 16 §7 (record): each case's record checked against its events in `audit verify`
    # and `doctor`; what the long-running sync says when the hub asks it to wait (Retry-After)
    "doctor.records_ok": (
        "办件记录与其事件相符（{cases} 件）",
        "Every case's record matches its events ({cases} cases)",
    ),
    "doctor.records_broken": (
        "{count} 处办件记录与其事件不符（如办件 {case} 的“{field}”），记录可能被改动过",
        "{count} case record fields do not match their events (e.g. case {case}, {field}): the records may have been changed",
    ),
    "doctor.records_fix": (
        "运行 yichuang audit verify 查看每一处；按事件更正前先保全数据目录并报告",
        "Run yichuang audit verify to see each one; keep a copy of the data dir and report it before anything is corrected",
    ),
    "doctor.records_large": (
        "办件较多（{cases} 件，约 {events} 条事件），自检只核对了最新的 {checked} 件",
        "A large store ({cases} cases, about {events} events): the doctor checked the newest {checked} records only",
    ),
    "doctor.records_large_fix": (
        "运行 yichuang audit verify 核对审计链和每件办件记录",
        "Run yichuang audit verify to check the audit chain and every case record",
    ),
    "doctor.records_skipped": (
        "数据库不可读，未核对办件记录",
        "The store cannot be read: case records not checked",
    ),
    # --- the 居民身份证 reader (issue 17 §2; devices helper) -------------------------------
    "cli.idcard": ("身份证读卡器", "the ID-card reader"),
    "cli.idcard_read": ("读一张证件（放卡后读取）", "read one card (lay it on the reader)"),
    "cli.idcard_port": ("读卡器串口（默认 idcard.port）", "the reader's serial port (default idcard.port)"),
    "cli.idcard_wait": ("等待放卡的秒数（默认 10）", "seconds to wait for a card (default 10)"),
    "cli.idcard_json": ("以 JSON 输出", "print JSON"),
    "doctor.idcard_none": (
        "未配置身份证读卡器（idcard.port 为空）",
        "No ID-card reader configured (idcard.port empty)",
    ),
    "doctor.idcard_ok": (
        "身份证读卡器 {port} 正常，SAM {sam}",
        "ID-card reader on {port} answers, SAM {sam}",
    ),
    "doctor.idcard_bad": (
        "身份证读卡器 {port} 无应答：{error}",
        "ID-card reader on {port} does not answer: {error}",
    ),
    "doctor.idcard_fix": (
        "检查读卡器的连线和电源，idcard.port 与 idcard.baud 是否正确（yichuang config set idcard.port …）",
        "Check the reader's cable and power, and idcard.port / idcard.baud (yichuang config set idcard.port …)",
    ),
    # --- office PC (issue 18): something answers on the printer port that is no printer -------
    "doctor.printer_not_printer": (
        "{url} 上有设备应答，但不是打印机：它的回答不是 ESC/POS 状态字节（可能是网页服务器或其他设备）",
        "Something answers at {url} but it is not a printer: its answer is not an ESC/POS status byte "
        "(a web server or another device?)",
    ),
    "doctor.printer_not_printer_fix": (
        "核对打印机的 IP 地址和端口（通常为 9100，可打印机自检页查看），"
        "再用 yichuang config set printer.url tcp://打印机IP:9100 设置，然后运行 yichuang printer test",
        "Check the printer's IP address and port (usually 9100; see the printer's self-test page), "
        "set it with yichuang config set printer.url tcp://PRINTER-IP:9100, then run yichuang printer test",
    ),
    # --- h/window2 (issue 16 leftover): `case handover` takes the collector's ID off the command line
    "cli.collector_id_stdin": (
        "领取人的证件号码（本人领取须与申请人一致；代领时为代领人的号码）。"
        "推荐写 --collector-id - 或省略：从标准输入读第一行，在终端上则不回显地询问；"
        "写在命令行上的号码本机其他用户可在进程列表中看到",
        "the collector's ID number (the applicant's; or the agent's with --agent-name). Recommended: "
        "--collector-id - or leave it out: the first line of standard input, or asked without echo at a "
        "terminal; a number on the command line is visible to other users in the process list",
    ),
    "cli.collector_id_epilog": (
        "推荐用法（号码不出现在进程列表中）：echo 证件号码 | yichuang case handover NUMBER --collector-id -",
        "Recommended (the number stays out of the process list): "
        "echo ID-NUMBER | yichuang case handover NUMBER --collector-id -",
    ),
    "cli.collector_id_prompt": (
        "领取人证件号码（输入时不显示）：",
        "Collector's ID number (not shown as typed): ",
    ),
    "cli.collector_id_missing": (
        "没有领取人的证件号码：请在标准输入的第一行提供（--collector-id -），或在终端上运行以输入",
        "No collector's ID number: give it as the first line of standard input (--collector-id -), "
        "or run the command at a terminal to type it",
    ),
}
