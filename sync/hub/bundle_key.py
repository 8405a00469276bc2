"""The hub's bundle key: the X25519 key that windows seal their bundles to (issue 16 §5).

The private key is ``<hub data dir>/keys/bundle.key`` (PKCS#8 PEM, 0600 in a 0700 folder),
made on first need; windows learn the public half with each pull (``bk`` in the answer, when
the fingerprint they name differs) or from ``yichuang hub bundle-key`` at enrolment. Several
hub processes serving one county must share this file (copy it with the data dir).
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from app.private_files import make_private_dir
from sync.sealing import fingerprint

KEY_FILE = Path("keys") / "bundle.key"


@dataclass(frozen=True)
class BundleKey:
    private: X25519PrivateKey

    @property
    def public_raw(self) -> bytes:
        return self.private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )

    @property
    def public_b64(self) -> str:
        return base64.b64encode(self.public_raw).decode("ascii")

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_raw)


def key_path(data_dir: Path) -> Path:
    return Path(data_dir) / KEY_FILE


def load_or_create(data_dir: Path) -> BundleKey:
    """The hub's key, generated first when there is none. Two processes starting at once end
    with the same key: a new one is linked into place only where none exists."""
    path = key_path(data_dir)
    if not path.exists():
        make_private_dir(path.parent)
        pem = X25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, pem)
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)  # another process won: its key is the one
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    return load(path)


def load(path: Path) -> BundleKey:
    key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    if not isinstance(key, X25519PrivateKey):
        raise ValueError(f"{path}: not an X25519 private key")
    return BundleKey(key)
