"""``usb://VID:PID``: python-escpos ``Usb`` (needs pyusb)."""

from __future__ import annotations

from .base import SENT, Delivery, Printer, PrinterError, Progress


class UsbPrinter(Printer):
    def __init__(self, url: str, vid: int, pid: int) -> None:
        self.url, self.vid, self.pid = url, vid, pid

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
            from escpos.printer import Usb
        except ImportError as e:  # pragma: no cover - python-escpos is a dependency
            raise PrinterError("config", str(e)) from e
        if not Usb.is_usable():
            raise PrinterError("config", "USB printing needs pyusb (pip install pyusb)")
        try:
            p = Usb(self.vid, self.pid, timeout=int(timeout * 1000))
            p.open(raise_not_found=True)
        except Exception as e:
            raise PrinterError("offline", f"usb {self.vid:04x}:{self.pid:04x}: {e}") from e
        try:
            p._raw(data)  # the USB timeout is per transfer: a stall timeout
        except Exception as e:
            kind = "timeout" if "timeout" in str(e).lower() else "disconnected"
            raise PrinterError(
                kind, f"usb {self.vid:04x}:{self.pid:04x}: {e}", written=None, total=len(data)
            ) from e
        finally:
            p.close()
        return SENT
