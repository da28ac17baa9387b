"""Large 台账 in the background: above MONITORING_LEDGER_INLINE_ROWS the ledger is built by a Celery
task (eager here) with its progress on a LedgerExport row that the page shows; the file is kept for
one download (an audit event), then deleted; small ledgers stay inline."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditEvent
from monitoring import ledger_exports, ledgers
from monitoring.models import LedgerExport

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def login(client, cast):
    def as_(name):
        client.force_login(cast[name], backend=MODEL_BACKEND)
        return client
    return as_


@pytest.fixture
def small_limit(settings):
    settings.MONITORING_LEDGER_INLINE_ROWS = 5  # the county roster has 14 persons, its sites 3


def ask(client, kind, area, callbacks):
    with callbacks(execute=True):  # the task is handed over once the request's transaction commits
        return client.post(f"{reverse('monitoring:ledger_export', args=[kind])}?area={area.code}")


def test_a_large_roster_is_built_in_the_background_and_downloaded_once(
        login, program, areas, small_limit, django_capture_on_commit_callbacks):
    client = login("county_office")
    page = client.get(reverse("monitoring:ledgers"), {"area": areas["county"].code}).content.decode()
    # About: persons of the active households plus one per removed household (h5 has four).
    assert "约 11 行，超过 5 行，在后台生成" in page and "后台生成</button>" in page
    assert f'href="{reverse("monitoring:ledger_xlsx", args=["sites"])}?area={areas["county"].code}"' in page  # 3 rows
    # The inline URL does not build a large one: it sends the user to 后台生成.
    response = client.get(reverse("monitoring:ledger_xlsx", args=["households"]), {"area": areas["county"].code})
    assert response.status_code == 302 and not AuditEvent.objects.filter(action="monitoring.export").exists()
    response = ask(client, "households", areas["county"], django_capture_on_commit_callbacks)
    export = LedgerExport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("monitoring:ledger_export_status",
                                                                           args=[export.pk])
    assert (export.status, export.total, export.rows, export.done, export.reveal) == ("done", 11, 14, 14, True)
    assert export.filename == f"示例县易地扶贫搬迁对象花名册-{timezone.localdate():%Y%m%d}.xlsx"
    status = client.get(response["Location"]).content.decode()
    assert "已生成" in status and "下载 Excel" in status and 'http-equiv="refresh"' not in status
    stored = export.file.name
    assert export.file.storage.exists(stored)
    download = client.get(reverse("monitoring:ledger_export_download", args=[export.pk]))
    assert download.status_code == 200
    assert "filename*=UTF-8''" in download["Content-Disposition"]
    rows = [[c.value for c in r] for r in load_workbook(io.BytesIO(download.content)).active.iter_rows()]
    assert rows[1][:6] == list(ledgers.ROSTER_COLUMNS[:6]) and len(rows[2:]) == 14
    event = AuditEvent.objects.get(action="monitoring.export")
    assert event.data["subject"] == "搬迁户台账" and event.data["rows"] == 14
    assert event.data["unmasked_id_numbers"] is True and event.data["background_export"] == export.pk
    # Once: the file is gone, a second download says so.
    assert not export.file.storage.exists(stored)
    again = client.get(reverse("monitoring:ledger_export_download", args=[export.pk]))
    assert again.status_code == 410 and "该文件已被下载过" in again.content.decode()
    assert AuditEvent.objects.filter(action="monitoring.export").count() == 1
    assert "已下载" in client.get(reverse("monitoring:ledgers"), {"area": areas["county"].code}).content.decode()


def test_the_progress_is_recorded_while_it_works_and_the_page_polls(login, program, areas, cast, monkeypatch):
    monkeypatch.setattr(ledgers, "PROGRESS_EVERY", 5)
    export = LedgerExport.objects.create(kind="households", area_code=areas["county"].code,
                                         requested_by=cast["county_office"], total=14)
    seen = []
    real = ledgers.build

    def watched(kind, area, user, *, reveal, progress):
        def report(done):
            progress(done)
            row = LedgerExport.objects.get(pk=export.pk)
            seen.append((row.status, row.done, row.percent))
        return real(kind, area, user, reveal=reveal, progress=report)

    monkeypatch.setattr(ledgers, "build", watched)
    assert ledger_exports.build(export.pk) == "done"
    assert seen == [("running", 5, 35), ("running", 10, 71)]
    # What the page shows while it works: the rows written and a refresh.
    LedgerExport.objects.filter(pk=export.pk).update(status="running", done=7)
    page = login("county_office").get(reverse("monitoring:ledger_export_status", args=[export.pk])).content.decode()
    assert 'http-equiv="refresh"' in page and "已写 7 / 约 14 行（50%）" in page


def test_only_the_requester_sees_an_export_and_a_read_only_post_cannot_ask(
        login, program, areas, cast, small_limit, django_capture_on_commit_callbacks):
    ask(login("county_office"), "households", areas["county"], django_capture_on_commit_callbacks)
    export = LedgerExport.objects.get()
    for name in ("housing", "reviewer"):
        client = login(name)
        assert client.get(reverse("monitoring:ledger_export_status", args=[export.pk])).status_code == 404
        assert client.get(reverse("monitoring:ledger_export_download", args=[export.pk])).status_code == 404
    auditor = login("auditor")
    assert "只读岗位不能发起后台生成" in auditor.get(reverse("monitoring:ledgers")).content.decode()
    assert auditor.post(reverse("monitoring:ledger_export", args=["households"])).status_code == 403
    # A township post's background roster is its township's (11 persons), unmasked as its post may.
    ask(login("reviewer"), "households", areas["town"], django_capture_on_commit_callbacks)
    mine = LedgerExport.objects.get(requested_by=cast["reviewer"])
    assert (mine.rows, mine.area_code) == (11, areas["town"].code)
    assert mine.reveal == cast["reviewer"].has_perm("registry.reveal_idnumber", areas["town"])
    assert login("reviewer").post(reverse("monitoring:ledger_export", args=["households"]) +
                                  f"?area={areas['county'].code}").status_code == 404


def test_a_failed_build_says_so_and_an_unfetched_file_expires(login, program, areas, cast, monkeypatch, settings):
    export = LedgerExport.objects.create(kind="sites", area_code=areas["county"].code,
                                         requested_by=cast["county_office"], total=3)
    monkeypatch.setattr(ledgers, "build", lambda *a, **k: 1 / 0)
    assert ledger_exports.build(export.pk) == "failed"
    page = login("county_office").get(reverse("monitoring:ledger_export_status", args=[export.pk])).content.decode()
    assert "生成失败" in page and "请重新生成" in page
    monkeypatch.undo()
    settings.MONITORING_LEDGER_KEEP_HOURS = 24
    kept = LedgerExport.objects.create(kind="sites", area_code=areas["county"].code,
                                       requested_by=cast["county_office"], total=3)
    ledger_exports.build(kept.pk)
    kept.refresh_from_db()
    name = kept.file.name
    assert ledger_exports.expire() == 0  # within the day: kept
    LedgerExport.objects.filter(pk=kept.pk).update(requested_at=timezone.now() - datetime.timedelta(hours=25))
    assert ledger_exports.expire() == 1
    kept.refresh_from_db()
    assert kept.status == "expired" and not kept.file and not kept.file.storage.exists(name)
