"""The site's page (安置点): stage, progress over time, milestones against the schedule, funds,
the households and their stages, the joint review per bureau, documents, evidence — and the
actions the official may take now, each form saying what is still missing. Posts go to
workflows.sites.service; a refusal re-renders the page with the input kept. The entry forms
(progress reports, funds, households' self-funds) are in site_entries.py.
"""

import datetime
from collections import Counter
from types import SimpleNamespace

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from documents.models import Document, Evidence
from documents.permissions import ADD_EVIDENCE, READ_SITE
from registry.models import Household, HouseholdStage
from registry.people import display_name
from registry.roles import ROLES
from registry.scope import area_q, get_site_for
from registry.views import household_rows
from supervision import findings as supervision_findings
from workflows import acting, actions, claims, worklist
from workflows.acting import acting_role
from workflows.models import Decision, FundEntry, Milestone, SelfFundEntry, SiteOpinion, SiteProject
from workflows.sites import (
    progress as site_progress,
)
from workflows.sites import (
    service as site_service,
)
from workflows.sites import (
    stages as site_stages,
)
from workflows.sites.funds import funds_position

from ..forms import DecisionForm, add_violations
from . import refusal_status
from .site_entries import entry_forms

MILESTONE_FIELDS = [(Milestone.START, "start_by"), (Milestone.STRUCTURE, "structure_by"),
                    (Milestone.HANDOVER, "handover_by")]


class SiteDecisionForm(DecisionForm):
    """The decision plus the figures a site step records (site_service.STEP_FIELDS)."""

    def __init__(self, *args, site=None, **kwargs):
        fields = site_service.STEP_FIELDS.get(kwargs.pop("step_code", ""), set())
        super().__init__(*args, **kwargs)
        def label(name):
            return str(SiteProject._meta.get_field(name).verbose_name)

        for name in ("start_by", "structure_by", "handover_by"):
            if name in fields:
                self.fields[name] = forms.DateField(label=label(name), required=False, widget=forms.DateInput(
                    format="%Y-%m-%d", attrs={"type": "date"}), error_messages={"invalid": "日期格式应为 年-月-日。"})
        if "tender_exempt" in fields:
            self.fields["tender_exempt"] = forms.BooleanField(label=label("tender_exempt"), required=False)
        for name in ("tender_exempt_reason", "contractor", "leading_industry", "service_centre"):
            if name in fields:
                self.fields[name] = forms.CharField(label=label(name), required=False, max_length=300)
        if "contract_amount" in fields:
            self.fields["contract_amount"] = forms.DecimalField(
                label=label("contract_amount"), required=False, max_digits=14, decimal_places=2,
                error_messages={"invalid": "请输入数字，最多两位小数。"})
        if "facilities" in fields:
            self.fields["facilities"] = forms.CharField(
                label="配套设施验收情况", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                help_text="每行一项：设施名称，验收结论（合格或不合格），如“卫生室，合格”。")
        if "follow_up_officer" in fields:
            officers = set()
            for role in site_stages.FOLLOW_UP_OFFICER_ROLES:
                officers |= set(claims.eligible_officials(role, site).values_list("pk", flat=True))
            self.fields["follow_up_officer"] = forms.ModelChoiceField(
                label="后扶专干", required=False, empty_label="（请选择）",
                queryset=get_user_model().objects.filter(pk__in=officers).order_by("last_name", "first_name"))
            self.fields["follow_up_officer"].label_from_instance = lambda u: (
                display_name(u))

    def changes(self) -> dict:
        found = {}
        for name in self.fields:
            if name in ("step", "seen_stage", "seen_round", "decision", "opinion"):
                continue
            value = self.cleaned_data.get(name)
            if name == "facilities":
                rows = [line.replace(",", "，").split("，", 1) for line in (value or "").splitlines() if line.strip()]
                if rows:
                    found[name] = [(r[0].strip(), r[1].strip() if len(r) > 1 else "") for r in rows]
            elif name == "tender_exempt":
                if value:
                    found[name] = True
            elif value not in (None, ""):
                found[name] = value.pk if name == "follow_up_officer" else value
        return found


def _seen(site, project):
    return {"seen_stage": site.stage, "seen_round": project.stage_round}


def _name(user):
    return "系统" if user is None else display_name(user)


def _chart(reports):
    """An inline SVG of the reported progress over time (no chart library, no CDN)."""
    points = sorted(reports, key=lambda r: (r.reported_on, r.id))
    if not points:
        return None
    width, height, pad = 560, 180, 30
    first, last = points[0].reported_on, points[-1].reported_on
    span = max((last - first).days, 1)
    coords = []
    for r in points:
        x = pad + (width - 2 * pad) * (r.reported_on - first).days / span
        y = height - pad - (height - 2 * pad) * float(r.percent) / 100
        coords.append((round(x, 1), round(y, 1), r))
    return SimpleNamespace(width=width, height=height, pad=pad, first=first, last=last,
                           polyline=" ".join(f"{x},{y}" for x, y, _ in coords), points=coords,
                           y100=pad, y50=height - pad - (height - 2 * pad) / 2, y0=height - pad)


def _joint_review(site):
    """Each bureau's sign-off in the latest round of 方案审批."""
    stage = site_stages.stage("plan_approval")
    opinions = {}
    for o in SiteOpinion.objects.filter(site=site, stage="plan_approval").select_related("actor").order_by("id"):
        opinions[o.step] = o  # the latest per step
    return [SimpleNamespace(label=step.label, role=ROLES[step.roles[0]].label if step.roles[0] in ROLES else "",
                            opinion=opinions.get(step.code)) for step in stage.steps] if stage else []


def _step_forms(request, site, project, bound=None):
    """One form per step the user may act on now (workflows.actions), with what still blocks it."""
    result = []
    for action in actions.site_actions(request.user, site):
        step = site_stages.stage(site.stage).step(action.name)
        if bound is not None and bound.prefix == step.code:
            form = bound
        else:
            form = SiteDecisionForm(initial={"step": step.code, **_seen(site, project)}, step_code=step.code,
                                    site=site, prefix=step.code)
        task = action.task
        result.append(SimpleNamespace(
            # A task held by someone else is said once, with the holder's name, beside the form.
            step=step, form=form, blockers=[v for v in action.unmet if v.code != "claimed_by_other"],
            moves_to=action.moves_to_label, task=task, held_by_other=action.held_by_other,
            holder=_name(task.owner) if task and task.owner else "",
            can_return="return" in action.decisions, evidence=action.evidence,
        ))
    tasks = {t.flow_task.name: t for t in worklist.open_tasks_of(site)}
    return result, tasks


def _context(request, site, bound=None, entry_bound=None):
    user = request.user
    project = SiteProject.for_site(site)
    reports = list(site.progress_reports.select_related("reported_by").order_by("reported_on", "id"))
    stage = site_stages.stage(site.stage)
    due = project.stage_entered_at + datetime.timedelta(days=stage.deadline_days) if stage else None
    in_site = Household.objects.visible_to(user, hosted=True).filter(site=site)  # 跨县安置户 too
    households = list(household_rows(in_site)[:20])
    by_stage = Counter(dict(in_site.order_by().values_list("stage").annotate(n=Count("id"))))
    step_forms, tasks = _step_forms(request, site, project, bound)
    late_milestones = site_progress.late_milestones(site)
    late = {m.milestone for m in late_milestones}
    return {
        "site": site,
        "project": project,
        "stages": [(s.code, s.label) for s in site_stages.SITE_STAGES],
        "stage_index": [s.code for s in site_stages.SITE_STAGES].index(site.stage)
        if site.stage in [s.code for s in site_stages.SITE_STAGES] else -1,
        "due": due,
        "overdue": due is not None and due < timezone.now() and site.stage != "follow_up",
        "reports": list(reversed(reports))[:20],
        "chart": _chart(reports),
        "milestones": [SimpleNamespace(label=m.label, planned=getattr(project, field),
                                       reached=site_progress.milestone_reported(site, m), late=m in late)
                       for m, field in MILESTONE_FIELDS],
        "funds": funds_position(site),
        "fund_entries": list(FundEntry.objects.filter(site=site).select_related("recorded_by")
                             .order_by("-entry_date", "-id")[:30]),
        "self_fund_entries": list(SelfFundEntry.objects.filter(household__in=in_site)
                                  .select_related("household", "recorded_by").order_by("-entry_date", "-id")[:20]),
        "late_milestones": late_milestones,
        "entry_forms": entry_forms(request, site, entry_bound),
        "households": households,
        "household_stages": [(HouseholdStage(code).label, n) for code, n in by_stage.most_common()],
        "household_total": sum(by_stage.values()),
        "joint_review": _joint_review(site),
        "documents": (Document.objects.filter(site=site).filter(area_q(user, READ_SITE))
                      .prefetch_related("versions").order_by("-id")),
        "evidence": Evidence.objects.filter(site=site).filter(area_q(user, READ_SITE)).order_by("-uploaded_at")[:40],
        "can_upload": user.has_perm(ADD_EVIDENCE, site),
        "step_forms": step_forms,
        "tasks": [SimpleNamespace(task=t, label=worklist.step_label(code), holder=_name(t.owner) if t.owner else "",
                                  mine=t.owner_id == user.pk,
                                  can_claim=t.owner_id is None and acting_role(
                                      user, (claims.role_of(t),), site) is not None,
                                  can_reassign=worklist.is_supervisor_of(user, site))
                  for code, t in tasks.items()],
        "opinions": _with_labels(SiteOpinion.objects.filter(site=site).select_related("actor").order_by("created_at", "id")),
        # 督查问题 (supervision): the site's findings the user may see; auditors file from here.
        "case_findings": supervision_findings.for_case(user, site=site),
        "may_file_finding": user.has_perm(supervision_findings.AUDIT_PERM, site),
        "finding_target": f"site={site.pk}",
        "history_url": reverse("supervision:site_history", args=[site.pk]),
    }


def _with_labels(opinions):
    found = list(opinions)
    for o in found:
        o.step_label = worklist.step_label(o.step)
    return found


@never_cache
@login_required
def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_site_for(request.user, pk)
    return render(request, "approvals/site.html", _context(request, site))


@login_required
@require_POST
def site_decide(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_site_for(request.user, pk)
    project = SiteProject.for_site(site)
    step = request.POST.get("step_code", "")
    form = SiteDecisionForm(request.POST, step_code=step, site=site, prefix=step)
    data = form.data
    if data.get(f"{step}-seen_stage") != site.stage or data.get(f"{step}-seen_round") != str(project.stage_round):
        messages.info(request, "该安置点的办理状态已在您提交前发生变化（可能是重复提交，或他人已办理），本次提交未重复执行。")
        return redirect("approvals:site", pk=site.pk)
    if not form.is_valid():
        return render(request, "approvals/site.html", _context(request, site, bound=form), status=400)
    try:
        outcome = site_service.decide(site.pk, step=step, actor=request.user, decision=form.cleaned_data["decision"],
                                       opinion=form.cleaned_data["opinion"], request=request,
                                       changes=form.changes() or None)
    except acting.Refused as exc:
        status = refusal_status(exc)
        if status == 404:
            raise Http404(exc.message)
        if status == 409:
            messages.info(request, exc.message)
            return redirect("approvals:site", pk=site.pk)
        add_violations(form, exc.violations)
        return render(request, "approvals/site.html", _context(request, site, bound=form), status=status)
    label = worklist.step_label(step)
    if form.cleaned_data["decision"] == Decision.RETURN:
        messages.success(request, f"已退回“{label}”。")
    elif outcome.moved_to:
        messages.success(request, f"已同意“{label}”，安置点进入“{site_stages.label(outcome.moved_to)}”阶段。")
    else:
        messages.success(request, f"已同意“{label}”。")
    return redirect("approvals:site", pk=site.pk)
