"""app.services.idcard: the poller the window's worker calls, through the simulated reader
(real pyserial on a pty pair) and the real configuration file."""

from __future__ import annotations

import datetime as dt
import time
from types import SimpleNamespace

import pytest

from app.config import ConfigError, load_config
from app.services.idcard import (
    CardPoller,
    CardPresented,
    CardReadFailed,
    ReaderBack,
    ReaderLost,
    check_card,
    configured,
)
from tests.devices import cards
from tests.idcard_sim import SimReader

TODAY = dt.date(2026, 12, 6)


def events(poller: CardPoller, seconds: float) -> list:
    """Every event within ``seconds``, as a worker calling next_event in a loop would get them."""
    out, end = [], time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        ev = poller.next_event(min(0.3, left))
        if ev is not None:
            out.append(ev)
    return out


def first(poller: CardPoller, kind: type, seconds: float = 8.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        ev = poller.next_event(0.3)
        if isinstance(ev, kind):
            return ev
    raise AssertionError(f"no {kind.__name__} within {seconds} s")


@pytest.fixture
def sim():
    with SimReader() as s:
        yield s


@pytest.fixture
def poller(sim):
    p = CardPoller((sim.path, 115200), answer_timeout=1.0, today=lambda: TODAY)
    yield p
    p.close()


def test_a_card_lying_on_the_reader_is_presented_once(sim, poller):
    assert poller.next_event(0.3) is None  # nothing on the reader
    sim.put(cards.RESIDENT)
    got = events(poller, 1.5)
    assert got == [CardPresented(cards.RESIDENT, None, "")]
    sim.remove()
    assert events(poller, 0.5) == []
    sim.put(cards.RESIDENT)  # laid again after being lifted: a new read
    assert [type(e) for e in events(poller, 1.0)] == [CardPresented]


def test_expired_card_carries_the_date(sim, poller):
    sim.put(cards.EXPIRED)
    ev = first(poller, CardPresented)
    assert ev.problem == "idcard.expired" and "2020-01-01" in ev.problem_text


def test_sex_and_birth_are_checked_against_the_number():
    problem, text = check_card(cards.MISMATCH, TODAY)
    assert problem == "idcard.sex_mismatch" and text
    wrong_birth = cards.RESIDENT.__class__(**{**cards.RESIDENT.__dict__, "birth": dt.date(1985, 3, 18)})
    assert check_card(wrong_birth, TODAY)[0] == "idcard.birth_mismatch"
    bad_number = cards.RESIDENT.__class__(**{**cards.RESIDENT.__dict__, "id_number": "320724198503170046"})
    assert check_card(bad_number, TODAY)[0] == "idcard.number_invalid"
    assert check_card(cards.RESIDENT, TODAY) == (None, "")
    assert check_card(cards.HKMO, dt.date(2024, 1, 1)) == (None, "")
    assert check_card(cards.FOREIGN_2017, TODAY) == (None, "")
    assert check_card(cards.FOREIGN_2023, TODAY) == (None, "")


def test_foreigners_card_is_recognised(sim, poller):
    sim.put(cards.FOREIGN_2017)
    ev = first(poller, CardPresented)
    assert ev.card.card_type == "foreign_permanent" and ev.card.english_name == "SMITH, JOHN"


def test_card_lifted_mid_read_then_laid_again(sim, poller):
    sim.mode = "removed"
    sim.put(cards.RESIDENT)
    got = events(poller, 0.6)  # one failed read: said once (lay it again), no lost reader
    assert [type(e) for e in got] == [CardReadFailed] and "read" in got[0].reason
    sim.mode = "normal"
    sim.put(cards.RESIDENT)
    assert isinstance(first(poller, CardPresented), CardPresented)


@pytest.mark.parametrize("mode", ["bad_checksum", "truncated"])
def test_a_broken_frame_is_retried_not_presented_half(sim, poller, mode):
    sim.mode = mode
    sim.put(cards.RESIDENT)
    got = events(poller, 0.5)
    assert not any(isinstance(e, CardPresented) for e in got)
    assert [type(e) for e in got][:1] == [CardReadFailed]  # the clerk is told, once a run
    assert sum(isinstance(e, CardReadFailed) for e in got) == 1
    sim.mode = "normal"
    assert first(poller, CardPresented).card == cards.RESIDENT


def test_a_silent_reader_is_lost_and_back(sim, poller):
    sim.mode = "silent"
    lost = first(poller, ReaderLost)
    assert "no answer" in lost.reason
    assert not any(isinstance(e, ReaderLost) for e in events(poller, 0.8))  # said once
    sim.mode = "normal"
    assert isinstance(first(poller, ReaderBack), ReaderBack)


def test_garbage_makes_the_reader_lost_after_a_few_tries(sim, poller):
    sim.mode = "garbage"
    assert "noise" in first(poller, ReaderLost).reason
    sim.mode = "normal"
    first(poller, ReaderBack)


def test_a_slow_reader_still_reads(sim):
    sim.mode, sim.slow_delay = "slow", 0.2
    p = CardPoller((sim.path, 115200), answer_timeout=1.0, today=lambda: TODAY)
    try:
        sim.put(cards.RESIDENT)
        assert first(p, CardPresented).card == cards.RESIDENT
    finally:
        p.close()


def test_unplug_and_replug_recover_by_themselves(sim, poller):
    sim.put(cards.RESIDENT)
    first(poller, CardPresented)
    sim.unplug()
    assert isinstance(first(poller, ReaderLost), ReaderLost)
    assert events(poller, 0.5) == []
    sim.replug()
    sim.put(cards.HKMO)
    got = events(poller, 1.5)
    assert isinstance(got[0], ReaderBack)
    assert [e.card for e in got[1:] if isinstance(e, CardPresented)] == [cards.HKMO]


def test_config_keys_and_configured(tmp_path):
    cfg = load_config(tmp_path)
    assert cfg.get("idcard.port") == "" and cfg.get("idcard.baud") == 115200
    assert not configured(SimpleNamespace(config=cfg))
    cfg.set("idcard.port", "/dev/ttyUSB0")
    cfg.set("idcard.baud", "9600")
    cfg.save()
    again = load_config(tmp_path)
    assert again.get("idcard.port") == "/dev/ttyUSB0" and again.get("idcard.baud") == 9600
    assert configured(SimpleNamespace(config=again))
    with pytest.raises(ConfigError, match="115200"):
        cfg.set("idcard.baud", "12345")


def test_poller_from_the_workstation_config(sim, tmp_path):
    cfg = load_config(tmp_path)
    cfg.set("idcard.port", sim.path)
    p = CardPoller(SimpleNamespace(config=cfg), today=lambda: TODAY)
    try:
        sim.put(cards.LONG_TERM)
        assert first(p, CardPresented).card.valid_to is None
    finally:
        p.close()


# --- `yichuang idcard read`: the real CLI in a subprocess -----------------------------------
def idcard_cli(data_dir, *args: str):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "YICHUANG_DATA_DIR"}
    return subprocess.run(
        [sys.executable, "-m", "app", "idcard", "read", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_cli_reads_one_card_as_json_with_the_contract_keys(sim, tmp_path):
    import json

    sim.put(cards.RARE_NAME)
    r = idcard_cli(tmp_path, "--port", sim.path, "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == {
        "name": "𠀀䶮",
        "sex": "1",
        "nation": "01",
        "birth": "1949-12-31",
        "address": "北京市朝阳区",
        "id_number": "110105194912310011",
        "issuer": "北京市公安局朝阳分局",
        "valid_from": "2020-01-01",
        "valid_to": "2040-01-01",
        "card_type": "resident",
    }


def test_cli_uses_the_configured_port_and_names_the_card_type(sim, tmp_path):
    cfg = load_config(tmp_path)
    cfg.set("idcard.port", sim.path)
    cfg.save()
    sim.put(cards.FOREIGN_2017)
    r = idcard_cli(tmp_path)
    assert r.returncode == 0, r.stderr
    assert "外国人永久居留身份证" in r.stdout and "约翰" in r.stdout and "性别: 男" in r.stdout


def test_cli_warns_of_an_expired_card(sim, tmp_path):
    sim.put(cards.EXPIRED)
    r = idcard_cli(tmp_path, "--port", sim.path, "--json")
    assert r.returncode == 0 and "2020-01-01" in r.stderr


def test_cli_exit_1_without_card_reader_or_port(sim, tmp_path):
    r = idcard_cli(tmp_path, "--port", sim.path, "--wait", "0.5")
    assert r.returncode == 1 and "0.5 秒内" in r.stderr and r.stdout == ""
    r = idcard_cli(tmp_path)
    assert r.returncode == 1 and "idcard.port" in r.stderr
    sim.mode = "silent"
    r = idcard_cli(tmp_path, "--port", sim.path)
    assert r.returncode == 1 and "无应答" in r.stderr
    r = idcard_cli(tmp_path, "--port", str(tmp_path / "no-such-tty"))
    assert r.returncode == 1 and "无应答" in r.stderr


# --- `yichuang doctor`: the configured reader ------------------------------------------------
def doctor_json(data_dir) -> dict:
    import json
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "YICHUANG_DATA_DIR"}
    r = subprocess.run(
        [sys.executable, "-m", "app", "doctor", "--json", "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    return {f["key"]: f for f in json.loads(r.stdout)["findings"]}


def test_doctor_checks_the_configured_reader(sim, tmp_path):
    assert doctor_json(tmp_path)["idcard.none"]["level"] == "info"
    cfg = load_config(tmp_path)
    cfg.set("idcard.port", sim.path)
    cfg.save()
    found = doctor_json(tmp_path)["idcard.reader"]
    assert found["level"] == "ok" and found["data"]["sam_id"] == "05.01-20100730-0000012345-1234567890"
    sim.mode = "silent"
    found = doctor_json(tmp_path)["idcard.reader"]
    assert found["level"] == "error" and "无应答" in found["message"] and found["advice"]
