"""Owed documents on the pages (issue 15 item 2): a document a committed move still owes shows on
the case page and in the county's list of 待生成文书 with 重新生成, which renders it; another area's
rows are not listed and answer 404."""

import pytest

from documents.models import Document, RenderOrder
from tests.factories import HouseholdFactory


def owe(household, doc_type="application_form", actor=None, **fields):
    return RenderOrder.objects.create(lifecycle=RenderOrder.Lifecycle.HOUSEHOLD, doc_type=doc_type,
                                      area_code=household.area_code, household=household,
                                      household_ids=[household.pk], single=True, actor=actor, **fields)


@pytest.fixture
def owed(household, officials, archive_root):
    return owe(household, actor=officials["clerk_a"])


def test_the_case_page_shows_the_owed_document_and_regenerating_renders_it(login, officials, household, owed):
    client = login(officials["clerk_a"])
    page = client.get(f"/cases/{household.pk}/").content.decode()
    assert "待生成文书 1 份" in page and 'data-owed="application_form"' in page and "重新生成" in page
    assert "搬迁申请表" in page or "申请表" in page

    response = client.post(f"/work/owed-documents/{owed.pk}/regenerate/", {"next": f"/cases/{household.pk}/"})
    assert response.status_code == 302 and response.url == f"/cases/{household.pk}/"
    owed.refresh_from_db()
    assert owed.status == RenderOrder.Status.DONE
    assert Document.objects.filter(households=household, doc_type="application_form").count() == 1
    assert "待生成文书" not in client.get(f"/cases/{household.pk}/").content.decode()


def test_the_county_list_shows_failed_documents_in_scope_only(login, officials, household, areas, archive_root):
    failed = owe(household, status=RenderOrder.Status.FAILED, attempts=5, last_error="RuntimeError('font missing')")
    elsewhere = owe(HouseholdFactory(village=areas["village_b"]))
    page = login(officials["county_office"]).get("/work/owed-documents/").content.decode()
    assert "待生成文书" in page and "生成失败" in page and "font missing" in page and page.count("data-owed=") == 2

    clerk = login(officials["clerk_a"])
    page = clerk.get("/work/owed-documents/").content.decode()
    assert page.count("data-owed=") == 1 and household.number in page
    assert clerk.post(f"/work/owed-documents/{elsewhere.pk}/regenerate/").status_code == 404
    assert failed.pk != elsewhere.pk


def test_a_read_only_post_sees_the_list_but_cannot_regenerate(login, officials, household, owed):
    auditor = login(officials["auditor"])
    page = auditor.get("/work/owed-documents/").content.decode()
    assert 'data-owed="application_form"' in page and "重新生成</button>" not in page
    assert auditor.post(f"/work/owed-documents/{owed.pk}/regenerate/").status_code == 403
    owed.refresh_from_db()
    assert owed.status == RenderOrder.Status.OWED
