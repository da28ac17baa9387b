"""Export jobs: requested in a request (scoped, audited), built by a Celery task with progress,
stored in the archive storage under exports/ (never served by URL), downloaded through a scoped,
audited view."""

import datetime
import logging
import tempfile

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from audit.log import record
from documents import storage
from documents.hashing import digest_stream
from registry.models import AdminArea, AreaLevel
from registry.scope import area_q, get_household_for, get_site_for, prefixes_for

from .access import HOUSEHOLD_VIEW, SITE_VIEW
from .completeness import gap_rows, report, write_gaps_xlsx
from .export import write_bag_zip
from .models import ExportJob
from .tasks import schedule

log = logging.getLogger(__name__)

EXPORTS_PREFIX = "exports"
NOT_FOUND = "未找到该记录，或不在您的管辖范围内。"


def get_village_for(user, pk) -> AdminArea:
    """A village the user reads (404 otherwise): an area is read where its households are."""
    try:
        return AdminArea.objects.filter(area_q(user, HOUSEHOLD_VIEW, field="code")).get(
            pk=pk, level=AreaLevel.VILLAGE)
    except (AdminArea.DoesNotExist, ValueError, TypeError):
        raise Http404(NOT_FOUND)


def request_export(user, kind: str, pk, request=None) -> ExportJob:
    """Check scope, create the job, audit the request and schedule the build after commit."""
    if kind == ExportJob.Kind.HOUSEHOLD:
        household = get_household_for(user, pk)
        fields = {"household": household, "area_code": household.area_code, "subject_label": household.number}
    elif kind == ExportJob.Kind.SITE:
        site = get_site_for(user, pk)
        fields = {"site": site, "area_code": site.area_code, "subject_label": site.name}
    elif kind == ExportJob.Kind.VILLAGE:
        village = get_village_for(user, pk)
        fields = {"village": village, "area_code": village.code, "subject_label": f"{village.name}（{village.code}）"}
    else:
        raise Http404(NOT_FOUND)
    job = ExportJob.objects.create(kind=kind, requested_by=user, **fields)
    record(user, "archive.export_request", job, {"kind": kind, "subject": job.subject_label}, request)
    schedule(job)
    return job


def request_completeness(user, area_code: str, request=None) -> ExportJob:
    """The completeness report of an area too large to build in a request, as a job (issue 18
    item 5). The area is the one asked, narrowed to the user's own when it is wider; an area the
    user does not read is a 404."""
    prefixes = prefixes_for(user, HOUSEHOLD_VIEW)
    if any(area_code.startswith(p) for p in prefixes):
        area = area_code
    else:
        inside = [p for p in prefixes if p.startswith(area_code)]
        if len(inside) != 1:
            raise Http404(NOT_FOUND)
        area = inside[0]
    named = AdminArea.objects.filter(code=area.ljust(12, "0")).values_list("name", flat=True).first()
    job = ExportJob.objects.create(kind=ExportJob.Kind.COMPLETENESS, requested_by=user, area_code=area,
                                   subject_label=f"{named or '区划'}（{area}）")
    record(user, "archive.export_request", job, {"kind": job.kind, "subject": job.subject_label}, request,
           area_code=area)
    schedule(job)
    return job


def visible_jobs(user):
    """The user's own jobs whose subject the user still reads (a revoked post loses its downloads)."""
    return ExportJob.objects.filter(requested_by=user).filter(
        (area_q(user, SITE_VIEW) & Q(site__isnull=False)) | (area_q(user, HOUSEHOLD_VIEW) & Q(site__isnull=True)))


def get_job_for(user, pk) -> ExportJob:
    try:
        return visible_jobs(user).get(pk=pk)
    except (ExportJob.DoesNotExist, ValueError, TypeError):
        raise Http404(NOT_FOUND)


def _subject(job: ExportJob):
    return job.household or job.site or job.village  # a completeness job's subject is its area code


def run(job_id: int) -> str:
    job = ExportJob.objects.get(pk=job_id)
    if job.status != ExportJob.Status.PENDING:
        return job.status
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING)
    last = {"at": 0}

    def progress(done, total):
        # A row update per item would be most of the work: at most one per 1 % (and the last).
        if done == total or done - last["at"] >= max(1, total // 100):
            last["at"] = done
            ExportJob.objects.filter(pk=job.pk).update(done=done, total=total)

    completeness = job.kind == ExportJob.Kind.COMPLETENESS
    name = storage.new_name(EXPORTS_PREFIX, job.area_code, "xlsx" if completeness else "zip")
    try:
        with tempfile.TemporaryFile() as buffer:
            if completeness:
                gaps = report(job.requested_by, area_code=job.area_code, progress=progress)
                write_gaps_xlsx(gap_rows(gaps), buffer)
            else:
                write_bag_zip(job.kind, _subject(job), buffer, progress=progress)
            buffer.seek(0)
            digests = digest_stream(buffer)
            buffer.seek(0)
            storage.write_once(name, buffer)
    except Exception as error:  # the job shows the failure; the request can be made again
        log.exception("archive export %s failed", job.pk)
        storage.discard(name)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED, finished_at=timezone.now(),
            error=f"打包失败：{error.__class__.__name__}（已记录日志，可重新申请导出）"[:500])
        return ExportJob.Status.FAILED
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.FINISHED, finished_at=timezone.now(), result_name=name, size=digests.size,
        sha256=digests.sha256)
    return ExportJob.Status.FINISHED


def open_result(job: ExportJob, *, actor, request=None):
    """The finished ZIP, its download recorded as the export audit event."""
    if job.status != ExportJob.Status.FINISHED or not job.result_name:
        raise Http404("导出尚未完成。")
    record(actor, "archive.export", job, {"kind": job.kind, "subject": job.subject_label, "job": job.pk,
                                          "bytes": job.size, "sha256": job.sha256}, request)
    return storage.open_stored(job.result_name)


def purge_exports(*, days: int, now=None) -> list[int]:
    """Delete the packages of jobs finished more than `days` ago: a package holds unmasked forms
    and must not outlive its use. The job row stays (who exported what, when) as 已过期."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=days)
    purged = []
    for job in ExportJob.objects.filter(status=ExportJob.Status.FINISHED, finished_at__lt=cutoff).order_by("id"):
        storage.discard(job.result_name)
        ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.EXPIRED, result_name="")
        record(None, "archive.export_purge", job, {"job": job.pk, "sha256": job.sha256, "days": days})
        purged.append(job.pk)
    return purged
