"""Merging the materials of several matters into one checklist (一件事 dedupe)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from random import Random

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.checklist import ChecklistItem, material_count, matter_checklist, merge_checklist
from forms.catalogue import Material, Matter
from forms.loader import load_demo_catalogue

RESTAURANT = "320724-YJS-001"

# One name per key, as the catalogue guarantees.
NAMES = {
    "business_licence": "营业执照",
    "legal_rep_id": "法定代表人身份证明",
    "premises_proof": "经营场所证明",
    "lease_contract": "房屋租赁合同",
    "site_plan": "经营场所平面布局图",
    "food_licence_application": "食品经营许可申请书",
    "fire_check_application": "消防安全检查申请表",
    "agent_authorisation": "授权委托书",
}


@st.composite
def materials(draw: st.DrawFn) -> Material:
    key = draw(st.sampled_from(sorted(NAMES)))
    required = draw(st.booleans())
    return Material(
        key=key,
        name=NAMES[key],
        form=draw(st.sampled_from(["original", "copy"])),
        copies=draw(st.integers(1, 4)),
        required=required,
        tolerable=required and draw(st.booleans()),
        medium=draw(st.sampled_from(["paper", "electronic"])),
    )


@st.composite
def matters_st(draw: st.DrawFn, code: str | None = None) -> Matter:
    return Matter(
        code=code or draw(st.from_regex(r"320724-[A-Z]{2}-[0-9]{4}", fullmatch=True)),
        name="事项",
        type="行政许可",
        department=draw(st.sampled_from(["市场监管局", "税务局", "消防救援大队"])),
        level="county",
        legal_days=20,
        promised_days=5,
        fee="不收费",
        effective=date(2020, 1, 1),
        materials=tuple(draw(st.lists(materials(), max_size=6, unique_by=lambda m: m.key))),
    )


@st.composite
def matter_lists(draw: st.DrawFn) -> list[Matter]:
    count = draw(st.integers(0, 6))
    return [draw(matters_st(code=f"320724-T-{i:04d}")) for i in range(count)]


def as_item(material: Material, code: str) -> ChecklistItem:
    return ChecklistItem(
        material.key,
        material.name,
        material.form,
        material.copies,
        material.required,
        material.tolerable,
        material.medium,
        (code,),
    )


# ------------------------------------------------------------------ properties


@settings(max_examples=100, deadline=None)
@given(matters_st())
def test_merging_a_matter_with_itself_gives_its_own_checklist(matter: Matter) -> None:
    own = tuple(as_item(m, matter.code) for m in matter.materials)
    assert merge_checklist([matter]) == own
    assert merge_checklist([matter, matter]) == own
    assert matter_checklist(matter) == own


@settings(max_examples=100, deadline=None)
@given(matter_lists(), st.randoms(use_true_random=False))
def test_order_of_matters_does_not_change_the_items(matters: list[Matter], rnd: Random) -> None:
    shuffled = list(matters)
    rnd.shuffle(shuffled)
    a = {item.key: item for item in merge_checklist(matters)}
    b = {item.key: item for item in merge_checklist(shuffled)}
    assert set(a) == set(b)
    for key in a:  # everything but the order of matter codes is the same
        assert replace(a[key], matters=()) == replace(b[key], matters=())
        assert sorted(a[key].matters) == sorted(b[key].matters)


@settings(max_examples=100, deadline=None)
@given(matter_lists())
def test_merge_never_weakens_a_single_matters_demand(matters: list[Matter]) -> None:
    items = {item.key: item for item in merge_checklist(matters)}
    distinct = {m.key for matter in matters for m in matter.materials}
    assert len(merge_checklist(matters)) == len(distinct) == len(items)
    for matter in matters:
        for m in matter.materials:
            item = items[m.key]
            assert item.name == m.name
            assert item.copies >= m.copies
            assert item.required or not m.required
            if m.form == "original":
                assert item.form == "original"
            if m.medium == "paper":
                assert item.medium == "paper"
            if m.required and not m.tolerable:
                assert not item.tolerable
            assert matter.code in item.matters


@settings(max_examples=100, deadline=None)
@given(matter_lists())
def test_merged_values_come_from_some_matter(matters: list[Matter]) -> None:
    for item in merge_checklist(matters):
        asked = [(mt.code, m) for mt in matters for m in mt.materials if m.key == item.key]
        assert item.matters == tuple(dict.fromkeys(code for code, _ in asked))
        assert item.copies == max(m.copies for _, m in asked)
        assert item.required == any(m.required for _, m in asked)
        assert item.tolerable == (item.required and all(m.tolerable for _, m in asked if m.required))
        assert (item.form == "original") == any(m.form == "original" for _, m in asked)
        assert (item.medium == "paper") == any(m.medium == "paper" for _, m in asked)


@settings(max_examples=100, deadline=None)
@given(matter_lists())
def test_items_follow_first_appearance_order(matters: list[Matter]) -> None:
    order = list(dict.fromkeys(m.key for matter in matters for m in matter.materials))
    assert [item.key for item in merge_checklist(matters)] == order
    assert material_count(matters) == sum(len(m.materials) for m in matters)


# ------------------------------------------------------------------ concrete rules


def mk(code: str, *materials: Material) -> Matter:
    return Matter(
        code, "事项", "行政许可", "市场监管局", "county", 20, 5, "不收费", date(2020, 1, 1), materials
    )


def mat(key: str, **kw: object) -> Material:
    fields: dict[str, object] = dict(
        key=key, name=NAMES[key], form="copy", copies=1, required=True, tolerable=False, medium="electronic"
    )
    fields.update(kw)
    return Material(**fields)  # type: ignore[arg-type]


def test_rules_on_a_small_example() -> None:
    a = mk(
        "A",
        mat("business_licence", copies=2, tolerable=True),
        mat("site_plan", required=False),
        mat("lease_contract", tolerable=True),
    )
    b = mk(
        "B",
        mat("lease_contract", form="original", medium="paper"),
        mat("business_licence", tolerable=True),
        mat("site_plan", required=False),
    )
    c = mk("C", mat("agent_authorisation", required=False), mat("site_plan", tolerable=True))
    items = merge_checklist([a, b, c])
    assert [i.key for i in items] == [
        "business_licence",
        "site_plan",
        "lease_contract",
        "agent_authorisation",
    ]
    licence, plan, lease, agent = items
    assert licence == ChecklistItem(
        "business_licence", "营业执照", "copy", 2, True, True, "electronic", ("A", "B")
    )
    assert plan.required and plan.tolerable and plan.matters == ("A", "B", "C")
    assert lease.form == "original" and lease.medium == "paper"
    assert lease.required and not lease.tolerable  # B requires it and does not tolerate
    assert not agent.required and not agent.tolerable
    assert merge_checklist([]) == ()


# ------------------------------------------------------------------ the demo 开餐馆


def test_demo_restaurant_bundle_merges_over_forty_materials_into_about_26() -> None:
    cat = load_demo_catalogue()
    matters = cat.bundle_matters(RESTAURANT)
    assert cat.bundle(RESTAURANT).name == "开餐馆"
    assert len({m.department for m in matters}) == 7
    before = material_count(matters)
    items = merge_checklist(matters)
    assert before > 40
    assert 24 <= len(items) <= 28
    by_key = {i.key: i for i in items}
    for shared in ("business_licence", "legal_rep_id", "premises_proof", "lease_contract"):
        assert len(by_key[shared].matters) >= 3, shared
    assert by_key["business_licence"].name == "营业执照"
    assert by_key["site_plan"].form == "original"  # 食品经营许可 asks for the original
    assert by_key["food_safety_rules"].tolerable
    assert not by_key["agent_authorisation"].required


def test_every_demo_bundle_merges_consistently() -> None:
    cat = load_demo_catalogue()
    for code in cat.bundles:
        matters = cat.bundle_matters(code)
        items = merge_checklist(matters)
        distinct = {m.key for matter in matters for m in matter.materials}
        assert len(items) == len(distinct) <= material_count(matters)
        assert merge_checklist(list(matters) + list(matters)) == items
