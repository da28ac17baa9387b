"""The one place a household transition is executed (docs/architecture.md decision 4).

Every function here: locks the household row, checks the actor's role in scope and the
separation of duties, checks the conditions, applies the change, writes the opinion and the
audit event — in one transaction — and renders the stage's documents after commit. Views,
admin actions, flows, commands and the API all call these; nothing else writes `stage`.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from audit.log import record
from registry.models import Household, KeptHouseReason
from registry.models import HouseholdStage as S
from registry.policy import Violation
from workflows import acting
from workflows.acting import (
    AlreadyHandled,
    NotPermitted,
    Refused,
    acting_role,
    check_turn,
    check_visible,
    refuse,
    require_role,
)
from workflows.households import conditions, flowsync, paperwork, stages
from workflows.households.lifecycle import HouseholdLifecycle
from workflows.models.households import Decision, Opinion


@dataclass
class Outcome:
    household: Household
    opinion: Opinion | None = None
    moved_to: str | None = None
    warnings: list[Violation] = field(default_factory=list)


# Household fields a step records as part of its decision (validated below).
STEP_FIELDS = {
    "housing_acceptance": {"actual_floor_area"},
    "demolition_record": {"reclaimed_area_mu", "follow_up_officer"},
}


def previous_approver_id(household, stage, step):
    """Who handed this step of the household's current round its work (审批分离)."""
    return acting.previous_approver_id(
        Opinion.objects.filter(household=household), stage, step,
        this_round=Q(stage=household.stage, round=household.stage_round))


def _apply_step_fields(household, step_code, changes):
    allowed = STEP_FIELDS.get(step_code, set())
    unknown = set(changes) - allowed
    if unknown:
        refuse("unexpected_fields", f"本环节不能修改：{'、'.join(sorted(unknown))}。", field="changes")
    errors = []
    for name, value in changes.items():
        if name in ("actual_floor_area", "reclaimed_area_mu"):
            try:
                number = Decimal(str(value))
            except (InvalidOperation, ValueError):
                errors.append(Violation("bad_number", name, f"“{household._meta.get_field(name).verbose_name}”须为数字。"))
                continue
            if number < 0 or number.as_tuple().exponent < -2:
                errors.append(Violation("bad_number", name,
                                        f"“{household._meta.get_field(name).verbose_name}”须为非负数，最多两位小数。"))
                continue
            setattr(household, name, number)
        elif name == "follow_up_officer":
            officer = get_user_model().objects.filter(pk=getattr(value, "pk", value), is_active=True).first()
            if officer is None or acting_role(officer, (stages.REVIEWER, stages.LEADER), household) is None:
                errors.append(Violation("bad_officer", name, "后扶专干须为本乡镇在岗的乡镇工作人员。"))
                continue
            household.follow_up_officer = officer
    if errors:
        raise Refused(errors)


def _audit(actor, action, household, data, request):
    record(actor, action, household, {"stage": household.stage, "round": household.stage_round, **data},
           request=request)


def move(household, transition_name, actor, request, *, opinion=None):
    """Run an FSM transition, save, restart the flow of the new stage, queue its paperwork."""
    left = household.stage
    getattr(household, transition_name)()
    household.save()
    flowsync.open_stage(household)
    _audit(actor, "household.stage_change", household,
           {"from": left, "to": household.stage, "transition": transition_name,
            "opinion_id": opinion.pk if opinion else None}, request)
    if transition_name != "send_back" and transition_name != "remove":
        paperwork.after_leaving(household, left, actor)
    return household.stage


def decide(household_id, *, step: str, actor, decision: str, opinion: str = "", request=None,
           changes: dict | None = None) -> Outcome:
    """An official approves or returns one step of the case's current stage."""
    if decision not in (Decision.APPROVE, Decision.RETURN):
        refuse("bad_decision", "意见只能是“同意”或“退回”。", field="decision")
    opinion = (opinion or "").strip()
    with transaction.atomic():
        household = acting.lock_household(household_id, HouseholdLifecycle)
        check_visible(actor, household)
        stage = stages.STAGES.get(household.stage)
        if stage is None or step not in stage.step_codes:
            earlier = [s for s in stages.HOUSEHOLD_STAGES if step in s.step_codes]
            if earlier and household.stage in stages.ORDER and \
                    stages.ORDER.index(earlier[0].code) < stages.ORDER.index(household.stage):
                refuse("already_handled", "该环节已办结（可能已由他人处理），请刷新页面。", cls=AlreadyHandled)
            refuse("not_current_step",
                   f"该户当前处于“{S(household.stage).label}”阶段，不能办理此环节。")
        step_def = stage.step(step)
        role = require_role(actor, household, step_def.roles, step_def.label, act=step_def.code)

        done = conditions.approved_steps(household)
        task = flowsync.open_task(household, step)
        check_turn(stage, step_def, done, actor, task,
                   previous_approver=lambda: previous_approver_id(household, stage, step_def))

        if decision == Decision.RETURN:
            return _return(household, step_def, role, actor, opinion, request)

        if changes:
            _apply_step_fields(household, step, changes)
            household.save()
            conditions.forget(household, data=True)
        found = conditions.missing_evidence(household, step_def.evidence)
        if step == "submit_application" or stage.code == S.APPROVAL:
            found += conditions.policy_blockers(household)
        if found:
            raise Refused(found)

        saved = Opinion.objects.create(
            household=household, stage=household.stage, round=household.stage_round, step=step,
            decision=Decision.APPROVE, text=opinion, actor=actor, role=role,
            signature_level=step_def.signature_level,
        )
        flowsync.complete_step(household, step, actor, task)
        _audit(actor, f"household.{step}.approve", household,
               {"opinion": opinion, "role": role, "changes": {k: str(v) for k, v in (changes or {}).items()}},
               request)
        moved_to = None
        if set(stage.step_codes) <= done | {step}:
            conditions.forget(household)
            blockers = conditions.forward_blockers(household)
            if blockers:
                raise Refused(blockers)
            moved_to = move(household, "advance", actor, request, opinion=saved)
        return Outcome(household, saved, moved_to,
                       [v for v in conditions.policy_violations(household) if not v.blocking])


def _return(household, step_def, role, actor, opinion, request):
    if not opinion:
        refuse("opinion_required", "退回须填写退回意见（说明原因与整改要求）。", field="opinion")
    if stages.previous_stage(household.stage) is None:
        refuse("cannot_return", "申报阶段无上一阶段可退回，请直接修改申报信息。")
    saved = Opinion.objects.create(
        household=household, stage=household.stage, round=household.stage_round, step=step_def.code,
        decision=Decision.RETURN, text=opinion, actor=actor, role=role, signature_level=step_def.signature_level,
    )
    _audit(actor, f"household.{step_def.code}.return", household, {"opinion": opinion, "role": role}, request)
    moved_to = move(household, "send_back", actor, request, opinion=saved)
    return Outcome(household, saved, moved_to)


def system_advance(household_id, *, step: str, reason: str, request=None) -> Outcome:
    """A move made by the system on a rule (the notice period ended without objection)."""
    with transaction.atomic():
        household = acting.lock_household(household_id, HouseholdLifecycle)
        stage = stages.STAGES.get(household.stage)
        if stage is None or step not in stage.step_codes:
            refuse("not_current_step", f"该户当前处于“{S(household.stage).label}”阶段。")
        blockers = [b for b in conditions.forward_blockers(household) if b.code != "steps_pending"]
        if blockers:
            raise Refused(blockers)
        saved = Opinion.objects.create(
            household=household, stage=household.stage, round=household.stage_round, step=step,
            decision=Decision.SYSTEM, text=reason, signature_level=stage.step(step).signature_level,
        )
        flowsync.complete_step(household, step, None)
        conditions.forget(household)
        moved_to = move(household, "advance", None, request, opinion=saved)
        return Outcome(household, saved, moved_to)


# 清退 ---------------------------------------------------------------------------------------

def pending_removal(household):
    """The open 清退 request of the household's current round, if any."""
    last = (
        Opinion.objects.filter(household=household, stage=household.stage, round=household.stage_round,
                               step__in=[stages.REMOVAL_REQUEST.code, stages.REMOVAL_APPROVAL.code])
        .order_by("-id")
        .first()
    )
    return last if last and last.step == stages.REMOVAL_REQUEST.code else None


def request_removal(household_id, *, actor, reason: str, request=None) -> Outcome:
    reason = (reason or "").strip()
    with transaction.atomic():
        household = acting.lock_household(household_id, HouseholdLifecycle)
        role = require_role(actor, household, stages.REMOVAL_REQUEST.roles, stages.REMOVAL_REQUEST.label)
        if not reason:
            refuse("reason_required", "清退须填写清退原因。", field="reason")
        if household.stage not in [s.code for s in stages.HOUSEHOLD_STAGES if s.removable]:
            refuse("removal_not_allowed",
                   f"该户已进入“{S(household.stage).label}”阶段：入住后不能清退。" if household.stage != S.REMOVED
                   else "该户已清退。")
        if pending_removal(household):
            refuse("already_handled", "该户已有待审批的清退申请。", cls=AlreadyHandled)
        saved = Opinion.objects.create(
            household=household, stage=household.stage, round=household.stage_round,
            step=stages.REMOVAL_REQUEST.code, decision=Decision.REQUEST, text=reason, actor=actor, role=role,
            signature_level=stages.REMOVAL_REQUEST.signature_level,
        )
        flowsync.open_removal(household)
        _audit(actor, "household.removal_request", household, {"reason": reason, "role": role}, request)
        return Outcome(household, saved)


def decide_removal(household_id, *, actor, approve: bool, opinion: str = "", request=None) -> Outcome:
    opinion = (opinion or "").strip()
    with transaction.atomic():
        household = acting.lock_household(household_id, HouseholdLifecycle)
        step = stages.REMOVAL_APPROVAL
        role = require_role(actor, household, step.roles, step.label)
        pending = pending_removal(household)
        if pending is None:
            refuse("no_pending_removal", "该户没有待审批的清退申请（可能已处理）。", cls=AlreadyHandled)
        if pending.actor_id == actor.pk:
            refuse("own_submission", "不能审批本人提出的清退申请（审批分离）。", cls=NotPermitted)
        if not approve and not opinion:
            refuse("opinion_required", "不同意清退须填写意见。", field="opinion")
        saved = Opinion.objects.create(
            household=household, stage=household.stage, round=household.stage_round, step=step.code,
            decision=Decision.APPROVE if approve else Decision.REJECT, text=opinion or pending.text,
            actor=actor, role=role, signature_level=step.signature_level,
        )
        flowsync.close_removal(household, actor)
        _audit(actor, "household.removal_" + ("approve" if approve else "reject"), household,
               {"opinion": opinion, "reason": pending.text, "role": role}, request)
        moved_to = move(household, "remove", actor, request, opinion=saved) if approve else None
        return Outcome(household, saved, moved_to)


# 保留旧房 (exemption from demolition) -------------------------------------------------------

def approve_demolition_exemption(household_id, *, actor, reason: str, opinion: str, request=None) -> Outcome:
    """seed 002: no one-size-fits-all demolition. The county approves keeping an old house of one
    of the recognised kinds, with a reason; the township records the request as the opinion text."""
    opinion = (opinion or "").strip()
    with transaction.atomic():
        household = acting.lock_household(household_id, HouseholdLifecycle)
        step = stages.DEMOLITION_EXEMPTION_APPROVAL
        role = require_role(actor, household, step.roles, step.label)
        if household.stage not in (S.MOVE_IN, S.DEMOLITION):
            refuse("exemption_not_allowed", "保留旧房只能在入住或拆旧复垦阶段审批。")
        if reason not in KeptHouseReason.values:
            refuse("exemption_reason", "保留旧房原因须为规定的情形之一。", field="reason")
        if not opinion:
            refuse("opinion_required", "须填写审批意见。", field="opinion")
        household.old_house_kept = True
        household.old_house_kept_reason = reason
        household.save()
        saved = Opinion.objects.create(
            household=household, stage=household.stage, round=household.stage_round, step=step.code,
            decision=Decision.APPROVE, text=opinion, actor=actor, role=role, signature_level=step.signature_level,
        )
        _audit(actor, "household.demolition_exemption", household, {"reason": reason, "opinion": opinion}, request)
        return Outcome(household, saved)
