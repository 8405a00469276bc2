"""`yichuang demo seed --cases N`: realistic synthetic cases for demos and benchmarks.

Cases are built with the same domain rules as the window (checklist merge, numbering,
working days, identifier check digits) and written in large transactions, so a million
cases take minutes, not hours. Seeded cases carry their events like real ones.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import insert, select

from app.domain import lifecycle
from app.domain.checklist import merge_checklist
from app.domain.identifiers import USCC_ALPHABET, ric_check_char, uscc_check_char
from app.domain.intake import Mark, item_to_dict
from app.domain.numbering import make_case_number
from app.domain.workdays import add_working_days
from app.services.workstation import Workstation
from app.store.models import Applicant, Case, CaseEvent, ChecklistSnapshot, NumberCounter

BATCH = 5_000

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强海燕红梅玉兰春梅晓东文博子涵浩然欣怡雨桐宇轩梓萱一诺思远嘉怡俊杰"
TOWNS = [
    "新安镇",
    "堆沟港镇",
    "田楼镇",
    "北陈集镇",
    "张店镇",
    "三口镇",
    "孟兴庄镇",
    "汤沟镇",
    "百禄镇",
    "新集镇",
    "李集镇",
]
SHOPS = [
    "餐饮店",
    "便利店",
    "理发店",
    "商贸有限公司",
    "农业发展有限公司",
    "旅行社有限公司",
    "五金店",
    "药房",
    "水产合作社",
    "物流有限公司",
]
REFUSALS = ["申请事项不属于本机关职权范围", "申请人不具备申请资格", "申请事项依法不需要取得行政许可"]


def fake_resident_id(rng: random.Random) -> str:
    area = rng.choice(["320724", "320723", "320706", "320707", "320722", "320111"])
    birth = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 55))
    body = f"{area}{birth:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return body + ric_check_char(body)


def fake_credit_code(rng: random.Random) -> str:
    body = (
        rng.choice("9159N")
        + rng.choice("123")
        + "320724"
        + "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    )
    return body + uscc_check_char(body)


# Matters only a person applies for (marriage, birth, household, social insurance ...).
PERSON_ONLY = (
    "婚",
    "出生",
    "户口",
    "户籍",
    "参保",
    "社保",
    "医保",
    "身份证",
    "养老",
    "就业",
    "残疾",
    "低保",
    "新生儿",
)


def _applicant(rng: random.Random, person_only: bool = False) -> dict:
    town = rng.choice(TOWNS)
    address = f"灌南县{town}{rng.choice('东南西北')}街{rng.randrange(1, 300)}号"
    phone = f"1{rng.choice('3578')}{rng.randrange(10**8, 10**9)}"
    if not person_only and rng.random() < 0.3:
        name = f"灌南县{town[:-1]}{rng.choice(SURNAMES)}{rng.choice('记氏家')}{rng.choice(SHOPS)}"
        return {
            "kind": "enterprise",
            "id_number": fake_credit_code(rng),
            "name": name,
            "phone": phone,
            "address": address,
        }
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    return {
        "kind": "person",
        "id_number": fake_resident_id(rng),
        "name": name,
        "phone": phone,
        "address": address,
    }


def seed_cases(
    ws: Workstation,
    n: int,
    *,
    seed: int = 2026,
    days: int = 90,
    progress: Callable[[int], object] | None = None,
) -> int:
    rng = random.Random(seed)
    # Case uids and event ids must differ between workstations seeded with the same seed.
    id_rng = random.Random(f"{seed}:{ws.office_code}:{ws.workstation_id}")
    cat = ws.catalogue
    cal = ws.calendar
    subjects: list[tuple[str, str, str, tuple]] = [
        ("bundle", b.code, b.name, cat.bundle_matters(b.code)) for b in cat.bundles.values()
    ] + [("matter", m.code, m.name, (m,)) for m in cat.matters.values()]
    weights = [4 if k == "bundle" else 1 for k, *_ in subjects]
    today = ws.today()
    office, wsid = ws.office_code, ws.workstation_id
    done = 0
    with ws.store.write() as s:
        snapshots: dict[tuple[str, str], tuple[int, tuple]] = {}
        for kind, code, _name, matters in subjects:
            items = merge_checklist(matters)
            row = (
                s.exec(
                    select(ChecklistSnapshot).where(
                        ChecklistSnapshot.catalogue_version == cat.version,
                        ChecklistSnapshot.subject_kind == kind,
                        ChecklistSnapshot.subject_code == code,
                    )
                )
                .scalars()
                .first()
            )
            if row is None:
                row = ChecklistSnapshot(
                    catalogue_version=cat.version,
                    subject_kind=kind,
                    subject_code=code,
                    items_json=json.dumps([item_to_dict(i) for i in items], ensure_ascii=False),
                )
                s.add(row)
                s.flush()
            snapshots[(kind, code)] = (row.id, items)
        counters = {
            (c.day): c.last_seq
            for c in s.exec(
                select(NumberCounter).where(
                    NumberCounter.office_code == office, NumberCounter.workstation_id == wsid
                )
            ).scalars()
        }
        next_applicant_id = (
            s.exec(select(Applicant.id).order_by(Applicant.id.desc())).scalars().first() or 0
        ) + 1
        next_case_id = (s.exec(select(Case.id).order_by(Case.id.desc())).scalars().first() or 0) + 1
    day_list = [today - timedelta(days=d) for d in range(days)]
    while done < n:
        chunk = min(BATCH, n - done)
        applicants, cases, events = [], [], []
        for _ in range(chunk):
            kind, code, name, matters = rng.choices(subjects, weights)[0]
            snap_id, items = snapshots[(kind, code)]
            day = rng.choice(day_list)
            seq = counters.get(day, 0) + 1
            if seq > 9999:  # this day is full: use another
                continue
            counters[day] = seq
            at = datetime.combine(day, time(8, 30)) + timedelta(seconds=rng.randrange(0, 8 * 3600))
            utc = at.astimezone(UTC)
            a = _applicant(rng, person_only=any(w in name for w in PERSON_ONLY))
            applicants.append({"id": next_applicant_id, **a, "created_at": utc, "updated_at": utc})
            roll = rng.random()
            decision = "accept" if roll < 0.8 else "notify" if roll < 0.92 else "refuse"
            marks = []
            for item in items:
                status = "received"
                if decision == "notify" and item.required and rng.random() < 0.3:
                    status = "missing"
                elif decision == "accept" and item.tolerable and item.required and rng.random() < 0.05:
                    status = "tolerated"
                elif not item.required and rng.random() < 0.5:
                    status = "missing"
                marks.append(Mark(item=item, status=status))
            if decision == "notify" and all(m.status != "missing" or not m.item.required for m in marks):
                marks[0] = Mark(item=marks[0].item, status="missing")
            promised = max(m.promised_days for m in matters)
            legal = max(m.legal_days for m in matters)
            state = lifecycle.next_state(None, decision)
            number = str(make_case_number(office, wsid, day, seq))
            due = add_working_days(day, promised, cal) if decision == "accept" else None
            case = {
                "id": next_case_id,
                "uid": str(uuid.UUID(int=id_rng.getrandbits(128), version=4)),
                "number": number,
                "office_code": office,
                "workstation_id": wsid,
                "subject_kind": kind,
                "subject_code": code,
                "subject_name": name,
                "catalogue_version": cat.version,
                "applicant_id": next_applicant_id,
                "applicant_kind": a["kind"],
                "applicant_name": a["name"],
                "applicant_id_number": a["id_number"],
                "applicant_phone": a["phone"],
                "applicant_address": a["address"],
                "state": state,
                "created_at": utc,
                "created_on": day,
                "updated_at": utc,
                "accepted_on": day if due else None,
                "due_date": due.date if due else None,
                "due_provisional": bool(due and due.provisional),
                "promised_days": promised,
                "legal_days": legal,
                "tolerated_until": None,
                "checklist_id": snap_id,
                "marks_json": json.dumps([m.to_compact() for m in marks], ensure_ascii=False),
                "reason": rng.choice(REFUSALS) if decision == "refuse" else "",
                "clerk": ws.clerk,
                "window": ws.window,
                "revision": 1,
            }
            cases.append(case)
            for ev_kind, payload in (
                (
                    lifecycle.EVENT_CREATED,
                    {
                        "uid": case["uid"],
                        "subject_kind": kind,
                        "subject_code": code,
                        "subject_name": name,
                        "catalogue_version": cat.version,
                        "promised_days": promised,
                        "legal_days": legal,
                    },
                ),
                (
                    lifecycle.EVENT_FOR[decision],
                    {
                        "state": state,
                        "applicant": a,
                        "marks": json.loads(case["marks_json"]),
                        "reason": case["reason"],
                        "revision": 1,
                        "due_date": str(due.date) if due else None,
                    },
                ),
            ):
                events.append(
                    {
                        "event_id": str(uuid.UUID(int=id_rng.getrandbits(128), version=4)),
                        "case_id": next_case_id,
                        "case_number": number,
                        "kind": ev_kind,
                        "payload_json": json.dumps(payload, ensure_ascii=False),
                        "actor": ws.clerk,
                        "office_code": office,
                        "workstation_id": wsid,
                        "at": utc,
                        "synced_at": None,
                    }
                )
            next_applicant_id += 1
            next_case_id += 1
        with ws.store.write() as s:
            if applicants:
                _reuse_known_applicants(s, applicants, cases)
                s.execute(insert(Applicant), applicants)
                s.execute(insert(Case), cases)
                s.execute(insert(CaseEvent), events)
            for day, last in counters.items():
                row = s.get(NumberCounter, (office, wsid, day))
                if row is None:
                    s.add(NumberCounter(office_code=office, workstation_id=wsid, day=day, last_seq=last))
                elif row.last_seq < last:
                    row.last_seq = last
                    s.add(row)
        done += len(cases)
        if progress:
            progress(done)
        if not cases:
            break  # every day is full
    return done


def _reuse_known_applicants(s, applicants: list[dict], cases: list[dict]) -> None:
    """A drawn ID number that is already stored (or twice in the batch) is the same person."""
    ids = [a["id_number"] for a in applicants]
    known: dict[tuple[str, str], int] = {}
    for i in range(0, len(ids), 500):
        for kind, idn, aid in s.execute(
            select(Applicant.kind, Applicant.id_number, Applicant.id).where(
                Applicant.id_number.in_(ids[i : i + 500])
            )
        ):
            known[(kind, idn)] = aid
    fresh, remap = [], {}
    for a in applicants:
        key = (a["kind"], a["id_number"])
        if key in known:
            remap[a["id"]] = known[key]
        else:
            known[key] = a["id"]
            fresh.append(a)
    applicants[:] = fresh
    for c in cases:
        c["applicant_id"] = remap.get(c["applicant_id"], c["applicant_id"])
