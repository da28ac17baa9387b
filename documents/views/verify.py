"""The public verification page (no login): /verify/<code>/.

It tells whoever scanned the QR code or typed the code what the system holds about that PDF —
type, 文号, date, issuing organ and area, hashes, whether it is the current version — and
nothing personal. An uploaded PDF can be compared with the record by hash. Unknown codes and
malformed ones get the same 404.
"""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from accounts.ratelimit import over_limit
from documents.forms import VerifyUploadForm
from documents.hashing import digest_stream
from documents.models import DocumentVersion
from documents.types.common import area_path, chinese_date
from documents.verification import display, normalise


def _with_headers(response: HttpResponse) -> HttpResponse:
    # The code in the URL is a bearer token: keep it out of Referer headers and indexes.
    # same-origin, not no-referrer: with no-referrer Chromium posts the file check with "Origin: null",
    # which CSRF origin checking refuses; same-origin still sends the code to no other site.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _limited(request: HttpRequest) -> HttpResponse | None:
    """The public page answers anyone: DOCUMENTS_VERIFY_RATE per address, or 429 (no guessing codes)."""
    if over_limit(request, "verify", settings.DOCUMENTS_VERIFY_RATE):
        response = render(request, "documents/web/verify_limited.html", status=429)
        response["Retry-After"] = "60"
        return _with_headers(response)
    return None


@never_cache
def verify_lookup(request: HttpRequest) -> HttpResponse:
    if (limited := _limited(request)) is not None:
        return limited
    typed = request.GET.get("code", "")
    error = ""
    if typed:
        code = normalise(typed)
        if code:
            return redirect("documents:verify", code=code)
        error = "核验码格式不正确：应为20位字母和数字（可含连字符）。"
    return _with_headers(render(request, "documents/web/verify_lookup.html", {"typed": typed, "error": error}))


def public_facts(version: DocumentVersion) -> dict:
    """Everything the public page shows. No names, ID numbers, phones or household numbers."""
    document = version.document
    latest = document.versions.order_by("-version").only("version", "generated_at").first()
    area = area_path(document.area_code)
    return {
        "type_label": document.type_label,
        "number": document.number,
        "issuing_organ": document.issuing_organ,
        "area": "".join(dict.fromkeys(n for n in (area["county"], area["township"], area["village"]) if n)),
        "date": chinese_date(timezone.localtime(document.created_at).date()),
        "version": version.version,
        "generated_at": timezone.localtime(version.generated_at).strftime("%Y-%m-%d %H:%M"),
        "is_current": latest.version == version.version,
        "latest_version": latest.version,
        "latest_generated_at": timezone.localtime(latest.generated_at).strftime("%Y-%m-%d %H:%M"),
        "sha256": version.sha256,
        "sm3": version.sm3,
        "size": version.size,
        "pages": version.pages,
        "code": display(version.verify_code),
    }


@never_cache
def verify_document(request: HttpRequest, code: str) -> HttpResponse:
    if (limited := _limited(request)) is not None:
        return limited
    canonical = normalise(code)
    if canonical is None:
        raise Http404("核验码无效。")
    if canonical != code:
        return redirect("documents:verify", code=canonical)
    try:
        version = DocumentVersion.objects.select_related("document").get(verify_code=canonical)
    except DocumentVersion.DoesNotExist:
        raise Http404("未找到与该核验码对应的文书。")
    facts = public_facts(version)
    form = VerifyUploadForm(request.POST or None, request.FILES or None)
    check = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > settings.EVIDENCE_MAX_UPLOAD_BYTES:
                form.add_error("file", "文件过大，无法核对。")
            else:
                digests = digest_stream(upload)
                same = digests.sha256 == version.sha256 and digests.sm3 == version.sm3
                other = None
                if not same:
                    other = (version.document.versions.filter(sha256=digests.sha256, sm3=digests.sm3)
                             .values_list("version", flat=True).first())
                check = {"same": same, "other_version": other, "sha256": digests.sha256, "sm3": digests.sm3}
        if form.errors:
            status = 400
    return _with_headers(render(request, "documents/web/verify.html",
                                {"facts": facts, "form": form, "check": check}, status=status))
