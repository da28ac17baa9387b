"""Item and file numbers under concurrency (PostgreSQL: SQLite ignores FOR UPDATE): threads filing
into the same file at once get distinct, gap-free 件号; threads opening files for different
households of one category at once get distinct, gap-free 案卷号."""

import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from archive.filing import _file_item
from archive.models import ArchiveFile, ArchiveItem
from tests.factories import HouseholdFactory


def _file_at_once(households, per_thread=1):
    start = threading.Barrier(len(households))
    errors = []

    def work(index, household):
        try:
            start.wait(timeout=30)
            for n in range(per_thread):
                with transaction.atomic():
                    _file_item(source="evidence", type_code="hukou_scan", household=household, site=None,
                               area_code=household.area_code, when=timezone.now(), title="户口簿扫描件",
                               reference_number="", responsible="测试", pages=1,
                               storage_name=f"evidence/520999/race-{index}-{n}.png", sha256="0" * 64,
                               sm3="0" * 64, filed_by=None)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i, h)) for i, h in enumerate(households)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_threads_filing_into_one_file_get_distinct_gap_free_item_numbers(areas):
    household = HouseholdFactory(village=areas["village_a"])
    assert _file_at_once([household, household]) == []
    archive_file = ArchiveFile.objects.get(household=household)
    numbers = sorted(ArchiveItem.objects.filter(file=archive_file).values_list("item_number", flat=True))
    assert numbers == [1, 2] and archive_file.last_item_number == 2
    codes = set(ArchiveItem.objects.values_list("archival_code", flat=True))
    assert codes == {f"{archive_file.file_code}-001", f"{archive_file.file_code}-002"}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_threads_filing_five_items_each_into_one_file_leave_no_gap(areas):
    household = HouseholdFactory(village=areas["village_a"])
    assert _file_at_once([household] * 10, per_thread=5) == []
    archive_file = ArchiveFile.objects.get(household=household)
    numbers = sorted(ArchiveItem.objects.filter(file=archive_file).values_list("item_number", flat=True))
    assert numbers == list(range(1, 51)) and archive_file.last_item_number == 50


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_households_opening_their_files_at_once_get_distinct_gap_free_file_numbers(areas):
    households = [HouseholdFactory(village=areas["village_a"]) for _ in range(10)]
    assert _file_at_once(households) == []
    files = ArchiveFile.objects.filter(household__in=households)
    assert files.count() == 10
    assert sorted(files.values_list("file_number", flat=True)) == list(range(1, 11))
