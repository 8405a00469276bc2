"""Issue 16 §3 in a real browser (Debian's chromium, a real hub process): the console's token page
is where an admin binds a window's receipt keys — with the token or later — and nobody else can:
not a back office user, not a window's token."""

from __future__ import annotations

import httpx
import pytest

from printing.signing import Signer, Sm2Signer
from sync.hub.store import hash_token
from tests.browsers import chromium, login, new_page, shot
from tests.hubs import OFFICE


@pytest.fixture(scope="module")  # closed with this module: Playwright's sync API must be gone
def browser():  # before the async (Textual pilot) tests of this package run
    yield from chromium()


@pytest.fixture
def page(browser, request):
    yield from new_page(browser, request)


def keys_of(hub, token_id: str) -> list[tuple[str, str, str]]:
    st = hub.store()
    try:
        [row] = [r for r in st.list_tokens() if r["id"] == token_id]
    finally:
        st.close()
    return [(k["alg"], k["public_key"], k["origin"]) for k in row["keys"]]


def test_the_admin_binds_keys_on_the_token_page_and_nobody_else_can(console_hub, page):
    hub = console_hub
    hub.add_user("管理员", "admin", depts=())
    hub.add_user("普通", "backoffice")
    ed, sm2 = Signer.generate(), Sm2Signer.generate()

    login(page, hub, "管理员")
    page.goto(hub.console("/tokens"))
    # issued with the window's keys, pasted as `yichuang keys` prints them
    page.select_option("#tk-role", "workstation")
    page.fill("#tk-office", OFFICE)
    page.fill("#tk-ws", "07")
    page.fill("#tk-keys", f"{ed.public_key_b64()}\n\n{sm2.public_key_b64()}\n")
    page.click("form[aria-labelledby=issue] button[type=submit]")
    token = page.locator("#new-token").inner_text()
    tid = hash_token(token)[:16]
    assert keys_of(hub, tid) == [
        ("ed25519", ed.public_key_b64(), "issued"),
        ("sm2", sm2.public_key_b64(), "issued"),
    ]
    page.goto(hub.console("/tokens"))
    cell = page.locator(f"tr[data-token='{tid}'] td.keys")
    assert ed.key_id() in cell.inner_text() and sm2.key_id() in cell.inner_text()
    assert "未经管理员确认" not in cell.inner_text()

    # a window issued without keys, bound later from the "bind keys" form
    page.select_option("#tk-role", "workstation")
    page.fill("#tk-office", OFFICE)
    page.fill("#tk-ws", "08")
    page.click("form[aria-labelledby=issue] button[type=submit]")
    later = page.locator("#new-token").inner_text()
    lid = hash_token(later)[:16]
    assert keys_of(hub, lid) == []
    page.goto(hub.console("/tokens"))
    other = Signer.generate()
    page.select_option("#sk-token", lid)
    page.fill("#sk-keys", "not a key")
    page.click("form[aria-labelledby=set-keys] button[type=submit]")
    assert "base64" in page.locator("#form-error").inner_text()
    assert page.locator("#sk-keys").input_value() == "not a key"  # kept for correcting
    page.select_option("#sk-token", lid)
    page.fill("#sk-keys", other.public_key_b64())
    page.click("form[aria-labelledby=set-keys] button[type=submit]")
    assert lid in page.locator("#notice").inner_text()
    assert keys_of(hub, lid) == [("ed25519", other.public_key_b64(), "admin")]
    shot(page, "token-keys-bound")
    # a bound key is not overwritten from the page either
    page.select_option("#sk-token", lid)
    page.fill("#sk-keys", Signer.generate().public_key_b64())
    page.click("form[aria-labelledby=set-keys] button[type=submit]")
    assert "--replace" in page.locator("#form-error").inner_text()
    assert keys_of(hub, lid) == [("ed25519", other.public_key_b64(), "admin")]
    csrf = page.locator("input[name=csrf]").first.get_attribute("value")

    # a window's token: the console refuses bearer tokens outright
    attacker = Signer.generate().public_key_b64()
    r = httpx.post(
        hub.console("/tokens/keys"),
        headers={"Authorization": f"Bearer {later}", "Origin": hub.url},
        data={"csrf": csrf, "token_id": lid, "public_keys": attacker},
    )
    assert r.status_code == 401
    # a back office user, with a valid session and CSRF value: the role decides
    page.context.clear_cookies()
    login(page, hub, "普通")
    csrf = page.locator("input[name=csrf]").first.get_attribute("value")
    for tok in (tid, lid):
        r = page.request.post(
            hub.console("/tokens/keys"),
            form={"csrf": csrf, "token_id": tok, "public_keys": attacker},
            max_redirects=0,
        )
        assert r.status == 403
    bare = hub.store()
    try:
        btoken = bare.add_token("workstation", OFFICE, "09")
    finally:
        bare.close()
    r = page.request.post(
        hub.console("/tokens/keys"),
        form={"csrf": csrf, "token_id": hash_token(btoken)[:16], "public_keys": attacker},
        max_redirects=0,
    )
    assert r.status == 403
    assert keys_of(hub, hash_token(btoken)[:16]) == []
    assert keys_of(hub, lid) == [("ed25519", other.public_key_b64(), "admin")]
