"""The archive browser: scoped like everything else — a clerk of village B cannot browse or open
village A's archive (404); the file shows its 卷内目录; opening an item is an audit event."""

import pytest

from archive.models import ArchiveFile, ArchiveItem
from audit.models import AuditEvent
from tests.factories import HouseholdFactory


@pytest.fixture
def filed(give, areas):
    household = HouseholdFactory(village=areas["village_a"])
    give(household, "hukou_scan", "current_house_photo")
    return household


def login(client, user):
    client.force_login(user)
    return client


def test_the_clerk_of_village_a_sees_the_household_file_and_its_catalogue(client, officials, filed):
    archive_file = ArchiveFile.objects.get(household=filed)
    page = login(client, officials["clerk_a"]).get("/archive/")
    assert page.status_code == 200 and "/archive/areas/?code=520999101201" in page.content.decode()
    page = client.get("/archive/areas/?code=520999101201")
    assert page.status_code == 200 and archive_file.file_code in page.content.decode()
    page = client.get(f"/archive/files/{archive_file.pk}/")
    text = page.content.decode()
    assert page.status_code == 200 and "卷内目录" in text
    for item in archive_file.items.all():
        assert item.archival_code in text and item.title in text


def test_clerk_of_other_village_gets_404(client, officials, filed):
    archive_file = ArchiveFile.objects.get(household=filed)
    item = ArchiveItem.objects.filter(file=archive_file).first()
    login(client, officials["clerk_b"])
    assert archive_file.file_code not in client.get("/archive/").content.decode()
    assert "520999101201" not in client.get("/archive/").content.decode()
    assert client.get("/archive/areas/?code=520999101201").status_code == 404
    assert client.get(f"/archive/files/{archive_file.pk}/").status_code == 404
    assert client.get(f"/archive/items/{item.pk}/").status_code == 404


def test_an_unknown_file_is_404(client, officials, db):
    login(client, officials["county_office"])
    assert client.get("/archive/files/999999/").status_code == 404


def test_opening_an_item_streams_it_and_is_an_audit_event(client, officials, filed):
    item = ArchiveItem.objects.filter(file__household=filed).first()
    response = login(client, officials["reviewer"]).get(f"/archive/items/{item.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"\x89PNG")
    event = AuditEvent.objects.filter(action="archive.open").latest("id")
    assert event.data["archival_code"] == item.archival_code


def test_the_tree_runs_county_township_village_household_and_lists_sites(client, officials, filed, areas):
    from tests.factories import SiteFactory

    site = SiteFactory(area=areas["county"], name="幸福家园安置点")
    text = login(client, officials["county_office"]).get("/archive/").content.decode()
    order = [text.index(name) for name in ("示例县", "城关镇", "村A", "村B", "石桥乡", "村C")]
    assert order == sorted(order)
    assert text.index("集中安置点") < text.index("幸福家园安置点")
    assert f"/archive/exports/new/village/{areas['village_a'].pk}/" in text
    assert f"/archive/exports/new/site/{site.pk}/" in text
    # Households are on their village's page, not on the index.
    assert filed.number not in text and "/archive/areas/?code=520999101201" in text
    village = client.get("/archive/areas/?code=520999101201").content.decode()
    assert filed.number in village and f"/archive/households/{filed.pk}/export/" in village
    assert f"/archive/exports/new/village/{areas['village_a'].pk}/" in village
    # The clerk sees only the village: no township, no other village, no county site.
    text = login(client, officials["clerk_a"]).get("/archive/").content.decode()
    assert "村A" in text and "城关镇" not in text and "村B" not in text and "幸福家园安置点" not in text


def test_the_file_page_lists_every_column_and_links_catalogue_cover_and_export(client, officials, filed):
    archive_file = ArchiveFile.objects.get(household=filed)
    text = login(client, officials["reviewer"]).get(f"/archive/files/{archive_file.pk}/").content.decode()
    head = text.split("<thead>")[1].split("</thead>")[0]
    for column in ("件号", "档号", "文号", "题名", "责任者", "日期", "页数", "保管期限", "SHA-256"):
        assert column in head
    for item in archive_file.items.all():
        assert item.sha256[:14] in text and item.sm3 in text and item.responsible in text
    assert f"/archive/files/{archive_file.pk}/catalogue.pdf" in text
    assert f"/archive/files/{archive_file.pk}/cover.pdf" in text
    assert f"/archive/households/{filed.pk}/export/" in text
    cover = client.get(f"/archive/files/{archive_file.pk}/cover.pdf")
    assert cover.status_code == 200 and cover.content.startswith(b"%PDF")


@pytest.mark.parametrize("user", ["clerk_a", "head_a", "reviewer", "leader", "county_office", "housing", "auditor"])
def test_every_archive_page_renders_for_every_post(client, officials, filed, user):
    archive_file = ArchiveFile.objects.get(household=filed)
    login(client, officials[user])
    for url in ("/archive/", "/archive/areas/?code=520999101201", f"/archive/files/{archive_file.pk}/",
                "/archive/completeness/",
                "/archive/completeness/?format=xlsx", "/archive/exports/", "/archive/four-properties/"):
        assert client.get(url).status_code == 200, url


def test_a_village_page_is_404_for_a_township_an_unknown_code_or_outside_the_scope(client, officials, filed):
    login(client, officials["county_office"])
    for code in ("520999101000", "520999000000", "520999101299", "abc"):
        assert client.get(f"/archive/areas/?code={code}").status_code == 404, code
    assert client.get("/archive/areas/")["Location"] == "/archive/"  # no village named: the index
    login(client, officials["other_reviewer"])
    assert client.get("/archive/areas/?code=520999101201").status_code == 404
    login(client, officials["reviewer"])
    assert client.get("/archive/areas/?code=520999101201").status_code == 200


def _households_with_files(areas, give, n):
    for _ in range(n):
        give(HouseholdFactory(village=areas["village_a"]), "hukou_scan")


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_index_and_a_village_page_take_the_same_queries_for_3_or_15_households(client, officials, areas, give):
    _households_with_files(areas, give, 3)
    login(client, officials["county_office"])
    few = (_queries(client, "/archive/"), _queries(client, "/archive/areas/?code=520999101201"))
    _households_with_files(areas, give, 12)
    many = (_queries(client, "/archive/"), _queries(client, "/archive/areas/?code=520999101201"))
    assert few == many


def test_a_village_page_pages_its_households(client, officials, areas, give, monkeypatch):
    from archive import views

    monkeypatch.setattr(views, "TREE_PAGE_SIZE", 2)
    _households_with_files(areas, give, 3)
    numbers = list(ArchiveFile.objects.filter(household__isnull=False).order_by("household__number")
                   .values_list("household__number", flat=True))
    login(client, officials["clerk_a"])
    first = client.get("/archive/areas/?code=520999101201").content.decode()
    second = client.get("/archive/areas/?code=520999101201&page=2").content.decode()
    assert numbers[0] in first and numbers[1] in first and numbers[2] not in first
    assert numbers[2] in second and numbers[0] not in second
    assert "共 3 户" in first and "第 1 / 2 页" in first and "?code=520999101201&amp;page=2" in first
