"""The 四性 report page: the check run over an area the user reads (default: the user's whole
scope's first area), each property with pass/fail and its findings; each run is an audit event."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from audit.log import record
from registry.models import AdminArea
from registry.scope import covers, prefixes_for

from .access import HOUSEHOLD_VIEW
from .checks import latest_runs
from .four_properties import run_checks
from .models import ArchiveItem


def _area_for(user, raw: str) -> str:
    code = "".join(ch for ch in raw if ch.isdigit())[:12]
    if not code:
        if user.is_superuser:
            return ""
        prefixes = prefixes_for(user, HOUSEHOLD_VIEW)
        if not prefixes:
            raise Http404("未找到该记录，或不在您的管辖范围内。")
        return prefixes[0]
    if not covers(user, HOUSEHOLD_VIEW, code.ljust(12, "0")):
        raise Http404("未找到该记录，或不在您的管辖范围内。")
    return code


def page_limit() -> int:
    """Items the page re-hashes and opens inline (~3 ms each); above it, the command does the work."""
    return settings.ARCHIVE_FOUR_PROPERTIES_PAGE_LIMIT


@login_required
def four_properties(request: HttpRequest) -> HttpResponse:
    area_code = _area_for(request.user, request.GET.get("area", ""))
    area = AdminArea.objects.filter(code=area_code.ljust(12, "0")).first() if area_code else None
    choices = [(p, AdminArea.objects.filter(code=p.ljust(12, "0")).values_list("name", flat=True).first() or p)
               for p in prefixes_for(request.user, HOUSEHOLD_VIEW)]
    scheduled = latest_runs(None if request.user.is_superuser else prefixes_for(request.user, HOUSEHOLD_VIEW))
    items = ArchiveItem.objects.filter(file__area_code__startswith=area_code).count()
    if items > page_limit():
        return render(request, "archive/four_properties.html", {
            "too_big": items, "limit": page_limit(), "area": area, "area_code": area_code, "choices": choices,
            "scheduled": scheduled,
        })
    report = run_checks(area_code)
    record(request.user, "archive.four_properties", area,
           {"area": area_code, "findings": len(report.findings), "counts": report.counts}, request,
           area_code=area_code.ljust(12, "0") if area_code else "")
    return render(request, "archive/four_properties.html", {
        "report": report, "area": area, "area_code": area_code, "choices": choices, "scheduled": scheduled,
    })
