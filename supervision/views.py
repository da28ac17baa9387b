"""What auditors read: a case's history and the audit log of their scope (issue 8).

Reading goes through registry.scope like every other page; seeing the log itself takes
`audit.view_auditevent` over the case's area. Every read of a case's history is an audit event.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from audit.log import record
from audit.models import AuditEvent
from registry.scope import area_q, covers, get_household_for, get_site_for

from .exports import XLSX, history_workbook
from .forms import AuditLogFilterForm, HistoryFilterForm
from .timeline import KINDS, household_timeline, site_timeline

AUDIT_PERM = "audit.view_auditevent"


def _require_log_access(user, case) -> None:
    if not covers(user, AUDIT_PERM, case.area_code):
        raise PermissionDenied("您的岗位无权查阅审计记录。")


def _history(request, case, timeline, *, subject: str, export: bool, export_url: str = ""):
    _require_log_access(request.user, case)
    form = HistoryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = timeline(case, kinds=filters.get("kind") or (), date_from=filters.get("date_from"),
                       date_to=filters.get("date_to"))
    action = "supervision.history_export" if export else "supervision.history_view"
    # Issue 8: every auditor read of a personal record is itself logged.
    record(request.user, action, case, {"subject": subject, "kinds": filters.get("kind") or [],
                                        "date_from": filters.get("date_from"), "date_to": filters.get("date_to"),
                                        "entries": len(entries)}, request=request)
    if export:
        response = HttpResponse(history_workbook(subject, entries), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="history-{case._meta.model_name}-{case.pk}.xlsx"'
        return response
    return render(request, "supervision/history.html", {
        "case": case, "subject": subject, "entries": entries, "form": form, "kinds": KINDS,
        "query": request.GET.urlencode(), "current": "supervision", "export_url": export_url,
    })


@login_required
@require_GET
def household_history(request, pk):
    household = get_household_for(request.user, pk)
    return _history(request, household, household_timeline, subject=f"搬迁户 {household}", export=False,
                    export_url=reverse("supervision:household_history_xlsx", args=[household.pk]))


@login_required
@require_GET
def household_history_xlsx(request, pk):
    household = get_household_for(request.user, pk)
    return _history(request, household, household_timeline, subject=f"搬迁户 {household}", export=True)


@login_required
@require_GET
def site_history(request, pk):
    site = get_site_for(request.user, pk)
    return _history(request, site, site_timeline, subject=f"安置点 {site}", export=False,
                    export_url=reverse("supervision:site_history_xlsx", args=[site.pk]))


@login_required
@require_GET
def site_history_xlsx(request, pk):
    site = get_site_for(request.user, pk)
    return _history(request, site, site_timeline, subject=f"安置点 {site}", export=True)


@login_required
@require_GET
def audit_log(request):
    """The log of the auditor's scope, newest first, paged by id (no COUNT over the log)."""
    if not request.user.has_perm(AUDIT_PERM):
        raise PermissionDenied("您的岗位无权查阅审计记录。")
    form = AuditLogFilterForm(request.GET or None)
    events = AuditEvent.objects.filter(area_q(request.user, AUDIT_PERM))
    if form.is_valid():
        f = form.cleaned_data
        if f["actor"]:
            events = events.filter(actor_username=f["actor"])
        if f["action"]:
            events = events.filter(action=f["action"])
        if f["area"]:
            events = events.filter(area_code__startswith=f["area"])
        if f["date_from"]:
            events = events.filter(occurred_at__date__gte=f["date_from"])
        if f["date_to"]:
            events = events.filter(occurred_at__date__lte=f["date_to"])
    before = request.GET.get("before", "")
    if before.isdigit():
        events = events.filter(id__lt=int(before))
    size = settings.SUPERVISION_PAGE_SIZE
    page = list(events.order_by("-id")[: size + 1])
    has_more = len(page) > size
    page = page[:size]
    params = request.GET.copy()
    params.pop("before", None)
    return render(request, "supervision/audit_log.html", {
        "form": form, "events": page, "has_more": has_more,
        "next_before": page[-1].id if page else None, "query": params.urlencode(), "current": "supervision",
    })


@login_required
@require_GET
def integrity(request):
    """The latest results of the audit-chain and storage checks, with when they ran."""
    from .integrity import latest

    if not request.user.has_perm(AUDIT_PERM):
        raise PermissionDenied("您的岗位无权查阅审计记录。")
    return render(request, "supervision/integrity.html", {"checks": latest()})
