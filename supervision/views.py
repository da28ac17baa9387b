"""What auditors read: a case's history and the audit log of their scope (issue 8).

Reading goes through registry.scope like every other page; seeing the log itself takes
`audit.view_auditevent` over the case's area. Every read of a case's history is an audit event.
"""

import datetime
import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from audit import checkpoints
from audit.log import record
from audit.models import AuditEvent
from documents.spreadsheets import download_name
from documents.verification import display, normalise
from registry.people import display_name
from registry.scope import area_q, covers, get_household_for, get_site_for

from .detail_labels import target_labels
from .exports import XLSX, history_workbook
from .forms import AuditLogFilterForm, HistoryFilterForm, action_q
from .history_pdf import EXPORT_ACTION, history_pdf
from .integrity import RunRefused, archive_checks, latest, may_run, request_run, run_cooldown, run_started
from .timeline import KINDS, household_timeline, label_of, site_timeline, stored_posts_label

AUDIT_PERM = "audit.view_auditevent"
# A page cursor of the log: an event id (bigint: at most 18 digits).
_EVENT_ID = re.compile(r"[0-9]{1,18}")


def _require_log_access(user, case) -> None:
    if not covers(user, AUDIT_PERM, case.area_code):
        raise PermissionDenied("您的岗位无权查阅审计记录。")


def _history(request, case, timeline, *, subject: str, export: str = "", urls: dict | None = None):
    """The page, or its export as Excel (`export="xlsx"`) or PDF (`export="pdf"`)."""
    _require_log_access(request.user, case)
    form = HistoryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = timeline(case, kinds=filters.get("kind") or (), date_from=filters.get("date_from"),
                       date_to=filters.get("date_to"))
    chosen = {"kinds": filters.get("kind") or [], "date_from": filters.get("date_from"),
              "date_to": filters.get("date_to")}
    if export == "pdf":
        # The export's own audit event (with its verification code) is written by history_pdf.
        data, _ = history_pdf(case, subject=subject, entries=entries, actor=request.user, filters=chosen,
                              request=request)
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = download_name(f"案件历史-{subject.replace(' ', '')}.pdf")
        return response
    action = "supervision.history_export" if export else "supervision.history_view"
    # Issue 8: every auditor read of a personal record is itself logged.
    record(request.user, action, case, {"subject": subject, **chosen, "entries": len(entries)}, request=request)
    if export:
        response = HttpResponse(history_workbook(subject, entries), content_type=XLSX)
        response["Content-Disposition"] = download_name(f"案件历史-{subject.replace(' ', '')}.xlsx")
        return response
    return render(request, "supervision/history.html", {
        "case": case, "subject": subject, "entries": entries, "form": form, "kinds": KINDS,
        "query": request.GET.urlencode(), "current": "supervision", **(urls or {}),
    })


def _household_urls(household) -> dict:
    return {"export_url": reverse("supervision:household_history_xlsx", args=[household.pk]),
            "pdf_url": reverse("supervision:household_history_pdf", args=[household.pk]),
            "back_url": reverse("approvals:case", args=[household.pk]), "back_label": "返回案件"}


def _site_urls(site) -> dict:
    return {"export_url": reverse("supervision:site_history_xlsx", args=[site.pk]),
            "pdf_url": reverse("supervision:site_history_pdf", args=[site.pk]),
            "back_url": reverse("approvals:site", args=[site.pk]), "back_label": "返回安置点"}


@login_required
@require_GET
def household_history(request, pk):
    household = get_household_for(request.user, pk)
    return _history(request, household, household_timeline, subject=f"搬迁户 {household}",
                    urls=_household_urls(household))


@login_required
@require_GET
def household_history_xlsx(request, pk):
    household = get_household_for(request.user, pk)
    return _history(request, household, household_timeline, subject=f"搬迁户 {household}", export="xlsx")


@login_required
@require_GET
def household_history_pdf(request, pk):
    household = get_household_for(request.user, pk)
    return _history(request, household, household_timeline, subject=f"搬迁户 {household}", export="pdf")


@login_required
@require_GET
def site_history(request, pk):
    site = get_site_for(request.user, pk)
    return _history(request, site, site_timeline, subject=f"安置点 {site}", urls=_site_urls(site))


@login_required
@require_GET
def site_history_xlsx(request, pk):
    site = get_site_for(request.user, pk)
    return _history(request, site, site_timeline, subject=f"安置点 {site}", export="xlsx")


@login_required
@require_GET
def site_history_pdf(request, pk):
    site = get_site_for(request.user, pk)
    return _history(request, site, site_timeline, subject=f"安置点 {site}", export="pdf")


@login_required
@require_GET
def export_check(request, code):
    """Where a printed history's QR code leads: the export's audit event, for those who may read
    the case's log (404 for anyone else, and for unknown codes)."""
    canonical = normalise(code)
    event = None
    if canonical:
        event = (AuditEvent.objects.filter(area_q(request.user, AUDIT_PERM))
                 .filter(action=EXPORT_ACTION, data__code=canonical).first())
    if event is None:
        raise Http404("未找到该导出记录，或不在您的管辖范围内。")
    return render(request, "supervision/export_check.html", {"event": event, "code": display(canonical),
                                                             "current": "supervision"})


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
            events = events.filter(action_q(f["action"]))
        if f["area"]:
            events = events.filter(area_code__startswith=f["area"])
        if f["date_from"]:
            events = events.filter(occurred_at__date__gte=f["date_from"])
        if f["date_to"]:
            events = events.filter(occurred_at__date__lte=f["date_to"])
    before = request.GET.get("before", "")
    # ASCII digits only: str.isdigit() also accepts "²" or "٣", which int() refuses (a 500).
    if _EVENT_ID.fullmatch(before):
        events = events.filter(id__lt=int(before))
    size = settings.SUPERVISION_PAGE_SIZE
    page = list(events.order_by("-id")[: size + 1])
    has_more = len(page) > size
    page = page[:size]
    people = {u.get_username(): display_name(u)
              for u in get_user_model().objects.filter(username__in={e.actor_username for e in page if e.actor_username})}
    for event in page:  # the posts stored with the event (None: recorded before posts were kept)
        event.posts_label = None if event.actor_posts is None else stored_posts_label(event.actor_posts)
        event.action_label = label_of(event.action)
        event.actor_name = people.get(event.actor_username, event.actor_username) if event.actor_username else "系统"
    target_labels(page)
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
    if not request.user.has_perm(AUDIT_PERM):
        raise PermissionDenied("您的岗位无权查阅审计记录。")
    checks = latest()
    started = run_started()
    running = None
    if started:
        at = datetime.datetime.fromisoformat(started["at"])
        # Started by hand and not finished yet (its results are newer than the start when done).
        if not any(check.ran_at >= at for check in checks):
            running = {**started, "at": at}
    return render(request, "supervision/integrity.html",
                  {"checks": checks, "archive_checks": archive_checks(request.user),
                   "checkpoint": checkpoints.latest(), "may_run": may_run(request.user), "running": running,
                   "cooldown_minutes": run_cooldown() // 60})


@login_required
@require_POST
def integrity_run(request):
    """立即运行: an auditor runs both checks now (in the background where Celery has a worker),
    audited; others 403; a second run within the cool-down is refused in words."""
    if not (request.user.has_perm(AUDIT_PERM) and may_run(request.user)):
        raise PermissionDenied("只有审计人员可以立即运行完整性检查。")
    try:
        mode = request_run(request.user, request=request)
    except RunRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "完整性检查已运行完毕，结果如下。" if mode == "inline" else
                         "完整性检查已在后台开始运行，完成后刷新本页即可看到结果。")
    return redirect("supervision:integrity")
