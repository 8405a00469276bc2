"""Messages of sync and the sync screen, (zh, en) like app.messages.MESSAGES.

SYNC_MESSAGES is to be merged into app.messages.MESSAGES; until then :func:`t` looks in
both, so the window shows them already.
"""

from __future__ import annotations

SYNC_MESSAGES: dict[str, tuple[str, str]] = {
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
    "sync.clock_skew": ("本机时钟与平台相差约{minutes}分钟，请校准", "This clock is about {minutes} min off the platform's; please correct it"),
    "sync.title": ("数据同步", "Sync"),
    "sync.section_waiting": ("待上传", "Waiting to be sent"),
    "sync.section_refused": ("被平台退回（仅阻塞同一案件的后续记录）", "Refused by the platform (blocks only later records of the same case)"),
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
    "sync.rule_superseded": ("未生效：与同时发生的决定冲突，以先序决定为准", "Not applied: a concurrent decision prevailed"),
    "sync.rule_concurrent": ("同时发生，已按规则排序", "Concurrent; ordered by rule"),
    "sync.rule_applicant_details": ("两个窗口对同一申请人登记的信息不同", "Two windows recorded different details for one applicant"),
    "sync.none": ("无", "None"),
    "sync.now_running": ("正在同步…", "Syncing…"),
    "sync.done": ("同步完成：上传{pushed}条，下载{pulled}条", "Synced: {pushed} sent, {pulled} received"),
    "sync.failed": ("同步失败：{error}", "Sync failed: {error}"),
    "sync.set_aside_done": ("已搁置该记录，后续记录将继续上传", "Set aside; later records will flow"),
    "sync.retry_done": ("将重新上传该记录", "The record will be sent again"),
    "sync.delivered_done": ("已登记出件：{number}", "Handed out: {number}"),
    "sync.pick_row": ("请先选择一行", "Choose a row first"),
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
}


def t(key: str, **fields: object) -> str:
    from app.messages import MESSAGES, language
    from app.messages import t as app_t

    if key in MESSAGES:
        return app_t(key, **fields)
    try:
        zh, en = SYNC_MESSAGES[key]
    except KeyError:
        return key
    text = en if language() == "en" else zh
    return text.format(**fields) if fields else text
