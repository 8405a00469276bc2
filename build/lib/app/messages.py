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
    "status.catalogue": ("事项清单 {version}（{matters}项事项，{bundles}件一件事）",
                         "Catalogue {version} ({matters} matters, {bundles} bundles)"),
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
    "key.use_applicant": ("使用已有信息", "Use saved details"),
    # --- intake screen ---------------------------------------------------------------------
    "intake.search_placeholder": ("输入事项名称、拼音首字母（如 kcg）或编码",
                                  "Matter name, pinyin initials (e.g. kcg) or code"),
    "intake.search_loading": ("正在载入事项清单…", "Loading the catalogue…"),
    "intake.no_match": ("没有找到匹配的事项", "No matching matter"),
    "intake.bundle": ("一件事", "Bundle"),
    "intake.matter": ("事项", "Matter"),
    "intake.selected": ("{kind}：{name}（{code}）", "{kind}: {name} ({code})"),
    "intake.no_subject": ("尚未选择事项", "No matter chosen yet"),
    "intake.subject_info": ("{department} · 承诺{promised}个工作日 · 法定{legal}个工作日 · {fee}",
                            "{department} · promised {promised} working days · legal {legal} · {fee}"),
    "intake.bundle_info": ("{count}个事项，涉及{departments}个部门；材料合并后{materials}项（合并前{before}项）",
                           "{count} matters, {departments} departments; {materials} materials after merge ({before} before)"),
    "intake.applicant": ("申请人", "Applicant"),
    "intake.kind_person": ("个人", "Person"),
    "intake.kind_enterprise": ("企业", "Enterprise"),
    "intake.id_person": ("居民身份证号码", "Resident ID number"),
    "intake.id_enterprise": ("统一社会信用代码", "Unified social credit code"),
    "intake.name_person": ("姓名", "Name"),
    "intake.name_enterprise": ("单位名称", "Company name"),
    "intake.phone": ("联系电话", "Phone"),
    "intake.address": ("联系地址", "Address"),
    "intake.returning": ("老申请人：{name}，{phone}，{address}（按 F10 使用）",
                         "Returning applicant: {name}, {phone}, {address} (F10 to use)"),
    "intake.checklist": ("申请材料", "Materials"),
    "intake.col_status": ("状态", "Status"),
    "intake.col_name": ("材料名称", "Material"),
    "intake.col_form": ("原件/复印件", "Original/copy"),
    "intake.col_copies": ("份数", "Copies"),
    "intake.col_required": ("必要", "Required"),
    "intake.col_tolerable": ("可容缺", "Tolerable"),
    "intake.summary": ("已收{received}项 · 容缺{tolerated}项 · 缺{missing}项（必要）",
                       "{received} received · {tolerated} tolerated · {missing} required missing"),
    "intake.resumed": ("继续受理 {number}（补正后）", "Resuming {number} (after correction)"),
    "intake.discard_title": ("放弃当前办件？", "Discard the current intake?"),
    "intake.discard_body": ("当前填写的申请人和材料信息将被清空。", "The applicant and materials entered will be cleared."),
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
    "decide.cannot_accept": ("还缺{count}项必要材料，不能受理；可按 F6 一次性告知",
                             "{count} required materials missing; cannot accept (F6 to notify)"),
    "decide.nothing_missing": ("材料齐全，无需一次性告知，请按 F5 受理",
                               "Nothing is missing; accept with F5 instead"),
    "decide.tolerable_only": ("{name} 不可容缺", "{name} cannot be tolerated"),
    "refuse.title": ("不予受理", "Refuse"),
    "refuse.reason": ("不予受理的理由（必填）", "Reason for refusal (required)"),
    "notify.title": ("一次性告知", "Notify all missing materials"),
    "notify.remarks": ("补充说明（可选）", "Remarks (optional)"),
    "result.accepted": ("已受理，案件编号 {number}", "Accepted, case {number}"),
    "result.notified": ("已一次性告知，案件编号 {number}，待补正", "Notice issued, case {number}, awaiting correction"),
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
    "case.not_resumable": ("案件 {number} 不在待补正状态，不能继续受理", "Case {number} is not awaiting correction"),
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
    "id.ric_old15": ("15位旧身份证号码已停止使用，请提供18位身份证号码", "15-digit IDs are no longer valid; an 18-character ID is needed"),
    "id.ric_length": ("身份证号码应为18位，当前为{n}位", "A resident ID has 18 characters, this has {n}"),
    "id.ric_format": ("身份证号码格式错误：前17位应为数字，最后一位为数字或X", "Wrong format: 17 digits, then a digit or X"),
    "id.ric_check": ("身份证号码校验位错误，请逐位核对", "The check digit is wrong; compare digit by digit"),
    "id.ric_birth_invalid": ("身份证号码中的出生日期无效", "The birth date in the ID is not a date"),
    "id.ric_birth_future": ("身份证号码中的出生日期晚于今天", "The birth date in the ID is in the future"),
    "id.ric_birth_old": ("身份证号码中的出生日期早于1900年", "The birth date in the ID is before 1900"),
    "id.ric_area_unknown": ("地区代码未收录，请核对", "Unknown area code: please check"),
    "id.uscc_required": ("请输入统一社会信用代码", "Enter the unified social credit code"),
    "id.uscc_length": ("统一社会信用代码应为18位，当前为{n}位", "A credit code has 18 characters, this has {n}"),
    "id.uscc_area": ("统一社会信用代码第3至8位（登记管理机关行政区划码）应为数字", "Characters 3 to 8 (the registering authority's area code) must be digits"),
    "id.uscc_check": ("统一社会信用代码校验位错误，请逐位核对", "The check character is wrong; compare character by character"),
    "id.uscc_authority_unusual": ("登记管理部门代码不常见，请核对", "Unusual registering authority code: please check"),
    "id.s10_required": ("请输入邮件号", "Enter the waybill number"),
    "id.s10_length": ("邮件号应为13位（如EA123456785CN），当前为{n}位", "A waybill number has 13 characters (e.g. EA123456785CN), this has {n}"),
    "id.s10_format": ("邮件号格式错误：应为2个字母、9位数字、2个字母（如EA123456785CN）", "Wrong format: 2 letters, 9 digits, 2 letters (e.g. EA123456785CN)"),
    "id.s10_check": ("邮件号校验位错误，请重新扫描或逐位核对", "The check digit is wrong; scan again or compare digit by digit"),
    "id.uscc_chars": ("统一社会信用代码含有无效字符：{chars}（不使用字母I、O、Z、S、V）", "Invalid characters: {chars} (I, O, Z, S and V are not used)"),
    "field.control_at": ("{field}含有不可见控制字符（第{index}个字符，{code}），请删除后重新输入", "{field} contains an invisible control character (character {index}, {code}); delete it and type again"),
    "field.too_long_now": ("{field}不能超过{max}个字（当前{n}个）", "{field} may have at most {max} characters (now {n})"),
    "field.phone_format": ("{field}格式不正确：手机号为11位数字，固定电话如025-12345678", "{field} is not valid: a mobile has 11 digits, a landline looks like 025-12345678"),
    # --- case numbers (app.domain.numbering) ----------------------------------------------
    "number.office_format": ("机构代码 {code} 无效：应为9位数字（乡镇/街道行政区划代码；县级中心用县级代码加000）", "Office code {code} is not valid: 9 digits (the township/street division code; a county centre uses its county code + 000)"),
    "number.office_province": ("机构代码 {code} 无效：前两位 {prefix} 不是省级行政区划代码", "Office code {code} is not valid: {prefix} is not a province code"),
    "number.office_level": ("机构代码 {code} 无效：应为县级或乡镇级代码，不能是省级代码", "Office code {code} is not valid: a county or township code is needed, not a province code"),
    "number.ws_format": ("工作站编号 {ws} 无效：应为2位数字或大写字母（0-9、A-Z）", "Workstation id {ws} is not valid: two characters 0-9 or A-Z"),
    "number.format": ("案件编号格式错误：应为 9位机构代码-2位工作站-6位日期-4位流水号-1位校验码", "Not a case number: 9-digit office-2-char workstation-6-digit date-4-digit sequence-check character"),
    "number.check": ("案件编号校验失败", "The case number's check character is wrong"),
    "number.date": ("案件编号中的日期 {date} 无效", "The date {date} in the case number is not valid"),
    "field.required": ("{field}不能为空", "{field} is required"),
    "field.too_long": ("{field}不能超过{max}个字", "{field} is longer than {max} characters"),
    "field.control": ("{field}含有不可见控制字符", "{field} contains invisible control characters"),
    "field.phone": ("联系电话格式不正确", "The phone number is not valid"),
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
