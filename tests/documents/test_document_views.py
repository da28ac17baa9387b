"""Officials' document pages: generate, detail, regenerate, download (scoped, audited), batches."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from documents.models import Document, RenderBatch
from documents.services import generate_document

from .conftest import make_family, pdf_text


def test_a_clerk_generates_an_application_form(login, cast, family_a):
    client = login(cast["clerk_a"])
    response = client.post(reverse("documents:generate_for_household", args=[family_a.pk, "application_form"]))
    document = Document.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("documents:detail", args=[document.pk])
    page = client.get(response["Location"]).content.decode()
    assert document.number in page and "第1版" in page
    assert AuditEvent.objects.get(action="document.generate").actor_username == "clerk_a"


def test_generating_is_a_post(login, cast, family_a):
    client = login(cast["clerk_a"])
    url = reverse("documents:generate_for_household", args=[family_a.pk, "application_form"])
    assert client.get(url).status_code == 405


def test_outside_the_scope_everything_is_404(login, cast, family_a):
    version = generate_document("application_form", actor=cast["clerk_a"], household=family_a)
    client = login(cast["clerk_b"])
    for url in (reverse("documents:detail", args=[version.document_id]),
                reverse("documents:download_version", args=[version.pk]),
                reverse("documents:household_documents", args=[family_a.pk])):
        assert client.get(url).status_code == 404
    response = client.post(reverse("documents:generate_for_household", args=[family_a.pk, "application_form"]))
    assert response.status_code == 404


def test_a_read_only_post_cannot_generate(login, cast, family_a):
    response = login(cast["auditor"]).post(
        reverse("documents:generate_for_household", args=[family_a.pk, "approval_form"]))
    assert response.status_code == 403


def test_download_is_audited_and_flags_full_id_numbers(login, cast, family_a):
    version = generate_document("application_form", actor=cast["clerk_a"], household=family_a)
    response = login(cast["auditor"]).get(reverse("documents:download_version", args=[version.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content)
    assert "申请表" in pdf_text(data)
    event = AuditEvent.objects.get(action="document.download")
    assert event.actor_username == "auditor" and event.data["unmasked_id_numbers"] is True
    assert event.data["sha256"] == version.sha256


def test_regenerate_from_the_page(login, cast, family_a):
    version = generate_document("application_form", actor=cast["clerk_a"], household=family_a)
    client = login(cast["reviewer"])
    url = reverse("documents:regenerate", args=[version.document_id])
    assert client.post(url, {"reason": ""}).status_code == 302
    assert version.document.versions.count() == 1
    client.post(url, {"reason": "更正安置地点"})
    assert version.document.versions.count() == 2


def test_a_notice_from_the_form(login, cast, areas):
    families = [make_family(areas["village_a"]) for _ in range(3)]
    client = login(cast["clerk_a"])
    page = client.get(reverse("documents:notice_new")).content.decode()
    assert families[0].number in page
    response = client.post(reverse("documents:notice_new"),
                           {"household": [f.pk for f in families], "start_date": "2026-03-02", "days": "7"})
    assert response.status_code == 302
    document = Document.objects.get(doc_type="public_notice")
    assert document.households.count() == 3


def test_a_batch_shows_its_progress_to_its_starter_only(login, cast, areas, django_capture_on_commit_callbacks):
    families = [make_family(areas["village_a"], size=1) for _ in range(3)]
    client = login(cast["clerk_a"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("documents:batch_new"),
                               {"doc_type": "application_form", "household": [f.pk for f in families]})
    batch = RenderBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("documents:batch_detail", args=[batch.pk])
    page = client.get(response["Location"]).content.decode()
    assert "已完成" in page and "3 / 3" in page
    status = client.get(reverse("documents:batch_status", args=[batch.pk])).json()
    assert status == {"status": "finished", "status_label": "已完成", "total": 3, "done": 3, "failed": 0,
                      "percent": 100}
    assert Document.objects.filter(doc_type="application_form").count() == 3
    other = login(cast["reviewer"])  # sees the households, did not start the batch
    assert other.get(reverse("documents:batch_detail", args=[batch.pk])).status_code == 404
    assert other.get(reverse("documents:batch_status", args=[batch.pk])).status_code == 404


def test_a_batch_records_failures_and_goes_on(cast, areas, monkeypatch, django_capture_on_commit_callbacks):
    from documents import services
    from documents.batches import start_batch

    families = [make_family(areas["village_a"], size=1) for _ in range(3)]
    real = services.render_html
    calls = []

    def flaky(html):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("字体缺失")
        return real(html)

    monkeypatch.setattr(services, "render_html", flaky)
    with django_capture_on_commit_callbacks(execute=True):
        batch = start_batch(actor=cast["clerk_a"], doc_type="application_form", households=families)
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.failed) == ("failed", 2, 1)
    assert batch.errors[0]["error"] == "字体缺失"
    assert sorted(Document.objects.values_list("serial", flat=True)) == [1, 2]  # no gap


def test_the_celery_task_renders_in_the_background(cast, family_a, settings):
    from documents.tasks import render_document

    assert settings.CELERY_TASK_ALWAYS_EAGER
    version_pk = render_document.delay("public_notice", actor_id=cast["clerk_a"].pk, household_ids=[family_a.pk],
                                       options={"start_date": "2026-05-01"}).get()
    document = Document.objects.get(versions__pk=version_pk)
    assert document.doc_type == "public_notice"


@pytest.mark.parametrize("name", ["household_documents", "evidence_household"])
def test_household_pages_open_for_the_clerk(login, cast, family_a, name):
    namespace = "documents:" + name
    assert login(cast["clerk_a"]).get(reverse(namespace, args=[family_a.pk])).status_code == 200
