"""Evidence: a minimal upload form, the item's page, withdrawal and the scoped download."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParser
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from documents import downloads
from documents.evidence.services import ingest_evidence, record_download, withdraw_evidence
from documents.evidence.validation import check_client_name
from documents.forms import EvidenceUploadForm, ReasonForm
from documents.models import Evidence
from documents.permissions import ADD_EVIDENCE, read_perm
from registry.reads import record_auditor_read
from registry.scope import area_q, get_household_for, get_site_for

from .access import get_evidence_for


class _ClientNameParser(MultiPartParser):
    """Django reduces an uploaded file's name to its last path component before any view sees
    it; we keep what the client sent so that a name like "../../x.jpg" is refused, not renamed."""

    def sanitize_file_name(self, file_name):
        self.client_names.append(file_name)
        return super().sanitize_file_name(file_name)


def _keep_client_names(request) -> list[str]:
    names: list[str] = []

    def parse(meta, post_data):
        parser = _ClientNameParser(meta, post_data, request.upload_handlers, request.encoding)
        parser.client_names = names
        return parser.parse()

    request.parse_file_upload = parse
    return names


@csrf_exempt  # the CSRF check runs in _upload, after the body is parsed our way (Django's documented pattern)
@login_required
def upload_for_household(request: HttpRequest, household_pk: int) -> HttpResponse:
    names = _keep_client_names(request) if request.method == "POST" else []
    return _upload(request, names, household_pk=household_pk)


@csrf_exempt
@login_required
def upload_for_site(request: HttpRequest, site_pk: int) -> HttpResponse:
    names = _keep_client_names(request) if request.method == "POST" else []
    return _upload(request, names, site_pk=site_pk)


@csrf_protect
def _upload(request, client_names, *, household_pk=None, site_pk=None):
    is_site = site_pk is not None
    perm = ADD_EVIDENCE
    if is_site:
        subject = get_site_for(request.user, site_pk, perm)
    else:
        subject = get_household_for(request.user, household_pk, perm, hosted=True)
    form = EvidenceUploadForm(request.POST or None, request.FILES or None, is_site=is_site)
    if request.method == "POST":
        if len(client_names) > 1:
            form.add_error(None, "一次只能上传一个文件。")
        elif client_names and "file" not in request.FILES:
            # Django dropped the part (a name like ".."): explain why instead of "no file chosen".
            try:
                check_client_name(client_names[0])
            except ValidationError as exc:
                form.add_error("file", exc)
        elif form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                item = ingest_evidence(
                    actor=request.user, upload=upload, stage=form.cleaned_data["stage"],
                    kind=form.cleaned_data["kind"], description=form.cleaned_data["description"],
                    household=None if is_site else subject, site=subject if is_site else None,
                    client_name=client_names[0] if client_names else upload.name, request=request,
                )
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                messages.success(request, "证据已上传并登记。")
                return redirect("documents:evidence_detail", pk=item.pk)
    items = (Evidence.objects.filter(**({"site": subject} if is_site else {"household": subject}))
             .filter(area_q(request.user, read_perm(is_site=is_site), household=None if is_site else "household"))
             .select_related("uploaded_by"))
    status = 400 if request.method == "POST" else 200
    return render(request, "documents/web/evidence_upload.html",
                  {"form": form, "subject": subject, "is_site": is_site, "items": items}, status=status)


@login_required
def evidence_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_evidence_for(request.user, pk)
    record_auditor_read(request, item, "evidence.view")
    return render(request, "documents/web/evidence_detail.html", {
        "item": item,
        "form": ReasonForm(),
        "can_withdraw": not item.is_withdrawn and request.user.has_perm(ADD_EVIDENCE, item),
    })


@login_required
@require_POST
def evidence_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_evidence_for(request.user, pk, ADD_EVIDENCE)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "撤回证据须填写原因。")
    else:
        try:
            withdraw_evidence(item, actor=request.user, reason=form.cleaned_data["reason"], request=request)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "证据已撤回（原文件与记录保留备查）。")
    return redirect("documents:evidence_detail", pk=pk)


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    item = get_evidence_for(request.user, pk)
    record_download(item, actor=request.user, request=request)
    return downloads.evidence_response(item)
