"""Printing: a PDF opens in the browser in one click (inline, a new tab), every opening an audit
event like a download; long batch renders run in the background with a progress bar, and end
with one merged PDF to print."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from documents import services as document_services
from documents import storage
from documents.batches import start_batch
from documents.models import RenderBatch
from documents.types import label_of
from documents.views.access import get_version_for


def _inline(data_or_file, filename):
    response = FileResponse(data_or_file, content_type="application/pdf", filename=filename, as_attachment=False)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def version_pdf(request: HttpRequest, pk: int) -> FileResponse:
    version = get_version_for(request.user, pk)
    document_services.record_download(version, actor=request.user, request=request)
    return _inline(storage.open_stored(version.storage_name), version.download_name)


def own_render(request, pk) -> RenderBatch:
    # Progress belongs to whoever started the batch (as in documents/views); others get 404.
    try:
        return RenderBatch.objects.get(pk=pk, started_by=request.user)
    except RenderBatch.DoesNotExist:
        raise Http404("未找到该批量打印任务。")


def start_render(request, *, doc_type, households, back_url):
    try:
        batch = start_batch(actor=request.user, doc_type=doc_type, households=households)
    except Exception as exc:  # noqa: BLE001  (permission or type problems, told in Chinese)
        messages.error(request, getattr(exc, "message", None) or "无法开始批量生成，请检查权限与所选户。")
        return redirect(back_url)
    return redirect("approvals:render_progress", pk=batch.pk)


@login_required
def render_progress(request: HttpRequest, pk: int) -> HttpResponse:
    batch = own_render(request, pk)
    return render(request, "approvals/render_progress.html", {"batch": batch, "type_label": label_of(batch.doc_type)})


@login_required
def render_merged(request: HttpRequest, pk: int) -> HttpResponse:
    """All documents of a finished batch as one PDF, in household order, ready to print."""
    from pypdf import PdfWriter

    batch = own_render(request, pk)
    if batch.status not in (RenderBatch.Status.FINISHED, RenderBatch.Status.FAILED) or not batch.version_ids:
        raise Http404("批量生成尚未完成。")
    writer = PdfWriter()
    for version_id in batch.version_ids:
        version = get_version_for(request.user, version_id)
        document_services.record_download(version, actor=request.user, request=request)
        with storage.open_stored(version.storage_name) as handle:
            writer.append(io.BytesIO(handle.read()))
    out = io.BytesIO()
    writer.write(out)
    out.seek(0)
    return _inline(out, f"批量打印-{label_of(batch.doc_type)}-{batch.pk}.pdf")
