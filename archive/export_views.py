"""Export jobs in the browser: request (POST, scoped, audited), watch the progress, download
(scoped to the requester and the subject's area, audited as the export)."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .jobs import get_job_for, open_result, request_export, visible_jobs
from .models import ExportJob


@login_required
@require_POST
def export_new(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    if kind not in ExportJob.Kind.values:
        raise Http404("未找到该记录，或不在您的管辖范围内。")
    job = request_export(request.user, kind, pk, request)
    return redirect("archive:export_detail", pk=job.pk)


@login_required
def export_list(request: HttpRequest) -> HttpResponse:
    jobs = visible_jobs(request.user).order_by("-id")[:50]
    return render(request, "archive/export_list.html", {"jobs": jobs})


@login_required
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "archive/export_detail.html", {"job": get_job_for(request.user, pk)})


@login_required
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    job = get_job_for(request.user, pk)
    return FileResponse(open_result(job, actor=request.user, request=request), content_type=job.content_type,
                        as_attachment=True, filename=job.download_name)
