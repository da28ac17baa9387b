"""The 四性 check: a walked household passes; an item removed behind the application's back is an
integrity failure (gap and missing required item); a changed stored byte is an authenticity failure."""

import io

import pytest
from django.core.management import CommandError, call_command

from archive.four_properties import check_archive
from archive.models import ArchiveItem
from documents import storage
from tests.workflows.test_documents import walk


def test_a_removed_item_and_a_changed_byte_are_reported(named, give, areas, family,
                                                        django_capture_on_commit_callbacks):
    walk(family, named, give, areas, django_capture_on_commit_callbacks)
    assert check_archive("520999", security=False) == []
    call_command("check_archive", "--area", "520999", "--skip-security", stdout=io.StringIO())

    removed = ArchiveItem.objects.get(evidence__household=family, evidence__kind="signed_agreement")
    removed.delete()
    changed = ArchiveItem.objects.filter(file__household=family, evidence__isnull=False).first()
    path = storage.archive_storage().path(changed.storage_name)
    with open(path, "r+b") as stored:
        stored.seek(-1, 2)
        last = stored.read(1)
        stored.seek(-1, 2)
        stored.write(bytes([last[0] ^ 1]))

    findings = check_archive("520999", security=False)
    integrity = [f for f in findings if f.property == "完整性"]
    assert any(f.subject == removed.file.file_code and f"第 {removed.item_number} 件" in f.problem for f in integrity)
    assert any(f.subject == f"搬迁户 {family.number}" and "签字搬迁协议" in f.problem for f in integrity)
    assert [f.subject for f in findings if f.property == "真实性"] == [changed.archival_code]
    with pytest.raises(CommandError):
        call_command("check_archive", "--area", "520999", "--skip-security", stdout=io.StringIO(),
                     stderr=io.StringIO())
