"""The service catalogue: data classes, JSON loader/dumper, the demo catalogue."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from dataclasses import FrozenInstanceError
from datetime import date
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.messages import set_language
from forms.catalogue import Bundle, Catalogue, Material, Matter
from forms.loader import (
    CatalogueError,
    CatalogueIssue,
    catalogue_to_dict,
    dump_catalogue,
    load_catalogue,
    load_demo_catalogue,
    parse_catalogue,
    serialize_catalogue,
)

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "forms" / "demo" / "catalogue.json"
RESTAURANT = "320724-YJS-001"


@pytest.fixture(autouse=True)
def _english_reasons():
    """The reasons below are asserted in English; test_reasons_follow_the_language covers Chinese."""
    set_language("en")
    yield
    set_language("zh")


def test_reasons_follow_the_language(tmp_path: Path) -> None:
    data = demo_dict()
    data["matters"][0]["promised_days"] = data["matters"][0]["legal_days"] + 5
    data["bundles"][0]["matters"].append("NO-SUCH")
    path = write_json(tmp_path / "bad.json", data)
    set_language("zh")
    issues = issues_of(path)
    find(issues, "/matters/0/promised_days", "不能超过法定时限")
    find(issues, "/bundles/0/matters/" + str(len(data["bundles"][0]["matters"]) - 1), "未知事项")
    assert "2处错误" in str(CatalogueError(issues))
    (issue,) = issues_of(tmp_path / "missing.json")
    assert "无法读取文件" in issue.reason
    set_language("en")
    assert "promised_days" in issues_of(path)[0].reason


def demo_dict() -> dict:
    return json.loads(DEMO.read_text(encoding="utf-8"))


def write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def issues_of(path: Path, **kw: bool) -> list[CatalogueIssue]:
    with pytest.raises(CatalogueError) as info:
        load_catalogue(path, **kw)
    return info.value.issues


def find(issues: list[CatalogueIssue], location: str, words: str) -> CatalogueIssue:
    for issue in issues:
        if issue.location == location and words in issue.reason:
            return issue
    listing = "\n".join(str(i) for i in issues)
    raise AssertionError(f"no issue at {location!r} mentioning {words!r} in:\n{listing}")


# ------------------------------------------------------------------ the demo catalogue


def test_demo_loads_with_enough_matters_departments_and_bundles() -> None:
    cat = load_demo_catalogue()
    assert cat.region == "320724"
    assert isinstance(cat.published, date)
    assert len(cat.matters) >= 40
    assert len(cat.departments()) >= 8
    assert len(cat.bundles) >= 5
    names = {b.name for b in cat.bundles.values()}
    assert {"开餐馆", "开便利店", "开理发店", "我要开旅行社", "开药店", "新生儿出生一件事"} <= names
    assert {m.level for m in cat.matters.values()} == {"county", "city", "province"}
    assert sum(m.level == "county" for m in cat.matters.values()) > len(cat.matters) // 2
    assert all(m.materials for m in cat.matters.values())


def test_demo_passes_full_schema_validation_and_equals_fast_load() -> None:
    assert load_catalogue(DEMO) == load_demo_catalogue()


def test_demo_is_read_as_a_package_resource() -> None:
    resource = resources.files("forms").joinpath("demo", "catalogue.json")
    assert resource.read_bytes() == DEMO.read_bytes()


def test_demo_travel_agency_is_a_city_county_joint_bundle() -> None:
    cat = load_demo_catalogue()
    (travel,) = [b for b in cat.bundles.values() if b.name == "我要开旅行社"]
    assert travel.joint == "市县联办"
    levels = {m.level: m for m in cat.bundle_matters(travel.code)}
    assert "旅行社业务经营许可" in levels["city"].name
    assert "county" in levels


def test_demo_restaurant_has_seven_departments() -> None:
    cat = load_demo_catalogue()
    matters = cat.bundle_matters(RESTAURANT)
    assert cat.bundle(RESTAURANT).name == "开餐馆"
    assert len({m.department for m in matters}) == 7
    assert sum(len(m.materials) for m in matters) > 40


def test_demo_material_keys_have_one_name_and_time_limits_hold() -> None:
    names: dict[str, set[str]] = {}
    for m in load_demo_catalogue().matters.values():
        assert 0 <= m.promised_days <= m.legal_days
        for x in m.materials:
            names.setdefault(x.key, set()).add(x.name)
            assert x.copies >= 1
            assert x.required or not x.tolerable
    assert all(len(v) == 1 for v in names.values())
    shared = [k for k, v in names.items()]
    assert {"business_licence", "legal_rep_id", "premises_proof", "lease_contract"} <= set(shared)


def test_demo_generator_output_is_up_to_date() -> None:
    tool = ROOT / "build" / "tools" / "make_demo_catalogue.py"
    run = subprocess.run([sys.executable, str(tool), "--check"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


def test_demo_load_does_not_import_jsonschema() -> None:
    code = (
        "import sys; from forms.loader import load_demo_catalogue; load_demo_catalogue(); "
        "assert 'jsonschema' not in sys.modules, 'jsonschema imported'"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stderr


# ------------------------------------------------------------------ catalogue API


def test_lookup_by_code_and_unknown_codes() -> None:
    cat = load_demo_catalogue()
    first = next(iter(cat.matters.values()))
    assert cat.matter(first.code) is first
    with pytest.raises(KeyError):
        cat.matter("000000-NONE-0000")
    with pytest.raises(KeyError):
        cat.bundle("000000-NONE-000")
    with pytest.raises(KeyError):
        cat.bundle_matters("000000-NONE-000")
    assert [m.code for m in cat.bundle_matters(RESTAURANT)] == list(cat.bundle(RESTAURANT).matters)


def test_departments_in_order_of_first_appearance() -> None:
    cat = load_demo_catalogue()
    expected: list[str] = []
    for m in cat.matters.values():
        if m.department not in expected:
            expected.append(m.department)
    assert cat.departments() == tuple(expected)


def test_catalogue_is_immutable() -> None:
    cat = load_demo_catalogue()
    with pytest.raises(TypeError):
        cat.matters["x"] = cat.matter(RESTAURANT.replace("YJS-001", "SCJG-0001"))  # type: ignore[index]
    with pytest.raises(FrozenInstanceError):
        cat.version = "x"  # type: ignore[misc]


def material(key: str = "business_licence", **kw: object) -> Material:
    fields: dict[str, object] = dict(
        key=key,
        name="营业执照",
        form="copy",
        copies=1,
        required=True,
        tolerable=False,
        medium="paper",
    )
    fields.update(kw)
    return Material(**fields)  # type: ignore[arg-type]


def matter(code: str = "320724-SCJG-0001", *materials: Material, **kw: object) -> Matter:
    fields: dict[str, object] = dict(
        code=code,
        name="企业设立登记",
        type="行政许可",
        department="市场监管局",
        level="county",
        legal_days=15,
        promised_days=1,
        fee="不收费",
        effective=date(2020, 1, 1),
        materials=materials or (material(),),
    )
    fields.update(kw)
    return Matter(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "kw",
    [
        dict(copies=0),
        dict(required=False, tolerable=True),
        dict(form="scan"),
        dict(medium="fax"),
        dict(name=""),
    ],
)
def test_material_invariants(kw: dict) -> None:
    with pytest.raises(ValueError):
        material(**kw)


def test_matter_and_catalogue_invariants() -> None:
    with pytest.raises(ValueError):
        matter(promised_days=20, legal_days=15)
    with pytest.raises(ValueError):
        matter("c", material(), material())  # same key twice
    with pytest.raises(ValueError):
        Bundle("b", "开餐馆", (), ())
    good = matter()
    with pytest.raises(ValueError):  # bundle of an unknown matter
        Catalogue(
            "1", date(2020, 1, 1), "320724", {good.code: good}, {"b": Bundle("b", "开餐馆", (), ("nope",))}
        )
    other = matter("320724-SCJG-0002", material(name="营业执照副本"))
    with pytest.raises(ValueError):  # one key, two names
        Catalogue("1", date(2020, 1, 1), "320724", {good.code: good, other.code: other}, {})


# ------------------------------------------------------------------ round trip


def test_demo_round_trip_is_byte_identical(tmp_path: Path) -> None:
    original = DEMO.read_bytes()
    cat = load_catalogue(DEMO)
    assert serialize_catalogue(cat) == original
    out = tmp_path / "export.json"
    dump_catalogue(cat, out)
    assert out.read_bytes() == original
    assert load_catalogue(out) == cat
    assert b"\r\n" not in original and original.endswith(b"}\n")


def test_dump_replaces_an_existing_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    out = tmp_path / "cat.json"
    out.write_text("old", encoding="utf-8")
    dump_catalogue(load_demo_catalogue(), out)
    assert load_catalogue(out) == load_demo_catalogue()
    assert [p.name for p in tmp_path.iterdir()] == ["cat.json"]


texts = st.text(alphabet="营业执照身份证明申请书合同餐馆许可ABC123", min_size=1, max_size=10)
keys = st.sampled_from(["business_licence", "legal_rep_id", "lease_contract", "site_plan"])
KEY_NAMES = {
    "business_licence": "营业执照",
    "legal_rep_id": "法定代表人身份证明",
    "lease_contract": "房屋租赁合同",
    "site_plan": "经营场所平面布局图",
}


@st.composite
def materials_st(draw: st.DrawFn) -> Material:
    key = draw(keys)
    required = draw(st.booleans())
    return Material(
        key=key,
        name=KEY_NAMES[key],
        form=draw(st.sampled_from(["original", "copy"])),
        copies=draw(st.integers(1, 5)),
        required=required,
        tolerable=required and draw(st.booleans()),
        medium=draw(st.sampled_from(["paper", "electronic"])),
        note=draw(st.one_of(st.just(""), texts)),
    )


@st.composite
def catalogues_st(draw: st.DrawFn) -> Catalogue:
    count = draw(st.integers(1, 5))
    matters = {}
    for i in range(count):
        legal = draw(st.integers(0, 60))
        m = Matter(
            code=f"320724-T-{i:04d}",
            name=draw(texts),
            type=draw(st.sampled_from(["行政许可", "公共服务"])),
            department=draw(st.sampled_from(["市场监管局", "税务局", "城管局"])),
            level=draw(st.sampled_from(["county", "city", "province"])),
            legal_days=legal,
            promised_days=draw(st.integers(0, legal)),
            fee=draw(texts),
            effective=draw(st.dates(date(2000, 1, 1), date(2030, 12, 31))),
            materials=tuple(draw(st.lists(materials_st(), max_size=4, unique_by=lambda x: x.key))),
            keywords=tuple(draw(st.lists(texts, max_size=3, unique=True))),
        )
        matters[m.code] = m
    codes = list(matters)
    bundle = Bundle(
        "320724-YJS-001",
        draw(texts),
        tuple(draw(st.lists(texts, max_size=2, unique=True))),
        tuple(draw(st.lists(st.sampled_from(codes), min_size=1, unique=True))),
        joint=draw(st.sampled_from(["", "市县联办"])),
        description=draw(st.sampled_from(["", "说明"])),
    )
    return Catalogue(
        draw(texts),
        draw(st.dates(date(2000, 1, 1), date(2030, 12, 31))),
        "320724",
        matters,
        {bundle.code: bundle},
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cat=catalogues_st())
def test_any_catalogue_round_trips(tmp_path: Path, cat: Catalogue) -> None:
    out = tmp_path / "c.json"
    dump_catalogue(cat, out)
    loaded = load_catalogue(out)
    assert loaded == cat
    assert list(loaded.matters) == list(cat.matters)
    assert serialize_catalogue(loaded) == out.read_bytes()
    assert parse_catalogue(catalogue_to_dict(cat), "memory") == cat


# ------------------------------------------------------------------ bad files


def test_invalid_file_reports_every_problem_with_its_location(tmp_path: Path) -> None:
    data = demo_dict()
    m = data["matters"]
    m[3]["materials"][2]["copies"] = 0  # schema: minimum
    m[1]["promised_days"] = m[1]["legal_days"] + 1  # semantic: promised > legal
    m[2]["effective"] = "2020-02-30"  # semantic: no such day
    m[4]["level"] = "town"  # schema: enum
    del m[5]["fee"]  # schema: required
    m[6]["materials"][0]["copise"] = 2  # schema: unknown field
    m[7]["name"] = "企业\u0007登记"  # control character
    last = len(m) - 1  # a matter in no bundle
    m[last]["code"] = m[0]["code"]  # duplicate matter code
    m[9]["materials"][0]["required"] = False  # tolerable but not required
    m[9]["materials"][0]["tolerable"] = True
    lic = [
        (i, j)
        for i, mm in enumerate(m)
        for j, x in enumerate(mm["materials"])
        if x["key"] == "business_licence"
    ]
    bi, bj = lic[-1]
    m[bi]["materials"][bj]["name"] = "营业执照副本"  # conflicting name for a key
    data["bundles"][0]["matters"].append("320724-NOPE-0001")  # unknown matter in a bundle
    data["published"] = "2020/06/01"  # schema: date pattern
    issues = issues_of(write_json(tmp_path / "bad.json", data))
    n_refs = len(data["bundles"][0]["matters"]) - 1

    find(issues, "/matters/3/materials/2/copies", ">= 1")
    find(issues, "/matters/1/promised_days", "must not exceed legal_days")
    find(issues, "/matters/2/effective", "not a real calendar date")
    find(issues, "/matters/4/level", "must be one of")
    find(issues, "/matters/5/fee", "missing required field")
    find(issues, "/matters/6/materials/0/copise", "unknown field")
    find(issues, "/matters/7/name", "control")
    find(issues, f"/matters/{last}/code", "duplicate matter code")
    find(issues, "/matters/9/materials/0/tolerable", "only allowed on a required material")
    find(issues, f"/matters/{bi}/materials/{bj}/name", "one key must have one name")
    find(issues, f"/bundles/0/matters/{n_refs}", "unknown matter")
    find(issues, "/published", "YYYY-MM-DD")
    assert len(issues) == 12
    order = [i.location for i in issues]  # reported in document order
    assert order.index("/published") < order.index("/matters/1/promised_days")
    assert order.index("/matters/1/promised_days") < order.index("/matters/3/materials/2/copies")
    assert order.index(f"/bundles/0/matters/{n_refs}") == len(order) - 1
    assert all(i.file == str(tmp_path / "bad.json") for i in issues)
    message = str(CatalogueError(issues))
    assert "12 problem(s)" in message and "/matters/3/materials/2/copies" in message


def test_bundle_with_unknown_matter_is_rejected_with_and_without_schema(tmp_path: Path) -> None:
    data = demo_dict()
    data["bundles"][2]["matters"][0] = "320724-XXXX-9999"
    path = write_json(tmp_path / "b.json", data)
    for validate in (True, False):
        (issue,) = issues_of(path, validate_schema=validate)
        assert issue.location == "/bundles/2/matters/0"
        assert "unknown matter '320724-XXXX-9999'" in issue.reason


def test_duplicate_bundle_code_and_repeated_matter(tmp_path: Path) -> None:
    data = demo_dict()
    data["bundles"][1]["code"] = data["bundles"][0]["code"]
    data["bundles"][3]["matters"].append(data["bundles"][3]["matters"][0])
    issues = issues_of(write_json(tmp_path / "b.json", data))
    find(issues, "/bundles/1/code", "duplicate bundle code")
    last = len(data["bundles"][3]["matters"]) - 1
    find(issues, f"/bundles/3/matters/{last}", "listed twice")
    assert len(issues) == 2


def test_wrong_types_are_reported_not_crashing(tmp_path: Path) -> None:
    data = demo_dict()
    data["format"] = "yichuang-catalogue/2"
    data["matters"][0]["legal_days"] = "15"
    data["matters"][1]["materials"] = {"key": "x"}
    data["matters"][2]["materials"][0]["required"] = "yes"
    data["bundles"][0]["keywords"] = "餐馆"
    issues = issues_of(write_json(tmp_path / "t.json", data))
    find(issues, "/format", "yichuang-catalogue/1")
    find(issues, "/matters/0/legal_days", "must be of type integer")
    find(issues, "/matters/1/materials", "must be of type array")
    find(issues, "/matters/2/materials/0/required", "must be of type boolean")
    find(issues, "/bundles/0/keywords", "must be of type array")


def test_fast_path_falls_back_to_full_report_on_malformed_data() -> None:
    data = demo_dict()
    del data["matters"][0]["materials"]
    with pytest.raises(CatalogueError) as info:
        parse_catalogue(data, "memory", validate_schema=False)
    (issue,) = info.value.issues
    assert issue.location == "/matters/0/materials" and "missing" in issue.reason


def test_document_not_an_object(tmp_path: Path) -> None:
    (issue,) = issues_of(write_json(tmp_path / "a.json", [1, 2]))
    assert issue.location == "" and "object" in issue.reason


def _cut_points() -> list[int]:
    raw = DEMO.read_bytes()
    middle = len(raw) // 2
    inside_char = raw.index("营".encode(), middle) + 1  # cut inside a 3-byte character
    after_char = raw.index("营".encode(), middle) + 3
    return [middle, inside_char, after_char, len(raw) - 2]


@pytest.mark.parametrize("size", _cut_points())
def test_truncated_file_reports_line_and_column(tmp_path: Path, size: int) -> None:
    raw = DEMO.read_bytes()
    cut = raw[:size]
    path = tmp_path / "cut.json"
    path.write_bytes(cut)
    (issue,) = issues_of(path)
    text = cut.decode("utf-8", errors="ignore")
    assert "truncated" in issue.reason
    assert issue.line is not None and issue.line >= text.count("\n")
    assert issue.column is not None and issue.column >= 1
    assert f"line {issue.line}, column {issue.column}" in str(issue)


def test_syntax_error_reports_its_line_and_column(tmp_path: Path) -> None:
    lines = DEMO.read_text(encoding="utf-8").split("\n")
    lines[9] = lines[9].rstrip(",")  # drop a comma inside the first matter
    path = tmp_path / "syntax.json"
    path.write_text("\n".join(lines), encoding="utf-8")
    (issue,) = issues_of(path)
    assert issue.line == 11 and issue.column == 7
    assert "invalid JSON" in issue.reason and "truncated" not in issue.reason


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty"),
        (b"  \n", "empty"),
        (b'{"format": "\xff\xfe"}', "not valid UTF-8"),
        (b'{"a": NaN}', "NaN"),
    ],
)
def test_unusable_content(tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(content)
    (issue,) = issues_of(path)
    assert words in issue.reason


def test_unreadable_file(tmp_path: Path) -> None:
    (issue,) = issues_of(tmp_path / "missing.json")
    assert "cannot read file" in issue.reason
    (issue,) = issues_of(tmp_path)  # a directory
    assert "cannot read file" in issue.reason


def test_utf8_bom_is_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + DEMO.read_bytes())
    assert load_catalogue(path) == load_demo_catalogue()


@pytest.mark.parametrize("char", ["\u200b", "\u202e", "\u2028", "\x85", "\ufeff"])
def test_invisible_characters_are_refused_even_when_escaped(tmp_path: Path, char: str) -> None:
    data = demo_dict()
    data["bundles"][0]["keywords"][0] = "餐" + char + "馆"
    for ensure_ascii in (False, True):
        path = tmp_path / "c.json"
        path.write_text(json.dumps(data, ensure_ascii=ensure_ascii), encoding="utf-8")
        for validate in (True, False):
            (issue,) = issues_of(path, validate_schema=validate)
            assert issue.location == "/bundles/0/keywords/0"
            assert f"U+{ord(char):04X}" in issue.reason


def test_copy_of_demo_dict_is_not_shared() -> None:
    data = demo_dict()
    assert parse_catalogue(copy.deepcopy(data), "memory") == load_demo_catalogue()
