"""The 防返贫 monitoring pages: the risks of the user's areas (with counts per township), a risk's page
with its steps, and the acts on it (a measure, asking to close, the township's decision), and a risk
raised by hand from a household's 后扶 page. Risks are read through registry.scope (their household's
area: 404 outside it); the services decide who may act (403) and refuse in Chinese (400)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from registry.scope import get_object_for
from workflows.acting import Refused

from . import risks
from .access import RECORDING_ROLES, post_for
from .forms import RiskStepForm, add_violations
from .models import Risk, RiskStatus

VIEW = "registry.view_household"
PAGE_SIZE = 50


def visible_risks(user):
    return Risk.objects.visible_to(user, VIEW, hosted=True)


@login_required
@require_GET
def risk_list(request):
    status = request.GET.get("status", "live")
    qs = visible_risks(request.user).select_related("household", "household__village", "household__site")
    counts = {s: qs.filter(status=s).count() for s in RiskStatus.values}
    if status in RiskStatus.values:
        qs = qs.filter(status=status)
    elif status == "live":
        qs = qs.exclude(status=RiskStatus.CLOSED)
    by_township = {}
    for risk in visible_risks(request.user).exclude(status=RiskStatus.CLOSED).select_related("household__village__parent"):
        town = risk.household.village.parent
        entry = by_township.setdefault(town.code if town else "", {"name": town.name if town else "", "open": 0,
                                                                   "households": set()})
        entry["open"] += 1
        entry["households"].add(risk.household_id)
    page = Paginator(qs.order_by("-raised_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "aftercare/risk_list.html", {
        "page": page, "status": status, "counts": counts, "statuses": RiskStatus.choices,
        "by_township": [{"code": c, "name": e["name"], "open": e["open"], "households": len(e["households"])}
                        for c, e in sorted(by_township.items())],
    })


def _risk_for(user, pk):
    return get_object_for(user, Risk.objects.select_related("household", "household__village"), pk,
                          view_perm=VIEW, hosted=True)


def _context(request, risk, form=None, form_name=""):
    steps = list(risk.steps.select_related("actor"))
    household = risk.household
    worker = (request.user.pk == household.responsible_cadre_id
              or post_for(request.user, RECORDING_ROLES, household) is not None)
    decider = post_for(request.user, risks.CLOSING_ROLES, household) is not None
    forms = {"measure": RiskStepForm(), "request_close": RiskStepForm(), "decide": RiskStepForm()}
    if form is not None:
        forms[form_name] = form
    return {"risk": risk, "steps": steps, "household": household, "forms": forms,
            "may_work": worker and risk.status == RiskStatus.OPEN,
            "may_decide": decider and risk.status == RiskStatus.CLOSING}


@login_required
@require_GET
def risk_detail(request, pk):
    risk = _risk_for(request.user, pk)
    return render(request, "aftercare/risk_detail.html", _context(request, risk))


def _act(request, pk, form_name, act, done):
    risk = _risk_for(request.user, pk)
    form = RiskStepForm(request.POST)
    if form.is_valid():
        try:
            act(risk, form.cleaned_data["text"])
        except Refused as exc:
            if exc.status == 404:
                raise Http404(exc.message) from exc
            if exc.status == 403:
                raise PermissionDenied(exc.message) from exc
            add_violations(form, exc.violations)
        else:
            messages.success(request, done)
            return redirect("aftercare:risk", pk=risk.pk)
    risk.refresh_from_db()
    return render(request, "aftercare/risk_detail.html", _context(request, risk, form, form_name), status=400)


@login_required
@require_POST
def risk_measure(request, pk):
    return _act(request, pk, "measure",
                lambda risk, text: risks.add_measure(risk.pk, actor=request.user, text=text, request=request),
                "已登记帮扶措施。")


@login_required
@require_POST
def risk_request_close(request, pk):
    return _act(request, pk, "request_close",
                lambda risk, text: risks.request_close(risk.pk, actor=request.user, text=text, request=request),
                "已申请风险消除，待乡镇分管领导审批。")


@login_required
@require_POST
def risk_decide(request, pk):
    approve = request.POST.get("decision") == "approve"
    return _act(request, pk, "decide",
                lambda risk, text: risks.decide_close(risk.pk, actor=request.user, approve=approve, text=text,
                                                      request=request),
                "已批准风险消除。" if approve else "已退回，继续帮扶。")
