"""Sign-in with two factors: a password alone reaches nothing; enrolment, codes, backup codes,
the per-user lockout of the second factor and the security administrator's recovery."""

import time

import pytest
from django.conf import settings
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from tests.second_factor import code_for, confirmed_device, sign_in

PASSWORD = "pw-for-tests-1"


def password_step(client, username="clerk_a", password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_a_password_alone_signs_nobody_in(client, cast, household_a):
    response = password_step(client)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:enrol")
    assert "_auth_user_id" not in client.session
    for url in (reverse("home"), f"/households/{household_a.pk}/", "/admin/"):
        assert client.get(url).status_code == 302
    assert client.get("/api/v1/households/").status_code in (401, 403)


def test_first_sign_in_enrols_an_authenticator_with_a_qr_code_drawn_here(client, cast):
    password_step(client)
    page = client.get(reverse("accounts:enrol")).content.decode()
    assert "<svg" in page and "绑定身份验证器" in page
    assert "<img" not in page and "http" not in page.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org/2000/svg", "")
    device = TOTPDevice.objects.get(user=cast["clerk_a"], confirmed=False)
    response = client.post(reverse("accounts:enrol"), {"code": code_for(device)}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:backup_codes")
    codes = response.context["codes"]
    assert len(codes) == settings.ACCOUNTS_OTP_BACKUP_CODES
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("accounts:backup_codes")).context["codes"] is None  # shown once
    assert AuditEvent.objects.filter(action="accounts.second_factor_enrolled", actor_username="clerk_a").exists()


def test_a_wrong_enrolment_code_binds_nothing(client, cast):
    password_step(client)
    client.get(reverse("accounts:enrol"))
    response = client.post(reverse("accounts:enrol"), {"code": "000000"})
    assert "验证码不正确" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=cast["clerk_a"], confirmed=True).exists()
    assert "_auth_user_id" not in client.session


def test_a_wrong_code_is_refused_and_the_right_one_signs_in(client, cast):
    device = confirmed_device(cast["clerk_a"])
    assert password_step(client)["Location"] == reverse("accounts:verify")
    wrong = client.post(reverse("accounts:verify"), {"code": "12345"})
    assert wrong.status_code == 200 and "验证码不正确" in wrong.content.decode()
    assert "_auth_user_id" not in client.session
    right = client.post(reverse("accounts:verify"), {"code": code_for(device)})
    assert right.status_code == 302 and right["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    assert AuditEvent.objects.filter(action="auth.second_factor_failed", actor_username="clerk_a").count() == 1
    assert AuditEvent.objects.filter(action="auth.login", actor_username="clerk_a").count() == 1


def test_a_code_is_accepted_once(client, cast):
    device = confirmed_device(cast["clerk_a"])
    code = code_for(device)
    password_step(client)
    assert client.post(reverse("accounts:verify"), {"code": code}).status_code == 302
    client.post(reverse("logout"))
    password_step(client)
    assert client.post(reverse("accounts:verify"), {"code": code}).status_code == 200  # replay refused


def test_a_backup_code_signs_in_once(client, cast):
    sign_in(client, "clerk_a", PASSWORD)  # enrols: ten backup codes
    code = StaticToken.objects.filter(device__user=cast["clerk_a"]).first().token
    client.post(reverse("logout"))
    password_step(client)
    assert client.post(reverse("accounts:verify"), {"code": code.upper()}).status_code == 302
    assert AuditEvent.objects.get(action="auth.backup_code_used").data == {"remaining": 9}
    client.post(reverse("logout"))
    password_step(client)
    assert client.post(reverse("accounts:verify"), {"code": code}).status_code == 200


def test_repeated_wrong_codes_lock_the_second_factor_even_against_the_right_code(client, cast):
    device = confirmed_device(cast["clerk_a"])
    password_step(client)
    for _ in range(settings.ACCOUNTS_OTP_FAILURE_LIMIT - 1):
        assert client.post(reverse("accounts:verify"), {"code": "000000"}).status_code == 200
    locked = client.post(reverse("accounts:verify"), {"code": "000000"})
    assert locked.status_code == 429 and "已被锁定" in locked.content.decode()
    # A fresh session (another address, a new password step) is locked too: the lock is per user.
    other = type(client)(REMOTE_ADDR="10.0.0.9")
    password_step(other)
    again = other.post(reverse("accounts:verify"), {"code": code_for(device)})
    assert again.status_code == 429
    assert "_auth_user_id" not in other.session
    assert AuditEvent.objects.filter(action="auth.second_factor_locked", actor_username="clerk_a").exists()


def test_the_password_step_is_forgotten_after_its_time(client, cast, settings):
    device = confirmed_device(cast["clerk_a"])
    password_step(client)
    session = client.session
    session["accounts_pending_login"]["at"] = time.time() - settings.ACCOUNTS_LOGIN_STEP_SECONDS - 1
    session.save()
    response = client.post(reverse("accounts:verify"), {"code": code_for(device)})
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


@pytest.mark.password_only
def test_a_session_made_without_the_second_factor_is_ended(client, cast):
    client.force_login(cast["clerk_a"])  # Django's bare login, no second factor
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.unverified_session", actor_username="clerk_a").exists()


@pytest.mark.password_only
def test_the_api_refuses_a_session_without_the_second_factor(client, cast):
    client.force_login(cast["clerk_a"])
    response = client.get("/api/v1/households/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_the_admin_login_form_leads_to_the_two_step_sign_in(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"] == reverse("login") + "?next=/admin/"


def test_the_security_administrator_resets_a_lost_authenticator(client, cast, administrators, client_of):
    sign_in(client, "clerk_a", PASSWORD)
    client.post(reverse("logout"))
    security = client_of(administrators["security"])
    url = reverse("accounts:security_user", args=[cast["clerk_a"].pk])
    assert "已绑定" in security.get(url).content.decode()
    response = security.post(url, {"action": "reset", "reason": "手机遗失，本人书面申请"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=cast["clerk_a"]).exists()
    assert not StaticToken.objects.filter(device__user=cast["clerk_a"]).exists()
    event = AuditEvent.objects.get(action="accounts.second_factor_reset")
    assert event.actor_username == "secadmin" and event.data["reason"] == "手机遗失，本人书面申请"
    from supervision.timeline import label_of

    assert label_of(event.action) == "重置第二因子"  # as auditors read it in the log
    # The next sign-in enrols a new authenticator.
    assert password_step(client)["Location"] == reverse("accounts:enrol")


def test_the_security_administrator_lifts_a_lock(client, cast, administrators, client_of):
    confirmed_device(cast["clerk_a"])
    password_step(client)
    for _ in range(settings.ACCOUNTS_OTP_FAILURE_LIMIT):
        client.post(reverse("accounts:verify"), {"code": "000000"})
    security = client_of(administrators["security"])
    security.post(reverse("accounts:security_user", args=[cast["clerk_a"].pk]), {"action": "unlock"})
    assert AuditEvent.objects.filter(action="accounts.unlocked").exists()
    device = TOTPDevice.objects.get(user=cast["clerk_a"])
    assert client.post(reverse("accounts:verify"), {"code": code_for(device)}).status_code == 302


def test_the_security_administrator_sees_and_lifts_a_password_lockout(client, cast, administrators, client_of):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "clerk_a", "password": "wrong"})
    assert password_step(client).status_code == 429
    security = client_of(administrators["security"])
    url = reverse("accounts:security_user", args=[cast["clerk_a"].pk])
    assert "因连续输错已锁定" in security.get(url).content.decode()
    security.post(url, {"action": "unlock"})
    assert "因连续输错已锁定" not in security.get(url).content.decode()
    assert password_step(client).status_code == 302


def test_only_the_security_administrator_resets_second_factors(cast, administrators, client_of):
    url = reverse("accounts:security_user", args=[cast["clerk_a"].pk])
    for who in (administrators["system"], administrators["audit"], cast["county_office"]):
        assert client_of(who).post(url, {"action": "reset", "reason": "x"}).status_code == 403


def test_the_security_administrators_list_shows_who_is_enrolled_in_the_same_queries_for_any_count(
        cast, administrators, client_of):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    confirmed_device(cast["clerk_a"])
    security = client_of(administrators["security"])
    url = reverse("accounts:security_users")
    with CaptureQueriesContext(connection) as few:
        page = security.get(url, {"q": "clerk"}).content.decode()
    assert "已绑定" in page and "未绑定" in page
    from django.contrib.auth import get_user_model

    for n in range(8):
        get_user_model().objects.create_user(f"clerk_extra{n}", password="pw-for-tests-1")
    with CaptureQueriesContext(connection) as many:
        security.get(url, {"q": "clerk"})
    assert len(many.captured_queries) == len(few.captured_queries)
