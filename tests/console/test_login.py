"""Logging in and out of the console, in a real browser against a real hub process."""

from __future__ import annotations

import httpx

from tests.browsers import login, shot
from tests.hubs import PASSWORD, SCJG


def test_login_shows_the_user_and_logout_ends_the_session(console_hub, page):
    console_hub.add_user("王芳", "backoffice", depts=(SCJG,))
    page.goto(console_hub.console("/"))
    assert page.url.startswith(console_hub.console("/login"))  # no session: the login form
    assert page.locator("h1").inner_text() == "后台登录"
    login(page, console_hub, "王芳")
    assert page.url == console_hub.console("/")
    assert "王芳 · 后台人员" in page.locator(".who").inner_text()
    assert SCJG in page.locator(".departments").inner_text()
    assert "市场监管局" in page.locator(".departments").inner_text()
    cookie = next(c for c in page.context.cookies() if c["name"] == "yc_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/console"
    assert not cookie["secure"]  # plain HTTP here; tests/console/test_tls_cookie checks HTTPS
    shot(page, "home")
    # the session is the server's: the cookie value alone, once logged out, opens nothing
    page.locator("form[action='/console/logout'] button").press("Enter")  # by keyboard
    page.wait_for_url("**/console/login?bye=1")
    assert page.locator("[role=status]").inner_text() == "已退出登录"
    r = httpx.get(console_hub.console("/"), cookies={"yc_session": cookie["value"]}, follow_redirects=False)
    assert r.status_code == 303 and "/console/login" in r.headers["location"]


def test_wrong_password_is_refused_without_saying_which_part(console_hub, page):
    console_hub.add_user("李雷")
    login(page, console_hub, "李雷", "wrong-pass9")
    assert page.locator("#login-error").inner_text().startswith("用户名或密码不正确")
    told = page.locator("#login-error").inner_text()
    login(page, console_hub, "没有此人", PASSWORD)
    assert page.locator("#login-error").inner_text() == told
    assert not [c for c in page.context.cookies() if c["name"] == "yc_session"]


def test_five_wrong_passwords_lock_the_account(console_hub, page):
    console_hub.add_user("韩梅梅")
    for _ in range(4):
        login(page, console_hub, "韩梅梅", "wrong-pass9")
        told = page.locator("#login-error").inner_text()
        assert told.startswith("用户名或密码不正确") and "锁定 15 分钟" in told
    login(page, console_hub, "韩梅梅", "wrong-pass9")
    assert console_hub.user("韩梅梅").locked()
    # now even the right password is refused, told exactly what a wrong one is told (a stranger
    # must not learn that the name exists and is locked); the hub's record says locked
    login(page, console_hub, "韩梅梅", PASSWORD)
    assert page.locator("#login-error").inner_text() == told
    assert page.url.startswith(console_hub.console("/login"))
    assert console_hub.user("韩梅梅").locked()


def test_a_workstation_token_is_refused_at_the_console(console_hub, page):
    token = console_hub.token("workstation", "320724100", "01")
    assert (
        httpx.get(console_hub.url + "/api/v1/cases", headers={"Authorization": f"Bearer {token}"}).status_code
        == 200
    )
    page.context.set_extra_http_headers({"Authorization": f"Bearer {token}"})
    response = page.goto(console_hub.console("/"))
    assert response.status == 401
    assert "不接受 API 令牌" in page.locator("#error-message").inner_text()
    # and with a logged-in session as well: the token is never taken for a user
    console_hub.add_user("赵六")
    page.context.set_extra_http_headers({})
    login(page, console_hub, "赵六")
    page.context.set_extra_http_headers({"Authorization": f"Bearer {token}"})
    assert page.goto(console_hub.console("/")).status == 401


def test_a_post_without_the_csrf_token_is_refused(console_hub, page):
    console_hub.add_user("孙七")
    login(page, console_hub, "孙七")
    # the logout form, sent without its hidden token (as a forged form would be)
    page.eval_on_selector("form[action='/console/logout'] input[name=csrf]", "e => e.remove()")
    with page.expect_response("**/console/logout") as answer:
        page.click("form[action='/console/logout'] button")
    assert answer.value.status == 403
    assert "缺少安全令牌" in page.locator("#error-message").inner_text()
    # nothing happened: the session is still there
    page.goto(console_hub.console("/"))
    assert "孙七" in page.locator(".who").inner_text()
    # a wrong token is no better than none
    r = page.request.post(console_hub.console("/logout"), form={"csrf": "forged"}, max_redirects=0)
    assert r.status == 403
    page.goto(console_hub.console("/"))
    assert "孙七" in page.locator(".who").inner_text()


def test_the_login_form_needs_its_csrf_value_too(console_hub):
    console_hub.add_user("周八")
    # a login posted from elsewhere (no login cookie, no form value) is refused before the password is checked
    r = httpx.post(console_hub.console("/login"), data={"name": "周八", "password": PASSWORD})
    assert r.status_code == 403
    assert "yc_session" not in r.cookies


def test_after_login_the_browser_returns_to_the_page_asked_for_but_never_to_another_site(console_hub, page):
    console_hub.add_user("吴九")
    page.goto(console_hub.console("/workstations"))
    assert "next=%2Fconsole%2Fworkstations" in page.url
    page.fill("#name", "吴九")
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url("**/console/workstations")
    page.context.clear_cookies()
    for target in ("https://evil.example/", "//evil.example/console/", "/console/../../x"):
        page.goto(
            console_hub.console("/login?next=") + httpx.URL("", params={"n": target}).query.decode()[2:]
        )
        page.fill("#name", "吴九")
        page.fill("#password", PASSWORD)
        page.press("#password", "Enter")
        page.wait_for_load_state()
        assert page.url.startswith(console_hub.url + "/console/"), (target, page.url)
        page.context.clear_cookies()


def test_the_console_is_usable_with_the_keyboard_alone(console_hub, page):
    console_hub.add_user("郑十", "admin", depts=())
    page.goto(console_hub.console("/"))
    # the name field has the focus (autofocus: chromium applies it a frame after load, so wait
    # for it rather than type into nothing): type, Tab, type, Enter
    page.wait_for_function("document.activeElement && document.activeElement.id === 'name'")
    page.keyboard.type("郑十")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(console_hub.console("/"))
    # Tab through the page to the navigation's 令牌管理 and open it with Enter
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent").startswith("令牌管理"):
            break
    page.keyboard.press("Enter")
    page.wait_for_url("**/console/tokens")
    # the focused control is always visible (an outline of its own)
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")
