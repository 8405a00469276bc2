"""Attachments (scans): one upload slot per (sha256, office), so one office can neither block
nor read another's."""

from __future__ import annotations

from sqlalchemy import insert, select, update

from sync.hub.db import HubDB, utcnow
from sync.hub.principal import Principal
from sync.hub.schema import attachment_t


class Attachments:
    def __init__(self, db: HubDB) -> None:
        self.db = db

    def attachment(self, sha: str, office: str) -> dict | None:
        with self.db.ro() as c:
            r = c.execute(
                select(attachment_t).where(attachment_t.c.sha256 == sha, attachment_t.c.office == office)
            ).first()
        return None if r is None else dict(r._mapping)

    def attachment_readable(self, who: Principal, sha: str) -> bool:
        """Whether ``who`` may read the scan: a complete upload by an office it may read."""
        with self.db.ro() as c:
            offices = c.execute(
                select(attachment_t.c.office).where(attachment_t.c.sha256 == sha, attachment_t.c.complete)
            ).scalars()
            return any(who.may_read_office(o) for o in offices)

    def create_attachment(self, sha: str, length: int, case_number: str, office: str) -> dict:
        """The office's slot for ``sha``. An unfinished slot announced with another length is
        reset to the new one: whoever holds the real content finishes it (the sha256 decides)."""
        with self.db.tx() as c:
            key = (attachment_t.c.sha256 == sha, attachment_t.c.office == office)
            r = c.execute(select(attachment_t).where(*key)).first()
            if r is None:
                row = {
                    "sha256": sha,
                    "office": office,
                    "length": length,
                    "offset": 0,
                    "complete": False,
                    "case_number": case_number,
                    "created_at": utcnow(),
                }
                c.execute(insert(attachment_t).values(**row))
                return row
            if r.length != length and not r.complete:
                c.execute(update(attachment_t).where(*key).values(length=length, offset=0))
                return {**dict(r._mapping), "length": length, "offset": 0, "reset": True}
            return dict(r._mapping)

    def set_attachment_offset(self, sha: str, office: str, offset: int, complete: bool) -> None:
        with self.db.tx() as c:
            c.execute(
                update(attachment_t)
                .where(attachment_t.c.sha256 == sha, attachment_t.c.office == office)
                .values(offset=offset, complete=complete)
            )
