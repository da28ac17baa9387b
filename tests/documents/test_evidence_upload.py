"""Uploads: type by content, size limit, no paths in names; every refusal is Chinese and stores nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from documents.evidence.services import ingest_evidence
from documents.models import Evidence
from documents.storage import open_stored, walk

from . import files
from .conftest import MODEL_BACKEND


@pytest.fixture
def clerk(client, cast):
    client.force_login(cast["clerk_a"], backend=MODEL_BACKEND)
    return client


def upload(client, household, name, content, **fields):
    data = {"stage": "apply", "kind": "current_house_photo", **fields,
            "file": SimpleUploadedFile(name, content)}
    return client.post(reverse("documents:evidence_household", args=[household.pk]), data)


def assert_nothing_stored():
    assert not Evidence.objects.exists()
    assert list(walk("evidence")) == []


@pytest.mark.parametrize("name, content, message", [
    ("scan.pdf", files.png(), "文件扩展名“.pdf”与文件内容（PNG 图片）不符"),
    ("photo.jpg", files.HTML, "不支持的文件类型：只接受 JPEG、PNG 图片和 PDF 文件"),
    ("photo.jpg", files.noisy_jpeg()[:4000], "JPEG 图片已损坏或不完整"),
    ("empty.jpg", b"", "文件为空"),
    ("scan.pdf", b"%PDF-1.7\n% just a header, nothing else\n", "PDF 文件已损坏或无法解析"),
])
def test_it_refuses_what_the_content_is_not(clerk, family_a, name, content, message):
    response = upload(clerk, family_a, name, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert_nothing_stored()


def test_it_refuses_a_file_one_byte_over_the_limit(clerk, family_a, settings):
    assert settings.EVIDENCE_MAX_UPLOAD_BYTES == 20 * 1024 * 1024  # the default
    photo = files.jpeg()
    settings.EVIDENCE_MAX_UPLOAD_BYTES = len(photo) - 1
    response = upload(clerk, family_a, "photo.jpg", photo)
    assert response.status_code == 400
    assert "超过上限" in response.content.decode()
    assert_nothing_stored()
    settings.EVIDENCE_MAX_UPLOAD_BYTES = len(photo)
    assert upload(clerk, family_a, "photo.jpg", photo).status_code == 302


def test_it_refuses_a_name_with_a_path(clerk, family_a):
    body, content_type = files.multipart({"stage": "apply", "kind": "current_house_photo"},
                                         filename="../../x.jpg", content=files.jpeg())
    response = clerk.post(reverse("documents:evidence_household", args=[family_a.pk]), body,
                          content_type=content_type)
    assert response.status_code == 400
    assert "文件名不合法：不得包含路径" in response.content.decode()
    assert_nothing_stored()


def test_the_service_refuses_a_name_with_a_path_too(cast, family_a):
    for name in ("../../x.jpg", "..\\x.jpg", "/etc/x.jpg", "a\x00.jpg"):
        with pytest.raises(ValidationError) as err:
            ingest_evidence(actor=cast["clerk_a"], household=family_a, stage="apply", kind="other",
                            upload=SimpleUploadedFile("x.jpg", files.jpeg()), client_name=name)
        assert err.value.code == "name_path"
    assert_nothing_stored()


def test_a_jpeg_keeps_its_capture_time_and_place(clerk, cast, family_a):
    photo = files.jpeg()
    response = upload(clerk, family_a, "现住房.JPG", photo, description="东侧")
    item = Evidence.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("documents:evidence_detail", args=[item.pk])
    expected = timezone.make_aware(datetime.datetime(2026, 3, 1, 9, 30, 15), timezone.get_default_timezone())
    assert item.captured_at == expected
    assert item.gps_latitude == Decimal("26.570000") and item.gps_longitude == Decimal("106.710000")
    assert (item.content_type, item.width, item.height) == ("image/jpeg", 64, 48)
    assert item.original_name == "现住房.JPG"
    assert item.storage_name.startswith("evidence/520999/") and item.storage_name.endswith(".jpg")
    assert "现住房" not in item.storage_name
    with open_stored(item.storage_name) as f:
        assert f.read() == photo  # stored as uploaded, byte for byte
    page = clerk.get(response["Location"]).content.decode()
    assert "2026-03-01 09:30:15" in page and "26.570000" in page
    event = AuditEvent.objects.get(action="evidence.upload")
    assert event.data["sha256"] == item.sha256 and event.actor_username == "clerk_a"


def test_png_and_pdf_are_accepted(clerk, family_a):
    assert upload(clerk, family_a, "plan.png", files.png()).status_code == 302
    assert upload(clerk, family_a, "scan.pdf", files.pdf(3), kind="hukou_scan").status_code == 302
    scan = Evidence.objects.get(kind="hukou_scan")
    assert (scan.content_type, scan.pages, scan.captured_at) == ("application/pdf", 3, None)


def test_a_clerk_cannot_upload_for_another_village(client, cast, household_b):
    client.force_login(cast["clerk_a"], backend=MODEL_BACKEND)
    assert upload(client, household_b, "photo.jpg", files.jpeg()).status_code == 404
    client.force_login(cast["head_a"], backend=MODEL_BACKEND)  # reads village A, may not edit it
    assert client.get(reverse("documents:evidence_household", args=[household_b.pk])).status_code == 404


def test_a_read_only_post_gets_403(client, cast, family_a):
    client.force_login(cast["auditor"], backend=MODEL_BACKEND)
    assert upload(client, family_a, "photo.jpg", files.jpeg()).status_code == 403
    assert_nothing_stored()


def test_the_upload_view_still_checks_csrf(cast, family_a):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(cast["clerk_a"], backend=MODEL_BACKEND)
    assert upload(strict, family_a, "photo.jpg", files.jpeg()).status_code == 403
    assert_nothing_stored()


def test_posts_acting_in_the_lifecycle_may_upload(client, cast, family_a):
    for name in ("head_a", "housing"):  # the village head records the meeting; 住建 the inspection
        client.force_login(cast[name], backend=MODEL_BACKEND)
        assert upload(client, family_a, "photo.jpg", files.jpeg()).status_code == 302
    assert Evidence.objects.count() == 2


# Several files in one upload (issue 14 item 7): each filed on its own, a refused one named with
# its reason and the others kept; the kinds the stage asks for come first; the page returns.
def test_several_files_are_filed_each_on_its_own_and_a_refused_one_is_named(clerk, family_a):
    url = reverse("documents:evidence_household", args=[family_a.pk])
    response = clerk.post(url, {"kind": "current_house_photo", "description": "东侧与西侧", "file": [
        SimpleUploadedFile("东侧.jpg", files.jpeg()), SimpleUploadedFile("假照片.jpg", files.HTML),
        SimpleUploadedFile("西侧.png", files.png())]})
    page = response.content.decode()
    assert response.status_code == 400
    assert "已登记2个文件（现住房照片）" in page
    assert "假照片.jpg：不支持的文件类型" in page and "其余文件已登记" in page
    kept = Evidence.objects.order_by("original_name")
    assert [e.original_name for e in kept] == ["东侧.jpg", "西侧.png"]
    assert {(e.stage, e.kind, e.description) for e in kept} == {("apply", "current_house_photo", "东侧与西侧")}
    assert 'name="description" value="东侧与西侧"' in page  # what was typed stays
    assert AuditEvent.objects.filter(action="evidence.upload").count() == 2


def test_all_kept_returns_where_the_page_was_opened_from(clerk, family_a):
    url = reverse("documents:evidence_household", args=[family_a.pk])
    back = reverse("approvals:case", args=[family_a.pk])
    response = clerk.post(url, {"kind": "hukou_scan", "next": back, "file": [
        SimpleUploadedFile("户口簿1.jpg", files.jpeg()), SimpleUploadedFile("户口簿2.jpg", files.jpeg())]})
    assert response.status_code == 302 and response["Location"] == back
    assert Evidence.objects.filter(kind="hukou_scan", stage="apply").count() == 2
    response = clerk.post(url, {"kind": "hukou_scan", "next": "https://example.com/",
                                "file": SimpleUploadedFile("户口簿3.jpg", files.jpeg())})
    assert response["Location"] == reverse("documents:evidence_detail", args=[Evidence.objects.latest("id").pk])


def test_the_kinds_the_stage_asks_for_come_first_and_no_stage_is_asked(clerk, family_a):
    page = clerk.get(reverse("documents:evidence_household", args=[family_a.pk])).content.decode()
    assert '<optgroup label="本阶段所需材料">' in page and '<optgroup label="其他材料类型">' in page
    asked = page.split('<optgroup label="本阶段所需材料">')[1].split("</optgroup>")[0]
    assert "户口簿扫描件（缺）" in asked and "现住房照片（缺）" in asked
    assert 'name="stage"' not in page and 'capture="environment"' in page and "multiple" in page
    assert "返回案件" in page


def test_more_than_ten_files_are_refused_and_nothing_is_stored(clerk, family_a):
    url = reverse("documents:evidence_household", args=[family_a.pk])
    response = clerk.post(url, {"kind": "current_house_photo",
                                "file": [SimpleUploadedFile(f"{n}.jpg", files.jpeg()) for n in range(11)]})
    assert response.status_code == 400 and "一次最多上传10个文件，本次选择了11个" in response.content.decode()
    assert_nothing_stored()
