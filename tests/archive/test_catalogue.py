"""The catalogue PDF lists every item of the file (text-asserted) behind a cover sheet; long
catalogues split into volumes; a clerk of another village gets 404."""

import pytest

from archive.models import ArchiveFile
from tests.documents.conftest import pdf_text
from tests.factories import HouseholdFactory


@pytest.fixture
def filed(give, areas):
    household = HouseholdFactory(village=areas["village_a"])
    give(household, "hukou_scan", "current_house_photo", "signed_application")
    return ArchiveFile.objects.get(household=household)


def test_the_catalogue_pdf_lists_every_item(client, officials, filed):
    client.force_login(officials["clerk_a"])
    response = client.get(f"/archive/files/{filed.pk}/catalogue.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = pdf_text(response.content).replace("\n", "").replace(" ", "")
    assert "案卷封面" in text and "卷内目录" in text
    for item in filed.items.all():
        assert item.title in text and item.sha256[:16] in text


def test_a_long_catalogue_splits_into_volumes(client, officials, filed, settings):
    settings.ARCHIVE_CATALOGUE_ITEMS_PER_VOLUME = 2
    client.force_login(officials["clerk_a"])
    second = pdf_text(client.get(f"/archive/files/{filed.pk}/catalogue.pdf?volume=2").content).replace(" ", "")
    assert "第2册，共2册" in second and "签字申请表扫描件" in second and "户口簿扫描件" not in second


def test_clerk_of_other_village_gets_404(client, officials, filed):
    client.force_login(officials["clerk_b"])
    assert client.get(f"/archive/files/{filed.pk}/catalogue.pdf").status_code == 404


def test_the_catalogues_of_a_walked_household_list_every_item_it_left(client, named, give, areas, family,
                                                                      django_capture_on_commit_callbacks):
    from tests.workflows.test_documents import walk

    walk(family, named, give, areas, django_capture_on_commit_callbacks)
    client.force_login(named["auditor"])
    files = ArchiveFile.objects.filter(household=family)
    assert files.count() == 6
    listed = 0
    for archive_file in files:
        text = pdf_text(client.get(f"/archive/files/{archive_file.pk}/catalogue.pdf").content)
        flat = text.replace("\n", "").replace(" ", "")
        assert archive_file.file_code in flat
        for item in archive_file.items.all():
            assert item.sha256[:16] in flat, item.archival_code
            assert item.title.replace(" ", "") in flat, item.title
            if item.reference_number:
                assert item.reference_number in flat, item.reference_number
            listed += 1
    from documents.models import DocumentVersion, Evidence

    left = (DocumentVersion.objects.filter(document__household=family).count()
            + Evidence.objects.filter(household=family).count())
    assert listed == left >= 20
