"""The admin command line, as scripts use it: real processes, exit codes, stdout/stderr."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(data: Path | None, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("YICHUANG_DATA_DIR", None)
    cmd = [sys.executable, "-m", "app", *args] + (["--data-dir", str(data)] if data else [])
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, input=stdin)


def test_version():
    r = run(None, "--version")
    assert r.returncode == 0 and r.stdout.startswith("yichuang ")


def test_config_get_set(tmp_path: Path):
    assert run(tmp_path, "config", "set", "workstation.id", "07").returncode == 0
    r = run(tmp_path, "config", "get", "workstation.id")
    assert r.returncode == 0 and r.stdout.strip() == "07"
    bad = run(tmp_path, "config", "set", "office.code", "abc")
    assert bad.returncode == 1 and "office.code" in bad.stderr
    assert run(tmp_path, "config", "get", "no.such").returncode == 1


def test_env_var_selects_the_data_dir(tmp_path: Path):
    e = {**os.environ, "PYTHONPATH": str(ROOT), "YICHUANG_DATA_DIR": str(tmp_path / "envdir")}
    r = subprocess.run(
        [sys.executable, "-m", "app", "config", "get", "office.code"],
        cwd=ROOT,
        env=e,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0 and (tmp_path / "envdir" / "config.toml").exists()


def test_seed_list_show(tmp_path: Path):
    r = run(tmp_path, "demo", "seed", "--cases", "60")
    assert r.returncode == 0, r.stderr
    r = run(tmp_path, "case", "list", "--json", "--limit", "1000")
    cases = json.loads(r.stdout)
    assert len(cases) == 60
    assert len({c["number"] for c in cases}) == 60
    assert {c["state"] for c in cases} >= {"accepted"}
    assert len({c["subject"]["code"] for c in cases}) > 5
    one = cases[0]
    r = run(tmp_path, "case", "show", one["number"], "--json")
    shown = json.loads(r.stdout)
    assert shown["number"] == one["number"] and len(shown["events"]) == 2 and shown["materials"]
    # the output masks the ID number (personal data); the clerk types the whole one to find
    import sqlite3

    con = sqlite3.connect(tmp_path / "yichuang.db")
    [(full_id,)] = con.execute(
        "select applicant_id_number from case_record where number = ?", (one["number"],)
    )
    con.close()
    assert "*" in one["applicant"]["id_number"] and full_id not in r.stdout
    r = run(tmp_path, "case", "list", "--json", "--find", full_id)
    assert one["number"] in {c["number"] for c in json.loads(r.stdout)}
    text = run(tmp_path, "case", "show", one["number"])
    assert text.returncode == 0 and one["number"] in text.stdout
    missing = run(tmp_path, "case", "show", "320724100-01-200101-0001-G")
    assert missing.returncode == 1 and "没有找到" in missing.stderr


def test_catalog_round_trip_and_refusal(tmp_path: Path):
    out = tmp_path / "cat.json"
    assert run(tmp_path, "catalog", "export", str(out)).returncode == 0
    original = out.read_bytes()
    assert run(tmp_path, "catalog", "import", str(out)).returncode == 0
    again = tmp_path / "again.json"
    assert run(tmp_path, "catalog", "export", str(again)).returncode == 0
    assert again.read_bytes() == original

    data = json.loads(original)
    data["matters"][0]["promised_days"] = data["matters"][0]["legal_days"] + 5
    data["bundles"][0]["matters"].append("NO-SUCH-MATTER")
    data["version"] = "broken"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    r = run(tmp_path, "catalog", "import", str(bad))
    assert r.returncode == 1
    assert "bad.json" in r.stderr and "/matters/0" in r.stderr and "/bundles/0" in r.stderr
    assert "未导入任何内容" in r.stderr and "不能超过法定时限" in r.stderr and "未知事项" in r.stderr
    assert run(tmp_path, "catalog", "export", str(again)).returncode == 0
    assert again.read_bytes() == original  # still the old catalogue


def test_unwritable_data_dir_exit_code(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    r = run(blocker / "data", "case", "list")
    assert r.returncode == 1 and "无法写入" in r.stderr


SECRET = "s3cr3t-Token-9f8e7d6c5b4a"


def test_config_get_never_prints_the_hub_token(tmp_path: Path):
    assert run(tmp_path, "config", "set", "hub.token", "-", stdin=SECRET + "\n").returncode == 0
    every = run(tmp_path, "config", "get")
    one = run(tmp_path, "config", "get", "hub.token")
    assert every.returncode == 0 and one.returncode == 0
    assert SECRET not in every.stdout + every.stderr and SECRET[4:] not in every.stdout
    assert SECRET not in one.stdout + one.stderr
    assert one.stdout.strip() == "s3cr****"
    assert "hub.token = s3cr****" in every.stdout
    # A bad value is refused without echoing it.
    bad = run(tmp_path, "config", "set", "hub.token", "-", stdin=SECRET + "\x1b\n")
    assert bad.returncode == 1 and SECRET not in bad.stderr and "hub.token" in bad.stderr
    assert "s3cr" in run(tmp_path, "config", "get", "hub.token").stdout  # the stored one is kept
