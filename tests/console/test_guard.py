"""The console's guard, for every page at once: each unsafe request without the session's CSRF
value is refused (no page can forget it), the session cookie is Secure under TLS, and every
word the templates show is in the message catalogue."""

from __future__ import annotations

import re
import ssl
from pathlib import Path

import httpx
from starlette.routing import Mount, Route

from app.messages import MESSAGES
from tests.hubs import PASSWORD, ConsoleHub
from tests.sync.test_tls import self_signed

TEMPLATES = Path(__file__).resolve().parents[2] / "sync" / "hub" / "console" / "templates"


def _session(hub, name: str, **kw) -> httpx.Client:
    """A client logged in through the form (with the login form's own CSRF value)."""
    client = httpx.Client(base_url=hub.url, **kw)
    form = client.get("/console/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
    r = client.post("/console/login", data={"csrf": csrf, "name": name, "password": PASSWORD})
    assert r.status_code == 303, r.text
    return client


def _post_routes(app, prefix: str = "") -> list[str]:
    out = []
    for route in app.routes:
        if isinstance(route, Route) and "POST" in (route.methods or ()):
            out.append(prefix + re.sub(r"\{[^}]+\}", "1", route.path))
        elif isinstance(route, Mount) and hasattr(route.app, "routes"):
            out.extend(_post_routes(route.app, prefix + route.path))
    return out


def test_every_post_of_the_console_is_refused_without_the_csrf_value(console_hub, tmp_path):
    from sync.hub import console
    from sync.hub.store import open_hub

    console_hub.add_user("管理员", "admin", depts=())
    st = open_hub(tmp_path / "routes")
    try:
        paths = _post_routes(console.build(st, tmp_path / "routes"))
    finally:
        st.close()
    assert "/logout" in paths and "/users" in paths and len(paths) >= 5
    client = _session(console_hub, "管理员")
    try:
        csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/console/").text).group(1)
        for path in paths:
            for data in ({}, {"csrf": ""}, {"csrf": csrf[:-1] + ("A" if csrf[-1] != "A" else "B")}):
                r = client.post("/console" + path, data={**data, "name": "x", "confirm": "1"})
                assert r.status_code == 403, (path, data, r.status_code)
                assert "缺少安全令牌" in r.text
            # the header works in place of the field (for a script of our own), but not from elsewhere
            r = client.post(
                "/console" + path, headers={"X-CSRF-Token": csrf, "Origin": "http://evil.example"}
            )
            assert r.status_code == 403, path
        # the session survived it all
        assert "管理员" in client.get("/console/").text
    finally:
        client.close()
    assert console_hub.user("x") is None


def test_under_tls_the_session_cookie_is_secure(tmp_path):
    cert, key = self_signed(tmp_path)
    hub = ConsoleHub(tmp_path / "hub", extra=("--tls-cert", str(cert), "--tls-key", str(key))).start()
    try:
        hub.add_user("王芳")
        with httpx.Client(base_url=hub.url, verify=ssl.create_default_context(cafile=str(cert))) as client:
            form = client.get("/console/login")
            assert re.search(r"yc_login=[^;]+;.*Secure", form.headers["set-cookie"], re.I)
            csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
            r = client.post("/console/login", data={"csrf": csrf, "name": "王芳", "password": PASSWORD})
            assert r.status_code == 303
            cookie = next(
                v for k, v in r.headers.multi_items() if k == "set-cookie" and v.startswith("yc_session=")
            )
            flags = {part.strip().lower() for part in cookie.split(";")[1:]}
            assert {"httponly", "secure", "samesite=strict", "path=/console"} <= flags
    finally:
        hub.stop()


def test_every_key_the_templates_use_is_in_the_catalogue():
    used: dict[str, str] = {}
    for path in sorted(TEMPLATES.glob("*.html")):
        text = path.read_text(encoding="utf-8")
        for key in re.findall(r"""\bt\(\s*["']([a-z_]+\.[a-z0-9_]+)["'](?!\s*~)""", text):
            used[key] = path.name
        # composed keys: "console.role_" ~ x, "hub.status_" ~ x, "state." ~ x, "hub.col_" ~ c
        for prefix in re.findall(r"""\bt\(\s*["']([a-z_]+\.[a-z0-9_]*)["']\s*~""", text):
            assert any(k.startswith(prefix) for k in MESSAGES), (path.name, prefix)
    assert used, "no t() found in the templates"
    missing = {k: where for k, where in used.items() if k not in MESSAGES}
    assert not missing, missing
    # and no Chinese text typed into a template instead of the catalogue
    for path in TEMPLATES.glob("*.html"):
        assert not re.search(r"[\u4e00-\u9fff]", path.read_text(encoding="utf-8")), path.name
