"""The chain rule (app.domain.audit_chain), shared by the workstation and the hub."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from app.domain import audit_chain as ac


def test_sm3_is_the_standard_one():
    # GB/T 32905-2016, example 1: SM3("abc")
    assert ac.hasher("sm3")(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert ac.hasher("sha256")(b"abc").startswith("ba7816bf")


text = st.text(st.characters(codec="utf-8"), max_size=30)


@given(text, text, text, text, st.dictionaries(text, st.one_of(text, st.integers(), st.none()), max_size=4))
def test_canonical_bytes_are_the_compact_json_array(eid, case, actor, at, p):
    """Written by hand for speed, but exactly what json.dumps gives: no two contents collide."""
    got = ac.canonical(7, eid, case, "case.note", actor, "320724100", "01", at, ac.payload_text(p))
    want = json.dumps(
        [ac.FORMAT, 7, eid, case, "case.note", actor, "320724100", "01", at, p],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    ).encode("utf-8")
    assert got == want


def _wire(i: int) -> dict:
    return {
        "id": f"00000000-0000-4000-8000-{i:012d}",
        "case": "320724100-01-261120-0001-X",
        "kind": "case.note",
        "actor": "值班人员",
        "office": "320724100",
        "ws": "01",
        "at": "2026-11-20T01:30:00.000+00:00",
        "p": {"text": f"第{i}条", "b": [1, 2]},
    }


def _links(n: int, alg: str = "sm3") -> list[ac.Link]:
    tip, out = ac.Tip(), []
    for i in range(1, n + 1):
        w = _wire(i)
        num, prev, h = tip.append(alg, lambda k, w=w: ac.wire_canonical(k, w))
        out.append(
            ac.Link(
                i,
                num,
                prev,
                h,
                w["id"],
                w["case"],
                w["kind"],
                w["actor"],
                w["office"],
                w["ws"],
                w["at"],
                ac.payload_text(w["p"]),
            )
        )
    return out


def test_a_chain_verifies_and_each_kind_of_damage_is_named():
    links = _links(5)
    rep = ac.verify(links)
    assert (
        rep.ok and rep.events == 5 and rep.tip == ac.Tip(5, links[-1].hash) and rep.algorithms == {"sm3": 5}
    )
    changed = links[:2] + [links[2]._replace(actor="别人")] + links[3:]
    b = ac.verify(changed).first_break
    assert (b.position, b.problem, b.found) == (3, ac.CONTENT, links[2].hash)
    b = ac.verify(links[:2] + links[3:]).first_break
    assert (b.position, b.problem, b.expected, b.found) == (3, ac.SEQUENCE, "3", "4")
    rehashed = links[2]._replace(hash=ac.link("sm3", links[2].prev, b"x"))
    b = ac.verify(links[:2] + [rehashed] + links[3:]).first_break
    assert b.problem == ac.CONTENT
    b = ac.verify(links[:3] + [links[3]._replace(prev=rehashed.hash)] + links[4:]).first_break
    assert (b.position, b.problem, b.expected) == (4, ac.LINK, links[2].hash)
    b = ac.verify([links[0]._replace(hash="md5:" + "0" * 64)]).first_break
    assert b.problem == ac.ALGORITHM
    b = ac.verify([links[0]._replace(case_ok=False)]).first_break
    assert b.problem == ac.CASE
    b = ac.verify([links[0]._replace(actor=None)]).first_break
    assert b.problem == ac.CONTENT  # a NULL where text belongs: named, never a crash


def test_sha256_and_sm3_links_mix_in_one_chain():
    a = _links(3, "sha256")
    tip = ac.Tip(3, a[-1].hash)
    w = _wire(4)
    n, prev, h = tip.append("sm3", lambda k: ac.wire_canonical(k, w))
    b = ac.Link(
        4,
        n,
        prev,
        h,
        w["id"],
        w["case"],
        w["kind"],
        w["actor"],
        w["office"],
        w["ws"],
        w["at"],
        ac.payload_text(w["p"]),
    )
    rep = ac.verify([*a, b])
    assert rep.ok and rep.algorithms == {"sha256": 3, "sm3": 1}
