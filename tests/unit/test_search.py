from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.search import SCORES, SearchEntry, SearchHit, SearchIndex

M = "matter"
B = "bundle"

CATALOGUE = [
    SearchEntry(B, "YJS-0001", "开餐馆", "政务服务管理办公室", ("餐饮", "饭店")),
    SearchEntry(B, "YJS-0002", "开便利店", "政务服务管理办公室"),
    SearchEntry(B, "YJS-0003", "开理发店", "政务服务管理办公室"),
    SearchEntry(B, "YJS-0004", "我要开旅行社", "文化广电和旅游局"),
    SearchEntry(M, "320000-XK-00101", "食品经营许可", "市场监督管理局", ("食品",)),
    SearchEntry(M, "320000-XK-00102", "食品经营许可证核发", "市场监督管理局"),
    SearchEntry(M, "320000-DJ-00201", "营业执照 设立登记", "市场监督管理局"),
    SearchEntry(M, "320000-XK-00301", "公共场所卫生许可证", "卫生健康委员会"),
    SearchEntry(M, "320000-XK-00401", "旅行社业务经营许可", "文化广电和旅游局"),
    SearchEntry(M, "320000-XK-00501", "银行业金融机构设立审批", "金融监管局"),
    SearchEntry(M, "320000-GF-00601", "长期护理保险待遇申请", "医疗保障局"),
    SearchEntry(M, "320000-XK-00701", "开餐馆食品安全承诺", "市场监督管理局"),
    SearchEntry(M, "320000-GF-00801", "居民身份证申领", "公安局"),
    SearchEntry(M, "320000-XK-00901", "危险化学品经营许可证核发", "应急管理局"),
    SearchEntry(M, "320000-XK-01001", "排污许可证核发", "生态环境局"),
]
INDEX = SearchIndex(CATALOGUE)


def names(hits: list[SearchHit]) -> list[str]:
    return [h.entry.name for h in hits]


def first(query: str) -> SearchHit:
    hits = INDEX.search(query)
    assert hits, f"{query!r} found nothing"
    return hits[0]


def assert_ranked(hits: list[SearchHit]) -> None:
    """Best score first; on equal score bundles, then shorter names, then codes."""
    keys = [
        (-h.score, h.entry.kind != "bundle", len(h.entry.name.replace(" ", "")), h.entry.code) for h in hits
    ]
    assert keys == sorted(keys)


def test_len_counts_entries() -> None:
    assert len(INDEX) == len(CATALOGUE)
    assert len(SearchIndex([])) == 0


@pytest.mark.parametrize("query", ["", "   ", "\t\n", "\u3000", "''"])
def test_blank_query_finds_nothing(query: str) -> None:
    assert INDEX.search(query) == []


def test_initials_find_the_bundle_first() -> None:
    hits = INDEX.search("kcg")
    assert names(hits)[:2] == ["开餐馆", "开餐馆食品安全承诺"]
    assert hits[0].entry.kind == "bundle"
    assert hits[0].matched == "initials"
    assert hits[0].score == SCORES["initials_prefix"]


@pytest.mark.parametrize("query", ["kaicanguan", "kai can guan", "KaiCanGuan", "kai'can'guan", "kai’canguan"])
def test_full_pinyin_with_spaces_case_and_apostrophes(query: str) -> None:
    hit = first(query)
    assert hit.entry.name == "开餐馆"
    assert hit.matched == "pinyin"
    assert hit.score == SCORES["pinyin_prefix"]


@pytest.mark.parametrize("query", ["k", "ka", "kai", "kaic", "kaica", "kaican", "kaicang"])
def test_half_typed_pinyin_spans_syllables(query: str) -> None:
    assert first(query).entry.name == "开餐馆"


def test_full_width_letters_and_digits() -> None:
    assert first("ＫＣＧ").entry.name == "开餐馆"
    hit = first("３２００００－ＸＫ－００１０１")
    assert (hit.entry.code, hit.matched, hit.score) == ("320000-XK-00101", "code", SCORES["code_exact"])


def test_chinese_substring() -> None:
    hits = INDEX.search("餐馆")
    assert names(hits) == ["开餐馆", "开餐馆食品安全承诺"]
    assert {h.matched for h in hits} == {"name"}
    assert hits[0].score == SCORES["name_substring"]


def test_spaces_in_names_and_queries_are_ignored() -> None:
    for query in ("营业执照设立登记", "营业执照 设立登记", " 营业执照  设立 "):
        assert first(query).entry.code == "320000-DJ-00201"
    hit = first("营业执照设立登记")
    assert (hit.matched, hit.score) == ("name", SCORES["name_exact"])


def test_code_exact_and_prefix() -> None:
    hit = first("320000-XK-00101")
    assert (hit.entry.name, hit.matched, hit.score) == ("食品经营许可", "code", SCORES["code_exact"])
    assert first("320000xk00101").entry.code == "320000-XK-00101"  # case and hyphens do not matter
    hits = INDEX.search("320000-XK")
    xk = {e.code for e in CATALOGUE if e.code.startswith("320000-XK")}
    assert {h.entry.code for h in hits} == xk
    assert all(h.matched == "code" and h.score == SCORES["code_prefix"] for h in hits)
    assert_ranked(hits)
    assert [h.entry.code for h in INDEX.search("yjs")] == ["YJS-0001", "YJS-0002", "YJS-0003", "YJS-0004"]


def test_initials_of_a_matter() -> None:
    hits = INDEX.search("spjy")
    assert names(hits)[:2] == ["食品经营许可", "食品经营许可证核发"]
    assert hits[0].matched == "initials"


def test_exact_name_above_prefix_above_substring() -> None:
    hits = INDEX.search("食品经营许可")
    assert [(h.entry.name, h.score) for h in hits] == [
        ("食品经营许可", SCORES["name_exact"]),
        ("食品经营许可证核发", SCORES["name_prefix"]),
    ]
    # Prefix beats substring even when the substring hit is a bundle.
    hits = INDEX.search("旅行社")
    assert names(hits) == ["旅行社业务经营许可", "我要开旅行社"]
    assert [h.score for h in hits] == [SCORES["name_prefix"], SCORES["name_substring"]]


def test_bundles_first_on_equal_score() -> None:
    hits = INDEX.search("开")
    assert names(hits)[:3] == ["开餐馆", "开便利店", "开理发店"]  # bundles, shorter first, then code
    assert hits[3].entry.name == "开餐馆食品安全承诺"  # a matter with the same score comes after them
    assert_ranked(hits)


def test_bundle_beats_a_shorter_matter_on_equal_score() -> None:
    index = SearchIndex([SearchEntry(M, "A-1", "小餐馆备案"), SearchEntry(B, "Z-9", "我要开个餐馆")])
    for query in ("餐馆", "cg", "canguan"):
        hits = index.search(query)
        assert [h.entry.kind for h in hits] == [B, M]
        assert hits[0].score == hits[1].score


def test_pinyin_tiers_are_ordered() -> None:
    index = SearchIndex(
        [
            SearchEntry(M, "A-1", "许可"),
            SearchEntry(M, "A-2", "经营许可"),
            SearchEntry(M, "A-3", "许可证"),
            SearchEntry(M, "A-4", "其他", keywords=("许可",)),
        ]
    )
    hits = index.search("xk")
    assert [(h.entry.name, h.score, h.matched) for h in hits] == [
        ("许可", SCORES["initials_prefix"], "initials"),
        ("许可证", SCORES["initials_prefix"], "initials"),
        ("经营许可", SCORES["pinyin_substring"], "initials"),
        ("其他", SCORES["keyword"], "keyword"),
    ]
    hits = index.search("xuke")
    assert [(h.entry.name, h.score, h.matched) for h in hits] == [
        ("许可", SCORES["pinyin_prefix"], "pinyin"),
        ("许可证", SCORES["pinyin_prefix"], "pinyin"),
        ("经营许可", SCORES["pinyin_substring"], "pinyin"),
        ("其他", SCORES["keyword"], "keyword"),
    ]
    # Initials prefix ranks above full-pinyin prefix, whatever the names' lengths:
    # "sh" is the initials of 审核 (shen he) but only a pinyin prefix of 书店 (shu dian).
    index = SearchIndex([SearchEntry(M, "B-1", "书店"), SearchEntry(M, "B-2", "审核备案材料")])
    assert [(h.entry.name, h.matched, h.score) for h in index.search("sh")] == [
        ("审核备案材料", "initials", SCORES["initials_prefix"]),
        ("书店", "pinyin", SCORES["pinyin_prefix"]),
    ]


def test_pinyin_substring_starts_at_a_syllable() -> None:
    hit = first("canguan")
    assert (hit.entry.name, hit.matched, hit.score) == ("开餐馆", "pinyin", SCORES["pinyin_substring"])
    assert all(h.score < SCORES["keyword"] for h in INDEX.search("anguan"))  # mid-syllable: fuzzy only


def test_polyphonic_characters() -> None:
    # Phrase-aware main reading: 银行 is yinhang, 长期 is changqi.
    hit = first("yinhang")
    assert (hit.entry.code, hit.score) == ("320000-XK-00501", SCORES["pinyin_prefix"])
    assert first("cqhl").score == SCORES["initials_prefix"]
    # Other readings are indexed too, slightly lower.
    hit = first("yinxing")
    assert (hit.entry.code, hit.matched, hit.score) == (
        "320000-XK-00501",
        "pinyin",
        SCORES["pinyin_prefix_alt"],
    )
    hit = first("zqhl")
    assert (hit.entry.code, hit.matched, hit.score) == (
        "320000-GF-00601",
        "initials",
        SCORES["initials_prefix_alt"],
    )
    assert first("yxy").entry.code == "320000-XK-00501"


def test_lv_and_u_umlaut() -> None:
    assert first("lvxingshe").entry.name == "旅行社业务经营许可"
    assert first("lüxingshe").entry.name == "旅行社业务经营许可"


def test_keywords() -> None:
    hit = first("饭店")
    assert (hit.entry.name, hit.matched, hit.score) == ("开餐馆", "keyword", SCORES["keyword"])
    assert any(h.entry.name == "开餐馆" and h.matched == "keyword" for h in INDEX.search("canyin"))


def test_fuzzy_only_when_nothing_better() -> None:
    hit = first("kaicanguna")  # transposed letters
    assert (hit.entry.name, hit.matched) == ("开餐馆", "fuzzy")
    assert hit.score < SCORES["keyword"]
    hit = first("开参馆")  # wrong character with the same sound
    assert (hit.entry.name, hit.matched) == ("开餐馆", "fuzzy")
    hit = first("危险化学品经营许可书核发")  # wrong character, different sound: rapidfuzz
    assert (hit.entry.name, hit.matched) == ("危险化学品经营许可证核发", "fuzzy")
    assert hit.score < SCORES["fuzzy_homophone"]
    assert all(h.matched != "fuzzy" for h in INDEX.search("kaican"))


@pytest.mark.parametrize(
    "query",
    ["qwertyuiop", "zzzz", "xyzw1234", "!!!", "@#$%^&*", "火星移民", "🍜🍜", "asdfghjkl", "9999-ZZ-99999"],
)
def test_garbage_finds_nothing(query: str) -> None:
    assert INDEX.search(query) == []


def test_limit() -> None:
    assert len(INDEX.search("k", limit=1)) == 1
    assert INDEX.search("k", limit=0) == []
    assert first("k").entry.name == "开餐馆"
    assert len(INDEX.search("320000", limit=3)) == 3
    assert len(INDEX.search("320000")) == 11


def test_results_do_not_depend_on_input_order() -> None:
    shuffled = list(CATALOGUE)
    random.Random(7).shuffle(shuffled)
    other = SearchIndex(shuffled)
    for query in ("kcg", "k", "开", "320000", "xk", "许可", "kaicanguna", "sp"):
        assert INDEX.search(query) == other.search(query)


def test_entries_without_code_or_pinyin() -> None:
    index = SearchIndex(
        [SearchEntry(M, "", "ICP许可（3C）"), SearchEntry(M, "X-1", "（）"), SearchEntry(B, "X-2", "")]
    )
    assert first_of(index, "icp").entry.name == "ICP许可（3C）"
    assert first_of(index, "icpxk3c").entry.name == "ICP许可（3C）"
    assert first_of(index, "x-1").entry.code == "X-1"
    assert index.search("()") != []


def first_of(index: SearchIndex, query: str) -> SearchHit:
    hits = index.search(query)
    assert hits, f"{query!r} found nothing"
    return hits[0]


@pytest.mark.parametrize(
    "query", ["kcg", "k", "开", "320000", "许可", "xk", "sp", "y", "kaicanguna", "开参馆"]
)
def test_results_are_ranked_as_documented(query: str) -> None:
    hits = INDEX.search(query)
    assert hits
    assert_ranked(hits)
    assert len({h.entry for h in hits}) == len(hits)


# --------------------------------------------------------------------------
# a province's list: each matter once per county, same name, another code and department

COUNTIES = ("玄武区", "秦淮区", "江宁区", "昆山市")
PROVINCE = [
    SearchEntry(M, f"{code}-{i}", name, department=f"{county}市场监督管理局", keywords=("食品",))
    for i, county in enumerate(COUNTIES)
    for code, name in (("320000-XK-00001", "食品经营许可证核发"), ("320000-XK-00002", "食品经营许可证变更"))
] + [SearchEntry(B, "YJS-0001", "开餐馆")]


def test_a_name_offered_by_several_counties_finds_every_county() -> None:
    index = SearchIndex(PROVINCE)
    for query in ("食品经营许可证核发", "spjyxkzhf", "shipinjingyingxukezhenghefa", "jingying", "食品"):
        hits = [h for h in index.search(query) if h.entry.name == "食品经营许可证核发"]
        assert sorted(h.entry.department for h in hits) == sorted(f"{c}市场监督管理局" for c in COUNTIES), (
            query
        )
    # a county's own code still finds that county's entry alone, first
    assert first_of(index, "320000-XK-00002-2").entry.department == "江宁区市场监督管理局"


def test_one_name_of_several_counties_stays_together_in_code_order() -> None:
    hits = SearchIndex(PROVINCE).search("spjyxkz")
    names = [h.entry.name for h in hits]
    assert names == ["食品经营许可证变更"] * 4 + ["食品经营许可证核发"] * 4 or names == (
        ["食品经营许可证核发"] * 4 + ["食品经营许可证变更"] * 4
    )
    for name in set(names):
        codes = [h.entry.code for h in hits if h.entry.name == name]
        assert codes == sorted(codes)
    assert_ranked(hits)


def test_the_limit_cuts_inside_a_group() -> None:
    hits = SearchIndex(PROVINCE).search("spjyxkz", limit=3)
    assert len(hits) == 3 and len({h.entry.name for h in hits}) == 1


def test_a_province_index_round_trips_and_refuses_bad_groups() -> None:
    index = SearchIndex(PROVINCE)
    state = _round_trip(index)
    assert state["groups"] == [0, 1, 5, 9]  # the bundle, then each name's four counties
    loaded = SearchIndex.from_state(state)
    for query in ("spjyxkz", "食品", "320000-XK-00001-3", "shipinjinying"):
        assert loaded.search(query) == index.search(query), query
    for bad in ([0, 1, 5], [0, 5, 1, 9], [0, 1, 1, 5, 9], "0,9", [1, 5, 9]):
        broken = _round_trip(index)
        broken["groups"] = bad
        with pytest.raises(ValueError):
            SearchIndex.from_state(broken)


# --------------------------------------------------------------------------
# properties

HAN = "开餐馆食品经营许可证核发营业执照设立登记公共场所卫生旅行社银行长期重庆行为会计乐调了得地和便利店理发"
names_st = st.text(alphabet=HAN, min_size=1, max_size=10)
codes_st = st.from_regex(r"\A3[0-9]{5}-(XK|QR|GF|DJ)-[0-9]{5}\Z")


@st.composite
def catalogues(draw: st.DrawFn) -> list[SearchEntry]:
    entry_names = draw(st.lists(names_st, min_size=1, max_size=25, unique=True))
    entry_codes = draw(st.lists(codes_st, min_size=len(entry_names), max_size=len(entry_names), unique=True))
    kinds = draw(st.lists(st.sampled_from([M, B]), min_size=len(entry_names), max_size=len(entry_names)))
    return [SearchEntry(k, c, n) for k, c, n in zip(kinds, entry_codes, entry_names)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogue=catalogues(), data=st.data())
def test_every_entry_found_by_exact_code_and_name_at_rank_1(
    catalogue: list[SearchEntry], data: st.DataObject
) -> None:
    index = SearchIndex(catalogue)
    entry = data.draw(st.sampled_from(catalogue))
    by_code = index.search(entry.code)
    assert by_code[0].entry == entry
    assert (by_code[0].matched, by_code[0].score) == ("code", SCORES["code_exact"])
    by_name = index.search(entry.name)
    assert by_name[0].entry == entry
    assert (by_name[0].matched, by_name[0].score) == ("name", SCORES["name_exact"])
    assert_ranked(by_name)


@settings(max_examples=300, deadline=None)
@given(query=st.text(), limit=st.integers(-1, 60))
def test_search_never_raises_and_respects_limit(query: str, limit: int) -> None:
    hits = INDEX.search(query, limit=limit)
    assert len(hits) <= max(limit, 0)
    assert_ranked(hits)
    assert all(
        isinstance(h, SearchHit) and h.matched in {"code", "name", "pinyin", "initials", "keyword", "fuzzy"}
        for h in hits
    )


@settings(max_examples=100, deadline=None)
@given(query=st.text(alphabet="abcdefghijklmnopqrstuvwxyz '", max_size=12))
def test_pinyin_queries_ignore_spaces_and_apostrophes(query: str) -> None:
    compact = query.replace(" ", "").replace("'", "")
    assert INDEX.search(query) == INDEX.search(compact)


# --------------------------------------------------------------------------
# the stored index (SearchIndex.to_state / from_state)


def _round_trip(index: SearchIndex) -> dict:
    import json

    return json.loads(json.dumps(index.to_state(), ensure_ascii=False))


def test_state_round_trips_through_json() -> None:
    loaded = SearchIndex.from_state(_round_trip(INDEX))
    assert loaded.entries == INDEX.entries
    assert loaded.to_state() == _round_trip(INDEX)
    for query in ("kcg", "kaicanguan", "canguan", "餐馆", "开参馆", "320000-XK", "饭店", "yinhang", "hangye"):
        assert loaded.search(query) == INDEX.search(query), query


def test_an_empty_index_round_trips() -> None:
    assert len(SearchIndex.from_state(_round_trip(SearchIndex([])))) == 0


def _damaged(change) -> dict:
    state = _round_trip(INDEX)
    change(state)
    return state


@pytest.mark.parametrize(
    "change",
    [
        lambda s: s.pop("by_code"),
        lambda s: s["entries"].append(["place", "C", "名", "", []]),
        lambda s: s["entries"][0].pop(),
        lambda s: s["entries"].pop(),  # haystacks now name one entry too many
        lambda s: s["by_name"].update({"x": [len(s["entries"])]}),
        lambda s: s["haystacks"]["names"][1].reverse(),
        lambda s: s["haystacks"]["codes"].__setitem__(0, "short"),
        lambda s: s["shards"]["full_p"]["k"][2].__setitem__(0, -1),
        lambda s: s["shards"]["full_p"].update({"kk": ["", [0], []]}),
        lambda s: s["fuzzy_names"][1].pop(),
        lambda s: s["haystacks"].__setitem__("keywords", "text"),
    ],
    ids=[
        "missing-part",
        "bad-kind",
        "short-entry",
        "entry-count",
        "rank-out-of-range",
        "starts-not-rising",
        "text-shorter-than-starts",
        "negative-owner",
        "shard-key",
        "fuzzy-ranks",
        "haystack-not-a-list",
    ],
)
def test_malformed_state_is_refused(change) -> None:
    with pytest.raises(ValueError):
        SearchIndex.from_state(_damaged(change))


def _demo_indexes() -> tuple[SearchIndex, SearchIndex, list[SearchEntry]]:
    """(as stored in forms/demo/search-index.json, built from the demo catalogue now, entries)."""
    from importlib import resources

    from app.services.catalogue_files import catalogue_digest, parse_search_index, search_entries
    from forms.loader import load_demo_catalogue

    demo = resources.files("forms").joinpath("demo")
    digest = catalogue_digest(demo.joinpath("catalogue.json").read_bytes())
    stored = parse_search_index(demo.joinpath("search-index.json").read_bytes(), digest)
    assert stored is not None, "forms/demo/search-index.json is stale: run build/tools/make_search_index.py"
    entries = search_entries(load_demo_catalogue())
    return stored, SearchIndex(entries), entries


DEMO_STORED, DEMO_BUILT, DEMO_ENTRIES = _demo_indexes()
DEMO_CHARS = "".join(sorted({ch for e in DEMO_ENTRIES for ch in e.name + "".join(e.keywords)}))


@st.composite
def demo_queries(draw: st.DrawFn) -> str:
    """What a clerk types for a demo entry: part of its name, code, keyword, pinyin or initials."""
    from pypinyin import lazy_pinyin

    entry = draw(st.sampled_from(DEMO_ENTRIES))
    syllables = lazy_pinyin(entry.name)
    full = "".join(syllables)
    initials = "".join(s[:1] for s in syllables)
    sources = [entry.name, entry.code, full, initials, " ".join(syllables), *entry.keywords]
    text = draw(st.sampled_from(sources))
    start = draw(st.integers(0, max(len(text) - 1, 0)))
    end = draw(st.integers(start + 1, len(text) + 1))
    return draw(
        st.one_of(
            st.just(text[start:end]),
            st.just(text[start:end].upper()),
            st.text(alphabet=DEMO_CHARS + "abcdefghijklmnopqrstuvwxyz0123456789-' ", max_size=8),
        )
    )


@settings(max_examples=400, deadline=None)
@given(query=demo_queries(), limit=st.sampled_from([1, 5, 30, 50]))
def test_stored_demo_index_answers_as_one_built_from_scratch(query: str, limit: int) -> None:
    assert DEMO_STORED.search(query, limit=limit) == DEMO_BUILT.search(query, limit=limit)


def test_stored_demo_index_holds_the_whole_catalogue() -> None:
    assert DEMO_STORED.entries == DEMO_BUILT.entries
    assert DEMO_STORED.search("kcg")[0].entry.name == "开餐馆"
