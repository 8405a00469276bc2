"""Realistic sample documents: template checks, test pages, snapshots and benchmarks."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from .documents import Document, MaterialLine, OfficeInfo

SAMPLE_OFFICE = OfficeInfo(
    name="姜堰区政务服务中心",
    hotline="0523-12345",
    address="姜堰区人民中路1号",
    footer="让数据多跑路，让群众少跑腿",
    query_url="https://q.example/c",
)
SAMPLE_CASE = "320724100-01-261121-0001-K"

# The 开餐馆 bundle's merged checklist: 26 materials after dedupe (seed 004).
KCG_MATERIALS: tuple[tuple[str, str, int], ...] = (
    ("营业执照申请书", "original", 1),
    ("法定代表人身份证明", "copy", 1),
    ("企业名称自主申报告知书", "original", 1),
    ("公司章程", "original", 1),
    ("经营场所使用证明（房产证或租赁合同）", "copy", 1),
    ("食品经营许可申请书", "original", 1),
    ("食品安全管理制度文本", "original", 1),
    ("主要设备设施布局、操作流程文件", "original", 1),
    ("食品安全管理人员健康证明", "copy", 2),
    ("从业人员健康证明", "copy", 3),
    ("环境影响登记表", "original", 1),
    ("排水许可申请表", "original", 1),
    ("排水管网图及雨污分流说明", "original", 1),
    ("隔油池设置说明", "original", 1),
    ("公众聚集场所投入使用前消防安全检查申请表", "original", 1),
    ("消防安全制度、灭火和应急疏散预案", "original", 1),
    ("场所平面布置图", "original", 1),
    ("户外招牌设置申请表", "original", 1),
    ("招牌效果图", "original", 1),
    ("油烟净化设施安装证明", "copy", 1),
    ("税务登记信息确认表", "original", 1),
    ("银行开户许可证", "copy", 1),
    ("社会保险登记表", "original", 1),
    ("用工备案花名册", "original", 1),
    ("特种行业许可申请表", "original", 1),
    ("授权委托书及受托人身份证明", "original", 1),
)


def kcg_receipt(tolerated: int = 2) -> Document:
    """The 26-material 开餐馆 受理回执 (the benchmark document)."""
    mats = []
    for i, (name, form, copies) in enumerate(KCG_MATERIALS):
        if i >= len(KCG_MATERIALS) - tolerated:
            mats.append(MaterialLine(name, form, copies, "tolerated", "承诺在补交日期前提交原件"))
        else:
            mats.append(MaterialLine(name, form, copies, "received"))
    return Document(
        kind="receipt",
        case_number=SAMPLE_CASE,
        office=SAMPLE_OFFICE,
        issued_at=datetime(2026, 11, 21, 9, 30),
        applicant_name="买买提·艾力",
        applicant_id="32072419900101123X",
        subject="开餐馆（一件事）",
        subject_code="JS-YJS-KCG",
        materials=tuple(mats),
        accepted_on=date(2026, 11, 21),
        due_date=date(2027, 1, 5),
        due_provisional=True,
        tolerated_until=date(2026, 12, 5),
        window="3号综合窗口",
        clerk="李娜",
    )


def sample_document(kind: str) -> Document:
    """One realistic document of each kind."""
    base: dict[str, Any] = dict(
        case_number=SAMPLE_CASE,
        office=SAMPLE_OFFICE,
        issued_at=datetime(2026, 11, 21, 9, 30),
        window="3号综合窗口",
        clerk="李娜",
    )
    if kind == "receipt":
        return Document(
            kind="receipt",
            applicant_name="王䶮",
            applicant_id="32072419900101123X",
            subject="食品经营许可（新办）",
            subject_code="320724-SPJY-001",
            materials=(
                MaterialLine("食品经营许可申请书", "original", 1, "received"),
                MaterialLine("营业执照", "copy", 1, "received"),
                MaterialLine("法定代表人身份证", "copy", 2, "received"),
                MaterialLine("从业人员健康证明", "copy", 3, "tolerated", "承诺12月5日前补交"),
            ),
            accepted_on=date(2026, 11, 21),
            due_date=date(2026, 12, 3),
            tolerated_until=date(2026, 12, 5),
            **base,
        )
    if kind == "notice":
        return Document(
            kind="notice",
            applicant_name="张三",
            applicant_id="320724198501017654",
            subject="开便利店（一件事）",
            materials=(
                MaterialLine("经营场所使用证明", "copy", 1, "missing", "租赁合同缺出租方签章，请补签后提交"),
                MaterialLine("食品安全管理制度文本", "original", 1, "missing", "未提交"),
                MaterialLine("营业执照申请书", "original", 1, "received"),
            ),
            reason="以上材料请一次补齐，可到任一综合窗口提交。",
            **base,
        )
    if kind == "refusal":
        return Document(
            kind="refusal",
            applicant_name="泰州市某某餐饮管理有限公司",
            applicant_id="91321204MA1XXXXX0Q",
            applicant_kind="enterprise",
            subject="户外招牌设置审批",
            reason="申请事项不属于本机关职权范围，请向市城市管理局申请。",
            **base,
        )
    if kind == "pickup":
        return Document(
            kind="pickup",
            applicant_name="李四",
            applicant_id="320724197001011234",
            subject="食品经营许可证",
            outcome="completed",
            collector_role="agent",
            collector_name="王五",
            collector_id="32072419850505123X",
            authorisation="李四书面委托王五代为领取（委托书已留存）",
            reprinted_at=datetime(2026, 11, 25, 15, 2),
            **base,
        )
    if kind == "handover":
        return Document(
            kind="handover",
            case_number="320724100-01-261121-H003-7",
            office=SAMPLE_OFFICE,
            issued_at=datetime(2026, 11, 21, 16, 0),
            waybills=("EA123456785CN", "EA123456799CN", "EA000000015CN"),
            window="3号综合窗口",
            clerk="李娜",
            extra={"揽投员": "周六"},
        )
    if kind == "trip":
        return Document(
            kind="trip",
            case_number="320724100-01-261121-T0003",
            office=SAMPLE_OFFICE,
            issued_at=datetime(2026, 11, 21, 17, 30),
            trip_items=(
                ("EA123456785CN", "320724100-01-261121-0001-1", "pickup"),
                ("EA123456799CN", "320724100-01-261120-0007-X", "delivered"),
                ("EA000000015CN", "320724100-01-261119-0002-5", "failed"),
            ),
            window="3号综合窗口",
            clerk="周六",
        )
    if kind == "test":
        return Document(
            kind="test",
            case_number="TEST-0001",
            office=SAMPLE_OFFICE,
            issued_at=datetime(2026, 11, 21, 9, 30),
        )
    raise ValueError(f"unknown document kind {kind!r}")
