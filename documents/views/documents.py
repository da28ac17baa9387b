"""Officials' views of generated documents: list, generate, detail, regenerate, download, batches."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from documents import services, storage
from documents.batches import BATCHABLE, start_batch
from documents.forms import NoticeForm, ReasonForm
from documents.models import Document, RenderBatch
from documents.permissions import ADD_DOCUMENT, READ_HOUSEHOLD
from documents.types import APPLICATION_FORM, APPROVAL_FORM, PUBLIC_NOTICE, label_of
from registry.models import Household
from registry.reads import record_auditor_read
from registry.scope import area_q, get_household_for

from .access import get_document_for, get_version_for

PER_HOUSEHOLD = (APPLICATION_FORM, APPROVAL_FORM)


def _errors(exc: ValidationError) -> str:
    return "；".join(exc.messages)


@login_required
def household_documents(request: HttpRequest, household_pk: int) -> HttpResponse:
    household = get_household_for(request.user, household_pk, hosted=True)
    record_auditor_read(request, household, "household.view", {"page": "documents"})
    documents = (Document.objects.filter(households=household)
                 .filter(area_q(request.user, READ_HOUSEHOLD, household="household"))
                 .prefetch_related("versions").order_by("-id"))
    return render(request, "documents/web/household_documents.html", {
        "household": household,
        "documents": documents,
        "types": [(code, label_of(code)) for code in PER_HOUSEHOLD],
        "can_generate": request.user.has_perm(ADD_DOCUMENT, household),
    })


@login_required
@require_POST
def generate_for_household(request: HttpRequest, household_pk: int, doc_type: str) -> HttpResponse:
    if doc_type not in PER_HOUSEHOLD:
        raise Http404("没有这种文书类型。")
    household = get_household_for(request.user, household_pk, ADD_DOCUMENT)
    try:
        version = services.generate_document(doc_type, actor=request.user, household=household, request=request)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect("documents:household_documents", household_pk=household.pk)
    messages.success(request, f"已生成{label_of(doc_type)}，文号 {version.document.number}。")
    return redirect("documents:detail", pk=version.document_id)


def _refuse_read_only_post(request: HttpRequest) -> None:
    """A post that generates nothing anywhere (auditors) gets 403 for a POST, not a form error."""
    if request.method == "POST" and not request.user.has_perm(ADD_DOCUMENT):
        raise PermissionDenied("您的岗位无权生成文书。")


@login_required  # on the view itself: on the helper above it guarded nothing (issue 16)
def generate_notice(request: HttpRequest) -> HttpResponse:
    """A 公示 notice for households of one village, chosen from those the user may edit."""
    _refuse_read_only_post(request)
    candidates = (Household.objects.filter(area_q(request.user, ADD_DOCUMENT))
                  .select_related("village").order_by("number")[:500])
    form = NoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        chosen = [h for h in candidates if str(h.pk) in request.POST.getlist("household")]
        options = {k: v for k, v in form.cleaned_data.items() if v}
        try:
            version = services.generate_document(PUBLIC_NOTICE, actor=request.user, households=chosen,
                                                 request=request, **options)
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, f"已生成公示，文号 {version.document.number}。")
            return redirect("documents:detail", pk=version.document_id)
    return render(request, "documents/web/notice_new.html", {"form": form, "candidates": candidates})


@login_required
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_document_for(request.user, pk)
    record_auditor_read(request, document, "document.view")
    return render(request, "documents/web/document_detail.html", {
        "document": document,
        "versions": document.versions.select_related("generated_by").order_by("-version"),
        "form": ReasonForm(),
        "can_regenerate": request.user.has_perm(ADD_DOCUMENT, document),
    })


@login_required
@require_POST
def regenerate(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_document_for(request.user, pk, ADD_DOCUMENT)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "重新生成须填写原因。")
        return redirect("documents:detail", pk=pk)
    try:
        version = services.regenerate_document(document, actor=request.user, reason=form.cleaned_data["reason"],
                                               request=request)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, f"已生成第{version.version}版。")
    return redirect("documents:detail", pk=pk)


@login_required
def download_version(request: HttpRequest, pk: int) -> FileResponse:
    version = get_version_for(request.user, pk)
    services.record_download(version, actor=request.user, request=request)
    response = FileResponse(storage.open_stored(version.storage_name), as_attachment=True,
                            filename=version.download_name, content_type="application/pdf")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def batch_new(request: HttpRequest) -> HttpResponse:
    _refuse_read_only_post(request)
    candidates = (Household.objects.filter(area_q(request.user, ADD_DOCUMENT))
                  .select_related("village").order_by("number")[:500])
    if request.method == "POST":
        doc_type = request.POST.get("doc_type")
        chosen = [h for h in candidates if str(h.pk) in request.POST.getlist("household")]
        if doc_type not in BATCHABLE or not chosen:
            messages.error(request, "请选择文书类型和至少一户。")
        else:
            batch = start_batch(actor=request.user, doc_type=doc_type, households=chosen)
            return redirect("documents:batch_detail", pk=batch.pk)
    return render(request, "documents/web/batch_new.html", {
        "candidates": candidates, "types": [(code, label_of(code)) for code in BATCHABLE],
    })


def _own_batch(request, pk) -> RenderBatch:
    # Progress belongs to whoever started the batch; anyone else gets the same 404.
    try:
        return RenderBatch.objects.get(pk=pk, started_by=request.user)
    except RenderBatch.DoesNotExist:
        raise Http404("未找到该批量任务。")


@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _own_batch(request, pk)
    documents = Document.objects.filter(versions__pk__in=batch.version_ids).order_by("serial")
    return render(request, "documents/web/batch_detail.html", {
        "batch": batch, "documents": documents, "type_label": label_of(batch.doc_type),
    })


@login_required
def batch_status(request: HttpRequest, pk: int) -> JsonResponse:
    batch = _own_batch(request, pk)
    return JsonResponse({
        "status": batch.status, "status_label": batch.get_status_display(), "total": batch.total,
        "done": batch.done, "failed": batch.failed, "percent": batch.percent,
    })
