"""Scanned attachments: content-addressed (sha256), uploaded with tus 1.0 (core + creation).

The upload id is the sha256 of the content, so the same scan is never sent twice: before
sending, the client asks the hub (HEAD) how much of it it holds and resumes from that byte.
The hub verifies the hash when the last byte arrives and refuses a mismatch (status 460).
Attachments go after every case event in a cycle (priority on a slow link).
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from app.domain import case_state as cs
from app.domain.failures import explain_status
from app.private_files import make_private_dir, open_private
from app.services.sync import outbox as local
from app.services.sync import window_events
from app.services.workstation import Workstation
from app.store.sync_models import SyncAttachment
from sync import protocol


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def blob_dir(ws: Workstation) -> Path:
    return ws.config.data_dir / "blobs"


def add(
    ws: Workstation, number: str, source: Path, name: str | None = None, extra: dict | None = None, also=None
) -> str:
    """Keep a scan of case `number` (copied into the data dir) and queue it; returns its sha256.

    ``extra`` goes into the event's payload (the scanner inbox: the material); ``also(session)``
    runs in the event's transaction (the scanner inbox marks its scan assigned).
    """
    source = Path(source)
    size = source.stat().st_size
    if size > protocol.MAX_ATTACHMENT:
        from app.messages import t

        raise ValueError(t("sync.err_attachment_too_large", file=source, limit=protocol.MAX_ATTACHMENT))
    sha = _sha256(source)
    target = blob_dir(ws) / sha
    make_private_dir(target.parent)
    if not target.exists():
        tmp = target.with_suffix(".tmp")
        with open(source, "rb") as src, open_private(tmp, "wb") as dst:  # a scan: owner only
            shutil.copyfileobj(src, dst, 1 << 20)
            dst.flush()
            os.fsync(dst.fileno())
        os.replace(tmp, target)

    def queue(s) -> None:  # in the event's transaction: the event and its upload, or neither
        if also is not None:
            also(s)
        if s.get(SyncAttachment, sha) is None:
            s.add(
                SyncAttachment(
                    sha256=sha,
                    case_number=number,
                    name=name or source.name,
                    size=size,
                    path=str(target),
                    created_at=datetime.now(UTC),
                )
            )

    window_events.record(
        ws,
        number,
        cs.ATTACHMENT_ADDED,
        {**(extra or {}), "sha256": sha, "size": size, "name": name or source.name},
        also=queue,
    )
    return sha


def pending_count(store) -> int:
    with store.read() as s:
        return int(
            s.execute(
                select(func.count()).select_from(SyncAttachment).where(SyncAttachment.state == "pending")
            ).scalar()
            or 0
        )


def pending(store) -> list[SyncAttachment]:
    """Scans still waiting for the hub, oldest first (for `sync status`)."""
    with store.read() as s:
        return list(
            s.execute(
                select(SyncAttachment)
                .where(SyncAttachment.state == "pending")
                .order_by(SyncAttachment.created_at)
            ).scalars()
        )


def _set(store, sha: str, uploaded: int, done: bool) -> None:
    with store.write() as s:
        row = s.get(SyncAttachment, sha)
        if row is not None:
            row.uploaded = uploaded
            row.state = "done" if done else "pending"
            s.add(row)


def upload_pending(ws: Workstation, client, chunk_size: int = protocol.CHUNK_SIZE, on_acked=None) -> int:
    """Upload every pending scan, resuming each from the hub's offset. Returns how many finished.

    ``on_acked(n)`` hears of every n bytes the hub's offset acknowledged beyond what it held
    before: progress, even when the link cuts in the middle of the next chunk.
    """
    from sync.transport import SyncError

    rows = pending(ws.store)
    done = 0
    tus = {"Tus-Resumable": protocol.TUS_VERSION}
    # chunks adapt to the link like batches: halved after a cut (down to 4 KiB), doubled after a
    # good PATCH; the hub also keeps whatever part of a cut chunk it had consumed
    size = min(chunk_size, int(local.read_state(ws.store, "chunk_size", "0") or 0) or chunk_size)
    for row in rows:
        url = f"/api/v1/files/{row.sha256}"
        r = client._call("HEAD", url, headers=tus)
        if r.status_code == 404:
            meta = ",".join(
                f"{k} {base64.b64encode(v.encode()).decode()}"
                for k, v in (("sha256", row.sha256), ("case", row.case_number), ("filename", row.name))
            )
            r = client._call(
                "POST",
                "/api/v1/files",
                headers={**tus, "Upload-Length": str(row.size), "Upload-Metadata": meta},
            )
            if r.status_code != 201:
                raise SyncError.of(
                    "hub", "sync.err_upload", explain_status(r.status_code), sha=row.sha256[:12]
                )
        elif r.status_code != 200:
            raise SyncError.of("hub", "sync.err_upload", explain_status(r.status_code), sha=row.sha256[:12])
        offset = _offset(r, row.size)
        known = row.uploaded or 0  # what the hub had acknowledged by the end of the last cycle
        if offset > known:  # it kept part of a chunk cut short last time
            if on_acked is not None:
                on_acked(offset - known)
            known = offset
            _set(ws.store, row.sha256, offset, False)
        conflicts = 0
        with open(row.path, "rb") as fh:
            while offset < row.size:
                fh.seek(offset)
                chunk = fh.read(size)
                try:
                    r = client._call(
                        "PATCH",
                        url,
                        content=chunk,
                        headers={
                            **tus,
                            "Upload-Offset": str(offset),
                            "Content-Type": "application/offset+octet-stream",
                        },
                    )
                except SyncError as exc:
                    if exc.kind in ("offline", "slow"):
                        local.write_state(ws.store, chunk_size=str(max(4096, size // 2)))
                    raise
                if r.status_code in (409, 423):  # an earlier attempt moved the offset: ask again
                    conflicts += 1
                    if conflicts > 3:  # a hub that never agrees: not in a loop within one cycle
                        raise SyncError.of("hub", "sync.err_upload", explain_status(409), sha=row.sha256[:12])
                    offset = _offset(client._call("HEAD", url, headers=tus), row.size)
                    continue
                if r.status_code == 460:
                    raise SyncError("hub", "sync.err_corrupt_upload", sha=row.sha256[:12])
                if r.status_code != 204:
                    cause = explain_status(r.status_code)
                    raise SyncError.of("hub", "sync.err_upload", cause, sha=row.sha256[:12])
                before, offset = offset, _offset(r, row.size)
                if offset <= before:  # an answer that keeps nothing would loop for ever
                    raise SyncError("hub", "sync.err_upload", sha=row.sha256[:12], detail="Upload-Offset")
                conflicts = 0
                if offset > known and on_acked is not None:
                    on_acked(offset - known)
                known = max(known, offset)
                _set(ws.store, row.sha256, offset, False)
                if len(chunk) >= size and size < chunk_size:
                    size = min(chunk_size, size * 2)
                    local.write_state(ws.store, chunk_size=str(size))
        _set(ws.store, row.sha256, row.size, True)
        done += 1
    return done


def _offset(r, size: int) -> int:
    """The hub's Upload-Offset: an integer between 0 and the scan's size, or a SyncError."""
    from sync.transport import SyncError

    value = r.headers.get("upload-offset", "")
    if not value.isdigit() or int(value) > size:
        raise SyncError("hub", "sync.err_no_offset")
    return int(value)
