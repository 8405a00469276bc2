"""Issue 16 §5: the window's and the hub's data dirs are 0700 and their files 0600 whatever the umask.

Every kind of file is made by a real `yichuang` process started under umask 022 (the usual)
and 000 (the worst): the settings (with hub.token), the store with its -wal/-shm while it is
open, the workstation's key, printed documents, a scan copied in, backups (in the data dir and
in a folder of their own), a bundle, a crash log; at the hub its database, key and the blobs
of an uploaded scan and of an imported bundle. Then every folder must be 0700 and every file
0600. A doctor run on a dir left readable warns, in Chinese, with the command that fixes it.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.hubs import OFFICE, ROOT, WSID
from tests.services import scan_samples
from tests.sync.pg import free_port


def _env(extra: dict | None = None) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for k in ("YICHUANG_DATA_DIR", "YICHUANG_DB_PASSPHRASE", "YICHUANG_HUB_DIR"):
        env.pop(k, None)
    env.update(extra or {})
    return env


def yc(
    umask: int, *args: str, env: dict | None = None, check: bool = True, timeout: float = 180, stdin: str = ""
):
    """`yichuang ARGS` as a process started under `umask`."""
    r = subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=ROOT,
        env=_env(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        umask=umask,
        input=stdin,
    )
    if check and r.returncode != 0:
        raise AssertionError(f"yichuang {' '.join(args)} -> {r.returncode}\n{r.stdout}\n{r.stderr}")
    return r


def loose(root: Path) -> list[str]:
    """Every folder under `root` that is not 0700 and every file that is not 0600."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        for name in [*dirnames, *filenames]:
            p = Path(dirpath) / name
            st = os.lstat(p)
            if stat.S_ISLNK(st.st_mode):
                continue
            want = 0o700 if stat.S_ISDIR(st.st_mode) else 0o600
            if stat.S_IMODE(st.st_mode) != want:
                out.append(f"{p.relative_to(root.parent)} {stat.S_IMODE(st.st_mode):04o}")
    st = os.stat(root)
    if stat.S_IMODE(st.st_mode) != 0o700:
        out.append(f"{root} {stat.S_IMODE(st.st_mode):04o}")
    return out


def kinds(root: Path) -> set[str]:
    return {p.relative_to(root).parts[0] for p in root.rglob("*")}


class Hub:
    """`yichuang hub serve` started under a umask (tests.hubs.HubProcess cannot set one)."""

    def __init__(self, data_dir: Path, umask: int) -> None:
        self.data_dir, self.port = data_dir, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        log = open(data_dir.parent / "hub.log", "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "app",
                "hub",
                "serve",
                "--data-dir",
                str(data_dir),
                "--port",
                str(self.port),
            ],
            cwd=ROOT,
            env=_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            umask=umask,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, (data_dir.parent / "hub.log").read_text(errors="replace")
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise AssertionError("hub did not start")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(15)


def wait_for(predicate, timeout: float = 60.0, what: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.parametrize("umask", [0o022, 0o000], ids=["umask022", "umask000"])
def test_every_file_of_the_window_and_the_hub_is_private(tmp_path: Path, umask: int) -> None:
    data, hub_dir = tmp_path / "data", tmp_path / "hub"
    d = ["--data-dir", str(data)]
    hub = Hub(hub_dir, umask)
    try:
        # settings; the store and cases, a receipt printed to prints/ (signed: keys/ is made)
        for key, value in (
            ("office.code", OFFICE),
            ("workstation.id", WSID),
            ("hub.url", hub.url),
            ("scanner.inbox", str(tmp_path / "inbox")),
        ):
            yc(umask, "config", "set", key, value, *d)
        yc(umask, "demo", "seed", "--cases", "3", *d)
        number = json.loads(yc(umask, "case", "list", "--json", *d).stdout)[0]["number"]
        yc(umask, "case", "print", number, *d)
        from printing.signing import Signer

        public = Signer.load(data / "keys" / "workstation.key").public_key_b64()
        token = (
            yc(
                umask,
                *("hub", "add-token", "--role", "workstation", "--office", OFFICE, "--workstation", WSID),
                *("--public-key", public, "--data-dir", str(hub_dir)),
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        yc(umask, "config", "set", "hub.token", "-", *d, stdin=token)  # the settings now hold the hub token
        # a scan copied in from the scanner's folder by `scans watch`, which holds the store
        # open meanwhile: its -wal and -shm are looked at while they exist
        watch = subprocess.Popen(
            [sys.executable, "-m", "app", "scans", "watch", *d],
            cwd=ROOT,
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            umask=umask,
        )
        try:
            scan_samples.write(tmp_path / "inbox" / "身份证.pdf", scan_samples.pdf(seed=3))
            wait_for(lambda: list((tmp_path / "inbox" / "archive").rglob("*.pdf")), what="the scan taken")
            sides = wait_for(
                lambda: [p for p in data.glob("yichuang.db-*") if p.name.endswith(("-wal", "-shm"))][1:],
                what="the open store's -wal and -shm",
            )
            assert [f"{p.name} {stat.S_IMODE(p.stat().st_mode):04o}" for p in data.glob("yichuang.db-*")] == [
                f"{p.name} 0600" for p in data.glob("yichuang.db-*")
            ], sides
        finally:
            watch.terminate()
            watch.wait(30)
        assert list((data / "blobs").glob("*"))
        # a scan attached by command, then a bundle of everything unsent
        attach = scan_samples.write(tmp_path / "a.pdf", scan_samples.pdf(seed=5))
        yc(umask, "sync", "attach", number, str(attach), *d)
        yc(umask, "sync", "export-bundle", str(data / "out.bundle"), *d)
        # backups: the default folder in the data dir, and one of their own
        yc(umask, "backup", *d)
        yc(umask, "backup", str(tmp_path / "elsewhere" / "backups"), *d)
        # the hub: the bundle imported by command (blobs), then the window syncs (an upload)
        yc(umask, "hub", "import-bundle", str(data / "out.bundle"), "--data-dir", str(hub_dir))
        attach = scan_samples.write(tmp_path / "b.pdf", scan_samples.pdf(seed=9))
        yc(umask, "sync", "attach", number, str(attach), *d)
        yc(umask, "sync", "--once", *d)
        assert loose(hub_dir) == []  # while it runs: hub.db's -wal and -shm too
    finally:
        hub.stop()
    # a crash of the window leaves a log (a damaged catalogue, as tests/ui/test_crash.py)
    (data / "catalogue").mkdir(exist_ok=True)
    (data / "catalogue" / "current.json").write_text('{"version": "2026.1", "matt', encoding="utf-8")
    os.chmod(data / "catalogue" / "current.json", 0o600)  # written by the test, not by yichuang
    r = yc(umask, *d, env={"YICHUANG_HEADLESS": "1"}, check=False)
    assert r.returncode != 0 and list((data / "logs").glob("crash-*.log")), r.stderr[-2000:]

    made = kinds(data)
    assert made >= {
        "config.toml",
        "yichuang.db",
        "keys",
        "prints",
        "blobs",
        "backups",
        "logs",
        "out.bundle",
    }, made
    assert list((data / "keys").glob("*.key")) and list((data / "prints").glob("*.bin"))
    assert list((data / "backups").glob("yichuang-*.tar.zst"))
    assert kinds(hub_dir) >= {"hub.db", "keys", "blobs"}
    assert len([p for p in (hub_dir / "blobs").iterdir() if p.is_file()]) >= 2
    assert loose(data) == []
    assert loose(hub_dir) == []
    assert loose(tmp_path / "elsewhere") == []


def test_doctor_warns_about_a_readable_data_dir_and_a_start_makes_it_private(tmp_path: Path) -> None:
    """An older version's data dir (0755, files 0644): doctor says so and how to fix it, in
    Chinese; the next start of any command makes the data dir and its top files private."""
    data = tmp_path / "data"
    d = ["--data-dir", str(data)]
    yc(0o022, "demo", "seed", "--cases", "1", *d)
    assert yc(0o022, "doctor", "--json", *d, check=False).returncode in (0, 3)
    os.chmod(data, 0o755)
    for p in (data / "config.toml", data / "yichuang.db"):
        os.chmod(p, 0o644)
    r = yc(0o022, "doctor", *d, check=False)
    assert r.returncode in (1, 3)
    assert "其他用户也能访问" in r.stdout and "chmod -R go-rwx" in r.stdout, r.stdout
    doc = json.loads(yc(0o022, "doctor", "--json", *d, check=False).stdout)
    [found] = [f for f in doc["findings"] if f["key"] == "files.exposed"]
    assert found["level"] == "warning" and found["data"]["count"] == 3
    assert {p["path"] for p in found["data"]["paths"]} == {
        str(data),
        str(data / "config.toml"),
        str(data / "yichuang.db"),
    }
    assert str(data) in found["advice"]
    # doctor changed nothing
    assert stat.S_IMODE(os.stat(data).st_mode) == 0o755
    # any command opening the data dir makes it private again
    yc(0o022, "case", "list", *d)
    assert loose(data) == []
    doc = json.loads(yc(0o022, "doctor", "--json", *d, check=False).stdout)
    assert [f["level"] for f in doc["findings"] if f["key"].startswith("files.")] == ["ok"]
