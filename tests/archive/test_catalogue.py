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


def _level_file(level, subject_key, area_code, **links):
    from archive.models import ArchiveCategory
    from archive.scheme import ensure_scheme

    ensure_scheme()
    category = ArchiveCategory.objects.filter(level=level).order_by("order").first()
    return ArchiveFile.objects.create(category=category, year=2026, fonds_code=area_code[:6], file_number=90,
                                      subject_key=subject_key, area_code=area_code, title=f"{level}案卷", **links)


@pytest.mark.parametrize("level, organ", [
    ("household", "村A村民委员会"),
    ("village", "村A村民委员会"),
    ("township", "城关镇人民政府"),
    ("county", "示例县易地扶贫搬迁工作领导小组办公室"),
    ("site", "示例县易地扶贫搬迁工作领导小组办公室"),
])
def test_the_cover_names_the_files_level_organ_as_filing_unit(client, officials, areas, filed, level, organ):
    from tests.archive.pdftext import pdftotext
    from tests.factories import SiteFactory

    archive_file = {
        "household": lambda: filed,
        "village": lambda: _level_file("village", f"a:{areas['village_a'].code}", areas["village_a"].code),
        "township": lambda: _level_file("township", f"a:{areas['town'].code}", areas["town"].code),
        "county": lambda: _level_file("county", f"a:{areas['county'].code}", areas["county"].code),
        "site": lambda: _level_file("site", "s:1", areas["town"].code,
                                    site=SiteFactory(area=areas["town"], name="河畔安置点")),
    }[level]()
    client.force_login(officials["county_office"])
    text = pdftotext(client.get(f"/archive/files/{archive_file.pk}/cover.pdf").content)
    assert f"立卷单位{organ}" in text
    others = {"村A村民委员会", "城关镇人民政府", "示例县易地扶贫搬迁工作领导小组办公室"} - {organ}
    assert not any(f"立卷单位{o}" in text for o in others)


def test_the_cover_follows_the_configured_issuing_organ_for_county_files(client, officials, areas, settings, db):
    from tests.archive.pdftext import pdftotext

    settings.DOCUMENTS_COUNTY_OVERRIDES = {"520999": {"organ": "示例县易地扶贫搬迁办公室"}}
    archive_file = _level_file("county", f"a:{areas['county'].code}", areas["county"].code)
    client.force_login(officials["county_office"])
    assert "立卷单位示例县易地扶贫搬迁办公室" in pdftotext(client.get(f"/archive/files/{archive_file.pk}/cover.pdf").content)


def test_township_and_village_organs_follow_the_kind_of_area():
    from archive.catalogue import township_organ, village_organ

    assert township_organ("高坡乡") == "高坡乡人民政府" and township_organ("南门街道") == "南门街道办事处"
    assert village_organ("大坪村") == "大坪村村民委员会" and village_organ("幸福社区") == "幸福社区居民委员会"
