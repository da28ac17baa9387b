"""The township's and county's own records: generated from the archive for a period, numbered,
rendered from the recorded opinions and filed into the township's or county's file per the
scheme; a period with nothing to summarise is refused in Chinese; a village clerk cannot."""

import datetime

import pytest
from django.utils import timezone

from archive.filing import category_for
from archive.models import ArchiveFile, ArchiveItem
from documents.models import Document
from tests.documents.conftest import pdf_text, stored_bytes
from tests.workflows.test_documents import walk

LEVEL_FILES = {
    "township_review_summary": ("township", "审核"),
    "demolition_summary": ("township", "拆旧验收"),
    "county_approval_list": ("county", "对象审定"),
    "reclamation_ledger": ("county", "拆旧复垦/增减挂钩"),
}


def test_every_level_record_has_its_own_category_in_the_scheme(db):
    for code, (level, name) in LEVEL_FILES.items():
        assert category_for("document", code, level).name == name


@pytest.fixture
def walked(named, give, areas, family, django_capture_on_commit_callbacks):
    walk(family, named, give, areas, django_capture_on_commit_callbacks)
    return family


def generate(client, user, area, kind, **dates):
    today = timezone.localdate().isoformat()
    client.force_login(user)
    return client.post("/archive/level-records/new/", {
        "area": area.code, "kind": kind, "date_from": dates.get("date_from", today),
        "date_to": dates.get("date_to", today)})


@pytest.mark.parametrize("kind, area_key, user_key", [
    ("township_review_summary", "town", "reviewer"),
    ("demolition_summary", "town", "reviewer"),
    ("county_approval_list", "county", "county_office"),
    ("reclamation_ledger", "county", "county_office"),
])
def test_a_level_record_is_generated_and_filed_into_the_levels_file(client, named, areas, walked, kind, area_key,
                                                                     user_key):
    area = areas[area_key]
    response = generate(client, named[user_key], area, kind)
    document = Document.objects.get(doc_type=kind)
    item = ArchiveItem.objects.get(document_version__document=document)
    assert response.status_code == 302 and response["Location"] == f"/archive/files/{item.file_id}/"
    level, name = LEVEL_FILES[kind]
    assert item.file.subject_key == f"a:{area.code}" and item.file.category.level == level
    assert item.file.category.name == name and item.item_number == 1
    assert item.reference_number == document.number
    text = pdf_text(stored_bytes(document.versions.get())).replace("\n", "").replace(" ", "")
    assert walked.number in text and "张建国" in text and "合计1户3人" in text
    # The level's file is its own: a village clerk neither sees it in the tree nor opens it.
    client.force_login(named["clerk_a"])
    assert client.get(f"/archive/files/{item.file_id}/").status_code == 404
    assert item.file.file_code not in client.get("/archive/").content.decode()


def test_an_empty_period_is_refused_in_chinese_and_the_form_keeps_what_was_typed(client, named, areas, walked):
    response = generate(client, named["reviewer"], areas["town"], "township_review_summary",
                        date_from="2020-01-01", date_to="2020-01-31")
    text = response.content.decode()
    assert response.status_code == 400 and "没有可汇总的记录" in text
    assert 'value="2020-01-01"' in text and 'value="2020-01-31"' in text
    response = generate(client, named["reviewer"], areas["town"], "township_review_summary",
                        date_from="2026-02-01", date_to="2026-01-01")
    assert response.status_code == 400 and "开始日期不得晚于结束日期" in response.content.decode()
    response = generate(client, named["reviewer"], areas["town"], "county_approval_list")
    assert response.status_code == 400 and "请选择本层级的汇总文书" in response.content.decode()
    assert not Document.objects.filter(doc_type__in=list(LEVEL_FILES)).exists()


def test_a_village_clerk_or_another_township_cannot_generate_a_townships_record(client, named, officials, areas,
                                                                               walked):
    assert generate(client, named["clerk_a"], areas["town"], "township_review_summary").status_code == 404
    assert generate(client, officials["other_reviewer"], areas["town"], "township_review_summary").status_code == 404
    assert generate(client, officials["auditor"], areas["county"], "county_approval_list").status_code == 403
    assert not Document.objects.filter(doc_type__in=list(LEVEL_FILES)).exists()


def test_the_form_offers_the_levels_records(client, named, areas, db):
    client.force_login(named["reviewer"])
    page = client.get(f"/archive/level-records/new/?area={areas['town'].code}").content.decode()
    assert "乡镇审核意见汇总表" in page and "拆旧复垦验收汇总表" in page and "搬迁对象审定名单" not in page
    assert f"{datetime.date.today().year}-01-01" in page or "date_from" in page


def test_batch_records_of_the_village_file_into_the_village(walked, areas):
    village_files = ArchiveFile.objects.filter(subject_key=f"a:{areas['village_a'].code}")
    filed = set(ArchiveItem.objects.filter(file__in=village_files)
                .values_list("document_version__document__doc_type", flat=True))
    assert filed == {"review_record", "public_notice", "notice_result"}
    assert {f.category.name for f in village_files} == {"评议", "公示"}


def test_a_read_only_posts_post_is_refused_with_403(client, officials, areas, db):
    client.force_login(officials["auditor"])
    response = client.post("/archive/level-records/new/", {"area": areas["county"].code,
                                                           "kind": "county_approval_list"})
    assert response.status_code == 403 and not Document.objects.exists()
