"""An admin sees the console's locks and lifts them (issue 16 §6), in a real browser (Debian's
chromium through Playwright) against a real hub process: the users page says who is locked until
when and after how many failures, the lift asks for a confirmation, needs the page's CSRF value
and an admin, and is recorded with the admin's name; `yichuang hub unlock-user` does the same
from a shell on the hub (for when the admin's own account is the one locked)."""

from __future__ import annotations

import httpx
import pytest

from tests.browsers import chromium, login, new_page, shot
from tests.hubs import PASSWORD, SCJG, ConsoleHub, ycli

pytestmark = pytest.mark.slow

WRONG = "Wrong-pass-0"


@pytest.fixture(scope="module")  # this module's own: gone before other modules' async tests run
def browser():
    yield from chromium()


@pytest.fixture
def page(browser, request):
    yield from new_page(browser, request, width=1400)


def lock_out(hub: ConsoleHub, name: str, source: str = "127.0.0.7", then_right: bool = True) -> None:
    """Five wrong passwords from a stranger's address: the account locks (then the right one,
    refused)."""
    with httpx.Client(base_url=hub.url, transport=httpx.HTTPTransport(local_address=source), timeout=60) as c:
        c.get("/console/login")
        csrf = c.cookies["yc_login"]
        for _ in range(5):
            c.post("/console/login", data={"name": name, "password": WRONG, "csrf": csrf})
        if then_right:
            c.post("/console/login", data={"name": name, "password": PASSWORD, "csrf": csrf})  # refused
    assert hub.user(name).locked()


def row(page, name: str):
    return page.locator(f"#users tr[data-user='{name}']")


def test_an_admin_sees_a_lock_and_lifts_it_with_a_confirmation_and_is_recorded(console_hub, page):
    console_hub.add_user("郑十", "admin", depts=())
    console_hub.add_user("王芳", "backoffice", depts=(SCJG,))
    lock_out(console_hub, "王芳")
    login(page, console_hub, "郑十")
    page.goto(console_hub.console("/users"))
    wang = row(page, "王芳")
    assert "已锁定至" in wang.locator(".state").inner_text()
    assert wang.locator(".failures").inner_text().startswith("5")
    assert "拒绝 1 次" in wang.locator(".failures").inner_text()  # the right password, refused unchecked
    assert "127.0.0.7" in wang.locator(".last-attempt").inner_text()
    assert row(page, "郑十").locator("button.unlock").count() == 0  # nothing to lift there
    shot(page, "users_locked")
    # lift it: a confirmation first (nothing changes yet), then the lift
    wang.locator("button.unlock").click()
    page.wait_for_load_state()
    assert "解除用户 王芳 的锁定" in page.locator("#question").inner_text()
    assert console_hub.user("王芳").locked()
    shot(page, "unlock_confirm")
    page.locator("button[type=submit].danger").press("Enter")  # the confirm button, by keyboard
    page.wait_for_url("**/console/users?done=unlocked*")
    assert page.locator("#notice").inner_text() == "已解除 王芳 的锁定"
    assert row(page, "王芳").locator(".state").inner_text() == "正常"
    user = console_hub.user("王芳")
    assert not user.locked() and user.failures == 0 and user.refused == 0
    # recorded: who lifted it, and the lock before it
    page.goto(console_hub.console(f"/users/{user.id}"))
    log = page.locator("#lock-log tbody tr")
    assert log.count() == 2
    assert "解除锁定" in log.nth(0).inner_text() and log.nth(0).locator(".by").inner_text() == "郑十"
    assert "连续失败 5 次" in log.nth(0).inner_text()
    assert "锁定" in log.nth(1).inner_text() and "127.0.0.7" in log.nth(1).inner_text()
    shot(page, "user_lock_log")
    # and the account logs in again
    page.context.clear_cookies()
    login(page, console_hub, "王芳")
    assert page.url == console_hub.console("/")


def test_the_lift_needs_the_csrf_value_and_an_admin(console_hub, page):
    console_hub.add_user("郑十", "admin", depts=())
    console_hub.add_user("王芳", "backoffice", depts=(SCJG,))
    console_hub.add_user("李雷", "backoffice", depts=(SCJG,))
    lock_out(console_hub, "王芳")
    wang = console_hub.user("王芳")
    # an admin's session, but a forged form (no or a wrong CSRF value): refused, still locked
    login(page, console_hub, "郑十")
    for form in ({"confirm": "1"}, {"confirm": "1", "csrf": "forged"}):
        r = page.request.post(console_hub.console(f"/users/{wang.id}/unlock"), form=form, max_redirects=0)
        assert r.status == 403
    assert console_hub.user("王芳").locked()
    # a back office user with a valid session and CSRF value: not an admin, refused
    page.context.clear_cookies()
    login(page, console_hub, "李雷")
    page.goto(console_hub.console("/"))
    csrf = page.locator("input[name=csrf]").first.get_attribute("value")
    r = page.request.post(
        console_hub.console(f"/users/{wang.id}/unlock"), form={"confirm": "1", "csrf": csrf}, max_redirects=0
    )
    assert r.status == 403
    assert console_hub.user("王芳").locked()
    assert console_hub.user("王芳").failures == 5


def test_an_admin_sees_a_held_address_and_lets_it_try_again(console_hub, page):
    console_hub.add_user("郑十", "admin", depts=())
    for name in ("甲一", "乙二"):
        console_hub.add_user(name)
        lock_out(console_hub, name, "127.0.0.8", then_right=False)  # ten attempts from one address: held
    login(page, console_hub, "郑十")
    page.goto(console_hub.console("/users"))
    held = page.locator("#held-addresses tr[data-address='127.0.0.8']")
    assert held.count() == 1
    held.locator("button").click()
    page.wait_for_load_state()
    assert "127.0.0.8" in page.locator("#question").inner_text()
    page.locator("button[type=submit].danger").click()
    page.wait_for_url("**/console/users?done=released*")
    assert page.locator("#held-none").count() == 1


def test_unlock_user_from_a_shell_on_the_hub(console_hub):
    console_hub.add_user("郑十", "admin", depts=())
    lock_out(console_hub, "郑十")  # the only admin: nobody can log in to lift it
    r = ycli("hub", "unlock-user", "郑十", "--data-dir", str(console_hub.data_dir))
    assert "已解除 郑十 的锁定" in r.stdout and "shell:" in r.stdout
    assert not console_hub.user("郑十").locked()
    from sync.hub.console_store import ConsoleStore

    st = console_hub.store()
    try:
        [lifted, _locked] = ConsoleStore(st).lock_log("郑十")
    finally:
        st.close()
    assert lifted.action == "lifted" and lifted.actor.startswith("shell:")
    again = ycli("hub", "unlock-user", "郑十", "--data-dir", str(console_hub.data_dir), check=False)
    assert again.returncode == 1 and "没有被锁定" in again.stderr
    nobody = ycli("hub", "unlock-user", "无此人", "--data-dir", str(console_hub.data_dir), check=False)
    assert nobody.returncode == 1 and "没有这个用户" in nobody.stderr


def test_a_held_address_is_named_by_unlock_user_and_released_from_a_shell(console_hub):
    """Found by trying it: `unlock-user` said the lock was lifted, yet the admin's login still got
    401: their address was held back (10 attempts), which only the console's users page could
    release. Now unlock-user names the held address and `hub release-address` lets it through."""
    console_hub.add_user("郑十", "admin", depts=())
    console_hub.add_user("王芳", "backoffice", depts=(SCJG,))
    lock_out(console_hub, "郑十", source="127.0.0.9")  # 6 attempts from one address
    transport = httpx.HTTPTransport(local_address="127.0.0.9")
    with httpx.Client(base_url=console_hub.url, transport=transport, timeout=60) as c:
        c.get("/console/login")
        for _ in range(6):  # 12 in all: the address is held back after 10
            c.post("/console/login", data={"name": "王芳", "password": WRONG, "csrf": c.cookies["yc_login"]})
    r = ycli("hub", "unlock-user", "郑十", "--data-dir", str(console_hub.data_dir))
    assert "已解除 郑十 的锁定" in r.stdout
    assert "127.0.0.9" in r.stdout and "hub release-address 127.0.0.9" in r.stdout, r.stdout

    def log_in() -> int:
        transport = httpx.HTTPTransport(local_address="127.0.0.9")
        with httpx.Client(base_url=console_hub.url, transport=transport, timeout=60) as c:
            c.get("/console/login")
            data = {"name": "郑十", "password": PASSWORD, "csrf": c.cookies["yc_login"]}
            return c.post("/console/login", data=data).status_code

    assert log_in() == 401  # the address is still held
    r = ycli("hub", "release-address", "127.0.0.9", "--data-dir", str(console_hub.data_dir))
    assert "已放行地址 127.0.0.9" in r.stdout and "shell:" in r.stdout
    assert log_in() == 303
    never = ycli("hub", "release-address", "127.0.0.99", "--data-dir", str(console_hub.data_dir), check=False)
    assert never.returncode == 1 and "没有被暂停" in never.stderr
