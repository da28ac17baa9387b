"""上传佐证材料 from the case page: the stage's kinds with what is missing, several files at once,
a refused file named while the others are kept, back to the case; scope and read-only posts."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents.models import Evidence
from tests.factories import HouseholdFactory
from tests.workflows.conftest import png_bytes


def url(household):
    return reverse("approvals:case_evidence", args=[household.pk])


def png(name):
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def test_the_page_offers_the_stages_kinds_and_names_what_is_missing(login, officials, areas):
    household = HouseholdFactory(village=areas["village_a"])
    page = login(officials["clerk_a"]).get(url(household)).content.decode()
    assert "户口簿扫描件（缺）" in page and "现住房照片（缺）" in page
    assert "验收现场照片" not in page  # a later stage's kind is not offered
    assert 'capture="environment"' in page and "multiple" in page


def test_several_photos_are_filed_at_once_and_the_official_goes_back_to_the_case(login, officials, areas):
    household = HouseholdFactory(village=areas["village_a"])
    client = login(officials["clerk_a"])
    response = client.post(url(household), {"kind": "current_house_photo",
                                             "files": [png("东面.png"), png("西面.png"), png("院内.png")]})
    assert response.status_code == 302 and response["Location"] == reverse("approvals:case", args=[household.pk])
    assert Evidence.objects.filter(household=household, kind="current_house_photo", stage="apply").count() == 3
    page = client.get(url(household)).content.decode()
    assert "现住房照片（已有）" in page


def test_a_refused_file_is_named_and_the_others_are_kept(login, officials, areas):
    household = HouseholdFactory(village=areas["village_a"])
    fake = SimpleUploadedFile("伪装.png", b"<html><script>alert(1)</script></html>", content_type="image/png")
    response = login(officials["clerk_a"]).post(url(household), {"kind": "hukou_scan",
                                                                  "files": [png("户口簿1.png"), fake]})
    assert response.status_code == 400
    page = response.content.decode()
    assert "伪装.png：" in page and "其余文件已登记" in page
    assert list(Evidence.objects.filter(household=household).values_list("original_name", flat=True)) == ["户口簿1.png"]


def test_no_file_or_no_kind_is_refused_in_chinese(login, officials, areas):
    household = HouseholdFactory(village=areas["village_a"])
    response = login(officials["clerk_a"]).post(url(household), {"kind": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "请选择材料类型" in page and "请选择要上传的文件" in page
    assert not Evidence.objects.exists()


def test_another_village_and_read_only_posts_cannot_upload(login, officials, areas):
    household = HouseholdFactory(village=areas["village_b"])
    assert login(officials["clerk_a"]).get(url(household)).status_code == 404
    response = login(officials["auditor"]).post(url(household), {"kind": "hukou_scan", "files": [png("a.png")]})
    assert response.status_code == 403
    assert not Evidence.objects.exists()
