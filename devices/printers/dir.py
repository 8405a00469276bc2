"""``dir:///path``: one file ``<job_id>.bin`` per job (atomic, idempotent): the embedded default."""

from __future__ import annotations

import os
from pathlib import Path

from .base import SENT, Delivery, Printer, PrinterError, PrivateFiles, Progress, check_job_id


class DirPrinter(Printer):
    def __init__(self, url: str, path: Path, files: PrivateFiles) -> None:
        self.url, self.path, self.files = url, path, files

    def job_path(self, job_id: str) -> Path:
        check_job_id(job_id)
        return self.path / f"{job_id}.bin"

    def send(
        self,
        data: bytes,
        job_id: str,
        timeout: float = 10,
        *,
        confirm: str = "none",
        answer_timeout: float = 5.0,
        progress: Progress | None = None,
    ) -> Delivery:
        final = self.job_path(job_id)
        if final.exists():
            return SENT  # the same job delivered twice is one file
        tmp = self.path / f".{job_id}.{os.getpid()}.tmp"
        try:
            self.files.make_private_dir(self.path)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # printed documents: owner only
            try:
                os.write(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)
            try:
                os.link(tmp, final)  # fails if another sender won the race: still one file
            except FileExistsError:
                pass
            finally:
                os.unlink(tmp)
            dfd = os.open(self.path, os.O_RDONLY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
        except OSError as e:
            raise PrinterError("config", f"{self.path}: {e}") from e
        return SENT
