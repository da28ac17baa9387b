"""Login, logout, password change and the lockout after repeated failures (django-axes)."""

import pytest
from django.conf import settings
from django.urls import reverse

from registry.demo import DEMO_PASSWORD, build_demo
from tests.second_factor import sign_in

LOGIN_URL = reverse("login")


@pytest.fixture
def demo(db):
    build_demo(households=12)


def test_the_login_page_is_in_chinese(client, db):
    page = client.get(LOGIN_URL).content.decode()
    assert '<html lang="zh-CN">' in page
    for text in ("用户登录", "用户名", "密码", "登录"):
        assert text in page
    assert "Username" not in page and "Password" not in page


def test_a_demo_official_logs_in_and_reaches_home(client, demo):
    response = sign_in(client, "v101201_clerk", DEMO_PASSWORD, follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:backup_codes")  # first sign-in: enrolled
    response = client.get(reverse("home"))
    page = response.content.decode()
    assert "村级经办人（村文书）" in page
    assert "龙井村" in page
    assert "5209991012010001" in page  # the first household of the clerk's village
    assert "5209991012020001" not in page  # the neighbouring village's


def test_a_wrong_password_shows_a_chinese_error(client, demo):
    response = client.post(LOGIN_URL, {"username": "v101201_clerk", "password": "wrong-password"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode() or "不正确" in response.content.decode()


def test_the_account_is_locked_after_the_failure_limit(client, demo):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(LOGIN_URL, {"username": "v101201_clerk", "password": "wrong"}).status_code == 200
    locked = client.post(LOGIN_URL, {"username": "v101201_clerk", "password": "wrong"})
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "账号已被暂时锁定" in page
    assert f"已连续{settings.AXES_FAILURE_LIMIT}次登录失败" in page
    assert "30 分钟" in page
    # Even the right password is refused while locked.
    again = client.post(LOGIN_URL, {"username": "v101201_clerk", "password": DEMO_PASSWORD})
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post_and_leads_back_to_login(client, demo):
    sign_in(client, "v101201_clerk", DEMO_PASSWORD)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL
    assert client.get(reverse("home")).status_code == 302


def test_the_password_change_page_is_in_chinese_and_applies_the_validators(client, demo):
    sign_in(client, "v101201_clerk", DEMO_PASSWORD)
    page = client.get(reverse("password_change")).content.decode()
    assert "修改密码" in page and "新密码" in page
    response = client.post(reverse("password_change"), {
        "old_password": DEMO_PASSWORD, "new_password1": "12345678", "new_password2": "12345678",
    })
    assert response.status_code == 200
    assert "这个密码太常见了。" in response.content.decode()
    assert "密码只包含数字。" in response.content.decode()


def test_a_password_change_succeeds_with_a_strong_password(client, demo):
    sign_in(client, "v101201_clerk", DEMO_PASSWORD)
    response = client.post(reverse("password_change"), {
        "old_password": DEMO_PASSWORD, "new_password1": "Longer-安全-2026-pass", "new_password2": "Longer-安全-2026-pass",
    }, follow=True)
    assert "密码已修改" in response.content.decode()
