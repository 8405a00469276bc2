"""The platform server (county or provincial hub) as an ASGI app (Starlette, run by uvicorn).

Every endpoint but /healthz needs ``Authorization: Bearer TOKEN``. Sync bodies are zstd JSON
(docs/sync-protocol.md); the read and back-office API speaks plain JSON.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sync import docdelta, protocol
from sync.hub.store import HubStore, Principal, Refusal, utcnow


def _error(status: int, code: str, message: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"error": code, "message": message}, status_code=status, headers=headers)


def _zjson(obj, status: int = 200, headers: dict | None = None) -> Response:
    h = {"Content-Encoding": protocol.ENCODING, "Cache-Control": "no-store"}
    if headers:
        h.update(headers)
    return Response(
        protocol.compress(obj, level=3), status_code=status, media_type=protocol.MEDIA_TYPE, headers=h
    )


class Hub:
    def __init__(self, store: HubStore, blob_dir: Path) -> None:
        self.store = store
        self.blobs = blob_dir
        (self.blobs / "partial").mkdir(parents=True, exist_ok=True)
        self._upload_locks: dict[str, asyncio.Lock] = {}

    # --- auth ----------------------------------------------------------------------------------
    async def _who(self, request: Request, *roles: str) -> Principal | Response:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return _error(401, "unauthorized", "missing bearer token", {"WWW-Authenticate": "Bearer"})
        who = await run_in_threadpool(self.store.principal, token.strip())
        if who is None:
            return _error(401, "unauthorized", "unknown token", {"WWW-Authenticate": "Bearer"})
        if roles and who.role not in roles:
            return _error(403, "forbidden", f"role {who.role} may not call this endpoint")
        return who

    # --- endpoints ---------------------------------------------------------------------------------
    async def healthz(self, request: Request) -> Response:
        return JSONResponse({"ok": True, "time": utcnow()})

    async def push(self, request: Request) -> Response:
        who = await self._who(request, "workstation", "hub")
        if isinstance(who, Response):
            return who
        size = int(request.headers.get("content-length") or 0)
        if size > protocol.MAX_BODY:
            return _error(413, "too_large", f"body of {size} bytes is over the limit of {protocol.MAX_BODY}")
        try:
            body = await request.body()
        except ClientDisconnect:
            return Response(status_code=400)
        try:
            doc = protocol.decode_body(body, request.headers.get("content-encoding"))
            _batch, events = protocol.parse_batch(doc)
        except protocol.ProtocolError as exc:
            return _error(exc.status, exc.code, str(exc))
        result = await run_in_threadpool(self.store.push, who, events)
        return _zjson(result.to_json())

    async def pull(self, request: Request) -> Response:
        who = await self._who(request, "workstation", "hub")
        if isinstance(who, Response):
            return who
        try:
            after = int(request.query_params.get("after", "0"))
            limit = int(request.query_params.get("limit", str(protocol.MAX_PULL)))
        except ValueError:
            return _error(400, "malformed", "after and limit must be integers")
        events, more, cursor = await run_in_threadpool(self.store.pull, who, after, limit)
        out = {"v": protocol.VERSION, "now": utcnow(), "events": events, "more": more, "cursor": cursor}
        cat = await run_in_threadpool(self.store.current_version, "catalogue")
        cal = await run_in_threadpool(self.store.current_version, "calendar")
        if request.query_params.get("cat") != cat:
            out["cat"] = cat
        if request.query_params.get("cal") != cal:
            out["cal"] = cal
        return _zjson(out)

    async def catalogue(self, request: Request) -> Response:
        who = await self._who(request)
        if isinstance(who, Response):
            return who
        have = request.query_params.get("have") or None
        cur = await run_in_threadpool(self.store.current_document, "catalogue")
        assert cur is not None
        old = await run_in_threadpool(self.store.document, "catalogue", have) if have else None
        return _zjson(docdelta.make_delta(old, cur[1]))

    async def calendar(self, request: Request) -> Response:
        who = await self._who(request)
        if isinstance(who, Response):
            return who
        cur = await run_in_threadpool(self.store.current_document, "calendar")
        return _zjson(cur[1] if cur else {})

    async def case(self, request: Request) -> Response:
        who = await self._who(request)
        if isinstance(who, Response):
            return who
        number = request.path_params["number"].strip().upper()
        detail = await run_in_threadpool(self.store.case_detail, number)
        if detail is None or not who.may_read_office(detail["office"]):
            return _error(404, "not_found", f"no case {number}")
        return JSONResponse(detail)

    async def cases(self, request: Request) -> Response:
        who = await self._who(request)
        if isinstance(who, Response):
            return who
        q = request.query_params
        try:
            page, per_page = int(q.get("page", "1")), int(q.get("per_page", "50"))
        except ValueError:
            return _error(400, "malformed", "page and per_page must be integers")
        out = await run_in_threadpool(
            lambda: self.store.list_cases(
                who, office=q.get("office"), state=q.get("state"), page=page, per_page=per_page
            )
        )
        return JSONResponse(out)

    async def case_event(self, request: Request) -> Response:
        who = await self._who(request, "backoffice")
        if isinstance(who, Response):
            return who
        number = request.path_params["number"].strip().upper()
        try:
            body = await request.body()
            if len(body) > protocol.MAX_EVENT_BYTES:
                raise protocol.ProtocolError("body too large", 413, "too_large")
            doc = protocol.decode_body(body, request.headers.get("content-encoding"))
            if not isinstance(doc, dict) or not isinstance(doc.get("kind"), str):
                raise protocol.ProtocolError("body must be an object with kind")
            payload = doc.get("payload", {})
            if not isinstance(payload, dict):
                raise protocol.ProtocolError("payload must be an object")
            eid = doc.get("event_id")
            if eid is not None and (not isinstance(eid, str) or not protocol._UUID_RE.match(eid)):
                raise protocol.ProtocolError("event_id must be a lower-case UUID")
        except protocol.ProtocolError as exc:
            return _error(exc.status, exc.code, str(exc))
        try:
            detail, ev = await run_in_threadpool(
                self.store.backoffice_event,
                who,
                number,
                doc["kind"],
                payload,
                str(doc.get("actor") or who.name or "后台"),
                eid,
            )
        except Refusal as r:
            status = {"unknown_case": 404, "forbidden_office": 403, "invalid_transition": 409}.get(
                r.code, 422
            )
            return _error(status, r.code, r.reason)
        return JSONResponse({"event_id": ev["event_id"], "case": detail}, status_code=201)

    # --- attachments: tus 1.0 core + creation; upload id = sha256 of the content ---------------------
    def _tus(self, extra: dict | None = None) -> dict:
        h = {"Tus-Resumable": protocol.TUS_VERSION, "Cache-Control": "no-store"}
        if extra:
            h.update(extra)
        return h

    async def files_options(self, request: Request) -> Response:
        return Response(
            status_code=204,
            headers=self._tus(
                {
                    "Tus-Version": protocol.TUS_VERSION,
                    "Tus-Extension": "creation",
                    "Tus-Max-Size": str(protocol.MAX_ATTACHMENT),
                }
            ),
        )

    async def files_create(self, request: Request) -> Response:
        who = await self._who(request, "workstation", "hub")
        if isinstance(who, Response):
            return who
        try:
            length = int(request.headers.get("upload-length", ""))
        except ValueError:
            return _error(400, "malformed", "Upload-Length is required", self._tus())
        meta = _tus_metadata(request.headers.get("upload-metadata", ""))
        sha = meta.get("sha256", "")
        if not protocol.is_sha256(sha):
            return _error(400, "malformed", "Upload-Metadata must carry sha256 (hex)", self._tus())
        if not 0 <= length <= protocol.MAX_ATTACHMENT:
            return _error(
                413, "too_large", f"attachments are limited to {protocol.MAX_ATTACHMENT} bytes", self._tus()
            )
        row = await run_in_threadpool(self.store.create_attachment, sha, length, meta.get("case", "")[:40])
        if row["length"] != length:
            return _error(
                409, "length_mismatch", "this sha256 was announced with another length", self._tus()
            )
        return Response(
            status_code=201,
            headers=self._tus({"Location": f"/api/v1/files/{sha}", "Upload-Offset": str(row["offset"])}),
        )

    async def files_head(self, request: Request) -> Response:
        who = await self._who(request)
        if isinstance(who, Response):
            return who
        row = await run_in_threadpool(self.store.attachment, request.path_params["sha"])
        if row is None:
            return Response(status_code=404, headers=self._tus())
        return Response(
            status_code=200,
            headers=self._tus({"Upload-Offset": str(row["offset"]), "Upload-Length": str(row["length"])}),
        )

    async def files_patch(self, request: Request) -> Response:
        who = await self._who(request, "workstation", "hub")
        if isinstance(who, Response):
            return who
        sha = request.path_params["sha"]
        if request.headers.get("content-type") != "application/offset+octet-stream":
            return _error(415, "content_type", "use application/offset+octet-stream", self._tus())
        if not protocol.is_sha256(sha):
            return _error(404, "not_found", "no such upload", self._tus())
        # one PATCH at a time per upload: a retry that overtakes a dying connection waits for it
        # to record how far it got, then learns the true offset (409) instead of racing it
        lock = self._upload_locks.setdefault(sha, asyncio.Lock())
        try:
            await asyncio.wait_for(lock.acquire(), timeout=30)
        except TimeoutError:
            return _error(423, "locked", "another upload of this file is in progress", self._tus())
        try:
            return await self._patch(request, sha)
        finally:
            lock.release()

    async def _patch(self, request: Request, sha: str) -> Response:
        row = await run_in_threadpool(self.store.attachment, sha)
        if row is None:
            return _error(404, "not_found", "create the upload first", self._tus())
        try:
            offset = int(request.headers.get("upload-offset", ""))
        except ValueError:
            return _error(400, "malformed", "Upload-Offset is required", self._tus())
        if row["complete"] or offset != row["offset"]:
            return _error(
                409,
                "offset_mismatch",
                f"the upload is at {row['offset']}",
                self._tus({"Upload-Offset": str(row["offset"])}),
            )
        part = self.blobs / "partial" / sha
        received = 0
        disconnected = False
        with open(part, "ab") as fh:
            fh.truncate(offset)  # bytes past the acknowledged offset are not trusted
            try:
                async for chunk in request.stream():
                    if offset + received + len(chunk) > row["length"]:
                        chunk = chunk[: row["length"] - offset - received]
                    fh.write(chunk)
                    received += len(chunk)
            except ClientDisconnect:
                disconnected = True
            fh.flush()
            os.fsync(fh.fileno())
        new_offset = offset + received
        complete = new_offset == row["length"]
        if complete:
            ok = await run_in_threadpool(_sha256_file, part) == sha
            if not ok:
                part.unlink(missing_ok=True)
                await run_in_threadpool(self.store.set_attachment_offset, sha, 0, False)
                return _error(
                    460,
                    "checksum_mismatch",
                    "content does not match its sha256; start again",
                    self._tus({"Upload-Offset": "0"}),
                )
            os.replace(part, self.blobs / sha)
        await run_in_threadpool(self.store.set_attachment_offset, sha, new_offset, complete)
        if disconnected:
            return Response(status_code=400)
        return Response(status_code=204, headers=self._tus({"Upload-Offset": str(new_offset)}))

    async def files_get(self, request: Request) -> Response:
        who = await self._who(request)
        if isinstance(who, Response):
            return who
        sha = request.path_params["sha"]
        path = self.blobs / sha
        if not protocol.is_sha256(sha) or not path.exists():
            return _error(404, "not_found", "no such attachment")
        return Response(path.read_bytes(), media_type="application/octet-stream")


def _tus_metadata(header: str) -> dict[str, str]:
    import base64

    out: dict[str, str] = {}
    for part in header.split(","):
        key, _, value = part.strip().partition(" ")
        if key:
            try:
                out[key] = base64.b64decode(value).decode("utf-8") if value else ""
            except ValueError:
                out[key] = ""
    return out


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def create_app(store: HubStore, data_dir: Path) -> Starlette:
    hub = Hub(store, Path(data_dir) / "blobs")
    routes = [
        Route("/healthz", hub.healthz, methods=["GET"]),
        Route("/api/v1/sync/push", hub.push, methods=["POST"]),
        Route("/api/v1/sync/pull", hub.pull, methods=["GET"]),
        Route("/api/v1/catalogue", hub.catalogue, methods=["GET"]),
        Route("/api/v1/calendar", hub.calendar, methods=["GET"]),
        Route("/api/v1/cases", hub.cases, methods=["GET"]),
        Route("/api/v1/cases/{number}", hub.case, methods=["GET"]),
        Route("/api/v1/cases/{number}/events", hub.case_event, methods=["POST"]),
        Route("/api/v1/files", hub.files_options, methods=["OPTIONS"]),
        Route("/api/v1/files", hub.files_create, methods=["POST"]),
        Route("/api/v1/files/{sha}", hub.files_head, methods=["HEAD"]),
        Route("/api/v1/files/{sha}", hub.files_patch, methods=["PATCH"]),
        Route("/api/v1/files/{sha}", hub.files_get, methods=["GET"]),
    ]
    app = Starlette(routes=routes)
    app.state.hub = hub
    return app
