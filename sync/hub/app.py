"""The platform server (county or provincial hub) as an ASGI app (Starlette, run by uvicorn).

Every endpoint but /healthz needs ``Authorization: Bearer TOKEN``. Sync bodies are zstd JSON
(docs/sync-protocol.md); the read and back-office API speaks plain JSON.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route

from app.private_files import make_private_dir, open_private
from sync import docdelta, protocol
from sync.hub.db import utcnow
from sync.hub.principal import Principal, Refusal
from sync.hub.pull import pull_trip, quick_page
from sync.hub.store import HubStore
from sync.hub.upload_lock import Locked, UploadLocks
from sync.hub.ws_status import WorkstationLog


def _token_refused(why: str) -> Response:
    """401 for a token the store refused (revoked, expired, unknown): the one answer of the
    authentication and of the pull's own check."""
    message = {
        "revoked": "this token has been revoked; ask the hub's operator for a new one",
        "expired": "this token has expired; ask the hub's operator for a new one",
    }.get(why, "unknown token")
    code = f"token_{why}" if why != "unknown" else "unauthorized"
    return _error(401, code, message, {"WWW-Authenticate": "Bearer"})


def _error(status: int, code: str, message: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"error": code, "message": message}, status_code=status, headers=headers)


def _too_large(message: str, headers: dict | None = None) -> JSONResponse:
    """413, and the connection is closed: the rest of the body is never read."""
    return _error(413, "too_large", message, {"Connection": "close", **(headers or {})})


async def _read_capped(request: Request, decoder: protocol.Decoder) -> bytes:
    """The request body, decoded as it streams in; ProtocolError (413) as soon as a cap is passed,
    whether or not the client announced a Content-Length (chunked bodies are read the same way)."""
    size = request.headers.get("content-length")
    if size is not None:
        if not size.isdigit():
            raise protocol.ProtocolError("Content-Length is not a number")
        if int(size) > decoder.max_body:
            raise protocol.ProtocolError(
                f"body of {size} bytes is over the limit of {decoder.max_body}", 413, "too_large"
            )
    async for chunk in request.stream():
        decoder.feed(chunk)
    return decoder.finish()


PUSHES_AT_ONCE = 4  # per hub process (Hub._pushing)
HELD_LOOK_AGAIN = 0.05  # seconds: a held pull's next look while a writer's numbers are held
HELD_NEWS_WITHIN = 2.0  # seconds: news this recent for a window may be waiting above the top
_INT_RE = re.compile(r"^-?[0-9]{1,20}$")


def _query(request: Request) -> dict[str, str]:
    """The query string's parameters (a repeated name: its last value, as Starlette's
    QueryParams.get), parsed the cheap way: the pull's handful are plain ASCII, and parsing them
    with urllib's parse_qsl cost more than the rest of an idle pull's own work."""
    raw = request.scope.get("query_string") or b""
    out: dict[str, str] = {}
    if raw:
        from urllib.parse import unquote_plus

        for part in raw.decode("latin-1").split("&"):
            if not part:
                continue
            name, _, value = part.partition("=")
            if "%" in part or "+" in part:
                name, value = unquote_plus(name), unquote_plus(value)
            out[name] = value
    return out


def _int_param(
    request: Request, name: str, default: int, low: int, high: int, q: dict[str, str] | None = None
) -> int:
    raw = (q if q is not None else request.query_params).get(name)
    if raw is None or raw == "":
        return default
    raw = raw.strip()
    # the shape first: int() of a huge string is itself slow, and SQL cannot hold the number
    if not _INT_RE.match(raw) or not low <= int(raw) <= high:
        raise protocol.ProtocolError(f"{name} must be an integer {low}..{high}")
    return int(raw)


def _zjson(
    obj, status: int = 200, headers: dict | None = None, zdict: protocol.ZstdDict | None = None
) -> Response:
    """zstd JSON; with ``zdict`` (a dictionary the caller said it holds) compressed with it."""
    h = {"Content-Encoding": protocol.ENCODING, "Cache-Control": "no-store"}
    if zdict is not None:
        h.update({"Content-Encoding": protocol.DICT_ENCODING, protocol.DICT_HEADER: zdict.id})
    if headers:
        h.update(headers)
    return Response(
        protocol.compress(obj, level=3, zdict=zdict),
        status_code=status,
        media_type=protocol.MEDIA_TYPE,
        headers=h,
    )


def _parse_push(raw: bytes) -> tuple[str, list[protocol.WireEvent]]:
    return protocol.parse_batch(protocol.loads(raw))


class Hub:
    def __init__(self, store: HubStore, blob_dir: Path, bundle_key=None) -> None:
        self.store = store
        self.blobs = blob_dir
        make_private_dir(self.blobs / "partial")
        self.bundle_key = bundle_key  # sync.hub.bundle_key.BundleKey: windows seal bundles to it
        self.uploads = UploadLocks(store)  # one PATCH per upload, across processes too
        self.wslog = WorkstationLog(store)
        # pushes applied at once in this process: a push is Python work under the GIL between
        # short database trips; more at once only switch between each other (and their waits
        # for the GIL lengthen the row locks they hold); the rest wait here, holding no thread
        self._pushing = asyncio.Semaphore(int(os.environ.get("YICHUANG_HUB_PUSHES", PUSHES_AT_ONCE)))
        # what each pull compares and names: computed once (a key's fingerprint costs a key
        # derivation and a hash: more than the rest of an idle pull)
        self._bk = (bundle_key.fingerprint, bundle_key.public_b64) if bundle_key is not None else None

    # --- auth ----------------------------------------------------------------------------------
    async def _who(self, request: Request, *roles: str) -> Principal | Response:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return _error(401, "unauthorized", "missing bearer token", {"WWW-Authenticate": "Bearer"})
        who = await run_in_threadpool(self.store.authenticate, token.strip())
        if isinstance(who, str):
            return _token_refused(who)
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
        try:
            protocol.check_media_type(request.headers.get("content-type"))
            # the shared dictionary too (415 unknown_dictionary when it names one this hub lacks:
            # the client then sends plain zstd); the same caps hold on what it decodes to
            decoder = protocol.Decoder(
                request.headers.get("content-encoding"),
                encodings=(protocol.ENCODING, protocol.DICT_ENCODING, "identity"),
                dict_id=request.headers.get(protocol.DICT_HEADER),
            )
            raw = await _read_capped(request, decoder)
            _batch, events = await run_in_threadpool(_parse_push, raw)  # one trip for both
            del raw
        except protocol.ProtocolError as exc:
            if exc.status == 413:
                return _too_large(str(exc))
            return _error(exc.status, exc.code, str(exc))
        except ClientDisconnect:
            return Response(status_code=400)
        # The keys a window sends with its pushes (X-Yichuang-Key, X-Yichuang-Qr-Key, the body's
        # "key") are not registered: a token is not the hub's admin, who alone binds receipt
        # and bundle keys (sync.hub.receipts). A window reads what is bound with GET /api/v1/keys.
        async with self._pushing:
            result = await run_in_threadpool(self.store.push, who, events)
        await self._log(self.wslog.record_push, who, result, [e.id for e in events])
        return _zjson(result.to_json())

    async def _log(self, fn, *args) -> None:
        """Record for the console's workstations page; never fails the sync exchange it follows
        (what it records is a view: the next exchange records it again)."""
        try:
            await run_in_threadpool(fn, *args)
        except Exception:  # noqa: BLE001
            import logging

            logging.getLogger("yichuang.hub").exception("workstation status not recorded")

    async def pull(self, request: Request) -> Response:
        """A page of decisions for the caller. ``wait=S`` (0..protocol.MAX_PULL_WAIT, opt-in):
        when there is nothing to say, hold the answer up to S seconds for news (sync.hub.news)
        without holding a worker thread; the answer then says ``"w": S``. An older window
        does not send it and is answered at once, as always."""
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return _error(401, "unauthorized", "missing bearer token", {"WWW-Authenticate": "Bearer"})
        try:
            q = _query(request)
            after = _int_param(request, "after", 0, 0, protocol.MAX_SEQ, q)
            limit = _int_param(request, "limit", protocol.MAX_PULL, 1, protocol.MAX_PULL, q)
            wait = _int_param(request, "wait", 0, 0, protocol.MAX_PULL_WAIT, q)
        except protocol.ProtocolError as exc:
            # who asks is said first: a refused token learns nothing about the parameters
            who = await self._who(request, "workstation", "hub")
            return who if isinstance(who, Response) else _error(400, exc.code, str(exc))
        report = protocol.parse_status_headers(request.headers)
        notifier = self.store.notifier
        loop = asyncio.get_running_loop()
        until = loop.time() + wait
        token = token.strip()
        roles = ("workstation", "hub")
        held = False
        first = notifier.mark()
        while True:
            mark = notifier.mark()
            # an idle pull from memory when nothing changed (no thread, no read), else the read
            page = quick_page(self.store, self.wslog, token, roles, after, report)
            if page is None:
                page = await run_in_threadpool(
                    pull_trip, self.store, self.wslog, token, roles, after, limit, report
                )
                held = page.held
            if page.refused:
                return self._refusal(page)
            assert page.who is not None
            out = self._page(page, q)
            left = until - loop.time()
            if out["events"] or left <= 0.05 or len(out) > 5:  # news (events or versions), or time up
                break
            who = page.who
            key = (who.office, who.ws) if who.role == "workstation" else (who.office, "")
            if notifier.since(key, mark):  # news came while we read: read again
                continue
            # numbers above the top still held by a writer (sync.hub.seq_hold), and news for this
            # window told lately: its events may be committed above the top, waiting on an
            # earlier writer whose own news names other windows: look again shortly. (Only
            # then: under a steady stream of pushes numbers are nearly always held, and every
            # idle window looking again each 50 ms would be a read each.)
            again = held and (notifier.since(key, first) or notifier.recent(key, HELD_NEWS_WITHIN))
            fut = notifier.waiter(key)
            try:
                await asyncio.wait_for(fut, timeout=min(left, HELD_LOOK_AGAIN) if again else left)
            except TimeoutError:
                if again and until - loop.time() > 0.05:
                    report = None  # recorded by the first read
                    continue
                # nothing came: the same page, as small as it can be (an idle window pays for
                # every byte of it each S seconds): no time, no dictionary, no cache header
                out = self._page(page, q)
                del out["now"]
                out["w"] = wait
                return Response(
                    protocol.compress(out, level=3),
                    media_type=protocol.MEDIA_TYPE,
                    headers={"Content-Encoding": protocol.ENCODING},
                )
            finally:
                notifier.forget(key, fut)
            report = None  # recorded by the first read
        if wait:
            out["w"] = wait
        # a page in the shared dictionary when the window says it holds it (a small page shrinks
        # to about half); plain zstd for any other caller. A big page is compressed off the loop.
        zdict = protocol.known_dict(request.headers.get(protocol.DICT_HEADER))
        if len(out["events"]) > 20:
            return await run_in_threadpool(_zjson, out, 200, None, zdict)
        return _zjson(out, zdict=zdict)

    def _page(self, page, q) -> dict:  # noqa: ANN001 (sync.hub.pull.Page, the query parameters)
        out = {
            "v": protocol.VERSION,
            "now": utcnow(),
            "events": page.events,
            "more": page.more,
            "cursor": page.cursor,
        }
        if q.get("cat") != page.cat:
            out["cat"] = page.cat
        if q.get("cal") != page.cal:
            out["cal"] = page.cal
        if "ops" in q and q.get("ops") != str(page.ops):
            out["ops"] = page.ops  # operator accounts changed: the window asks for them
        if self._bk is not None and q.get("bk") != self._bk[0]:
            out["bk"] = self._bk[1]  # the key this window seals its bundles to
        return out

    def _refusal(self, page) -> Response:  # noqa: ANN001 (sync.hub.pull.Page)
        if page.refused == "role":
            return _error(403, "forbidden", f"role {page.who.role} may not call this endpoint")
        return _token_refused(page.refused)

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
        detail = await run_in_threadpool(
            lambda: self.store.case_detail(number, backoffice=who.role == "backoffice")
        )
        if detail is None or not who.may_read_office(detail["office"]):
            return _error(404, "not_found", f"no case {number}")
        return JSONResponse(detail)

    async def cases(self, request: Request) -> Response:
        who = await self._who(request)
        if isinstance(who, Response):
            return who
        q = request.query_params
        try:
            page = _int_param(request, "page", 1, 1, 10**9)
            per_page = _int_param(request, "per_page", 50, 1, 500)
        except protocol.ProtocolError as exc:
            return _error(400, exc.code, str(exc))
        out = await run_in_threadpool(
            lambda: self.store.list_cases(
                who, office=q.get("office"), state=q.get("state"), page=page, per_page=per_page
            )
        )
        return JSONResponse(out)

    async def numbers(self, request: Request) -> Response:
        """The highest case number per day the hub knows for a workstation (read-only): a window
        asks for its own; a back office or hub names `office` and `ws` within its scope."""
        who = await self._who(request)
        if isinstance(who, Response):
            return who
        if who.role == "workstation":
            office, ws = who.office, who.ws
        else:
            office, ws = request.query_params.get("office", ""), request.query_params.get("ws", "")
            if not office or not ws:
                return _error(400, "malformed", "office and ws are required")
            if not who.may_read_office(office):
                return _error(403, "forbidden", f"office {office} is outside this token's scope")
        days = await run_in_threadpool(self.store.last_numbers, office, ws)
        return _zjson({"v": protocol.VERSION, "office": office, "ws": ws, "days": days})

    async def workstations(self, request: Request) -> Response:
        """Each workstation with what the hub knows of it and its audit chain state (a back
        office or hub token, within its offices)."""
        who = await self._who(request, "backoffice", "hub")
        if isinstance(who, Response):
            return who
        rows = await run_in_threadpool(self.store.workstations, who)
        return JSONResponse(
            {"workstations": rows, "broken": sum(r["chain"]["state"] == "broken" for r in rows)}
        )

    async def keys(self, request: Request) -> Response:
        """The receipt keys the hub's admin bound to the caller's own token (a window token: for
        `yichuang doctor`); read-only — no endpoint registers a key."""
        who = await self._who(request, "workstation")
        if isinstance(who, Response):
            return who
        rows = await run_in_threadpool(self.store.token_keys, who)
        return JSONResponse({"office": who.office, "ws": who.ws, "token_id": who.token_id, "keys": rows})

    async def verify_receipt(self, request: Request) -> Response:
        """Is this receipt's QR code genuine, and what does it cover? ``?qr=PAYLOAD`` (URL-encoded):
        checked against the keys (Ed25519 or SM2) the hub's admin bound for the workstation that
        numbered the case, and against the case's record (sync.hub.receipts.verify)."""
        who = await self._who(request)
        if isinstance(who, Response):
            return who
        payload = request.query_params.get("qr", "")
        if not payload or len(payload) > 2048:
            return _error(400, "malformed", "qr (the receipt's QR payload, 1..2048 characters) is required")
        out = await run_in_threadpool(self.store.verify_receipt, payload)
        if "office" in out and not who.may_read_office(out["office"]):
            return _error(403, "forbidden", f"office {out['office']} is outside this token's scope")
        return JSONResponse(out)

    async def case_event(self, request: Request) -> Response:
        who = await self._who(request, "backoffice")
        if isinstance(who, Response):
            return who
        number = request.path_params["number"].strip().upper()
        try:
            decoder = protocol.Decoder(
                request.headers.get("content-encoding"),
                max_body=protocol.MAX_EVENT_BYTES,
                max_decoded=protocol.MAX_EVENT_BYTES,
            )
            doc = protocol.loads(await _read_capped(request, decoder))
            if not isinstance(doc, dict) or not isinstance(doc.get("kind"), str):
                raise protocol.ProtocolError("body must be an object with kind")
            payload = doc.get("payload", {})
            if not isinstance(payload, dict):
                raise protocol.ProtocolError("payload must be an object")
            protocol.check_depth(payload)
            eid = doc.get("event_id")
            if eid is not None and (not isinstance(eid, str) or not protocol._UUID_RE.match(eid)):
                raise protocol.ProtocolError("event_id must be a lower-case UUID")
        except protocol.ProtocolError as exc:
            if exc.status == 413:
                return _too_large(str(exc))
            return _error(exc.status, exc.code, str(exc))
        except ClientDisconnect:
            return Response(status_code=400)
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

    # --- operator accounts (issue 8 §1; sync/hub/operator_store.py) ------------------------------
    async def operators(self, request: Request) -> Response:
        """Accounts of the caller's office changed after revision `after` (hashes included:
        the window checks passwords offline)."""
        from sync.hub import operator_store

        who = await self._who(request, "workstation", "hub")
        if isinstance(who, Response):
            return who
        try:
            after = _int_param(request, "after", 0, 0, protocol.MAX_SEQ)
        except protocol.ProtocolError as exc:
            return _error(400, exc.code, str(exc))
        doc = await run_in_threadpool(operator_store.operators_since, self.store, who, after)
        return _zjson(doc)

    async def operator_changes(self, request: Request) -> Response:
        """A window's account changes, each applied once by its id: ok, dup or refused. The
        token names the window; each change must be signed by an operator of its office whose
        role allows it (sync/hub/operator_store.py): the token alone changes no account."""
        from sync.hub import operator_store

        who = await self._who(request, "workstation")
        if isinstance(who, Response):
            return who
        try:
            protocol.check_media_type(request.headers.get("content-type"))
            decoder = protocol.Decoder(request.headers.get("content-encoding"), max_body=256 * 1024)
            doc = protocol.loads(await _read_capped(request, decoder))
            if not isinstance(doc, dict) or doc.get("v") != protocol.VERSION:
                raise protocol.ProtocolError(f"a change list is an object with v={protocol.VERSION}")
            protocol.check_depth(doc)
        except protocol.ProtocolError as exc:
            if exc.status == 413:
                return _too_large(str(exc))
            return _error(exc.status, exc.code, str(exc))
        except ClientDisconnect:
            return Response(status_code=400)
        try:
            results = await run_in_threadpool(
                operator_store.apply_changes, self.store, who, doc.get("changes")
            )
        except ValueError as exc:
            return _error(400, "malformed", str(exc))
        return _zjson({"v": protocol.VERSION, "results": results})

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
        try:
            async with self.uploads.hold(sha, who.office):  # never reset a slot under a running PATCH
                row = await run_in_threadpool(
                    self.store.create_attachment, sha, length, meta.get("case", "")[:40], who.office
                )
                if row.get("reset"):
                    (self.blobs / "partial" / _partial_name(sha, who.office)).unlink(missing_ok=True)
        except Locked:
            return _error(423, "locked", "another upload of this file is in progress", self._tus())
        if row["length"] != length:  # only a complete upload keeps its length: its sha256 proved it
            return _error(409, "length_mismatch", "this sha256 was uploaded with another length", self._tus())
        return Response(
            status_code=201,
            headers=self._tus({"Location": f"/api/v1/files/{sha}", "Upload-Offset": str(row["offset"])}),
        )

    async def files_head(self, request: Request) -> Response:
        who = await self._who(request)
        if isinstance(who, Response):
            return who
        sha = request.path_params["sha"]
        row = await run_in_threadpool(self.store.attachment, sha, who.office) if who.office else None
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
        # (and across processes: the upload may be resumed through another hub process)
        try:
            async with self.uploads.hold(sha, who.office):
                return await self._patch(request, sha, who.office, who)
        except Locked:
            return _error(423, "locked", "another upload of this file is in progress", self._tus())

    async def _patch(self, request: Request, sha: str, office: str, who: Principal) -> Response:
        row = await run_in_threadpool(self.store.attachment, sha, office)
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
        part = self.blobs / "partial" / _partial_name(sha, office)
        if offset and (not part.exists() or part.stat().st_size < offset):
            # the slot's offset came from another hub process whose blob dir this one does not
            # share: start again now rather than fail the checksum at the end
            import logging

            logging.getLogger("yichuang.hub").warning(
                "upload %s/%s is at %d but this process holds less of it: is blob_dir shared "
                "between the hub processes? (docs/deployment.md)",
                sha[:12],
                office,
                offset,
            )
            await run_in_threadpool(self.store.set_attachment_offset, sha, office, 0, False)
            return _error(409, "offset_mismatch", "the upload is at 0", self._tus({"Upload-Offset": "0"}))
        received = 0
        disconnected = over = False
        room = row["length"] - offset
        with open_private(part, "ab") as fh:
            fh.truncate(offset)  # bytes past the acknowledged offset are not trusted
            try:
                async for chunk in request.stream():
                    if received + len(chunk) > room:  # past the announced length: stop reading
                        chunk = chunk[: room - received]
                        over = True
                    fh.write(chunk)
                    received += len(chunk)
                    if over:
                        break
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
                await run_in_threadpool(self.store.set_attachment_offset, sha, office, 0, False)
                return _error(
                    460,
                    "checksum_mismatch",
                    "content does not match its sha256; start again",
                    self._tus({"Upload-Offset": "0"}),
                )
            os.replace(part, self.blobs / sha)
            await self._log(self.wslog.record_scan, who)
        await run_in_threadpool(self.store.set_attachment_offset, sha, office, new_offset, complete)
        if over:
            return _too_large(
                f"the upload's length is {row['length']}", self._tus({"Upload-Offset": str(new_offset)})
            )
        if disconnected:
            return Response(status_code=400)
        return Response(status_code=204, headers=self._tus({"Upload-Offset": str(new_offset)}))

    async def files_get(self, request: Request) -> Response:
        who = await self._who(request)
        if isinstance(who, Response):
            return who
        sha = request.path_params["sha"]
        path = self.blobs / sha
        # a scan is read only through an office that uploaded it; others learn nothing (404)
        if (
            not protocol.is_sha256(sha)
            or not path.exists()
            or not await run_in_threadpool(self.store.attachment_readable, who, sha)
        ):
            return _error(404, "not_found", "no such attachment")
        return FileResponse(path, media_type="application/octet-stream")


def _partial_name(sha: str, office: str) -> str:
    return f"{sha}.{office}"


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


def create_app(store: HubStore, data_dir: Path, console_extra: dict | None = None) -> Starlette:
    from sync.hub.bundle_key import load_or_create
    from sync.hub.store import blob_dir

    hub = Hub(store, blob_dir(Path(data_dir)), load_or_create(Path(data_dir)))
    routes = [
        Route("/api/v1/sync/pull", hub.pull, methods=["GET"]),  # first: the commonest request
        Route("/healthz", hub.healthz, methods=["GET"]),
        Route("/api/v1/sync/push", hub.push, methods=["POST"]),
        Route("/api/v1/catalogue", hub.catalogue, methods=["GET"]),
        Route("/api/v1/calendar", hub.calendar, methods=["GET"]),
        Route("/api/v1/cases", hub.cases, methods=["GET"]),
        Route("/api/v1/numbers", hub.numbers, methods=["GET"]),
        Route("/api/v1/workstations", hub.workstations, methods=["GET"]),
        Route("/api/v1/receipts/verify", hub.verify_receipt, methods=["GET"]),
        Route("/api/v1/keys", hub.keys, methods=["GET"]),
        Route("/api/v1/cases/{number}", hub.case, methods=["GET"]),
        Route("/api/v1/cases/{number}/events", hub.case_event, methods=["POST"]),
        Route("/api/v1/operators", hub.operators, methods=["GET"]),
        Route("/api/v1/operators", hub.operator_changes, methods=["POST"]),
        Route("/api/v1/files", hub.files_options, methods=["OPTIONS"]),
        Route("/api/v1/files", hub.files_create, methods=["POST"]),
        Route("/api/v1/files/{sha}", hub.files_head, methods=["HEAD"]),
        Route("/api/v1/files/{sha}", hub.files_patch, methods=["PATCH"]),
        Route("/api/v1/files/{sha}", hub.files_get, methods=["GET"]),
    ]
    from sync.hub import console

    # the back office console: server-rendered pages with sessions of their own (sync/hub/console)
    routes.append(Mount("/console", app=console.build(store, data_dir, **(console_extra or {}))))
    app = Starlette(routes=routes, lifespan=_lifespan(store, hub.wslog))
    app.state.hub = hub
    return app


def _lifespan(store: HubStore, wslog: WorkstationLog):  # noqa: ANN202
    """At start: the worker threads capped at the pools' size (sync.hub.db.HUB_THREADS), the
    notifier bound to the loop, the listener for other processes' news (PostgreSQL's NOTIFY, or
    SQLite's watcher for the `hub` CLI's writes), and the pulls' times flushed every few
    seconds (sync.hub.ws_status)."""
    from contextlib import asynccontextmanager

    from anyio import to_thread

    from sync.hub import news
    from sync.hub.db import HUB_THREADS
    from sync.hub.operator_store import REV_KEY
    from sync.hub.ws_status import FLUSH_EVERY

    async def flush() -> None:
        try:
            await run_in_threadpool(wslog.flush)
            await run_in_threadpool(store.tokens.flush_touches)
        except Exception:  # noqa: BLE001  (a view: the next pulls note their times again)
            import logging

            logging.getLogger("yichuang.hub").exception("workstation status not recorded")

    async def flushing() -> None:
        while True:
            await asyncio.sleep(FLUSH_EVERY)
            await flush()

    @asynccontextmanager
    async def lifespan(_app):  # noqa: ANN001, ANN202
        to_thread.current_default_thread_limiter().total_tokens = HUB_THREADS
        store.notifier.attach(asyncio.get_running_loop())
        listener: news.PgListener | news.SqliteWatcher
        if store.sqlite:
            listener = news.SqliteWatcher(str(store.engine.url.database), store.notifier, REV_KEY)
        else:
            listener = news.PgListener(news.listener_url(store.engine.url), store.notifier, store.fresh)
        listener.start()
        flusher = asyncio.create_task(flushing())
        try:
            yield
        finally:
            listener.stop()
            flusher.cancel()
            await flush()

    return lifespan
