"""The one message catalogue: every string the user sees, in Simplified Chinese and English.

Pure Python (no UI imports) so domain rules, services, the CLI and the TUI share it.
`t("key", **fields)` formats the message in the current language (zh by default).
"""

from __future__ import annotations

_LANG = "zh"

MESSAGES: dict[str, tuple[str, str]] = {
    # --- app frame -------------------------------------------------------------------------
    "app.title": ("一窗 · 综合窗口受理", "yichuang · comprehensive window"),
    "status.store_opening": ("正在打开数据库…", "Opening the store…"),
    "status.store_ready": ("数据库就绪", "Store ready"),
    "status.catalogue": (
        "事项清单 {version}（{matters}项事项，{bundles}件一件事）",
        "Catalogue {version} ({matters} matters, {bundles} bundles)",
    ),
    "status.print_queue": ("打印队列：{waiting}待打印", "Print queue: {waiting} waiting"),
    "status.print_failed": ("打印失败：{error}（将自动重试）", "Printing failed: {error} (will retry)"),
    "status.printed": ("已打印：{doc}", "Printed: {doc}"),
    "error.store": ("数据库错误：{error}", "Store error: {error}"),
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
    "sync.rule_unknown_case": (
        "平台下发的记录不属于本窗口的案件，未应用",
        "A record from the platform matches no case of this window; not applied",
    ),
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
        "未能打印：{error}。该文书已保存在打印队列中，工作站将自动重试（作业 {job}）",
        "Not printed: {error}. The job is kept in the print queue and the workstation will retry it (job {job})",
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
    "job.sent": ("已打印", "printed"),
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
        "该文书已打印；如需再打一份，请在案件详情中补打（F7）",
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
    "key.print_queue": ("打印队列", "Print queue"),
    "key.resend": ("立即重发", "Resend now"),
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


def t(key: str, **fields: object) -> str:
    """The message `key` in the current language, with `fields` filled in."""
    try:
        zh, en = MESSAGES[key]
    except KeyError:
        return key  # a missing key shows itself instead of crashing the window
    text = en if _LANG == "en" else zh
    return text.format(**fields) if fields else text
