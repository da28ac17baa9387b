"""The import pages: upload, the check's result row by row with the diff, confirm or cancel, the
error workbook and the template."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from audit.log import record
from registry.models import AdminArea, AreaLevel, Household
from registry.scope import area_q, covers

from . import export, services, sheets
from .access import get_batch_for, visible_batches
from .checking import CREATE, REJECTED, UPDATE
from .forms import UploadForm
from .models import ImportBatch

SHOWN_PLANS = 300
SHOWN_PROBLEMS = 500


def _attachment(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=sheets.XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


@login_required
def index(request):
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    may_upload = form.fields["area"].queryset.exists()  # county and township posts that enter households
    if request.method == "POST" and not may_upload:
        raise PermissionDenied("名单由乡镇或县级导入：您的岗位不能导入名单。")
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.upload(request.user, form.cleaned_data["area"], form.cleaned_data["file"], request=request)
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            return redirect("intake:batch", batch.pk)
    batches = visible_batches(request.user).select_related("area", "created_by")[:30]
    return render(request, "intake/index.html", {"form": form, "may_upload": may_upload, "batches": batches,
                                                 "current": "intake"})


@login_required
def batch_detail(request, pk):
    batch = get_batch_for(request.user, pk)
    report = batch.report or {}
    plans = report.get("plans", [])
    show = request.GET.get("show", "changes")
    if show == "rejected":
        shown = [p for p in plans if p["action"] == REJECTED]
    elif show == "all":
        shown = plans
    else:
        shown = [p for p in plans if p["action"] in (CREATE, UPDATE)]
    problems = [p for p in report.get("problems", [])]
    context = {
        "batch": batch, "report": report, "plans": shown[:SHOWN_PLANS], "plans_more": max(0, len(shown) - SHOWN_PLANS),
        "show": show, "problems": problems[:SHOWN_PROBLEMS], "problems_more": max(0, len(problems) - SHOWN_PROBLEMS),
        "errors": sum(1 for p in problems if not p[3]), "active": batch.status in (ImportBatch.Status.CHECKING,
                                                                                  ImportBatch.Status.COMMITTING),
        "percent": int(100 * batch.progress_done / batch.progress_total) if batch.progress_total else 0,
        "may_confirm": batch.status == ImportBatch.Status.CHECKED and (batch.created + batch.updated) > 0,
        "current": "intake",
    }
    return render(request, "intake/batch.html", context)


@login_required
@require_POST
def confirm(request, pk):
    batch = get_batch_for(request.user, pk)
    try:
        services.confirm(batch, request.user, request=request)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, "已确认，正在逐户导入。")
    return redirect("intake:batch", batch.pk)


@login_required
@require_POST
def cancel(request, pk):
    batch = get_batch_for(request.user, pk)
    try:
        services.cancel(batch, request.user, request=request)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, "已取消，名单未导入。")
    return redirect("intake:batch", batch.pk)


@login_required
def error_workbook(request, pk):
    batch = get_batch_for(request.user, pk)
    record(request.user, "intake.download_errors", batch, {"file": batch.file_name}, request=request,
           area_code=batch.area_code)
    return _attachment(sheets.error_workbook(batch), f"%E6%A0%B8%E5%AF%B9%E7%BB%93%E6%9E%9C-{batch.pk}.xlsx")


@login_required
def template(request):
    return _attachment(sheets.template(), "%E6%90%AC%E8%BF%81%E5%AF%B9%E8%B1%A1%E5%90%8D%E5%8D%95%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx")


@login_required
def export_list(request):
    """?area=<county or township pk>&layout=national|roster: the area's active households, full ID
    numbers (for sending back to the national system), for posts that may reveal them there."""
    layout = request.GET.get("layout", "national")
    area = AdminArea.objects.filter(pk=request.GET.get("area") or 0,
                                    level__in=[AreaLevel.COUNTY, AreaLevel.TOWNSHIP]).first()
    if layout not in export.LAYOUTS or area is None or not covers(request.user, "registry.reveal_idnumber", area.code):
        raise Http404("没有该范围，或您不能导出该范围的名单。")
    prefix = area.code[:6] if area.level == AreaLevel.COUNTY else area.code[:9]
    households = Household.objects.filter(area_q(request.user, "registry.reveal_idnumber")).filter(
        area_code__startswith=prefix)
    county = AdminArea.objects.filter(code=f"{area.code[:6]}000000").values_list("name", flat=True).first() or ""
    townships = dict((code[:9], name) for code, name in AdminArea.objects.filter(
        level=AreaLevel.TOWNSHIP, code__startswith=area.code[:6]).values_list("code", "name"))
    data, persons = export.workbook(households, layout, county_name=county, township_names=townships)
    record(request.user, "intake.export", None, {"layout": export.LAYOUTS[layout][0], "area": area.name,
                                                 "persons": persons}, request=request, area_code=area.code)
    return _attachment(data, f"{layout}-{area.code}.xlsx")
