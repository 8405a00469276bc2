"""Hubs as real processes (SQLite or PostgreSQL) and workstations on real stores, for every test package.

The fixtures that use these (`hub`, `sqlite_hub`, `console_hub`, `hub_db`, `pg_cluster`) are in
tests/conftest.py."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

import app.store.sync_models  # noqa: F401  (registers the sync tables)
from tests.sync.pg import free_port

ROOT = Path(__file__).resolve().parents[1]
OFFICE, WSID = "320724100", "01"


def ycli(
    *args: str, check: bool = True, timeout: float = 120, env: dict | None = None
) -> subprocess.CompletedProcess:
    """`yichuang ARGS` in a child process."""
    full_env = {**os.environ, **(env or {})}
    r = subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=full_env,
    )
    if check and r.returncode != 0:
        raise AssertionError(f"yichuang {' '.join(args)} -> {r.returncode}\n{r.stdout}\n{r.stderr}")
    return r


class HubProcess:
    def __init__(
        self,
        data_dir: Path,
        db_url: str | None = None,
        extra: tuple[str, ...] = (),
        env: dict[str, str] | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.db_url = db_url
        self.port = free_port()
        self.extra = extra
        self.env = env  # added to this process's environment (e.g. YICHUANG_UPSTREAM_TOKEN)
        self.proc: subprocess.Popen | None = None
        self.log = data_dir.parent / f"{data_dir.name}.log"

    @property
    def url(self) -> str:
        return f"{'https' if '--tls-cert' in self.extra else 'http'}://127.0.0.1:{self.port}"

    def _db(self) -> list[str]:
        return ["--db", self.db_url] if self.db_url else []

    def start(self) -> HubProcess:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "app",
                "hub",
                "serve",
                "--data-dir",
                str(self.data_dir),
                "--port",
                str(self.port),
                *self._db(),
                *self.extra,
            ],
            cwd=ROOT,
            stdout=open(self.log, "ab"),
            stderr=subprocess.STDOUT,
            env={**os.environ, **self.env} if self.env else None,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"hub exited: {self.log.read_text(errors='replace')[-2000:]}")
            try:
                if httpx.get(self.url + "/healthz", timeout=1, verify=False).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise AssertionError("hub did not start")

    def kill9(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill9()

    def token(self, role: str, office: str = "", ws: str = "", name: str = "") -> str:
        """A new token, made in-process on the hub's database (the CLI is tested on its own)."""
        st = self.store()
        try:
            return st.add_token(role, office, ws, name)
        finally:
            st.close()

    def store(self):
        from sync.hub.store import open_hub

        return open_hub(self.data_dir, self.db_url)


# The console's users (tests/browsers.py logs them in): a password that meets the rules, and two
# departments of the demo catalogue.
PASSWORD = "Secret-pass1"
SCJG = "320724-SCJG"  # 市场监管局
XZSP = "320724-XZSP"  # 行政审批局


class ConsoleHub(HubProcess):
    """A hub process with helpers to make console users on its database."""

    def add_user(self, name: str, role: str = "backoffice", password: str = PASSWORD, depts=(SCJG,)):
        from sync.hub.console_store import ConsoleStore

        st = self.store()
        try:
            return ConsoleStore(st).add_user(name, role, password, list(depts))
        finally:
            st.close()

    def user(self, name: str):
        from sync.hub.console_store import ConsoleStore

        st = self.store()
        try:
            return ConsoleStore(st).user_by_name(name)
        finally:
            st.close()

    def console(self, path: str = "/") -> str:
        return f"{self.url}/console{path}"


def make_workstation(
    data_dir: Path,
    url: str,
    token: str,
    *,
    cases: int = 0,
    seed: int = 7,
    clock=None,
    office: str = OFFICE,
    wsid: str = WSID,
):
    """A workstation on a real store, set up for the hub at ``url``, with ``cases`` cases.

    The cases are decided by the intake service's writer, as at the window (demo seed goes
    through IntakeService.decide_many): the same rows and event payloads the window syncs.
    """
    from app.services.demo import seed_cases
    from app.services.workstation import open_workstation

    ws = open_workstation(data_dir, **({"clock": clock} if clock else {}))
    ws.config.set("office.code", office)
    ws.config.set("workstation.id", wsid)
    ws.config.set("hub.url", url)
    ws.config.set("hub.token", token)
    ws.config.save()
    if cases:
        seed_cases(ws, cases, seed=seed, days=5)
    return ws


def private_file(path: Path, text: str) -> Path:
    """A secret in a file only this user can read (what `--upstream-token-file` asks for)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text + "\n")
    os.chmod(path, 0o600)
    return path
