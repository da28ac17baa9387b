"""Tokens: issued by a superuser (admin or manage.py), the key shown once, revoked not deleted."""

import datetime
import io

from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken, IdempotencyRecord
from audit.models import AuditEvent


def test_issue_command_prints_a_working_key(cast):
    out = io.StringIO()
    call_command("issue_api_token", "clerk_a", "--name", "移动采集端", "--days", "30", stdout=out)
    key = out.getvalue().strip()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/areas/").status_code == 200
    assert AuditEvent.objects.filter(action="api_token.issue").count() == 1
    assert ApiToken.objects.get().expires_at > timezone.now() + datetime.timedelta(days=29)


def test_admin_issues_and_revokes_for_superusers_only(cast, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="pw-for-tests-1")
    browser = APIClient()
    browser.force_login(admin)
    r = browser.post("/admin/api/apitoken/add/", {"user": cast["clerk_a"].pk, "name": "对接"}, follow=True)
    assert r.status_code == 200
    token = ApiToken.objects.get()
    assert "密钥仅显示这一次" in r.content.decode()
    r = browser.post("/admin/api/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}, follow=True)
    assert ApiToken.objects.get().revoked_at is not None
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1
    officer = APIClient()
    officer.force_login(cast["county_office"])
    assert officer.get("/admin/api/apitoken/").status_code in (302, 403)


def test_purge_drops_old_idempotency_answers(cast):
    IdempotencyRecord.objects.create(user=cast["clerk_a"], key="old", method="POST", path="/x", fingerprint="f",
                                     status_code=200, created_at=timezone.now() - datetime.timedelta(days=10))
    IdempotencyRecord.objects.create(user=cast["clerk_a"], key="new", method="POST", path="/x", fingerprint="f",
                                     status_code=200)
    call_command("purge_api_idempotency", stdout=io.StringIO())
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
