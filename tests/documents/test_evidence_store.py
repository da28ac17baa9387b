"""The evidence store never deletes or overwrites; withdrawal is a flag; downloads are scoped and audited."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, InternalError, ProgrammingError, connection, transaction
from django.urls import reverse

from audit.models import AuditEvent
from documents.evidence.services import ingest_evidence, withdraw_evidence
from documents.models import Evidence, ImmutableRecordError
from tests.factories import SiteFactory

from . import files


@pytest.fixture
def photo(cast, family_a):
    return ingest_evidence(actor=cast["clerk_a"], household=family_a, stage="apply", kind="current_house_photo",
                           upload=SimpleUploadedFile("house.jpg", files.jpeg()))


def test_evidence_cannot_be_changed_or_deleted(photo):
    photo.kind = "other"
    with pytest.raises(ImmutableRecordError):
        photo.save()
    with pytest.raises(ImmutableRecordError):
        photo.delete()
    with pytest.raises(ImmutableRecordError):
        Evidence.objects.filter(pk=photo.pk).update(kind="other")
    with pytest.raises(ImmutableRecordError):
        Evidence.objects.all().delete()


def test_withdrawal_is_a_flag_with_reason_and_actor(cast, photo):
    withdrawn = withdraw_evidence(photo, actor=cast["reviewer"], reason="照片拍错了户")
    withdrawn.refresh_from_db()
    assert withdrawn.is_withdrawn and withdrawn.withdrawn_by == cast["reviewer"]
    assert withdrawn.withdrawal_reason == "照片拍错了户"
    assert withdrawn.sha256 == photo.sha256 and withdrawn.storage_name == photo.storage_name
    event = AuditEvent.objects.get(action="evidence.withdraw")
    assert event.data["reason"] == "照片拍错了户"
    with pytest.raises(ValidationError):
        withdraw_evidence(withdrawn, actor=cast["reviewer"], reason="再撤一次")
    with pytest.raises(ValidationError):
        withdraw_evidence(photo, actor=cast["reviewer"], reason="")


def test_a_correction_is_a_new_item(cast, family_a, photo):
    fixed = ingest_evidence(actor=cast["clerk_a"], household=family_a, stage="apply", kind="current_house_photo",
                            upload=SimpleUploadedFile("house2.jpg", files.jpeg(exif=False)), corrects=photo)
    assert fixed.pk != photo.pk and fixed.corrects == photo
    assert Evidence.objects.count() == 2


def test_only_editors_of_the_case_may_withdraw(cast, photo):
    with pytest.raises(PermissionDenied):
        withdraw_evidence(photo, actor=cast["auditor"], reason="x")


def test_the_withdraw_view_flags_and_keeps_the_file(login, cast, photo):
    client = login(cast["clerk_a"])
    response = client.post(reverse("documents:evidence_withdraw", args=[photo.pk]), {"reason": "重复上传"})
    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.is_withdrawn
    page = client.get(reverse("documents:evidence_detail", args=[photo.pk])).content.decode()
    assert "已撤回" in page or "撤回" in page
    assert client.get(reverse("documents:evidence_download", args=[photo.pk])).status_code == 200


def test_download_is_scoped_and_audited(login, cast, photo):
    url = reverse("documents:evidence_download", args=[photo.pk])
    response = login(cast["auditor"]).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == files.jpeg()
    assert response["Content-Type"] == "image/jpeg"
    assert "attachment" in response["Content-Disposition"]
    event = AuditEvent.objects.get(action="evidence.download")
    assert (event.actor_username, event.target_id, event.data["sha256"]) == ("auditor", str(photo.pk), photo.sha256)
    assert login(cast["clerk_b"]).get(url).status_code == 404
    assert login(cast["other_reviewer"]).get(url).status_code == 404
    assert AuditEvent.objects.filter(action="evidence.download").count() == 1


def test_anonymous_download_goes_to_login(client, photo):
    response = client.get(reverse("documents:evidence_download", args=[photo.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_media_folder_is_not_served(client, photo, settings):
    assert client.get(settings.MEDIA_URL + photo.storage_name).status_code == 404


def test_site_evidence_uses_site_stages(cast, areas):
    site = SiteFactory(area=areas["county"])
    item = ingest_evidence(actor=cast["county_office"], site=site, stage="construction", kind="site_progress_photo",
                           upload=SimpleUploadedFile("site.png", files.png()))
    assert item.area_code == "520999000000" and item.stage_label == "开工建设"
    with pytest.raises(ValidationError):
        ingest_evidence(actor=cast["county_office"], site=site, stage="move_in", kind="other",
                        upload=SimpleUploadedFile("site.png", files.png()))


def test_the_admin_offers_no_add_change_or_delete(client, admin_user, photo):
    from .conftest import MODEL_BACKEND

    client.force_login(admin_user, backend=MODEL_BACKEND)
    assert client.get(reverse("admin:documents_evidence_changelist")).status_code == 200
    assert client.get(reverse("admin:documents_evidence_delete", args=[photo.pk])).status_code == 403
    assert client.get(reverse("admin:documents_evidence_add")).status_code == 403
    response = client.post(reverse("admin:documents_evidence_change", args=[photo.pk]), {"kind": "other"})
    assert response.status_code == 403
    photo.refresh_from_db()
    assert photo.kind == "current_house_photo"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_database_itself_refuses_to_rewrite_the_archive(cast, areas):
    from documents.services import generate_document

    from .conftest import make_family

    family = make_family(areas["village_a"])
    item = ingest_evidence(actor=cast["clerk_a"], household=family, stage="apply", kind="other",
                           upload=SimpleUploadedFile("a.jpg", files.jpeg()))
    version = generate_document("application_form", actor=cast["clerk_a"], household=family)
    refused = (InternalError, IntegrityError, ProgrammingError)
    for sql in (
        f"UPDATE documents_evidence SET sha256 = 'x' WHERE id = {item.pk}",
        f"DELETE FROM documents_evidence WHERE id = {item.pk}",
        f"UPDATE documents_documentversion SET sha256 = 'x' WHERE id = {version.pk}",
        f"DELETE FROM documents_documentversion WHERE id = {version.pk}",
        f"UPDATE documents_document SET number = 'x' WHERE id = {version.document_id}",
    ):
        with pytest.raises(refused), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    # The one permitted change, once.
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE documents_evidence SET withdrawn_at = now(), withdrawal_reason = 'r' WHERE id = {item.pk}")
    with pytest.raises(refused), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE documents_evidence SET withdrawal_reason = 'other' WHERE id = {item.pk}")
