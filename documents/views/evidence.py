"""Evidence: the upload page of a household or a site (several files, each filed on its own), the
item's page, withdrawal and the scoped download."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParser
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from documents import downloads
from documents.evidence.batch import ingest_each, kind_choices
from documents.evidence.services import record_download, withdraw_evidence
from documents.evidence.validation import check_client_name
from documents.forms import EvidenceUploadForm, ReasonForm
from documents.models import Evidence, kind_label
from documents.permissions import ADD_EVIDENCE, read_perm
from registry.people import display_name
from registry.reads import record_auditor_read
from registry.scope import area_q, get_household_for, get_site_for

from .access import get_evidence_for


class _ClientNameParser(MultiPartParser):
    """Django reduces an uploaded file's name to its last path component before any view sees
    it; we keep what the client sent so that a name like "../../x.jpg" is refused, not renamed."""

    client_parts = None  # the page's: [(name sent, name Django kept or None)]; the API reads client_names

    def sanitize_file_name(self, file_name):
        kept = super().sanitize_file_name(file_name)
        self.client_names.append(file_name)
        if self.client_parts is not None:
            self.client_parts.append((file_name, kept))
        return kept


def _keep_client_names(request) -> list[tuple[str, str | None]]:
    parts: list[tuple[str, str | None]] = []

    def parse(meta, post_data):
        parser = _ClientNameParser(meta, post_data, request.upload_handlers, request.encoding)
        parser.client_names, parser.client_parts = [], parts
        return parser.parse()

    request.parse_file_upload = parse
    return parts


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


def _back(request) -> str:
    """Where the page was opened from (?next=, a path of this site), to return there after filing."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return ""


@csrf_protect
def _upload(request, client_names, *, household_pk=None, site_pk=None):
    """Several files of one kind at the case's (or site's) current stage, each filed on its own:
    the refused ones are named with their reasons, the others kept (documents.evidence.batch)."""
    is_site = site_pk is not None
    perm = ADD_EVIDENCE
    if is_site:
        subject = get_site_for(request.user, site_pk, perm)
    else:
        subject = get_household_for(request.user, household_pk, perm, hosted=True)
    kinds, missing = kind_choices(subject, is_site=is_site, all_kinds=True)
    initial = {"kind": request.GET.get("kind") or (missing[0] if missing else "")}
    form = EvidenceUploadForm(request.POST or None, request.FILES or None, kinds=kinds, initial=initial)
    back = _back(request)
    refused: list[str] = []
    if request.method == "POST":
        if client_names and not request.FILES.getlist("file"):
            # Django dropped every part (names like ".."): say why instead of "no file chosen".
            form.is_valid()
            for sent, _ in client_names:
                try:
                    check_client_name(sent)
                except ValidationError as exc:
                    form.add_error("file", exc)
                    break
        elif form.is_valid():
            kind = form.cleaned_data["kind"]
            stored, refused = ingest_each(
                form.cleaned_data["file"], actor=request.user, stage=subject.stage, kind=kind,
                description=form.cleaned_data["description"], household=None if is_site else subject,
                site=subject if is_site else None, sent_names=client_names or None, request=request)
            if stored:
                messages.success(request, f"已登记{len(stored)}个文件（{kind_label(kind)}）。")
            if not refused:
                if back:
                    return redirect(back)
                if len(stored) == 1:
                    return redirect("documents:evidence_detail", pk=stored[0].pk)
                return redirect(request.path)
            kinds, missing = kind_choices(subject, is_site=is_site, all_kinds=True)
            form = EvidenceUploadForm(kinds=kinds, initial={"kind": kind,
                                                            "description": form.cleaned_data["description"]})
    items = list(Evidence.objects.filter(**({"site": subject} if is_site else {"household": subject}))
                 .filter(area_q(request.user, read_perm(is_site=is_site), household=None if is_site else "household"))
                 .select_related("uploaded_by"))
    for item in items:
        item.uploader = display_name(item.uploaded_by) if item.uploaded_by else "—"
    status = 400 if request.method == "POST" else 200
    return render(request, "documents/web/evidence_upload.html",
                  {"form": form, "subject": subject, "is_site": is_site, "items": items, "refused": refused,
                   "missing": [kind_label(k) for k in missing], "back": back,
                   "stage_label": subject.get_stage_display()}, status=status)


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
