"""Password rules at their boundaries (length 10, three of four classes, no sequences, no reuse of
the last 5), the forced change of an initial or 90-day-old password, the idle timeout and the
password-spraying guard."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccountSecurity
from audit.models import AuditEvent
from tests.second_factor import confirmed_device, sign_in

PASSWORD = "pw-for-tests-1"


def codes(password, user=None):
    try:
        validate_password(password, user)
    except ValidationError as error:
        return {e.code for e in error.error_list}
    return set()


@pytest.mark.parametrize("password, refused", [
    ("Xq7-relo9", {"password_too_short"}),        # 9 characters, four classes
    ("Xq7-relo9k", set()),                        # 10 characters: accepted
    ("xq7relo9kw", {"password_too_simple"}),      # two classes (lower, digits)
    ("Xq7relo9kw", set()),                        # three classes: upper, lower, digits
    ("xq-relo-kw", {"password_too_simple"}),      # two classes (lower, symbols)
    ("xq7-relo9k", set()),                        # three classes: lower, digits, symbols
    ("Aa12345678", {"password_sequence"}),        # three classes, but a run of digits
    ("zhangsan2026", {"password_too_simple"}),    # the examples are refused
    ("Xq7-aaaaa-2", {"password_sequence"}),       # five repeated
    ("Xq7-aaaa-2b", set()),                       # four repeated: allowed
])
def test_password_rules_at_their_boundaries(db, password, refused):
    assert codes(password) >= refused
    if not refused:
        assert codes(password) == set()


def test_none_of_the_last_five_passwords_may_be_reused(db):
    user = get_user_model().objects.create_user("clerk", password="Start-pass-01x")
    used = [f"Rotate-{n}-pass-x{n}" for n in range(1, 6)]
    for password in used:
        assert codes(password, user) == set()
        user.set_password(password)
        user.save()
    # The last five (the current one included) are refused; the one before them is free again.
    for password in used:
        assert "password_reused" in codes(password, user)
    assert codes("Start-pass-01x", user) == set()


def test_the_password_change_page_refuses_a_recent_password(client, cast):
    sign_in(client, "clerk_a", PASSWORD)
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 200
    assert "最近 5 次使用过的密码" in response.content.decode()


def test_an_initial_password_set_by_the_system_administrator_must_be_changed(administrators, client_of, areas):
    system = client_of(administrators["system"])
    response = system.post(reverse("admin:auth_user_add"), {
        "username": "newclerk", "password1": "Initial-pass-7x", "password2": "Initial-pass-7x", "usable_password": "true"})
    assert response.status_code == 302, response.content.decode()[:2000]
    official = get_user_model().objects.get(username="newclerk")
    assert AccountSecurity.objects.get(user=official).must_change_password
    client = Client()
    sign_in(client, "newclerk", "Initial-pass-7x")
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("password_change")
    client.post(reverse("password_change"), {
        "old_password": "Initial-pass-7x", "new_password1": "Own-choice-9x!", "new_password2": "Own-choice-9x!"})
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize("days, forced", [(settings.ACCOUNTS_PASSWORD_MAX_AGE_DAYS - 1, False),
                                          (settings.ACCOUNTS_PASSWORD_MAX_AGE_DAYS + 1, True)])
def test_a_password_older_than_ninety_days_must_be_changed(client, cast, days, forced):
    AccountSecurity.objects.update_or_create(
        user=cast["clerk_a"], defaults={"password_changed_at": timezone.now() - timedelta(days=days)})
    client.force_login(cast["clerk_a"])
    response = client.get(reverse("home"))
    if forced:
        assert response.status_code == 302 and response["Location"] == reverse("password_change")
        assert client.get(reverse("password_change")).status_code == 200  # the way out stays open
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("idle, signed_out", [(settings.ACCOUNTS_IDLE_TIMEOUT - 30, False),
                                              (settings.ACCOUNTS_IDLE_TIMEOUT + 1, True)])
def test_an_idle_session_ends_after_thirty_minutes(client, cast, idle, signed_out):
    client.force_login(cast["clerk_a"])
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session["accounts_last_seen"] = time.time() - idle
    session.save()
    response = client.get(reverse("home"))
    if signed_out:
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
        assert "_auth_user_id" not in client.session
        assert AuditEvent.objects.filter(action="auth.idle_timeout", actor_username="clerk_a").exists()
    else:
        assert response.status_code == 200


def test_many_usernames_failing_from_one_address_block_that_address(cast, settings):
    sprayer = Client(REMOTE_ADDR="192.0.2.7")
    for n in range(settings.ACCOUNTS_SPRAY_USERNAME_LIMIT):
        # One try per username: far below axes' per-user limit.
        assert sprayer.post(reverse("login"), {"username": f"guess{n}", "password": "Summer-2026!"}).status_code == 200
    confirmed_device(cast["clerk_a"])
    blocked = sprayer.post(reverse("login"), {"username": "clerk_a", "password": PASSWORD})
    assert blocked.status_code == 429 and "登录失败涉及的账号过多" in blocked.content.decode()
    assert "accounts_pending_login" not in sprayer.session
    assert AuditEvent.objects.filter(action="auth.spraying_blocked").exists()
    # Another address is not affected.
    office = Client(REMOTE_ADDR="192.0.2.8")
    assert office.post(reverse("login"), {"username": "clerk_a", "password": PASSWORD}).status_code == 302


def test_a_few_failures_from_one_address_do_not_block_it(cast, settings):
    shared = Client(REMOTE_ADDR="192.0.2.9")
    for n in range(settings.ACCOUNTS_SPRAY_USERNAME_LIMIT - 1):
        shared.post(reverse("login"), {"username": f"typo{n}", "password": "wrong"})
    assert shared.post(reverse("login"), {"username": "clerk_a", "password": PASSWORD}).status_code == 302


def test_behind_a_trusted_proxy_the_guard_counts_the_forwarded_address(cast, settings):
    settings.AUDIT_TRUST_X_FORWARDED_FOR = True
    for n in range(settings.ACCOUNTS_SPRAY_USERNAME_LIMIT):
        Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5").post(
            reverse("login"), {"username": f"guess{n}", "password": "Summer-2026!"})
    # The sprayer's address is blocked; another official behind the same proxy is not.
    sprayer = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert sprayer.post(reverse("login"), {"username": "clerk_a", "password": PASSWORD}).status_code == 429
    office = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert office.post(reverse("login"), {"username": "clerk_a", "password": PASSWORD}).status_code == 302
