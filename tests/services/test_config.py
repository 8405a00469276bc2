"""Configuration: data dir resolution, the TOML file, validated settings."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest

from app.config import ENV_DATA_DIR, ConfigError, load_config, resolve_data_dir


def test_cli_beats_env_beats_platform(tmp_path: Path, monkeypatch):
    monkeypatch.setenv(ENV_DATA_DIR, str(tmp_path / "env"))
    assert resolve_data_dir(tmp_path / "cli") == tmp_path / "cli"
    assert resolve_data_dir(None) == tmp_path / "env"
    monkeypatch.delenv(ENV_DATA_DIR)
    assert "yichuang" in str(resolve_data_dir(None))


def test_first_start_writes_documented_defaults(tmp_path: Path):
    cfg = load_config(tmp_path / "d")
    text = (tmp_path / "d" / "config.toml").read_text(encoding="utf-8")
    assert text.startswith("# yichuang workstation configuration")
    data = tomllib.loads(text)
    assert data["office"]["code"] == cfg.get("office.code") == "320724100"
    assert cfg.printer_url == f"dir://{tmp_path / 'd' / 'prints'}"


def test_settings_are_validated(tmp_path: Path):
    cfg = load_config(tmp_path)
    for key, value in [
        ("office.code", "12"),
        ("workstation.id", "!!"),
        ("printer.url", "lpt1"),
        ("ui.language", "fr"),
        ("office.name", "中心\x1b@"),
        ("nope.key", "x"),
        ("hub.url", "ftp://x"),
    ]:
        with pytest.raises(ConfigError):
            cfg.set(key, value)
    cfg.set("workstation.id", "a7")
    cfg.set("printer.url", "tcp://127.0.0.1:9100")
    cfg.save()
    again = load_config(tmp_path)
    assert again.get("workstation.id") == "A7"
    assert again.printer_url == "tcp://127.0.0.1:9100"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_data_dir_is_a_clear_error(tmp_path: Path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    with pytest.raises(ConfigError, match="无法写入"):
        load_config(ro / "sub")


def test_unwritable_data_dir_even_as_root(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ConfigError, match="无法写入"):
        load_config(blocker / "data")  # a file where a directory should be
