"""`yichuang demo seed --cases N`: realistic synthetic cases for demos and benchmarks.

The cases are decided by the intake service's own writer (IntakeService.decide_many), as if
a clerk had accepted, notified or refused them at the window on past working days: same
validation, numbering, rows and event payloads; only printing is left out. Large chunks
per transaction keep a million cases at minutes, not hours.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from app.domain.checklist import ChecklistItem
from app.domain.identifiers import USCC_ALPHABET, ric_check_char, uscc_check_char
from app.domain.intake import Mark, assess
from app.domain.numbering import MAX_SEQ
from app.domain.workdays import WorkCalendar
from app.services.intake import ApplicantInput, DecisionInput, Draft, IntakeService
from app.services.workstation import Workstation
from app.store.models import NumberCounter

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


OPEN_MORNING, CLOSE_MORNING = time(8, 30), time(12, 0)  # the hall's office hours
OPEN_AFTERNOON, CLOSE_AFTERNOON = time(14, 0), time(17, 30)


def _seconds(t: time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


MORNING = _seconds(CLOSE_MORNING) - _seconds(OPEN_MORNING)
OPEN_SECONDS = MORNING + _seconds(CLOSE_AFTERNOON) - _seconds(OPEN_AFTERNOON)


def office_time(day: date, second: int) -> datetime:
    """The ``second``-th second of ``day``'s office hours (0 <= second < OPEN_SECONDS)."""
    if second < MORNING:
        return datetime.combine(day, OPEN_MORNING) + timedelta(seconds=second)
    return datetime.combine(day, OPEN_AFTERNOON) + timedelta(seconds=second - MORNING)


def office_seconds_before(now: datetime) -> int:
    """How many seconds of office hours of ``now``'s day have passed by ``now``."""
    t = _seconds(now.time())
    morning = min(max(t - _seconds(OPEN_MORNING), 0), MORNING)
    afternoon = min(max(t - _seconds(OPEN_AFTERNOON), 0), OPEN_SECONDS - MORNING)
    return morning + afternoon


def seed_days(now: datetime, days: int, cal: WorkCalendar) -> list[date]:
    """The working days among the last ``days`` days up to today (today once the office has
    opened), at least one."""
    today = now.date()
    out = [d for d in (today - timedelta(days=i) for i in range(max(days, 1))) if cal.is_working_day(d)]
    if out and out[0] == today and office_seconds_before(now) == 0:
        out.pop(0)
    d = today
    while not out:  # a window of only rest days: take the working day before it
        d -= timedelta(days=1)
        if cal.is_working_day(d):
            out.append(d)
    return out


def _marks(rng: random.Random, items: tuple[ChecklistItem, ...], decision: str) -> list[Mark]:
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
    if decision == "notify" and not assess(marks).to_notify:
        first = next((i for i, m in enumerate(marks) if m.item.required), None)
        if first is not None:  # something must be missing to notify about
            marks[first] = Mark(item=marks[first].item, status="missing")
    return marks


def seed_cases(
    ws: Workstation,
    n: int,
    *,
    seed: int = 2026,
    days: int = 90,
    progress: Callable[[int], object] | None = None,
) -> int:
    """Make ``n`` cases as a clerk would, through the intake service's decision writer.

    Decisions fall on working days of the last ``days`` days, within office hours and never
    after now; each chunk is one transaction. Seeding again adds cases with new numbers.
    """
    rng = random.Random(seed)
    svc = IntakeService(ws)
    cat = ws.catalogue
    subjects = [("bundle", b.code, b.name) for b in cat.bundles.values()] + [
        ("matter", m.code, m.name) for m in cat.matters.values()
    ]
    weights = [4 if k == "bundle" else 1 for k, *_ in subjects]
    items = {(k, c): svc.checklist_for(k, c) for k, c, _ in subjects}
    now = ws.now()
    day_list = seed_days(now, days, ws.calendar)
    with ws.store.read() as s:
        q = select(NumberCounter.day, NumberCounter.last_seq).where(
            NumberCounter.office_code == ws.office_code,
            NumberCounter.workstation_id == ws.workstation_id,
            NumberCounter.day.in_(day_list),
        )
        used = dict(s.execute(q).all())
    done = 0
    while done < n and day_list:
        inputs: list[DecisionInput] = []
        while len(inputs) < min(BATCH, n - done) and day_list:
            day = rng.choice(day_list)
            if used.get(day, 0) >= MAX_SEQ:  # this day's numbers are used up
                day_list.remove(day)
                continue
            # Today's decisions were made before now.
            limit = office_seconds_before(now) if day == now.date() else OPEN_SECONDS
            at = office_time(day, rng.randrange(0, limit))
            kind, code, name = rng.choices(subjects, weights)[0]
            roll = rng.random()
            decision = "accept" if roll < 0.8 else "notify" if roll < 0.92 else "refuse"
            a = _applicant(rng, person_only=any(w in name for w in PERSON_ONLY))
            marks = _marks(rng, items[(kind, code)], decision)
            if decision == "notify" and not assess(marks).to_notify:
                decision = "accept"  # a subject without required materials: nothing to notify
            draft = Draft(kind, code, marks, ApplicantInput(**a))  # type: ignore[arg-type]
            text = rng.choice(REFUSALS) if decision == "refuse" else ""
            inputs.append(DecisionInput(draft, decision, text, at))
            used[day] = used.get(day, 0) + 1
        if not inputs:
            break
        svc.decide_many(inputs, print_documents=False)
        done += len(inputs)
        if progress:
            progress(done)
    return done
