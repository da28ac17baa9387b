"""The one place a site transition is executed (docs/architecture.md decision 4), like
workflows/households/service.py for households and with the same refusals (workflows/acting.py):
lock the site row, check the actor's role in scope and the separation of
duties, check the conditions, apply, write the opinion and the audit event — in one transaction —
and render the stage's documents after commit.

Funds, progress and allocation (site_funds, site_progress, site_allocation) lock the same row
through `lock_site` here, so everything that reads a site's totals to decide is serialised per site.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from audit.log import record
from registry.models import PREFIX_LENGTH
from registry.models import SiteStage as T
from registry.policy import Violation
from registry.scope import holds_post_near
from workflows import acting
from workflows.acting import VIEW_SITE, Refused, check_turn, check_visible, refuse, require_site_role
from workflows.models.households import Decision
from workflows.models.sites import SiteOpinion, SiteProject
from workflows.sites import conditions as site_conditions
from workflows.sites import flowsync as site_flowsync
from workflows.sites import paperwork as site_paperwork
from workflows.sites import stages as site_stages
from workflows.sites.lifecycle import SiteLifecycle

FACILITY_RESULTS = ("合格", "不合格")


@dataclass
class SiteOutcome:
    site: SiteLifecycle
    opinion: SiteOpinion | None = None
    moved_to: str | None = None


def previous_approver_id(site, stage, step):
    """Who handed this step of the site's current round its work (审批分离)."""
    return acting.previous_approver_id(
        SiteOpinion.objects.filter(site=site), stage, step,
        this_round=Q(stage=site.stage, round=site.project.stage_round))


# Fields a step records as part of its decision -----------------------------------------------

STEP_FIELDS = {
    "plan_submission": {"start_by", "structure_by", "handover_by"},
    "tender_record": {"tender_exempt", "tender_exempt_reason", "contractor", "contract_amount"},
    "completion_acceptance": {"facilities"},
    "handover_record": {"leading_industry", "service_centre", "follow_up_officer"},
}
TEXT_LIMITS = {"tender_exempt_reason": 300, "contractor": 200, "leading_industry": 200, "service_centre": 200}


def _date(value):
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def _verbose(name) -> str:
    return str(SiteProject._meta.get_field(name).verbose_name)


def _facilities(value) -> list[dict] | None:
    rows = []
    if not isinstance(value, (list, tuple)):
        return None
    for item in value:
        if isinstance(item, dict):
            name, result = str(item.get("name", "")).strip(), str(item.get("result", "")).strip()
        elif isinstance(item, (list, tuple)) and len(item) == 2:
            name, result = (str(x).strip() for x in item)
        else:
            return None
        if not name or len(name) > 50 or result not in FACILITY_RESULTS:
            return None
        rows.append({"name": name, "result": result})
    if len({r["name"] for r in rows}) != len(rows):
        return None
    return rows


def _apply_step_fields(site, step_code, changes):
    allowed = STEP_FIELDS.get(step_code, set())
    unknown = set(changes) - allowed
    if unknown:
        refuse("unexpected_fields", f"本环节不能修改：{'、'.join(sorted(unknown))}。", field="changes")
    project = site.project
    errors = []
    for name, value in changes.items():
        if name in ("start_by", "structure_by", "handover_by"):
            try:
                setattr(project, name, _date(value))
            except (TypeError, ValueError):
                errors.append(Violation("bad_date", name, f"“{_verbose(name)}”须为日期（如 2026-06-20）。"))
        elif name == "tender_exempt":
            project.tender_exempt = value in (True, 1, "1", "true", "True", "on", "是")
        elif name in TEXT_LIMITS:
            text = str(value or "").strip()
            if len(text) > TEXT_LIMITS[name]:
                errors.append(Violation("too_long", name, f"“{_verbose(name)}”不得超过{TEXT_LIMITS[name]}字。"))
                continue
            setattr(project, name, text)
        elif name == "contract_amount":
            try:
                amount = Decimal(str(value))
            except (InvalidOperation, ValueError):
                amount = None
            if amount is None or not amount.is_finite() or amount <= 0 or amount.as_tuple().exponent < -2:
                errors.append(Violation("bad_number", name, "“施工合同金额（元）”须为正数，最多两位小数。"))
                continue
            project.contract_amount = amount
        elif name == "facilities":
            rows = _facilities(value)
            if rows is None:
                errors.append(Violation("bad_facilities", name,
                                        "配套设施验收情况须逐项填写设施名称（不重复）和验收结论（合格或不合格）。"))
                continue
            project.facilities = rows
        elif name == "follow_up_officer":
            officer = get_user_model().objects.filter(pk=getattr(value, "pk", value), is_active=True).first()
            if officer is None or not serves_site(officer, site_stages.FOLLOW_UP_OFFICER_ROLES, site):
                errors.append(Violation("bad_officer", name, "后扶专干须为安置点所在地在岗的乡镇或县搬迁办工作人员。"))
                continue
            project.follow_up_officer = officer
    if errors:
        raise Refused(errors)
    project.save()
    site_conditions.forget(site)


def serves_site(user, roles, site) -> bool:
    """Holds one of `roles` on the site's area, above it, or on an area within it (a township
    officer serves a county-level site in the county)."""
    own = site.area_code[: PREFIX_LENGTH[site.area.level]]
    return any(holds_post_near(user, role, site.area_code, own) for role in roles)


# What a step checks beyond its evidence (the stage's own rules, asked early so the official
# who signs hears them, and again by the FSM when the site leaves the stage).
STEP_CHECKS = {
    "plan_submission": lambda site: site_conditions.schedule_violations(site.project),
    "tender_record": site_conditions.STAGE_CHECKS[T.TENDER],
    "completion_acceptance": site_conditions.STAGE_CHECKS[T.ACCEPTANCE],
    "handover_record": site_conditions.STAGE_CHECKS[T.HANDOVER],
}


# Moving ------------------------------------------------------------------------------------

def _audit(actor, action, site, data, request):
    record(actor, action, site, {"stage": site.stage, "round": site.project.stage_round, **data}, request=request)


def _move(site, transition_name, actor, request, *, opinion=None):
    """Run an FSM transition, save, open the flow of the new stage, queue its paperwork."""
    left, left_round = site.stage, site.project.stage_round
    getattr(site, transition_name)()
    site.save(update_fields=["stage", "updated_at"])
    site.project.save(update_fields=["stage_round", "stage_entered_at"])
    site_flowsync.open_stage(site)
    _audit(actor, "site.stage_change", site,
           {"from": left, "to": site.stage, "transition": transition_name,
            "opinion_id": opinion.pk if opinion else None}, request)
    if transition_name == "send_back":
        site_paperwork.after_return(site, left, left_round, actor)
    else:
        site_paperwork.after_leaving(site, left, left_round, actor)
    return site.stage


def _current_step(site, step):
    stage = site_stages.stage(site.stage)
    if stage is not None and step in stage.step_codes:
        return stage, stage.step(step)
    found = site_stages.step_anywhere(step)
    if found and site_stages.ORDER.index(found[0].code) < site_stages.ORDER.index(site.stage):
        refuse("already_handled", "该环节已办结（可能已由他人处理），请刷新页面。", cls=acting.AlreadyHandled)
    if found and found[0].code == site.stage:
        refuse("not_in_review", f"“{found[1].label}”不在本县方案会审单位之列。", cls=acting.NotPermitted)
    refuse("not_current_step", f"该安置点当前处于“{site_stages.label(site.stage)}”阶段，不能办理此环节。")


def decide(site_id, *, step: str, actor, decision: str, opinion: str = "", request=None,
           changes: dict | None = None) -> SiteOutcome:
    """An official approves or returns one step of the site's current stage."""
    if decision not in (Decision.APPROVE, Decision.RETURN):
        refuse("bad_decision", "意见只能是“同意”或“退回”。", field="decision")
    opinion = (opinion or "").strip()
    with transaction.atomic():
        site = acting.lock_site(site_id, SiteLifecycle)
        check_visible(actor, site, VIEW_SITE, "安置点")
        stage, step_def = _current_step(site, step)
        role = require_site_role(actor, site, step_def.roles, step_def.label)

        done = site_conditions.approved_steps(site)
        task = site_flowsync.open_task(site, step)
        check_turn(stage, step_def, done, actor, task,
                   previous_approver=lambda: previous_approver_id(site, stage, step_def))

        if decision == Decision.RETURN:
            return _return(site, stage, step_def, role, actor, opinion, request)

        if changes:
            _apply_step_fields(site, step, changes)
        found = site_conditions.missing_evidence(site, step_def.evidence)
        found += STEP_CHECKS.get(step, lambda s: [])(site)
        if found:
            raise Refused(found)

        saved = SiteOpinion.objects.create(
            site=site, stage=site.stage, round=site.project.stage_round, step=step, decision=Decision.APPROVE,
            text=opinion, actor=actor, role=role, signature_level=step_def.signature_level,
        )
        site_flowsync.complete_step(site, step, actor, task)
        _audit(actor, f"site.{step}.approve", site,
               {"opinion": opinion, "role": role, "changes": _plain(changes)}, request)
        moved_to = None
        if set(stage.step_codes) <= done | {step}:
            site_conditions.forget(site)
            blockers = site_conditions.forward_blockers(site)
            if blockers:
                raise Refused(blockers)
            moved_to = _move(site, "advance", actor, request, opinion=saved)
        return SiteOutcome(site, saved, moved_to)


def _plain(changes):
    return {k: (v if isinstance(v, (list, dict, bool)) else str(getattr(v, "pk", v)))
            for k, v in (changes or {}).items()}


def _return(site, stage, step_def, role, actor, opinion, request):
    if not opinion:
        refuse("opinion_required", "退回须填写退回意见（说明原因与整改要求）。", field="opinion")
    if site_stages.previous_stage(site.stage) is None:
        refuse("cannot_return", "选址规划阶段无上一阶段可退回。")
    saved = SiteOpinion.objects.create(
        site=site, stage=site.stage, round=site.project.stage_round, step=step_def.code, decision=Decision.RETURN,
        text=opinion, actor=actor, role=role, signature_level=step_def.signature_level,
    )
    _audit(actor, f"site.{step_def.code}.return", site, {"opinion": opinion, "role": role}, request)
    moved_to = _move(site, "send_back", actor, request, opinion=saved)
    return SiteOutcome(site, saved, moved_to)


# The schedule ------------------------------------------------------------------------------

def set_schedule(site_id, *, actor, start_by, structure_by, handover_by, reason: str = "", request=None) -> SiteProject:
    """The county office sets or adjusts the milestone deadlines; a change needs a reason."""
    reason = (reason or "").strip()
    with transaction.atomic():
        site = acting.lock_site(site_id, SiteLifecycle)
        role = require_site_role(actor, site, site_stages.SCHEDULE_ROLES, "调整建设进度计划")
        project = site.project
        if site.stage == T.FOLLOW_UP:
            refuse("schedule_closed", "安置点已进入后续扶持阶段，建设进度计划不再调整。")
        before = {f: getattr(project, f) for f in ("start_by", "structure_by", "handover_by")}
        if any(before.values()) and not reason:
            refuse("reason_required", "调整已确定的建设进度计划须填写原因。", field="reason")
        try:
            project.start_by, project.structure_by, project.handover_by = (
                _date(start_by), _date(structure_by), _date(handover_by))
        except (TypeError, ValueError):
            refuse("bad_date", "计划日期须为日期（如 2026-06-20）。", field="schedule")
        found = site_conditions.schedule_violations(project)
        if found:
            raise Refused(found)
        project.save(update_fields=["start_by", "structure_by", "handover_by"])
        _audit(actor, "site.schedule", site, {
            "before": before, "after": {f: getattr(project, f) for f in before}, "reason": reason, "role": role,
        }, request)
        return project
