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
from app.store.sync_models import SyncAttachment
from sync import protocol


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def blob_dir(ws) -> Path:
    return ws.config.data_dir / "blobs"


def add(ws, number: str, source: Path, name: str | None = None) -> str:
    """Keep a scan of case `number` (copied into the data dir) and queue it; returns its sha256."""
    from app.services.sync import window_events

    source = Path(source)
    size = source.stat().st_size
    if size > protocol.MAX_ATTACHMENT:
        raise ValueError(f"{source}: larger than {protocol.MAX_ATTACHMENT} bytes")
    sha = _sha256(source)
    target = blob_dir(ws) / sha
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        tmp = target.with_suffix(".tmp")
        shutil.copyfile(source, tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    with ws.store.write() as s:
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
        ws, number, cs.ATTACHMENT_ADDED, {"sha256": sha, "size": size, "name": name or source.name}
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


def _set(store, sha: str, uploaded: int, done: bool) -> None:
    with store.write() as s:
        row = s.get(SyncAttachment, sha)
        if row is not None:
            row.uploaded = uploaded
            row.state = "done" if done else "pending"
            s.add(row)


def upload_pending(ws, client, chunk_size: int = protocol.CHUNK_SIZE) -> int:
    """Upload every pending scan, resuming each from the hub's offset. Returns how many finished."""
    from sync.transport import SyncError

    with ws.store.read() as s:
        rows = list(
            s.execute(
                select(SyncAttachment)
                .where(SyncAttachment.state == "pending")
                .order_by(SyncAttachment.created_at)
            ).scalars()
        )
    from app.services.sync import outbox as local

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
                raise SyncError("hub", f"upload of {row.sha256[:12]} refused: HTTP {r.status_code}")
        elif r.status_code != 200:
            raise SyncError("hub", f"HEAD {row.sha256[:12]}: HTTP {r.status_code}")
        offset = _offset(r)
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
                    if exc.kind == "offline":
                        local.write_state(ws.store, chunk_size=str(max(4096, size // 2)))
                    raise
                if r.status_code in (409, 423):  # an earlier attempt moved the offset: ask again
                    offset = _offset(client._call("HEAD", url, headers=tus))
                    continue
                if r.status_code == 460:
                    raise SyncError("hub", f"hub found {row.sha256[:12]} corrupted; will send again")
                if r.status_code != 204:
                    raise SyncError("hub", f"PATCH {row.sha256[:12]}: HTTP {r.status_code}")
                offset = _offset(r)
                _set(ws.store, row.sha256, offset, False)
                if len(chunk) >= size and size < chunk_size:
                    size = min(chunk_size, size * 2)
                    local.write_state(ws.store, chunk_size=str(size))
        _set(ws.store, row.sha256, row.size, True)
        done += 1
    return done


def _offset(r) -> int:
    from sync.transport import SyncError

    try:
        return int(r.headers["upload-offset"])
    except (KeyError, ValueError):
        raise SyncError("hub", "tus answer without Upload-Offset") from None
