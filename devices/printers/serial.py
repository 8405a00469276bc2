"""``serial:///dev/ttyUSB0?baudrate=9600``: a serial port, set raw at that speed (termios)."""

from __future__ import annotations

import os
import select
import time

from .base import SENT, Delivery, Printer, PrinterError, Progress


class SerialPrinter(Printer):
    """A tty set raw at ``baudrate`` with termios; no pyserial needed."""

    def __init__(self, url: str, path: str, baudrate: int) -> None:
        self.url, self.path, self.baudrate = url, path, baudrate

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
        import termios
        import tty

        speed = getattr(termios, f"B{self.baudrate}", None)
        if speed is None:
            raise PrinterError("config", f"unsupported baudrate {self.baudrate}")
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_NOCTTY | os.O_NONBLOCK)
        except FileNotFoundError as e:
            raise PrinterError("offline", f"{self.path}: {e}") from e
        except PermissionError as e:
            raise PrinterError("config", f"{self.path}: {e}") from e
        except OSError as e:
            raise PrinterError("offline", f"{self.path}: {e}") from e
        try:
            try:
                tty.setraw(fd)
                attrs = termios.tcgetattr(fd)
                attrs[4] = attrs[5] = speed
                termios.tcsetattr(fd, termios.TCSANOW, attrs)
            except termios.error as e:
                raise PrinterError("config", f"{self.path}: not a serial port ({e})") from e
            view = memoryview(data)
            sent = 0
            last = time.monotonic()  # a stall is no progress for `timeout` s, not a total time
            while sent < len(view):
                left = last + timeout - time.monotonic()
                if left <= 0:
                    raise PrinterError(
                        "timeout",
                        f"{self.path}: {sent}/{len(data)} bytes sent",
                        written=sent,
                        total=len(data),
                    )
                _, w, _ = select.select([], [fd], [], left)
                if not w:
                    continue
                try:
                    n = os.write(fd, view[sent : sent + 4096])
                except BlockingIOError:
                    continue
                except OSError as e:
                    raise PrinterError(
                        "disconnected", f"{self.path}: {e}", written=sent, total=len(data)
                    ) from e
                if n:
                    sent += n
                    last = time.monotonic()
                    if progress is not None:
                        progress(sent)
            return SENT  # opened write-only: a serial printer cannot confirm here
        finally:
            os.close(fd)
