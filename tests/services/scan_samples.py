"""Real scan files for the scanner inbox tests and benchmark: made by Pillow, not by hand."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path


def jpeg(seed: int = 0, size: tuple[int, int] = (320, 240)) -> bytes:
    from PIL import Image

    im = Image.new("RGB", size, (seed * 37 % 256, 200, 255 - seed % 256))
    out = io.BytesIO()
    im.save(out, "JPEG", quality=80)
    return out.getvalue()


def png(seed: int = 0) -> bytes:
    from PIL import Image

    im = Image.new("L", (200, 100), seed % 256)
    out = io.BytesIO()
    im.save(out, "PNG")
    return out.getvalue()


def tiff(pages: int = 3) -> bytes:
    from PIL import Image

    frames = [Image.new("1", (160, 220), i % 2) for i in range(pages)]
    out = io.BytesIO()
    frames[0].save(out, "TIFF", save_all=True, append_images=frames[1:])
    return out.getvalue()


def pdf(pages: int = 2, seed: int = 0, pad: int = 0) -> bytes:
    """A PDF as scanners write it (Pillow's PDF writer: page objects in the clear)."""
    from PIL import Image

    frames = [Image.new("RGB", (120, 160), (seed % 256, i * 40 % 256, 90)) for i in range(pages)]
    out = io.BytesIO()
    frames[0].save(out, "PDF", save_all=True, append_images=frames[1:], title="x" * pad)
    return out.getvalue()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
