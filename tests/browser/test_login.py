"""The login page in a real browser: wrong passwords are refused, then throttled; the right one enters."""
import pytest

from duban.people.services import add_user
from tests.browser.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


def test_login_is_refused_then_throttled_then_works(page, screenshots):
    add_user("office1", "office", password="Office-pass-2024!")
    login(page, "office1", "wrong-password")
    assert "用户名或密码不正确" in page.content()
    for _ in range(5):
        login(page, "office1", "wrong-password")
    assert "登录失败次数过多" in page.content()
    page.screenshot(path=str(screenshots / "login-throttled.png"))


def test_office_logs_in(page):
    add_user("office2", "office", password="Office-pass-2024!")
    login(page, "office2", "Office-pass-2024!")
    assert "office2" in page.content() and "督查室" in page.content()
