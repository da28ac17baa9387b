"""The export package: a household's bag validates with bagit and verify_bag; one changed byte
fails and names the file; export is an audit event; a clerk of village B gets 404."""

import io
import zipfile

import pytest
from django.core.management import CommandError, call_command

from archive.export import verify_bag
from archive.models import ArchiveItem
from audit.models import AuditEvent
from tests.factories import HouseholdFactory


@pytest.fixture
def filed(give, areas):
    household = HouseholdFactory(village=areas["village_a"])
    give(household, "hukou_scan", "current_house_photo", "signed_application")
    return household


def export(client, user, household):
    client.force_login(user)
    return client.get(f"/archive/households/{household.pk}/export/")


def test_an_exported_household_bag_validates_and_one_changed_byte_is_named(client, officials, filed, tmp_path):
    response = export(client, officials["clerk_a"], filed)
    assert response.status_code == 200
    path = tmp_path / "bag.zip"
    path.write_bytes(response.content)
    names = zipfile.ZipFile(path).namelist()
    root = names[0].split("/")[0]
    for tag in ("bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt"):
        assert f"{root}/{tag}" in names
    for item in ArchiveItem.objects.filter(file__household=filed):
        code = item.archival_code.replace("·", "_")
        assert f"{root}/data/items/{code}.png" in names and f"{root}/data/metadata/{code}.json" in names
    info = zipfile.ZipFile(path).read(f"{root}/bag-info.txt").decode()
    assert "Source-Organization: 示例县易地扶贫搬迁工作领导小组办公室" in info and "-HSQ·" in info
    assert verify_bag(str(path)) == []
    call_command("verify_bag", str(path), stdout=io.StringIO())

    victim = next(n for n in names if "/data/items/" in n)
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(tampered, "w") as target:
        for name in names:
            data = source.read(name)
            if name == victim:
                data = data[:-1] + bytes([data[-1] ^ 1])
            target.writestr(name, data)
    problems = verify_bag(str(tampered))
    assert problems and any(victim.split("/", 1)[1] in problem for problem in problems)
    with pytest.raises(CommandError):
        call_command("verify_bag", str(tampered), stdout=io.StringIO(), stderr=io.StringIO())

    event = AuditEvent.objects.filter(action="archive.export").latest("id")
    assert event.actor_id == officials["clerk_a"].pk


def test_clerk_of_other_village_cannot_export_it(client, officials, filed):
    assert export(client, officials["clerk_b"], filed).status_code == 404
    assert not AuditEvent.objects.filter(action="archive.export").exists()
