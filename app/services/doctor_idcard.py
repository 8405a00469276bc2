"""`doctor`'s look at the ID-card reader: it answers the SAM status command and tells its id.

Kept out of doctor.py (which registers it) and free of it: the findings are plain dicts of
Finding's fields, so neither module imports the other's back.
"""

from __future__ import annotations

from typing import Any

from app.messages import t

IDCARD_TIMEOUT = 1.0


def idcard_findings(ws: Any, timeout: float = IDCARD_TIMEOUT) -> list[dict[str, Any]]:
    port = str(ws.config.get("idcard.port") or "").strip()
    if not port:
        return [{"level": "info", "key": "idcard.none", "message": t("doctor.idcard_none")}]
    from devices.idcard.reader import ReaderError, SerialReader  # pyserial only when configured

    baud = int(ws.config.get("idcard.baud") or 115200)
    data: dict[str, Any] = {"port": port, "baud": baud}
    try:
        with SerialReader(port, baud, timeout=timeout) as reader:
            healthy = reader.status()
            sam = reader.sam_id()
    except ReaderError as exc:
        healthy, sam, error = False, "", str(exc)
    else:
        error = "" if healthy else "SAM self-check failed"
    if not healthy:
        return [
            {
                "level": "error",
                "key": "idcard.reader",
                "message": t("doctor.idcard_bad", port=port, error=error),
                "advice": t("doctor.idcard_fix"),
                "data": data,
            }
        ]
    return [
        {
            "level": "ok",
            "key": "idcard.reader",
            "message": t("doctor.idcard_ok", port=port, sam=sam),
            "data": {**data, "sam_id": sam},
        }
    ]
