"""Village and site exports run as background jobs (Celery, eager in tests) with progress; the bag
holds the village's own files and every household's, or the site's, each with its catalogue PDF;
it validates; downloads are scoped to the requester and the area, and audited."""

import io
import zipfile

import pytest

from archive.export import verify_bag
from archive.models import ArchiveFile, ExportJob
from audit.models import AuditEvent
from documents.evidence.services import ingest_evidence
from tests.documents.conftest import pdf_text
from tests.factories import HouseholdFactory, SiteFactory
from tests.workflows.conftest import upload


@pytest.fixture
def village_a(give, areas):
    first = HouseholdFactory(village=areas["village_a"])
    second = HouseholdFactory(village=areas["village_a"])
    give(first, "hukou_scan", "current_house_photo")
    give(second, "hukou_scan")
    return areas["village_a"], [first, second]


@pytest.fixture
def site(areas, officials):
    site = SiteFactory(area=areas["county"], name="幸福家园安置点")
    for kind in ("site_selection_study", "geological_hazard_assessment"):
        ingest_evidence(actor=officials["county_office"], upload=upload(f"{kind}.png"), stage="selection",
                        kind=kind, site=site)
    return site


def request_export(client, user, kind, pk, capture):
    client.force_login(user)
    with capture(execute=True):
        return client.post(f"/archive/exports/new/{kind}/{pk}/")


def bag_names(data: bytes) -> list[str]:
    return zipfile.ZipFile(io.BytesIO(data)).namelist()


def test_a_village_export_runs_as_a_job_and_its_bag_holds_every_household_and_catalogue(
        client, officials, village_a, tmp_path, django_capture_on_commit_callbacks):
    village, households = village_a
    response = request_export(client, officials["clerk_a"], "village", village.pk, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/archive/exports/{job.pk}/"
    assert job.status == "finished" and job.done == job.total > 0 and job.percent == 100
    page = client.get(f"/archive/exports/{job.pk}/").content.decode()
    assert "已完成" in page and f"/archive/exports/{job.pk}/download/" in page

    download = client.get(f"/archive/exports/{job.pk}/download/")
    data = b"".join(download.streaming_content)
    path = tmp_path / "village.zip"
    path.write_bytes(data)
    assert verify_bag(str(path)) == []
    names = bag_names(data)
    root = names[0].split("/")[0]
    for household in households:
        for archive_file in ArchiveFile.objects.filter(household=household):
            folder = f"{root}/data/households/{household.number}"
            assert f"{folder}/catalogues/{archive_file.file_code.replace('·', '_')}-1.pdf" in names
            for item in archive_file.items.all():
                assert f"{folder}/items/{item.archival_code.replace('·', '_')}.png" in names
    event = AuditEvent.objects.filter(action="archive.export").latest("id")
    assert event.actor_id == officials["clerk_a"].pk and event.data["sha256"] == job.sha256
    assert event.area_code == village.code
    assert AuditEvent.objects.filter(action="archive.export_request", actor_id=officials["clerk_a"].pk).exists()


def test_a_site_export_holds_the_sites_files_and_catalogues(client, officials, site, tmp_path,
                                                            django_capture_on_commit_callbacks):
    request_export(client, officials["county_office"], "site", site.pk, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    data = b"".join(client.get(f"/archive/exports/{job.pk}/download/").streaming_content)
    path = tmp_path / "site.zip"
    path.write_bytes(data)
    assert verify_bag(str(path)) == []
    names = bag_names(data)
    archive_file = ArchiveFile.objects.get(site=site)
    catalogue = next(n for n in names if n.endswith(f"catalogues/{archive_file.file_code.replace('·', '_')}-1.pdf"))
    text = pdf_text(zipfile.ZipFile(path).read(catalogue)).replace("\n", "").replace(" ", "")
    for item in archive_file.items.all():
        assert item.title in text
    info = zipfile.ZipFile(path).read(names[0].split("/")[0] + "/bag-info.txt").decode()
    assert archive_file.file_code in info


def test_the_household_bag_carries_its_catalogue_pdfs(client, officials, village_a):
    _village, (household, _) = village_a
    client.force_login(officials["clerk_a"])
    names = bag_names(client.get(f"/archive/households/{household.pk}/export/").content)
    for archive_file in ArchiveFile.objects.filter(household=household):
        assert any(n.endswith(f"data/catalogues/{archive_file.file_code.replace('·', '_')}-1.pdf") for n in names)


def test_clerk_of_other_village_cannot_export_or_download_village_a(client, officials, village_a,
                                                                  django_capture_on_commit_callbacks):
    village, _households = village_a
    response = request_export(client, officials["clerk_b"], "village", village.pk, django_capture_on_commit_callbacks)
    assert response.status_code == 404 and not ExportJob.objects.exists()
    request_export(client, officials["clerk_a"], "village", village.pk, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    client.force_login(officials["clerk_b"])
    assert client.get(f"/archive/exports/{job.pk}/").status_code == 404
    assert client.get(f"/archive/exports/{job.pk}/download/").status_code == 404
    assert f"/archive/exports/{job.pk}/" not in client.get("/archive/exports/").content.decode()
    # Not even the county office downloads another official's package: it asks for its own.
    client.force_login(officials["county_office"])
    assert client.get(f"/archive/exports/{job.pk}/download/").status_code == 404
    assert not AuditEvent.objects.filter(action="archive.export").exists()


def test_an_export_is_requested_by_post_only(client, officials, village_a):
    village, _ = village_a
    client.force_login(officials["clerk_a"])
    assert client.get(f"/archive/exports/new/village/{village.pk}/").status_code == 405
    assert client.post(f"/archive/exports/new/nonsense/{village.pk}/").status_code == 404


def test_a_failed_build_is_shown_and_stores_nothing(client, officials, village_a, monkeypatch,
                                                    django_capture_on_commit_callbacks):
    village, _ = village_a

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("archive.jobs.write_bag_zip", broken)
    request_export(client, officials["clerk_a"], "village", village.pk, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    assert job.status == "failed" and "打包失败" in job.error and not job.result_name
    assert "打包失败" in client.get(f"/archive/exports/{job.pk}/").content.decode()
    assert client.get(f"/archive/exports/{job.pk}/download/").status_code == 404


def test_progress_is_recorded_while_the_bag_is_built(officials, village_a, areas, monkeypatch):
    from archive import jobs

    village, _ = village_a
    seen = []
    real = jobs.write_bag_zip

    def watching(kind, subject, target, *, progress):
        def spy(done, total):
            progress(done, total)
            seen.append(ExportJob.objects.values_list("status", "done", "total").get())
        return real(kind, subject, target, progress=spy)

    monkeypatch.setattr(jobs, "write_bag_zip", watching)
    job = ExportJob.objects.create(kind="village", village=village, area_code=village.code, subject_label="村A",
                                   requested_by=officials["clerk_a"])
    jobs.run(job.pk)
    assert seen and all(status == "running" for status, _, _ in seen)
    assert seen[0][1] >= 1 and seen[-1][1] == seen[-1][2]


def test_old_packages_are_purged_and_the_job_row_stays(client, officials, village_a,
                                                       django_capture_on_commit_callbacks):
    from django.core.management import call_command
    from django.utils import timezone

    from documents import storage

    village, _ = village_a
    request_export(client, officials["clerk_a"], "village", village.pk, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    name = job.result_name
    assert storage.archive_storage().exists(name)
    call_command("purge_exports", "--days", "7", stdout=io.StringIO())
    assert ExportJob.objects.get().status == "finished"  # a fresh package stays
    ExportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timezone.timedelta(days=8))
    call_command("purge_exports", "--days", "7", stdout=io.StringIO())
    job = ExportJob.objects.get()
    assert job.status == "expired" and not job.result_name and not storage.archive_storage().exists(name)
    assert client.get(f"/archive/exports/{job.pk}/download/").status_code == 404
    assert "已过期" in client.get(f"/archive/exports/{job.pk}/").content.decode()
    assert AuditEvent.objects.filter(action="archive.export_purge").count() == 1
