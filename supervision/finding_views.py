"""The findings ledger's pages (督查问题台账): the ledger with its counts and Excel export, filing a
finding (auditors), a finding's page with its history, the responsible officials' rectification,
an auditor's close (销号) or send-back (any auditor over the finding's area), and attachment downloads.

Every finding is fetched through findings.get_finding_for (404 outside the user's findings);
who may act is decided by the services (403 otherwise); forms answer 400 with Chinese messages
and store nothing when something is wrong.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from audit.log import record
from documents import storage
from documents.spreadsheets import download_name
from registry.scope import get_household_for, get_site_for

from . import findings
from .exports import XLSX, ledger_workbook
from .forms import FindingForm, LedgerFilterForm, RespondForm, ReviewForm
from .models import Finding

PAGE_SIZE = 50


def _ledger_queryset(user, form):
    qs = findings.visible_findings(user)
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("area"):
        qs = qs.filter(Q(area_code__startswith=data["area"]) | Q(responsible_area_code__startswith=data["area"]))
    scoped = qs  # the counts table covers the area, across categories and statuses
    if data.get("category"):
        qs = qs.filter(category=data["category"])
    if data.get("status"):
        qs = qs.filter(status=data["status"])
    if data.get("overdue"):
        qs = qs.filter(findings.overdue_q())
    if data.get("late"):
        qs = qs.filter(responded_late=True)
    return scoped, qs.select_related("filed_by", "closed_by", "household", "site").order_by("-filed_at", "-id")


def counts_table(qs) -> dict:
    """Category × status counts of a findings queryset, with per category the overdue ones (awaiting
    rectification past the deadline) and those rectified late (逾期整改), in one query."""
    cells, overdue, late = {}, {}, {}
    for row in (qs.values("category", "status")
                .annotate(n=Count("id"), overdue=Count("id", filter=findings.overdue_q()),
                          late=Count("id", filter=Q(responded_late=True))).order_by()):
        cells[(row["category"], row["status"])] = row["n"]
        overdue[row["category"]] = overdue.get(row["category"], 0) + row["overdue"]
        late[row["category"]] = late.get(row["category"], 0) + row["late"]
    rows = []
    for code, label in Finding.Category.choices:
        counts = [cells.get((code, status), 0) for status in Finding.Status.values]
        rows.append({"code": code, "label": label, "counts": counts, "total": sum(counts),
                     "overdue": overdue.get(code, 0), "late": late.get(code, 0)})
    totals = [sum(r["counts"][i] for r in rows) for i in range(len(Finding.Status.values))]
    return {"statuses": Finding.Status.choices, "rows": rows, "totals": totals, "total": sum(totals),
            "overdue": sum(r["overdue"] for r in rows), "late": sum(r["late"] for r in rows)}


@login_required
@require_GET
def ledger(request):
    form = LedgerFilterForm(request.GET or None)
    scoped, qs = _ledger_queryset(request.user, form)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    findings.describe_targets(page.object_list)
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "supervision/findings/ledger.html", {
        "form": form, "page": page, "counts": counts_table(scoped), "query": params.urlencode(),
        "may_file": request.user.has_perm(findings.AUDIT_PERM), "current": "findings",
    })


@login_required
@require_GET
def ledger_xlsx(request):
    form = LedgerFilterForm(request.GET or None)
    scoped, qs = _ledger_queryset(request.user, form)
    rows = list(qs[:20000])
    findings.describe_targets(rows)
    record(request.user, "finding.export", None, {"filters": request.GET.dict(), "rows": len(rows)},
           request=request, area_code=(form.cleaned_data.get("area") or "") if form.is_valid() else "")
    response = HttpResponse(ledger_workbook(rows, counts_table(scoped)), content_type=XLSX)
    response["Content-Disposition"] = download_name(f"督查问题台账-{timezone.localdate():%Y%m%d}.xlsx")
    return response


def _initial_target(request) -> dict:
    """A finding filed from a household's or site's page starts with that target (scoped)."""
    if request.GET.get("household"):
        household = get_household_for(request.user, request.GET["household"])
        return {"target_kind": "household", "household_number": household.number,
                "responsible_area": household.area_code}
    if request.GET.get("site"):
        site = get_site_for(request.user, request.GET["site"])
        return {"target_kind": "site", "site": site.pk}
    return {}


@login_required
def finding_new(request):
    if not request.user.has_perm(findings.AUDIT_PERM):
        raise PermissionDenied("只有督查人员可以登记督查问题。")
    form = FindingForm(request.POST or None, request.FILES or None, user=request.user,
                       initial=_initial_target(request) if request.method == "GET" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            area_code, household, site = form.target
            data = form.cleaned_data
            try:
                finding = findings.file_finding(
                    actor=request.user, area_code=area_code, household=household, site=site,
                    category=data["category"], description=data["description"],
                    responsible_role=data["responsible_role"], responsible_area_code=data["responsible_area"],
                    deadline=data["deadline"], attachments=data["attachments"], request=request)
            except ValidationError as exc:
                form.add_error("attachments" if exc.code in ("attachment", "too_many", "short_read") else None, exc)
            else:
                messages.success(request, f"已登记督查问题 #{finding.pk}，责任单位将在待办中看到。")
                return redirect("supervision:finding", finding.pk)
        status = 400
    return render(request, "supervision/findings/new.html", {"form": form, "current": "findings"}, status=status)


def _detail_context(request, finding, *, respond_form=None, review_form=None):
    findings.describe_targets([finding])
    steps = list(finding.steps.select_related("actor").prefetch_related("attachments"))
    return {
        "finding": finding, "steps": steps,
        "respond_form": respond_form or (RespondForm() if findings.may_respond(request.user, finding) else None),
        "review_form": review_form or (ReviewForm() if findings.may_review(request.user, finding) else None),
        "is_auditor": findings.is_auditor_of(request.user, finding), "current": "findings",
    }


@login_required
@require_GET
def finding_detail(request, pk):
    finding = findings.get_finding_for(request.user, pk)
    if finding.household_id and findings.is_auditor_of(request.user, finding):
        # Issue 8: an auditor's read of what concerns a household is itself logged.
        record(request.user, "finding.view", finding, {"household": finding.household_id}, request=request)
    return render(request, "supervision/findings/detail.html", _detail_context(request, finding))


@login_required
@require_POST
def finding_respond(request, pk):
    finding = findings.get_finding_for(request.user, pk)
    if not findings.may_respond(request.user, finding):
        raise PermissionDenied("只有责任单位的人员可以反馈整改情况，且须在待整改或退回状态。")
    form = RespondForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            findings.respond(finding.pk, actor=request.user, text=form.cleaned_data["text"],
                             attachments=form.cleaned_data["attachments"], request=request)
        except ValidationError as exc:
            form.add_error("attachments" if exc.code in ("attachment", "too_many", "short_read") else None, exc)
        else:
            messages.success(request, "已反馈整改情况，等待督查人员核查。")
            return redirect("supervision:finding", finding.pk)
    return render(request, "supervision/findings/detail.html",
                  _detail_context(request, finding, respond_form=form), status=400)


@login_required
@require_POST
def finding_review(request, pk):
    finding = findings.get_finding_for(request.user, pk)
    if not findings.may_review(request.user, finding):
        raise PermissionDenied("只有本辖区的督查人员可以在责任单位反馈后销号或退回。")
    form = ReviewForm(request.POST)
    if form.is_valid():
        accept = form.cleaned_data["decision"] == "close"
        try:
            findings.review(finding.pk, actor=request.user, accept=accept, reason=form.cleaned_data["reason"],
                            request=request)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "已销号。" if accept else "已退回责任单位重新整改。")
            return redirect("supervision:finding", finding.pk)
    return render(request, "supervision/findings/detail.html",
                  _detail_context(request, finding, review_form=form), status=400)


@login_required
@require_GET
def attachment_download(request, pk, attachment_pk):
    finding = findings.get_finding_for(request.user, pk)
    attachment = finding.attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404("未找到该附件。")
    findings.record_attachment_download(attachment, actor=request.user, request=request)
    response = FileResponse(storage.open_stored(attachment.storage_name), content_type=attachment.content_type,
                            as_attachment=True, filename=attachment.original_name)
    return response
