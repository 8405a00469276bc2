"""``cups://QUEUE``: ``lp -d QUEUE -o raw``."""

from __future__ import annotations

import subprocess

from .base import SENT, Delivery, Printer, PrinterError, Progress, check_job_id


class CupsPrinter(Printer):
    def __init__(self, url: str, queue: str) -> None:
        self.url, self.queue = url, queue

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
        check_job_id(job_id)
        cmd = ["lp", "-d", self.queue, "-o", "raw", "-t", job_id]
        try:
            r = subprocess.run(cmd, input=data, capture_output=True, timeout=timeout)
        except FileNotFoundError as e:
            raise PrinterError("config", "CUPS client 'lp' not found") from e
        except subprocess.TimeoutExpired as e:
            raise PrinterError("timeout", f"lp -d {self.queue}: timed out") from e
        if r.returncode != 0:
            msg = r.stderr.decode("utf-8", "replace").strip()
            low = msg.lower()
            if "does not exist" in low or "unknown destination" in low:
                raise PrinterError("config", msg)
            if "not accepting" in low:
                raise PrinterError("refused", msg)
            raise PrinterError("offline", msg or f"lp exited {r.returncode}")
        return SENT  # CUPS took the job; whether paper came out is not known here
