"""Issue 18 item 5: the completeness report of an area over the inline limit is not built in the
request; it is a background job with progress whose Excel is downloaded (audited), scoped like
every export."""

import io

from openpyxl import load_workbook

from archive.models import ExportJob
from audit.models import AuditEvent
from tests.factories import HouseholdFactory


def test_a_large_area_is_reported_in_the_background_with_progress_then_downloaded(
        client, officials, areas, settings, db, django_capture_on_commit_callbacks):
    settings.ARCHIVE_COMPLETENESS_INLINE_LIMIT = 2
    households = [HouseholdFactory(village=areas["village_a"]) for _ in range(3)]
    type(households[0]).objects.filter(pk__in=[h.pk for h in households]).update(stage="approval")

    client.force_login(officials["county_office"])
    page = client.get("/archive/completeness/").content.decode()
    assert "超过 2 户" in page and "后台生成完整性报告" in page
    assert households[0].number not in page  # nothing computed in the request
    assert "超过 2 户" in client.get("/archive/completeness/?format=xlsx").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/archive/completeness/background/", {"area": ""})
    job = ExportJob.objects.get(kind="completeness")
    assert response.status_code == 302 and response["Location"] == f"/archive/exports/{job.pk}/"
    assert (job.status, job.done, job.total, job.area_code) == ("finished", 3, 3, "520999")
    assert AuditEvent.objects.filter(action="archive.export_request", target_id=str(job.pk)).exists()

    assert "下载完整性报告（Excel" in client.get(f"/archive/exports/{job.pk}/").content.decode()
    response = client.get(f"/archive/exports/{job.pk}/download/")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("类型", "搬迁户编号/安置点")
    assert {h.number for h in households} <= {r[1] for r in rows[1:]}
    assert AuditEvent.objects.filter(action="archive.export", target_id=str(job.pk)).exists()

    # Another village's clerk: the job is not his, and an area he does not read is refused.
    client.force_login(officials["clerk_b"])
    assert client.get(f"/archive/exports/{job.pk}/").status_code == 404
    assert client.post("/archive/completeness/background/", {"area": areas["village_a"].code}).status_code == 404
    assert ExportJob.objects.filter(kind="completeness").count() == 1


def test_under_the_limit_the_report_is_on_the_page_as_before(client, officials, areas, settings, db):
    settings.ARCHIVE_COMPLETENESS_INLINE_LIMIT = 5
    household = HouseholdFactory(village=areas["village_a"])
    type(household).objects.filter(pk=household.pk).update(stage="approval")
    client.force_login(officials["county_office"])
    page = client.get("/archive/completeness/").content.decode()
    assert household.number in page and "后台生成" not in page
