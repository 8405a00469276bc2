"""A throwaway PostgreSQL cluster for the hub tests (initdb into a temporary dir, 127.0.0.1)."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def pg_bin() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(os.path.realpath(found)).parent
    dirs = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    return Path(dirs[0]) if dirs and Path(dirs[0], "initdb").exists() else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """initdb + pg_ctl start; as root the server runs as the `postgres` user (it refuses root)."""

    def __init__(self, *, durable: bool = False) -> None:
        self.durable = durable  # fsync on, as in production (benchmarks); tests run without
        b = pg_bin()
        if b is None:
            raise RuntimeError(
                "PostgreSQL server binaries not found (sync/tools/ensure_postgres.sh installs them)"
            )
        self.bin = b
        self.dir = Path(tempfile.mkdtemp(prefix="yc-pg-"))
        self.port = free_port()
        self.user = None
        if os.geteuid() == 0:
            try:
                pw = pwd.getpwnam("postgres")
            except KeyError:
                raise RuntimeError(
                    "running as root and there is no `postgres` user to run the server"
                ) from None
            self.user = "postgres"
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        os.chmod(self.dir, 0o700)

    def _run(self, *args: str) -> None:
        cmd = list(args)
        if self.user:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120)

    def start(self) -> Cluster:
        data = self.dir / "data"
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(data),
            "-U",
            "yichuang",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
            "--locale=C",
        )
        opts = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.dir} "
            f"-c max_connections=100"
        )
        if not self.durable:
            opts += " -c fsync=off -c full_page_writes=off"
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            opts,
            "-l",
            str(self.dir / "log"),
            "-w",
            "-t",
            "60",
            "start",
        )
        return self

    def url(self, db: str = "postgres") -> str:
        return f"postgresql+psycopg://yichuang@127.0.0.1:{self.port}/{db}"

    def create_db(self) -> str:
        import psycopg

        name = f"hub_{int(time.time() * 1000) % 10**9}_{os.getpid()}_{free_port()}"
        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=yichuang dbname=postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "immediate", "stop")
        except Exception:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)
