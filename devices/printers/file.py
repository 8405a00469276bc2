"""``file:///path``: append the raw bytes to a file (created private: see PrivateFiles)."""

from __future__ import annotations

import os
from pathlib import Path

from .base import SENT, Delivery, Printer, PrinterError, PrivateFiles, Progress


class FilePrinter(Printer):
    def __init__(self, url: str, path: Path, files: PrivateFiles) -> None:
        self.url, self.path, self.files = url, path, files

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
        try:
            with self.files.open_private(self.path, "ab") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
        except OSError as e:
            raise PrinterError("config", f"{self.path}: {e}") from e
        return SENT
