"""The message catalogue: every key in both languages, with the same fields."""

from __future__ import annotations

import string

from app.messages import MESSAGES, set_language, t


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_has_chinese_and_english_with_the_same_fields():
    for key, (zh, en) in MESSAGES.items():
        assert zh.strip() and en.strip(), key
        assert fields(zh) == fields(en), key


def test_language_switch():
    set_language("en")
    assert t("key.accept") == "Accept"
    assert t("result.accepted", number="X") == "Accepted, case X"
    set_language("zh")
    assert t("key.accept") == "受理"


def test_domain_messages_follow_the_language():
    from app.domain.identifiers import check_resident_id

    set_language("en")
    try:
        assert "check digit" in check_resident_id("320724198805120040").error
    finally:
        set_language("zh")
    assert "校验位" in check_resident_id("320724198805120040").error


def test_the_parts_make_one_catalogue():
    """app.messages is a package of parts by audience; t() and MESSAGES see their union, and a key
    (and a key prefix) lives in exactly one part, so no part silently overrides another."""
    import pkgutil

    import app.messages as catalogue

    parts = {
        info.name: __import__(f"app.messages.{info.name}", fromlist=["MESSAGES"]).MESSAGES
        for info in pkgutil.iter_modules(catalogue.__path__)
    }
    assert set(parts) == {"shared", "window", "cli", "hub", "console"}
    assert sum(len(p) for p in parts.values()) == len(MESSAGES)
    assert {k: v for p in parts.values() for k, v in p.items()} == MESSAGES
    homes: dict[str, set[str]] = {}
    for name, part in parts.items():
        for key in part:
            homes.setdefault(key.split(".")[0], set()).add(name)
    assert {prefix: names for prefix, names in homes.items() if len(names) > 1} == {}
