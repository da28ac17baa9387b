"""The 回头看 page: the county uploads lists, draws the 踏验 sample and files the report; each
township checks its own suspects and records its field checks."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from audit.log import record
from documents.spreadsheets import download_name
from documents.storage import open_stored
from registry.models import AdminArea
from registry.scope import holds_post

from . import recheck
from .models import RecheckList, RecheckReport, Suspect
from .sheets import XLSX

SHOWN = 300


class ListForm(forms.Form):
    county = forms.ModelChoiceField(label="县", queryset=None, empty_label=None)
    kind = forms.ChoiceField(label="名单类别", choices=RecheckList.Kind.choices)
    source = forms.CharField(label="提供部门", max_length=100, required=False)
    file = forms.FileField(label="名单文件（.xlsx，含身份证号码列）")


class SampleForm(forms.Form):
    county = forms.ModelChoiceField(label="县", queryset=None, empty_label=None)
    percent = forms.IntegerField(label="每个乡镇抽取比例（%）", min_value=1, max_value=100, initial=10)


def _county_forms(user, data=None, files=None, which=None):
    counties = recheck.counties_for(user)
    ids = [c.pk for c in counties]
    out = {}
    for name, cls in (("list_form", ListForm), ("sample_form", SampleForm)):
        form = cls(data if which == name else None, files if which == name else None)
        form.fields["county"].queryset = AdminArea.objects.filter(pk__in=ids).order_by("code")
        out[name] = form
    return counties, out


def _page(request, which=None):
    user = request.user
    counties, forms_ = _county_forms(user, request.POST or None, request.FILES or None, which)
    codes = [c.code[:6] for c in counties]
    suspects = list(recheck.visible_suspects(user).select_related("household__village", "member", "recheck")
                    .order_by("status", "area_code", "id")[:SHOWN])
    checks = list(recheck.visible_field_checks(user).select_related("household__village", "township")
                  .order_by("result", "-draw", "area_code")[:SHOWN])
    for s in suspects:
        s.may_decide = s.status == Suspect.Status.OPEN and any(holds_post(user, r, s.area_code)
                                                               for r in recheck.TOWNSHIP_POSTS)
    for c in checks:
        c.may_record = not c.result and any(holds_post(user, r, c.area_code)
                                            for r in recheck.TOWNSHIP_POSTS + recheck.COUNTY_POSTS)
    lists = RecheckList.objects.filter(county__in=counties).order_by("-id")[:30] if counties else []
    reports = (RecheckReport.objects.filter(county__in=counties).select_related("document", "county")
               .order_by("-id")[:10]) if counties else []
    return render(request, "intake/recheck.html", {
        "counties": counties, **forms_, "suspects": suspects, "checks": checks, "lists": lists, "reports": reports,
        "codes": codes, "current": "intake",
    })


@login_required
def page(request):
    return _page(request)


@login_required
@require_POST
def upload(request):
    counties, forms_ = _county_forms(request.user, request.POST, request.FILES, "list_form")
    form = forms_["list_form"]
    if form.is_valid():
        try:
            listed = recheck.upload_list(request.user, form.cleaned_data["county"], form.cleaned_data["kind"],
                                         form.cleaned_data["file"], source=form.cleaned_data["source"],
                                         request=request)
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.success(request, f"已比对：名单{listed.persons}人，比中在办搬迁户成员{listed.matched}人"
                                      f"{f'，{listed.unreadable}行身份证号码无法识别' if listed.unreadable else ''}。")
            return redirect("intake:recheck")
    return _page(request, "list_form")


@login_required
@require_POST
def sample(request):
    counties, forms_ = _county_forms(request.user, request.POST, None, "sample_form")
    form = forms_["sample_form"]
    if form.is_valid():
        try:
            n = recheck.draw_sample(request.user, form.cleaned_data["county"], form.cleaned_data["percent"],
                                    request=request)
        except ValidationError as exc:
            form.add_error("percent", exc)
        else:
            messages.success(request, f"已抽取 {n} 户待踏验。")
            return redirect("intake:recheck")
    return _page(request, "sample_form")


@login_required
@require_POST
def decide(request, pk):
    action = request.POST.get("action")
    if action not in ("confirm", "clear"):
        raise Http404
    try:
        recheck.decide(request.user, pk, confirm=action == "confirm", reason=request.POST.get("reason", ""),
                       request=request)
    except PermissionDenied:
        raise Http404("没有该疑点，或不在您的管辖范围内。")
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, "已确认，已提出清退申请（待县级审批）。" if action == "confirm" else "已排除。")
    return redirect("intake:recheck")


@login_required
@require_POST
def field_check(request, pk):
    try:
        recheck.record_field_check(request.user, pk, result=request.POST.get("result", ""),
                                   note=request.POST.get("note", ""), request=request)
    except PermissionDenied:
        raise Http404("没有该踏验记录，或不在您的管辖范围内。")
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, "踏验结果已记录。")
    return redirect("intake:recheck")


@login_required
@require_POST
def report(request):
    county = next((c for c in recheck.counties_for(request.user) if str(c.pk) == request.POST.get("county")), None)
    if county is None:
        raise Http404
    try:
        made = recheck.build_report(request.user, county, request=request)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"已生成并归档：{made.document.number}。")
    return redirect("intake:recheck")


@login_required
def report_excel(request, pk):
    made = RecheckReport.objects.filter(pk=pk, county__in=recheck.counties_for(request.user)).first()
    if made is None:
        raise Http404
    record(request.user, "intake.recheck_report_download", made, {"excel_sha256": made.excel_sha256},
           request=request, area_code=made.area_code)
    with open_stored(made.excel_name) as fh:
        response = HttpResponse(fh.read(), content_type=XLSX)
    response["Content-Disposition"] = download_name(f"回头看报告-{made.county.name}-{made.pk}.xlsx")
    return response

