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
