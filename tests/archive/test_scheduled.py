"""The archive's nightly jobs under Celery beat: the purge of old export packages (keeping
ARCHIVE_EXPORT_KEEP_DAYS) and the 四性 check of every county, stored per county, audited, logged
and shown on the 四性 page to those who read the whole county. Tasks run eagerly here."""

import datetime
import logging

from django.conf import settings as django_settings
from django.utils import timezone

from archive import tasks
from archive.models import ArchiveItem, ExportJob, FourPropertiesRun
from audit.models import AuditEvent
from documents import storage
from tests.factories import AreaFactory, HouseholdFactory


def test_beat_runs_both_jobs_every_night():
    from config.celery import app

    schedule = django_settings.CELERY_BEAT_SCHEDULE
    entries = {entry["task"]: entry["schedule"] for entry in schedule.values()}
    assert {"archive.tasks.purge_exports", "archive.tasks.check_four_properties"} <= set(entries)
    for name in ("archive.tasks.purge_exports", "archive.tasks.check_four_properties"):
        assert name in app.tasks
        # A crontab firing once a day.
        assert len(entries[name].hour) == 1 and len(entries[name].minute) == 1
    assert django_settings.ARCHIVE_EXPORT_KEEP_DAYS == 7


def _finished_job(officials, areas, days_ago):
    name = storage.new_name("exports", areas["village_a"].code, "zip")
    import io

    storage.write_once(name, io.BytesIO(b"PK\x05\x06" + b"\0" * 18))
    return ExportJob.objects.create(
        kind="village", area_code=areas["village_a"].code, village=areas["village_a"], subject_label="村A",
        requested_by=officials["clerk_a"], status=ExportJob.Status.FINISHED, result_name=name,
        finished_at=timezone.now() - datetime.timedelta(days=days_ago))


def test_the_purge_task_keeps_packages_for_the_configured_days(officials, areas, settings):
    old, recent = _finished_job(officials, areas, 8), _finished_job(officials, areas, 3)
    old_name, recent_name = old.result_name, recent.result_name
    assert tasks.purge_exports.delay().get() == [old.pk]
    assert ExportJob.objects.get(pk=old.pk).status == "expired" and not storage.archive_storage().exists(old_name)
    assert ExportJob.objects.get(pk=recent.pk).status == "finished" and storage.archive_storage().exists(recent_name)
    settings.ARCHIVE_EXPORT_KEEP_DAYS = 2
    assert tasks.purge_exports.delay().get() == [recent.pk]
    assert not storage.archive_storage().exists(recent_name)
    assert AuditEvent.objects.filter(action="archive.export_purge").count() == 2


def _corrupt(item):
    path = storage.archive_storage().path(item.storage_name)
    with open(path, "r+b") as stored:
        stored.seek(-1, 2)
        last = stored.read(1)
        stored.seek(-1, 2)
        stored.write(bytes([last[0] ^ 1]))


def test_the_four_properties_task_checks_every_county_and_stores_each_result(officials, areas, give, caplog):
    other = AreaFactory(code="520998000000", name="邻县", level="county")
    household = HouseholdFactory(village=areas["village_a"])
    give(household, "hukou_scan", "current_house_photo")
    first = tasks.check_four_properties.delay().get()
    assert set(first) == {"520999000000", "520998000000"}
    run = FourPropertiesRun.objects.get(area_code="520999000000")
    assert run.counts["items"] == 2 and run.finding_count == len(run.findings)
    assert run.passed and run.findings == [] and "四性检测通过" in run.summary

    item = ArchiveItem.objects.filter(file__household=household).first()
    _corrupt(item)
    with caplog.at_level(logging.WARNING, logger="archive.checks"):
        second = tasks.check_four_properties.delay().get()
    assert second["520999000000"] is False
    latest = FourPropertiesRun.objects.filter(area_code="520999000000").first()
    assert latest.pk != run.pk and not latest.passed
    assert f"[真实性] {item.archival_code}：存储文件的哈希值与归档时记录的不一致" in latest.findings
    assert "真实性 1 处" in latest.summary
    assert any("520999000000" in r.getMessage() and r.levelname == "WARNING" for r in caplog.records)
    events = AuditEvent.objects.filter(action="archive.four_properties_check", area_code="520999000000")
    assert events.count() == 2 and events.latest("id").data["passed"] is False
    assert FourPropertiesRun.objects.filter(area_code=other.code).count() == 2


def test_the_four_properties_page_shows_the_nightly_result_to_county_posts_only(client, officials, areas, give):
    household = HouseholdFactory(village=areas["village_a"])
    give(household, "hukou_scan")
    _corrupt(ArchiveItem.objects.get(file__household=household))
    tasks.check_four_properties.delay().get()
    client.force_login(officials["auditor"])
    page = client.get("/archive/four-properties/").content.decode()
    assert "定时检测" in page and 'data-run-passed="fail"' in page and "示例县（520999000000）" in page
    client.force_login(officials["clerk_a"])
    page = client.get("/archive/four-properties/").content.decode()
    assert "定时检测" not in page and "520999000000" not in page
