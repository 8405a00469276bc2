"""The command line speaks the configured language (zh by default), help and errors included."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from app.services.intake import IntakeService
from tests.services.test_cli import run
from tests.services.test_intake import applicant, receive_all

# Our commands (sync and hub belong to sync/ and are left out here).
OWN_HELP = [
    (),
    ("run",),
    ("config",),
    ("config", "get"),
    ("config", "set"),
    ("catalog", "import"),
    ("catalog", "export"),
    ("demo", "seed"),
    ("case", "list"),
    ("case", "show"),
    ("case", "print"),
    ("printer", "test"),
]
ENGLISH_WORDS = re.compile(r"\b[a-z]{2,}[ ,'][a-z]{2,}\b")  # two English words in a row


def _prose(help_text: str) -> str:
    """The help text without the usage block and the option/command names on the left."""
    body = help_text.split("\n\n", 1)[1] if "\n\n" in help_text else ""
    lines = []
    for line in body.splitlines():
        if line.startswith(("    sync", "    hub", "                  ")):  # sync/'s own commands
            continue
        line = re.sub(r"\{[^}]*\}|--?[\w-]+|\b[A-Z][A-Z.]*\b", "", line)  # options, choices, metavars
        lines.append(re.sub(r"^\s+[a-z]+\s{2,}", "", line))  # a command's name
    return "\n".join(lines)


@pytest.mark.parametrize("words", OWN_HELP, ids=lambda w: " ".join(w) or "top")
def test_help_is_in_chinese_by_default(tmp_path: Path, words: tuple[str, ...]):
    r = run(tmp_path, *words, "--help")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("用法：")
    assert "显示本帮助并退出" in r.stdout
    prose = _prose(r.stdout)
    assert not ENGLISH_WORDS.search(prose), prose


def test_results_and_errors_are_in_chinese(tmp_path: Path):
    r = run(tmp_path, "demo", "seed", "--cases", "3")
    assert r.returncode == 0 and r.stdout.strip() == "已生成3件演示案件", r.stdout + r.stderr
    bad = run(tmp_path, "config", "set", "printer.url", "lpt1")
    assert bad.returncode == 1 and "printer.url 应以 tcp://" in bad.stderr and "must" not in bad.stderr
    out = tmp_path / "c.json"
    r = run(tmp_path, "catalog", "export", str(out))
    assert r.returncode == 0 and r.stdout.startswith("已把事项清单")
    r = run(tmp_path, "catalog", "import", str(out))
    assert r.returncode == 0 and r.stdout.startswith("已导入事项清单")
    usage = run(tmp_path, "case", "list", "--limit", "x")
    assert usage.returncode == 2 and "错误" in usage.stderr and "error" not in usage.stderr


def test_refused_version_is_reported_in_chinese(tmp_path: Path):
    out = tmp_path / "c.json"
    assert run(tmp_path, "catalog", "export", str(out)).returncode == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    data["version"] = "2026.11-x"
    out.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert run(tmp_path, "catalog", "import", str(out)).returncode == 0
    assert run(tmp_path, "catalog", "import", str(out)).returncode == 0  # the same file again: fine
    data["matters"][0]["fee"] = "收费100元"
    out.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    r = run(tmp_path, "catalog", "import", str(out))
    assert r.returncode == 1
    assert "2026.11-x" in r.stderr and "不能修改" in r.stderr and "未导入任何内容" in r.stderr


def test_job_states_are_words_not_identifiers(ws, data_dir):
    svc = IntakeService(ws)
    draft = receive_all(svc.new_draft("matter", "320724-SCJG-0002"))
    draft.applicant = applicant()
    case = svc.accept(draft).case
    r = run(data_dir, "case", "show", case.number)
    assert r.returncode == 0, r.stderr
    job_line = next(line for line in r.stdout.splitlines() if "受理回执" in line)
    assert re.search(r"受理回执\s+(待打印|已打印|发送中|失败|待重试)", job_line), job_line
    assert not re.search(r"\b(queued|sent|sending|failed)\b", r.stdout)


def test_english_when_configured(tmp_path: Path):
    assert run(tmp_path, "config", "set", "ui.language", "en").returncode == 0
    r = run(tmp_path, "--help")
    assert r.stdout.startswith("usage: ") and "start the workstation" in r.stdout
    r = run(tmp_path, "demo", "seed", "--cases", "2")
    assert r.stdout.strip() == "seeded 2 cases"
    bad = run(tmp_path, "config", "set", "printer.url", "lpt1")
    assert "printer.url must start with" in bad.stderr
