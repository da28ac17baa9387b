"""The 后扶 pages: the ledger of moved-in households (后扶台账), a household's 后扶 page (employment
ledger, training, quarterly income, the card), a village's quarterly income on one page, and the
Excel upload.

Households are read through registry.scope (visible_to, get_household_for: 404 outside the user's
areas); a village page answers 404 for a village the user does not cover. Who may record is decided
by the services (aftercare.access: 403 for another post); forms answer 400 with Chinese messages
next to their fields and store nothing when something is wrong.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from documents.spreadsheets import download_name
from registry.models import EMPLOYED, LABOUR_WITH_ABILITY, AdminArea, AreaLevel, Household, Member
from registry.scope import covers, get_household_for
from workflows.acting import Refused

from . import card as cards
from . import employment, income, risks, support, workbook
from .access import MOVED_IN, RECORDING_ROLES, post_for
from .forms import (ContinuityForm, EmploymentForm, IncomeForm, IncomeUploadForm, PeriodForm, PlanForm, RiskForm,
                    TrainingForm, add_violations)
from .models import EmploymentRecord, IncomeSource, Risk, TrainingRecord

VIEW = "registry.view_household"
PAGE_SIZE = 50


def _moved_in(user):
    members = Member.objects.filter(household=OuterRef("pk"))
    return (Household.objects.visible_to(user, hosted=True).filter(stage__in=MOVED_IN)
            .annotate(has_labour=Exists(members.filter(labour_ability__in=LABOUR_WITH_ABILITY)),
                      has_job=Exists(members.filter(employment__in=EMPLOYED)))
            .select_related("village", "site", "follow_up_officer").prefetch_related("members"))


def _villages(user):
    """The villages with moved-in households the user sees (for the village picker)."""
    codes = _moved_in(user).values_list("village_id", flat=True).distinct()
    return AdminArea.objects.filter(pk__in=codes).order_by("code")


@login_required
@require_GET
def ledger(request):
    """后扶台账: the moved-in households of the user's areas with their flags."""
    qs = _moved_in(request.user).order_by("number")
    villages = list(_villages(request.user))
    village = next((v for v in villages if v.code == request.GET.get("village")), None)
    if village is not None:
        qs = qs.filter(village=village)
    only_no_job = request.GET.get("flag") == "no_job"
    if only_no_job:
        qs = qs.filter(has_labour=True, has_job=False)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    year = timezone.localdate().year
    rows = []
    for household in page.object_list:
        summary = income.year_summary(household, year)
        rows.append({"household": household, "head": household.head, "summary": summary,
                     "no_job": household.has_labour and not household.has_job})
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "aftercare/ledger.html", {
        "page": page, "rows": rows, "villages": villages, "village": village, "only_no_job": only_no_job,
        "year": year, "query": params.urlencode(), "line": income.monitoring_line(),
    })


def _household_context(request, household, **forms):
    members = list(household.members.all())
    labour = [m for m in members if employment.has_labour(m)]
    current = employment.current_records(members)
    history = {m.pk: [] for m in members}
    for entry in EmploymentRecord.objects.filter(household=household).select_related("recorded_by").order_by(
            "-month", "-id"):
        history[entry.member_id].append(entry)
    year = _year(request)
    may_record = household.stage in MOVED_IN and post_for(request.user, RECORDING_ROLES, household) is not None
    return {
        "household": household,
        "members": [{"member": m, "labour": m in labour, "current": current.get(m.pk),
                     "history": history[m.pk]} for m in members],
        "flags": employment.household_flags(members),
        "training": TrainingRecord.objects.filter(household=household).select_related("member").order_by(
            "-start_date", "-id"),
        "summary": income.year_summary(household, year),
        "versions": income.IncomeReport.objects.filter(household=household, year=year).select_related(
            "recorded_by").order_by("quarter", "-version"),
        "year": year,
        "may_record": may_record,
        "employment_form": forms.get("employment_form") or EmploymentForm(members=labour),
        "training_form": forms.get("training_form") or TrainingForm(members=labour),
        "income_form": forms.get("income_form") or IncomeForm(initial={**PeriodForm.current()}),
        "card": cards.latest_card(household),
        "plan": support.current_plan(household),
        "checklist": support.checklist(household),
        "plan_form": forms.get("plan_form") or PlanForm(initial=_plan_initial(household)),
        "continuity_form": forms.get("continuity_form") or ContinuityForm(),
        "risks": Risk.objects.filter(household=household).order_by("-raised_at", "-id"),
        "risk_form": forms.get("risk_form") or RiskForm(),
    }


def _scan(request, *households) -> None:
    """Run the 防返贫 rules after a record; tell the official what they raised."""
    for household in households:
        for risk in risks.scan_household(household):
            messages.warning(request, f"防返贫监测：{household.number} {risk.get_rule_display()}——{risk.detail}")


def _plan_initial(household) -> dict:
    plan = support.current_plan(household)
    if plan is None:
        return {}
    initial = {"income_channels": plan.income_channels, "measures": plan.measures, "measure_note": plan.measure_note}
    for use in plan.land_uses:
        initial[f"{use['land']}_use"], initial[f"{use['land']}_area"] = use["use"], use["area_mu"]
    return initial


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if income.FIRST_YEAR <= year <= timezone.localdate().year else timezone.localdate().year


@login_required
@require_GET
def household_page(request, pk):
    household = get_household_for(request.user, pk, hosted=True)
    if household.stage not in MOVED_IN:
        messages.info(request, "该户尚未搬迁入住，入住后开始后续扶持。")
    return render(request, "aftercare/household.html", _household_context(request, household))


def _raise_for_status(exc: Refused) -> None:
    """A refusal outside the reading scope answers 404, another post's 403; the rest go to the form."""
    if exc.status == 404:
        raise Http404(exc.message)
    if exc.status == 403:
        raise PermissionDenied(exc.message)


def _refused(request, household, exc, form_name, form):
    _raise_for_status(exc)
    add_violations(form, exc.violations)
    return render(request, "aftercare/household.html", _household_context(request, household, **{form_name: form}),
                  status=400)


def _member_entry(request, pk, form_class, form_name, record, done):
    """A form about one member with labour: parse, let the service decide, re-render with the
    reasons (400) or go back to the household's page with `done(member, entry)` as the message."""
    household = get_household_for(request.user, pk, hosted=True)
    labour = [m for m in household.members.all() if employment.has_labour(m)]
    form = form_class(request.POST, members=labour)
    if not form.is_valid():
        return render(request, "aftercare/household.html",
                      _household_context(request, household, **{form_name: form}), status=400)
    data = dict(form.cleaned_data)
    member_pk = data.pop("member")
    member = next(m for m in labour if m.pk == member_pk)
    try:
        entry = record(actor=request.user, member=member, request=request, **data)
    except Refused as exc:
        return _refused(request, household, exc, form_name, form)
    messages.success(request, done(member, entry))
    _scan(request, household)
    return redirect("aftercare:household", pk=household.pk)


@login_required
@require_POST
def employment_new(request, pk):
    return _member_entry(request, pk, EmploymentForm, "employment_form", employment.record_employment,
                        lambda member, entry: f"已记录{member.name}{entry.month:%Y年%m月}的就业情况："
                                              f"{entry.get_status_display()}。")


@login_required
@require_POST
def training_new(request, pk):
    return _member_entry(request, pk, TrainingForm, "training_form", employment.record_training,
                        lambda member, entry: f"已登记{member.name}的培训：{entry.project}。")


@login_required
@require_POST
def income_new(request, pk):
    household = get_household_for(request.user, pk, hosted=True)
    form = IncomeForm(request.POST)
    if not form.is_valid():
        return render(request, "aftercare/household.html",
                      _household_context(request, household, income_form=form), status=400)
    data = form.cleaned_data
    try:
        report = income.record_income(actor=request.user, household=household, year=data["year"],
                                      quarter=data["quarter"], values=data, request=request)
    except Refused as exc:
        return _refused(request, household, exc, "income_form", form)
    summary = income.year_summary(household, report.year)
    row = summary["quarters"][report.quarter - 1]
    text = (f"已填报{report.year}年{income.QUARTER_LABELS[report.quarter]}收入（第{report.version}版）："
            f"累计纯收入 {row['ytd_net']:.2f} 元，人均 {row['per_capita']:.2f} 元。")
    messages.success(request, text)
    if row["below_line"]:
        messages.warning(request, f"预警：人均纯收入低于累计监测线 {row['line']:.2f} 元。")
    _scan(request, household)
    return redirect(f"{reverse('aftercare:household', args=[household.pk])}?year={report.year}")


@login_required
@require_POST
def card_print(request, pk):
    household = get_household_for(request.user, pk, hosted=True)
    year = _posted_year(request)
    try:
        version = cards.print_card(actor=request.user, household=household, year=year, request=request)
    except Refused as exc:
        messages.error(request, exc.message)
        return redirect("aftercare:household", pk=household.pk)
    messages.success(request, f"已按{year}年度后扶记录重新生成后扶帮扶卡（{version.document.number}，第{version.version}版）。")
    return redirect("aftercare:household", pk=household.pk)


def _posted_year(request) -> int:
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if income.FIRST_YEAR <= year <= timezone.localdate().year else timezone.localdate().year


def _village_for(user, code):
    """The village (404 when it is not one the user covers)."""
    village = AdminArea.objects.filter(code=code, level=AreaLevel.VILLAGE).first()
    if village is None or not covers(user, VIEW, village.code):
        raise Http404("未找到该村，或不在您的管辖范围内。")
    return village


def _period(request, data) -> tuple[PeriodForm, int | None, int | None]:
    form = PeriodForm(data or PeriodForm.current())
    if form.is_valid():
        return form, form.cleaned_data["year"], form.cleaned_data["quarter"]
    return form, None, None


@login_required
def village_income(request, code):
    """A whole village's quarter on one page: one row per moved-in household; all rows stored or none."""
    village = _village_for(request.user, code)
    households = list(_moved_in(request.user).filter(village=village).order_by("number"))
    period_form, year, quarter = _period(request, request.POST if request.method == "POST" else request.GET)
    rows, errors, status = [], [], 200
    existing = {}
    if year and quarter:
        for household in households:
            current = income.current_reports(household, year).get(quarter)
            if current:
                existing[household.pk] = current
    if request.method == "POST" and year and quarter:
        batch = []
        for household in households:
            raw = {name: request.POST.get(f"{name}-{household.pk}", "") for name in income.AMOUNT_FIELDS}
            raw["head_signed_on"] = request.POST.get(f"head_signed_on-{household.pk}", "")
            if not any(str(v).strip() for v in raw.values()):
                continue  # a household left blank is not reported this time
            batch.append(income.IncomeRow(household=household, raw=raw, label=f"{household.number}（{household.head}）"))
        try:
            stored = income.record_batch(actor=request.user, year=year, quarter=quarter, rows=batch,
                                         source=IncomeSource.VILLAGE, request=request)
        except income.BatchRefused as exc:
            errors, status = exc.rows, 400
        except Refused as exc:
            _raise_for_status(exc)
            errors, status = [income.IncomeRow(household=None, raw={}, label="本次填报", violations=exc.violations)], 400
        else:
            messages.success(request, f"已填报{village.name}{year}年{income.QUARTER_LABELS[quarter]}收入 {len(stored)} 户。")
            _scan(request, *[r.household for r in stored])
            return redirect(f"{request.path}?year={year}&quarter={quarter}")
    elif request.method == "POST":
        status = 400
    bad = {id(r.household): r for r in errors if r.household is not None}
    for household in households:
        previous = existing.get(household.pk)
        posted = request.method == "POST"
        values = {name: (request.POST.get(f"{name}-{household.pk}", "") if posted else "")
                  for name in (*income.AMOUNT_FIELDS, "head_signed_on")}
        row_errors = bad.get(id(household))
        rows.append({"household": household, "head": household.head, "values": values, "previous": previous,
                     "errors": [v.message for v in row_errors.violations] if row_errors else []})
    return render(request, "aftercare/village_income.html", {
        "village": village, "period_form": period_form, "year": year, "quarter": quarter, "rows": rows,
        "errors": errors, "amounts": [(n, label, income.SHORT_LABELS[n]) for n, label in income.AMOUNTS], "villages": list(_villages(request.user)),
        "quarter_label": income.QUARTER_LABELS.get(quarter, ""),
    }, status=status)


@login_required
def income_upload(request):
    """The Excel upload: every row checked; one bad row refuses the file and nothing is stored."""
    form = IncomeUploadForm(request.POST or None, request.FILES or None,
                            initial=PeriodForm.current() if request.method == "GET" else None)
    errors, status = [], 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            scoped = {h.number: h for h in _moved_in(request.user)}
            try:
                rows = workbook.read_rows(data["workbook"], scoped)
                stored = income.record_batch(actor=request.user, year=data["year"], quarter=data["quarter"],
                                             rows=rows, source=IncomeSource.EXCEL, request=request)
            except workbook.WorkbookError as exc:
                form.add_error("workbook", str(exc))
            except income.BatchRefused as exc:
                errors = exc.rows
            except Refused as exc:
                _raise_for_status(exc)
                add_violations(form, exc.violations)
            else:
                messages.success(request, f"已导入{data['year']}年{income.QUARTER_LABELS[data['quarter']]}收入 "
                                          f"{len(stored)} 户。")
                _scan(request, *[r.household for r in stored])
                return redirect("aftercare:ledger")
    return render(request, "aftercare/income_upload.html", {"form": form, "errors": errors,
                                                            "villages": list(_villages(request.user))}, status=status)


@login_required
@require_GET
def income_template(request, code):
    village = _village_for(request.user, code)
    _form, year, quarter = _period(request, request.GET)
    if not (year and quarter):
        raise Http404("年度或季度有误。")
    households = _moved_in(request.user).filter(village=village).order_by("number")
    response = HttpResponse(workbook.template(households, year=year, quarter=quarter), content_type=workbook.XLSX)
    response["Content-Disposition"] = download_name(f"收入监测表-{village.name}-{year}年第{quarter}季度.xlsx")
    return response


@login_required
@require_POST
def plan_new(request, pk):
    household = get_household_for(request.user, pk, hosted=True)
    form = PlanForm(request.POST)
    if not form.is_valid():
        return render(request, "aftercare/household.html", _household_context(request, household, plan_form=form),
                      status=400)
    data = form.cleaned_data
    try:
        plan = support.record_plan(actor=request.user, household=household, income_channels=data["income_channels"],
                                   measures=data["measures"], measure_note=data["measure_note"],
                                   land_uses=form.land_rows(), request=request)
    except Refused as exc:
        return _refused(request, household, exc, "plan_form", form)
    messages.success(request, f"已保存帮扶计划（第{plan.version}版）。")
    return redirect(f"{reverse('aftercare:household', args=[household.pk])}#plan")


@login_required
@require_POST
def continuity_new(request, pk):
    household = get_household_for(request.user, pk, hosted=True)
    form = ContinuityForm(request.POST)
    if not form.is_valid():
        return render(request, "aftercare/household.html",
                      _household_context(request, household, continuity_form=form), status=400)
    try:
        check = support.confirm_continuity(actor=request.user, household=household, request=request,
                                           **form.cleaned_data)
    except Refused as exc:
        return _refused(request, household, exc, "continuity_form", form)
    messages.success(request, f"已确认{check.get_item_display()}：{check.get_state_display()}。")
    _scan(request, household)
    return redirect(f"{reverse('aftercare:household', args=[household.pk])}#continuity")


@login_required
@require_POST
def risk_new(request, pk):
    """A risk an official identifies (因病, 因灾 …) from the household's 后扶 page."""
    household = get_household_for(request.user, pk, hosted=True)
    form = RiskForm(request.POST)
    if form.is_valid():
        try:
            risk = risks.raise_manually(actor=request.user, household=household, request=request,
                                        **form.cleaned_data)
        except Refused as exc:
            _raise_for_status(exc)
            add_violations(form, exc.violations)
        else:
            messages.success(request, f"已识别风险：{risk.get_risk_type_display()}。")
            return redirect("aftercare:risk", pk=risk.pk)
    return render(request, "aftercare/household.html", _household_context(request, household, risk_form=form),
                  status=400)
