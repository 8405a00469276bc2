"""`yichuang sync --help` and `yichuang hub --help`, and each of their subcommands, speak the
user's language (issue 18, one language): Chinese by default, English when ui.language is en,
every option explained, arguments named in capitals like the other commands. Run as the real
command in a child process."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# three English words in a row: a sentence (option names, metavars and commands are taken out first)
ENGLISH = re.compile(r"\b[A-Za-z]{2,}(?:[,;:]? [A-Za-z]{2,}){2,}\b")
COMMAND = re.compile(r"yichuang(?: [a-z][\w-]*)*")


def _subcommands(name: str) -> list[str]:
    from app.cli import build_parser

    parser = build_parser()
    top = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    cmd = top.choices[name]
    subs = [a for a in cmd._actions if isinstance(a, argparse._SubParsersAction)]
    return sorted(subs[0].choices) if subs else []


def _parser(*path: str) -> argparse.ArgumentParser:
    from app.cli import build_parser

    p = build_parser()
    for name in path:
        sp = next(a for a in p._actions if isinstance(a, argparse._SubParsersAction))
        p = sp.choices[name]
    return p


def help_text(data_dir: Path, *args: str) -> str:
    env = {**os.environ, "YICHUANG_DATA_DIR": str(data_dir)}
    r = subprocess.run(
        [sys.executable, "-m", "app", *args, "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert r.returncode == 0, r.stderr
    return r.stdout


def english_sentences(text: str) -> list[str]:
    """The English sentences of a help page, its usage lines aside (option and command names)."""
    body = text.split("\n\n", 1)[1] if text.startswith("用法") or text.startswith("usage") else text
    found = []
    for line in body.splitlines():
        line = COMMAND.sub("", line)
        line = re.sub(r"--?[\w-]+(?: [A-Z_0-9.]+)?", "", line)  # an option and its metavar
        line = re.sub(r"\{[^}]*\}", "", line)  # choices
        found += ENGLISH.findall(line)
    return found


PAGES = (
    [("sync",), ("hub",)]
    + [("sync", s) for s in _subcommands("sync")]
    + [("hub", s) for s in _subcommands("hub")]
)


@pytest.mark.parametrize("page", PAGES, ids=[" ".join(p) for p in PAGES])
def test_each_help_page_is_chinese(tmp_path, page):
    text = help_text(tmp_path / "ws", *page)
    assert not english_sentences(text), (page, english_sentences(text), text)
    assert re.search(r"[\u4e00-\u9fff]", text)


@pytest.mark.parametrize("page", PAGES, ids=[" ".join(p) for p in PAGES])
def test_every_option_and_argument_is_explained_and_arguments_are_in_capitals(page):
    p = _parser(*page)
    for action in p._actions:
        if isinstance(action, argparse._SubParsersAction) or action.help == argparse.SUPPRESS:
            continue
        assert action.help, (page, action.option_strings or action.dest)
        if not action.option_strings:  # a positional argument: FILE, NUMBER, like the others
            shown = action.metavar or action.dest
            assert shown == shown.upper(), (page, shown)


def test_the_pages_are_english_when_the_language_is(tmp_path):
    from app.services.workstation import open_workstation

    data = tmp_path / "ws"
    ws = open_workstation(data)
    ws.config.set("ui.language", "en")
    ws.config.save()
    ws.close()
    text = help_text(data, "sync")
    assert not re.search(r"[\u4e00-\u9fff]{4,}", text.replace("出件", "").replace("撤回", "")), text
    assert "--once" in text and "sync" in text.lower()
    assert "platform" in help_text(data, "hub").lower() or "hub" in help_text(data, "hub").lower()


def test_the_check_finds_an_english_sentence():
    assert english_sentences("  --quiet     print nothing but errors\n")
    assert not english_sentences("  --quiet     只报告错误（yichuang sync hub-key）\n")
