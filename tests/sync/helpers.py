"""Small builders for wire events and raw HTTP calls in the sync tests."""

from __future__ import annotations

import uuid
from datetime import date

import httpx

from app.domain.numbering import make_case_number
from sync import protocol


def number(seq: int, office: str = "320724100", ws: str = "01", day: date = date(2026, 11, 20)) -> str:
    return str(make_case_number(office, ws, day, seq))


def case_events(
    num: str,
    *,
    office: str = "320724100",
    ws: str = "01",
    decision: str = "case.accepted",
    subject: str = "320724-CG-0001",
) -> list[dict]:
    base = {
        "actor": "值班人员",
        "office": office,
        "ws": ws,
        "at": "2026-11-20T01:30:00.000+00:00",
        "case": num,
    }
    return [
        {
            **base,
            "id": str(uuid.uuid4()),
            "kind": "case.created",
            "lc": 1,
            "p": {
                "uid": str(uuid.uuid4()),
                "subject_kind": "matter",
                "subject_code": subject,
                "subject_name": "测试事项",
                "catalogue_version": "2020.2",
            },
        },
        {
            **base,
            "id": str(uuid.uuid4()),
            "kind": decision,
            "lc": 2,
            "p": {
                "state": "accepted",
                "applicant": {
                    "kind": "person",
                    "id_number": "320724199001011234",
                    "name": "王伟",
                    "phone": "",
                    "address": "",
                },
                "reason": "",
            },
        },
    ]


def push(url: str, token: str, events: list[dict], batch: str | None = None, **kw) -> httpx.Response:
    body = protocol.compress({"v": 1, "batch": batch or str(uuid.uuid4()), "events": events})
    return httpx.post(
        url + "/api/v1/sync/push",
        content=body,
        timeout=30,
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Encoding": "zstd",
            "Content-Type": "application/json",
            **kw.get("headers", {}),
        },
    )


def decoded(r: httpx.Response) -> dict:
    import json

    return json.loads(r.content)


def get(url: str, token: str, path: str, **params) -> httpx.Response:
    return httpx.get(url + path, params=params, headers={"Authorization": f"Bearer {token}"}, timeout=30)


def decide(url: str, token: str, num: str, kind: str, **payload) -> httpx.Response:
    return httpx.post(
        f"{url}/api/v1/cases/{num}/events",
        json={"kind": kind, "payload": payload},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
