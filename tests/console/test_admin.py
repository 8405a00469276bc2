"""The admin's pages in a real browser: users (add, disable, reset password, departments) and
API tokens (issue — shown once —, revoke), against a real hub process."""

from __future__ import annotations

import httpx

from tests.browsers import login, shot
from tests.hubs import PASSWORD, SCJG, XZSP


def test_a_backoffice_user_may_not_open_the_admin_pages(console_hub, page):
    console_hub.add_user("普通", "backoffice")
    login(page, console_hub, "普通")
    assert "用户管理" not in page.locator("header").inner_text()
    for path in ("/users", "/tokens"):
        r = page.goto(console_hub.console(path))
        assert r.status == 403 and "无权" in page.locator("#error-message").inner_text()
    # nor post to them (with a valid CSRF value: the role decides)
    csrf = page.locator("input[name=csrf]").first.get_attribute("value")
    r = page.request.post(
        console_hub.console("/users"),
        form={"csrf": csrf, "name": "偷偷", "role": "admin", "password": PASSWORD},
        max_redirects=0,
    )
    assert r.status == 403
    assert console_hub.user("偷偷") is None


def test_admin_adds_a_user_who_can_then_log_in(console_hub, page, browser):
    console_hub.add_user("管理员", "admin", depts=())
    login(page, console_hub, "管理员")
    page.click("text=用户管理")
    page.fill("#new-name", "新同事")
    page.select_option("#new-role", "backoffice")
    page.fill("#new-password", "short")
    page.check(f"input[name=department][value='{SCJG}']")
    page.click("form[aria-labelledby=add] button[type=submit]")
    assert page.locator("#form-error").inner_text() == "密码至少 8 位"  # refused, field kept
    assert page.locator("#new-name").input_value() == "新同事"
    assert console_hub.user("新同事") is None
    page.fill("#new-password", "Welcome-2026")
    page.check(f"input[name=department][value='{XZSP}']")
    page.click("form[aria-labelledby=add] button[type=submit]")
    assert "已添加用户 新同事" in page.locator("#notice").inner_text()
    row = page.locator("tr[data-user=新同事]")
    assert "市场监管局" in row.inner_text() and "行政审批局" in row.inner_text()
    shot(page, "users")
    assert console_hub.user("新同事").departments == (SCJG, XZSP)
    other = browser.new_context()
    try:
        p2 = other.new_page()
        login(p2, console_hub, "新同事", "Welcome-2026")
        assert "新同事 · 后台人员" in p2.locator(".who").inner_text()
    finally:
        other.close()


def test_admin_disables_a_user_ending_their_session_and_resets_a_locked_password(console_hub, page, browser):
    console_hub.add_user("管理员", "admin", depts=())
    victim = console_hub.add_user("小张", "backoffice")
    other = browser.new_context()
    try:
        p2 = other.new_page()
        login(p2, console_hub, "小张")
        assert "小张" in p2.locator(".who").inner_text()
        login(page, console_hub, "管理员")
        page.goto(console_hub.console(f"/users/{victim.id}"))
        page.click("text=停用此用户")
        assert "停用用户 小张？" in page.locator("#question").inner_text()
        page.get_by_role("button", name="确认").click()
        assert "已停用用户 小张" in page.locator("#notice").inner_text()
        assert page.locator("tr[data-user=小张] .state").inner_text() == "已停用"
        # their open session is over, and they cannot log in again
        p2.goto(console_hub.console("/"))
        assert p2.url.startswith(console_hub.console("/login"))
        login(p2, console_hub, "小张")
        assert p2.locator("#login-error").inner_text().startswith("用户名或密码不正确")  # told no more
        # enabled again, then locked by five wrong passwords; the admin's reset lifts the lock
        page.goto(console_hub.console(f"/users/{victim.id}"))
        page.click("text=恢复此用户")
        for _ in range(5):
            login(p2, console_hub, "小张", "wrong-pass9")
        assert console_hub.user("小张").locked()
        page.goto(console_hub.console("/users"))
        assert page.locator("tr[data-user=小张] .state").inner_text().startswith("已锁定至")
        page.goto(console_hub.console(f"/users/{victim.id}"))
        page.fill("#password", "Fresh-start-1")
        page.fill("#password2", "Fresh-start-2")
        page.click("form[aria-labelledby=pw] button")
        assert page.locator("#form-error").inner_text() == "两次输入的密码不一致"
        page.fill("#password", "Fresh-start-1")
        page.fill("#password2", "Fresh-start-1")
        page.click("form[aria-labelledby=pw] button")
        assert "已重置 小张 的密码并解除锁定" in page.locator("#notice").inner_text()
        login(p2, console_hub, "小张", "Fresh-start-1")
        assert "小张" in p2.locator(".who").inner_text()
        # departments: changed by the admin
        page.goto(console_hub.console(f"/users/{victim.id}"))
        page.uncheck(f"input[name=department][value='{SCJG}']")
        page.check(f"input[name=department][value='{XZSP}']")
        page.click("form[aria-labelledby=depts] button")
        assert console_hub.user("小张").departments == (XZSP,)
        # the admin cannot disable themself (no button, and the POST is refused)
        me = console_hub.user("管理员")
        page.goto(console_hub.console(f"/users/{me.id}"))
        assert page.locator("text=停用此用户").count() == 0
    finally:
        other.close()


def test_admin_issues_a_token_shown_once_and_revokes_it(console_hub, page):
    console_hub.add_user("管理员", "admin", depts=())
    login(page, console_hub, "管理员")
    page.goto(console_hub.console("/tokens"))
    page.select_option("#tk-role", "workstation")
    page.fill("#tk-office", "320724100")
    page.fill("#tk-ws", "07")
    page.click("form[aria-labelledby=issue] button[type=submit]")
    token = page.locator("#new-token").inner_text()
    assert token.startswith("yc1_")
    shot(page, "token-issued")
    # the token works for sync, as one made by `yichuang hub add-token`
    auth = {"Authorization": f"Bearer {token}"}
    assert httpx.get(console_hub.url + "/api/v1/numbers", headers=auth).status_code == 200
    # shown once: the list (and a reload) never shows it again
    page.goto(console_hub.console("/tokens"))
    assert token not in page.content()
    row = page.locator("tr[data-status=live]", has_text="320724100/07")
    token_id = row.get_attribute("data-token")
    # a second token for the same window is refused unless it replaces the first
    page.select_option("#tk-role", "workstation")
    page.fill("#tk-office", "320724100")
    page.fill("#tk-ws", "07")
    page.click("form[aria-labelledby=issue] button[type=submit]")
    assert token_id in page.locator("#form-error").inner_text()
    # revoke, with a confirmation
    page.goto(console_hub.console("/tokens"))
    page.locator(f"tr[data-token='{token_id}'] button").click()
    assert token_id in page.locator("#question").inner_text()
    page.get_by_role("button", name="确认").click()
    assert page.locator(f"tr[data-token='{token_id}']").get_attribute("data-status") == "revoked"
    r = httpx.get(console_hub.url + "/api/v1/numbers", headers=auth)
    assert r.status_code == 401 and r.json()["error"] == "token_revoked"


def test_issuing_a_token_with_bad_input_says_why(console_hub, page):
    console_hub.add_user("管理员", "admin", depts=())
    login(page, console_hub, "管理员")
    page.goto(console_hub.console("/tokens"))
    page.select_option("#tk-role", "workstation")
    page.fill("#tk-office", "320724100")
    page.click("form[aria-labelledby=issue] button[type=submit]")
    assert page.locator("#form-error").inner_text() == "工作站令牌需要办事点代码和工作站号"
    page.select_option("#tk-role", "backoffice")
    page.fill("#tk-expires", "0")
    page.click("form[aria-labelledby=issue] button[type=submit]")
    assert page.locator("#form-error").inner_text() == "有效天数须为 1 至 36500"
    assert page.locator("#new-token").count() == 0
