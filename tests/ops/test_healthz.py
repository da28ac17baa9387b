"""/healthz: each part the system runs on, for a load balancer (no login, never cached)."""

import pytest
from django.utils import timezone

from supervision.models import IntegrityCheck

pytestmark = pytest.mark.django_db


def record_integrity(ok=True, **fields):
    for kind in IntegrityCheck.Kind.values:
        IntegrityCheck.objects.create(kind=kind, ran_at=fields.get("ran_at", timezone.now()), ok=ok, checked=1)


def test_it_reports_each_part_and_answers_200_when_all_pass(client):
    record_integrity()
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "ok"
    assert {"database", "storage", "cache", "integrity", "celery", "outbox"} <= set(body["checks"])
    assert all(part["ok"] for part in body["checks"].values())
    assert "no-cache" in response["Cache-Control"]


def test_it_needs_no_sign_in(client):
    assert client.get("/healthz").status_code in (200, 503)


def test_a_failed_integrity_check_is_reported_but_keeps_the_server_in_the_pool(client):
    record_integrity(ok=False)
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "degraded"
    assert body["checks"]["integrity"]["ok"] is False and "failed" in body["checks"]["integrity"]["error"]


def test_an_overdue_integrity_check_is_a_warning(client):
    record_integrity(ran_at=timezone.now() - timezone.timedelta(days=3))
    check = client.get("/healthz").json()["checks"]["integrity"]
    assert check["ok"] is False and "overdue" in check["error"]


def test_storage_that_fails_takes_the_server_out_of_the_pool(client, settings):
    settings.DOCUMENTS_STORAGE_ALIAS = "missing"
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["status"] == "unavailable"
    assert response.json()["checks"]["storage"]["ok"] is False


def test_redis_that_does_not_answer_takes_the_server_out_of_the_pool(client, settings, unused_port):
    settings.REDIS_URL = f"redis://127.0.0.1:{unused_port}/0"
    response = client.get("/healthz")
    checks = response.json()["checks"]
    assert response.status_code == 503 and checks["redis"]["ok"] is False
    assert checks["celery"]["ok"] is False and checks["celery"]["critical"] is False


def owe(**fields):
    from documents.models import RenderOrder

    return RenderOrder.objects.create(lifecycle="household", doc_type="application_form", area_code="520999101201",
                                      **fields)


def test_the_outbox_reports_what_is_owed_and_its_age(client):
    owe()
    check = client.get("/healthz").json()["checks"]["outbox"]
    assert check["ok"] is True and check["owed"] == 1 and check["failed"] == 0


def test_a_document_owed_too_long_is_a_warning(client, settings):
    settings.OPS_OUTBOX_MAX_AGE = 600
    owe(created_at=timezone.now() - timezone.timedelta(minutes=30))
    body = client.get("/healthz").json()
    assert body["status"] == "degraded" and body["checks"]["outbox"]["ok"] is False
    assert body["checks"]["outbox"]["oldest_seconds"] >= 1800


def test_a_document_that_gave_up_is_a_warning(client):
    owe(status="failed", attempts=5)
    check = client.get("/healthz").json()["checks"]["outbox"]
    assert check["ok"] is False and "1 gave up" in check["error"]
