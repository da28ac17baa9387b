"""The household's case page (案件办理): header, members, policy check, timeline, documents,
evidence, and the actions the official may take now — each form listing what is still missing
before it is submitted. Posts go to workflows.households.service; a refusal re-renders the page with the
typed input kept and each message next to its field.
"""

import io
from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from PIL import Image, ImageOps

from audit.models import AuditEvent
from documents import storage
from documents.models import Document, Evidence
from documents.permissions import ADD_DOCUMENT, ADD_EVIDENCE, READ_HOUSEHOLD
from documents.services import generate_document
from documents.types import label_of
from documents.views.access import get_evidence_for
from registry.models import Relation
from registry.people import display_name
from registry.reads import record_auditor_read
from registry.roles import ROLES
from registry.scope import area_q, get_household_for, placements_in_force
from supervision import findings as supervision_findings
from workflows import acting, actions, claims, labels, worklist
from workflows.households import conditions, deadlines, service, stages
from workflows.models import Decision, Opinion

from ..forms import DecisionForm, RemovalDecisionForm, RemovalRequestForm, add_violations
from . import refusal_status

TASK_EVENTS = {"task.claim": "领取任务", "task.release": "释放任务", "task.reassign": "改派任务"}


def _name(user):
    if user is None:
        return "系统"
    return display_name(user)


def _open_tasks(household):
    return {t.flow_task.name: t for t in worklist.open_tasks_of(household)}


def _officers(household):
    ids = set()
    for role in (stages.REVIEWER, stages.LEADER):
        ids |= set(claims.eligible_officials(role, household).values_list("pk", flat=True))
    return get_user_model().objects.filter(pk__in=ids).order_by("last_name", "first_name", "username")


def _seen(household):
    return {"seen_stage": household.stage, "seen_round": household.stage_round}


def _step_forms(request, household, available, bound=None):
    """One form per step the user may act on now (workflows.actions), with what still blocks it."""
    result = []
    for action in available:
        if action.kind != actions.STEP:
            continue
        step = stages.STAGES[household.stage].step(action.name)
        fields = service.STEP_FIELDS.get(step.code, set())
        if bound is not None and bound.prefix == step.code:
            form = bound
        else:
            form = DecisionForm(initial={"step": step.code, **_seen(household)}, step_fields=fields,
                                officers=_officers(household) if "follow_up_officer" in fields else None,
                                prefix=step.code)
        task = action.task
        result.append(SimpleNamespace(
            # A task held by someone else is said once, with the holder's name, beside the form.
            step=step, form=form, blockers=[v for v in action.unmet if v.code != "claimed_by_other"],
            moves_to=action.moves_to_label,
            task=task, held_by_other=action.held_by_other, holder=_name(task.owner) if task and task.owner else "",
            can_return="return" in action.decisions, evidence=action.evidence,
        ))
    return result


def _removal(request, household, available, bound_request=None, bound_decision=None):
    by_name = {a.name: a for a in available}
    can_request = stages.REMOVAL_REQUEST.code in by_name
    can_decide = stages.REMOVAL_APPROVAL.code in by_name
    pending = service.pending_removal(household)
    return SimpleNamespace(
        pending=pending, pending_by=_name(pending.actor) if pending else "",
        own_request=can_decide and not by_name[stages.REMOVAL_APPROVAL.code].available,
        request_form=(bound_request or RemovalRequestForm(initial=_seen(household), prefix="removal"))
        if can_request else None,
        decision_form=(bound_decision or RemovalDecisionForm(initial=_seen(household), prefix="removal_decision"))
        if can_decide else None,
    )


def _timeline(household):
    """Opinions and task events of the case, oldest first."""
    entries = []
    for o in Opinion.objects.filter(household=household).select_related("actor").order_by("created_at", "id"):
        entries.append(SimpleNamespace(
            at=o.created_at, stage=worklist.stage_label(o.stage), round=o.round,
            what=_opinion_step_label(o.step), decision=o.get_decision_display(), decision_code=o.decision,
            text=o.text, who=_name(o.actor), role=ROLES[o.role].label if o.role in ROLES else "",
        ))
    events = AuditEvent.objects.filter(target_type="registry.household", target_id=str(household.pk),
                                       action__in=list(TASK_EVENTS)).order_by("id")
    for e in events:
        data = e.data or {}
        detail = worklist.step_label(data.get("step", ""))
        if e.action == "task.reassign":
            detail += f"：{data.get('previous_owner') or '（未领取）'} → {data.get('new_owner')}"
            if data.get("reason"):
                detail += f"（{data['reason']}）"
        entries.append(SimpleNamespace(
            at=e.occurred_at, stage=worklist.stage_label(data.get("stage", "")), round=data.get("round"),
            what=TASK_EVENTS[e.action], decision="", decision_code="task", text=detail, who=e.actor_username,
            role="",
        ))
    entries.sort(key=lambda x: x.at)
    return entries


def _opinion_step_label(code):
    return labels.step_label(code) or code


def _documents(user, household):
    return (Document.objects.filter(Q(household=household) | Q(households=household))
            .filter(area_q(user, READ_HOUSEHOLD, household="household")).distinct().prefetch_related("versions")
            .order_by("-id"))


def _context(request, household, *, bound=None, bound_request=None, bound_decision=None):
    user = request.user
    members = list(household.members.all())
    violations = conditions.policy_violations(household)
    due = deadlines.due_at(household)
    tasks = _open_tasks(household)
    available = actions.household_actions(user, household)
    return {
        "household": household,
        "members": members,
        "head": next((m for m in members if m.relation == Relation.HEAD), None),
        "errors": [v for v in violations if v.blocking],
        "warnings": [v for v in violations if not v.blocking],
        "can_reveal": user.has_perm("registry.reveal_idnumber", household),
        # 跨县安置 (registry/placements.py): both counties read who does what on this case.
        "cross_county": placements_in_force().filter(household=household).select_related("site__area").first(),
        "due": due,
        "overdue": deadlines.is_overdue(household),
        "stage_blockers": [b for b in conditions.forward_blockers(household) if b.code != "no_next_stage"]
        if household.stage in stages.STAGES else [],
        "tasks": [SimpleNamespace(task=t, label=worklist.step_label(code), holder=_name(t.owner) if t.owner else "",
                                  mine=t.owner_id == user.pk,
                                  can_claim=t.owner_id is None and acting.acting_role(
                                      user, (claims.role_of(t),), household, act=code) is not None,
                                  can_reassign=worklist.is_supervisor_of(user, household))
                  for code, t in tasks.items()],
        "actions": available,
        "step_forms": _step_forms(request, household, available, bound),
        "removal": _removal(request, household, available, bound_request, bound_decision),
        "timeline": _timeline(household),
        "documents": _documents(user, household),
        "evidence": Evidence.objects.filter(household=household).filter(area_q(user, READ_HOUSEHOLD, household="household"))
        .select_related("uploaded_by").order_by("stage", "-uploaded_at"),
        "can_upload": user.has_perm(ADD_EVIDENCE, household),
        "can_generate": user.has_perm(ADD_DOCUMENT, household),
        "for_signing": _for_signing(household),
        "stages": [(s.code, s.label) for s in stages.HOUSEHOLD_STAGES],
        "stage_index": stages.ORDER.index(household.stage) if household.stage in stages.ORDER else -1,
        # 督查问题 (supervision): the household's findings the user may see; auditors file from here.
        "case_findings": supervision_findings.for_case(user, household=household),
        "may_file_finding": user.has_perm(supervision_findings.AUDIT_PERM, household),
        "finding_target": f"household={household.pk}",
        "history_url": reverse("supervision:household_history", args=[household.pk]),
    }


def _for_signing(household):
    """The forms of the current stage printed for the parties to sign (label, printed document)."""
    stage = stages.STAGES.get(household.stage)
    kinds = stage.for_signing if stage else ()
    printed = {d.doc_type: d for d in Document.objects.filter(household=household, doc_type__in=kinds)}
    return [SimpleNamespace(code=k, label=label_of(k), printed=printed.get(k)) for k in kinds]


@login_required
@require_POST
def print_for_signing(request: HttpRequest, pk: int, doc_type: str) -> HttpResponse:
    """Print a form of the case's current stage for signing (once: later prints are versions of it,
    made on its page or when the stage is left); its signed scan is then uploaded as evidence."""
    household = get_household_for(request.user, pk, ADD_DOCUMENT, hosted=True)
    if doc_type not in [f.code for f in _for_signing(household)]:
        raise Http404("该户当前阶段没有此待签文书。")
    printed = Document.objects.filter(household=household, doc_type=doc_type).first()
    if printed is None:
        try:
            printed = generate_document(doc_type, actor=request.user, household=household, request=request).document
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect("approvals:case", pk=household.pk)
        messages.success(request, f"已生成待签{label_of(doc_type)}（{printed.number}）：请打印交各方签字，"
                                  "再将签字扫描件上传为证据材料。")
    return redirect("documents:detail", pk=printed.pk)


@never_cache
@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_household_for(request.user, pk, hosted=True)
    record_auditor_read(request, household, "household.view")
    return render(request, "approvals/case.html", _context(request, household))


def _stale(household, form) -> bool:
    """The page was made for another stage or round: a repeated or late submission."""
    data = form.data
    prefix = f"{form.prefix}-" if form.prefix else ""
    return (data.get(f"{prefix}seen_stage") != household.stage
            or data.get(f"{prefix}seen_round") != str(household.stage_round))


STALE = "该户的办理状态已在您提交前发生变化（可能是重复提交，或他人已办理），本次提交未重复执行。请查看最新状态。"


def _refused(request, household, exc, **bound):
    status = refusal_status(exc)
    if status == 404:
        raise Http404(exc.message)
    if status == 409:
        messages.info(request, exc.message)
        return redirect("approvals:case", pk=household.pk)
    form = next(iter(bound.values()))
    add_violations(form, exc.violations)
    return render(request, "approvals/case.html", _context(request, household, **bound), status=status)


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_household_for(request.user, pk, hosted=True)
    step = request.POST.get("step_code", "")
    fields = service.STEP_FIELDS.get(step, set())
    form = DecisionForm(request.POST, step_fields=fields, prefix=step,
                        officers=_officers(household) if "follow_up_officer" in fields else None)
    if _stale(household, form):
        messages.info(request, STALE)
        return redirect("approvals:case", pk=household.pk)
    if not form.is_valid():
        return render(request, "approvals/case.html", _context(request, household, bound=form), status=400)
    task = _open_tasks(household).get(step)
    if task is not None and task.owner_id not in (None, request.user.pk):
        form.add_error(None, f"该任务已由{_name(task.owner)}领取办理；如需由您办理，请其释放或由分管领导改派。")
        return render(request, "approvals/case.html", _context(request, household, bound=form), status=409)
    data = form.cleaned_data
    try:
        outcome = service.decide(household.pk, step=step, actor=request.user, decision=data["decision"],
                                  opinion=data["opinion"], request=request, changes=form.changes() or None)
    except acting.Refused as exc:
        return _refused(request, household, exc, bound=form)
    label = worklist.step_label(step)
    if data["decision"] == Decision.RETURN:
        messages.success(request, f"已退回“{label}”，该户回到“{worklist.stage_label(outcome.moved_to)}”阶段。")
    elif outcome.moved_to:
        messages.success(request, f"已同意“{label}”，该户进入“{worklist.stage_label(outcome.moved_to)}”阶段。")
    else:
        messages.success(request, f"已同意“{label}”。")
    for warning in outcome.warnings:
        messages.warning(request, warning.message)
    return redirect("approvals:case", pk=household.pk)


@login_required
@require_POST
def removal_request(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_household_for(request.user, pk)
    form = RemovalRequestForm(request.POST, prefix="removal")
    if _stale(household, form):
        messages.info(request, STALE)
        return redirect("approvals:case", pk=household.pk)
    if not form.is_valid():
        return render(request, "approvals/case.html", _context(request, household, bound_request=form), status=400)
    try:
        service.request_removal(household.pk, actor=request.user, reason=form.cleaned_data["reason"],
                                 request=request)
    except acting.Refused as exc:
        return _refused(request, household, exc, bound_request=form)
    messages.success(request, "已提出清退申请，待县易地扶贫搬迁办公室审批。")
    return redirect("approvals:case", pk=household.pk)


@login_required
@require_POST
def removal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_household_for(request.user, pk)
    form = RemovalDecisionForm(request.POST, prefix="removal_decision")
    if _stale(household, form):
        messages.info(request, STALE)
        return redirect("approvals:case", pk=household.pk)
    if not form.is_valid():
        return render(request, "approvals/case.html", _context(request, household, bound_decision=form), status=400)
    try:
        outcome = service.decide_removal(household.pk, actor=request.user, approve=form.cleaned_data["approve"],
                                          opinion=form.cleaned_data["opinion"], request=request)
    except acting.Refused as exc:
        return _refused(request, household, exc, bound_decision=form)
    messages.success(request, "已同意清退，该户已清退。" if outcome.moved_to else "已不同意清退，该户继续办理。")
    return redirect("approvals:case", pk=household.pk)


@login_required
def evidence_thumbnail(request: HttpRequest, pk: int) -> HttpResponse:
    """A small preview of a photo or scan on the case page (the full file is the audited download)."""
    item = get_evidence_for(request.user, pk)
    if not item.is_image:
        raise Http404("该材料没有缩略图。")
    record_auditor_read(request, item, "evidence.view", {"thumbnail": True})
    with storage.open_stored(item.storage_name) as handle:
        image = Image.open(handle)
        image = ImageOps.exif_transpose(image)
        image.thumbnail((240, 180))
        out = io.BytesIO()
        image.convert("RGB").save(out, format="JPEG", quality=75)
    response = HttpResponse(out.getvalue(), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response
