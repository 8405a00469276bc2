"""Catalogue and calendar publishing: the versions the hub serves, and parsed catalogues."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from sqlalchemy import insert, select

from sync import protocol
from sync.hub import news, read_cache
from sync.hub.db import HubDB
from sync.hub.schema import doc_t

CATALOGUE_CACHE = 4  # parsed catalogue versions kept in memory, least recently used out first


def level_of(catalogue, kind: str, code: str) -> str:
    """The highest level that must handle a subject: a bundle reaches the highest of its matters."""
    order = {"county": 0, "city": 1, "province": 2}
    try:
        matters = catalogue.bundle_matters(code) if kind == "bundle" else (catalogue.matter(code),)
    except KeyError:
        return "county"
    return max((m.level for m in matters), key=lambda lv: order.get(lv, 0), default="county")


class Documents:
    def __init__(self, db: HubDB) -> None:
        self.db = db
        # parsed catalogues by version (bounded), and the versions known to be published
        self._catalogues: OrderedDict[str, Any] = OrderedDict()
        self._catalogue_lock = threading.Lock()
        self._published: set[str] = set()

    def publish_defaults(self) -> None:
        """A new hub publishes the demo catalogue and the built-in calendar."""
        if self.current_document("catalogue") is None:
            from forms.loader import catalogue_to_dict, load_demo_catalogue

            self.publish_document("catalogue", catalogue_to_dict(load_demo_catalogue()))
        if self.current_document("calendar") is None:
            from app.domain.workdays import load_calendar

            self.publish_document("calendar", load_calendar(None).to_dict())

    def publish_document(self, kind: str, doc: dict) -> str:
        version = str(doc["version"])
        with self.db.tx() as c:
            exists = c.execute(
                select(doc_t.c.version).where(doc_t.c.kind == kind, doc_t.c.version == version)
            ).first()
            if exists is None:
                seq = self.db.next_seqs(c, 1)
                c.execute(
                    insert(doc_t).values(kind=kind, version=version, seq=seq, body=protocol.compress(doc))
                )
                read_cache.bump(c)  # the versions every pull names
                news.mark(c, [news.ALL])  # and held pulls answer with it now (sync.hub.news)
        if kind == "catalogue":
            self._published.add(version)
        return version

    def current_document(self, kind: str) -> tuple[str, dict] | None:
        with self.db.ro() as c:
            r = c.execute(
                select(doc_t).where(doc_t.c.kind == kind).order_by(doc_t.c.seq.desc()).limit(1)
            ).first()
        return None if r is None else (r.version, protocol.loads(protocol.decompress(r.body)))

    def current_version(self, kind: str) -> str:
        with self.db.ro() as c:
            return (
                c.execute(
                    select(doc_t.c.version).where(doc_t.c.kind == kind).order_by(doc_t.c.seq.desc()).limit(1)
                ).scalar()
                or ""
            )

    def document(self, kind: str, version: str) -> dict | None:
        with self.db.ro() as c:
            body = c.execute(
                select(doc_t.c.body).where(doc_t.c.kind == kind, doc_t.c.version == version)
            ).scalar()
        return None if body is None else protocol.loads(protocol.decompress(body))

    def catalogue_published(self, version: str) -> bool:
        """Whether the hub published catalogue ``version`` (published versions are never
        withdrawn, so a yes is remembered; a no is asked again: the CLI may publish meanwhile)."""
        if version in self._published:
            return True
        if not version or len(version) > 64:
            return False
        with self.db.ro() as c:
            found = c.execute(
                select(doc_t.c.version).where(doc_t.c.kind == "catalogue", doc_t.c.version == version)
            ).first()
        if found is not None:
            self._published.add(version)
        return found is not None

    def catalogue_obj(self, version: str | None = None):
        """The parsed catalogue of ``version`` if the hub published it, else the current one.
        At most CATALOGUE_CACHE versions stay parsed; an unknown version is never kept."""
        from forms.loader import parse_catalogue

        if version:
            with self._catalogue_lock:
                hit = self._catalogues.get(version)
                if hit is not None:
                    self._catalogues.move_to_end(version)
                    return hit
        cur = self.current_version("catalogue")
        v = version if version and version != cur and self.catalogue_published(version) else cur
        with self._catalogue_lock:
            hit = self._catalogues.get(v)
            if hit is not None:
                self._catalogues.move_to_end(v)
                return hit
        parsed = parse_catalogue(self.document("catalogue", v), f"hub:{v}", validate_schema=False)
        with self._catalogue_lock:
            self._catalogues[v] = parsed
            self._catalogues.move_to_end(v)
            while len(self._catalogues) > CATALOGUE_CACHE:
                self._catalogues.popitem(last=False)
        return parsed

    def cached_catalogues(self) -> list[str]:
        """The parsed versions held, least recently used first."""
        with self._catalogue_lock:
            return list(self._catalogues)
