"""Who calls the hub (a token's role and scope) and how a write is refused."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Principal:
    """Who is calling: a token's role and scope."""

    role: str
    office: str
    ws: str
    name: str
    token_hash: str = field(repr=False, default="")
    public_key: str = ""  # the workstation's Ed25519 key (base64), when the hub's admin bound it

    @property
    def token_id(self) -> str:
        """What names a token in lists, bundles and revocations (never the token itself)."""
        return self.token_hash[:16]

    @property
    def identity(self) -> str:
        if self.role == "workstation":
            return f"{self.office}/{self.ws}"
        return f"{self.role}:{self.name or self.office}"

    def may_write_office(self, office: str) -> bool:
        if self.role == "workstation":
            return office == self.office
        if self.role == "hub":
            return office.startswith(self.office)
        return False

    def may_read_office(self, office: str) -> bool:
        if self.role == "backoffice":
            return not self.office or office.startswith(self.office)
        return self.may_write_office(office)

    def may_author(self, office: str, ws: str) -> bool:
        """Authorship comes from the token: a window writes only as itself; a hub forwards its
        county's windows' events."""
        if self.role == "workstation":
            return office == self.office and ws == self.ws
        if self.role == "hub":
            return office.startswith(self.office)
        return False


class Refusal(Exception):
    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
