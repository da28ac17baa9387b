"""Which transitions a caller may perform on a case now, with what still stands in the way,
and performing one — always through the one transition service (workflows/service.py,
workflows/site_service.py). Nothing here decides a rule of its own: the listing asks the same
questions the case page asks (service.available_steps, approvals.bulk.what_blocks, the task's
holder, 审批分离), and execution is the service call, whose refusal is the answer.
"""

from approvals import bulk
from workflows import worklist
from registry.models import HouseholdStage as S
from registry.models import KeptHouseReason
from registry.policy import Violation
from workflows.households import service, stages
from workflows.sites import service as site_service, stages as site_stages
from workflows.models import Decision, Opinion

from .errors import ApiError, violation_list

REMOVAL_REQUEST = stages.REMOVAL_REQUEST.code
REMOVAL_APPROVAL = stages.REMOVAL_APPROVAL.code
EXEMPTION = stages.DEMOLITION_EXEMPTION_APPROVAL.code
SPECIAL = (REMOVAL_REQUEST, REMOVAL_APPROVAL, EXEMPTION)
HOUSEHOLD_STEPS = {s.code for stage in stages.HOUSEHOLD_STAGES for s in stage.steps}


def _holder_name(user):
    from registry.people import display_name

    return display_name(user)


def _open_tasks(household):
    tasks = worklist.open_tasks().filter(**{worklist.PROCESS + "household": household}).select_related("owner")
    return {t.flow_task.name: t for t in tasks}


def _pending_removal(household):
    last = (Opinion.objects.filter(household=household, stage=household.stage, round=household.stage_round,
                                   step__in=[REMOVAL_REQUEST, REMOVAL_APPROVAL]).order_by("-id").first())
    return last if last and last.step == REMOVAL_REQUEST else None


def _entry(name, label, *, kind, unmet=(), decisions=("approve",), fields=(), moves_to=None, needs=()):
    return {
        "name": name, "label": label, "kind": kind, "decisions": list(decisions), "fields": sorted(fields),
        "requires": list(needs), "moves_to": moves_to or None,
        "moves_to_label": S(moves_to).label if moves_to in S.values else (site_stages.label(moves_to)
                                                                        if moves_to else None),
        "available": not unmet, "unmet": violation_list(list(unmet)),
    }


def household_transitions(household, user) -> list[dict]:
    result = []
    if household.stage in stages.STAGES:
        stage = stages.STAGES[household.stage]
        tasks = _open_tasks(household)
        can_return = stages.previous_stage(household.stage) is not None
        for step, _missing in service.available_steps(household, user):
            unmet, moves_to = bulk.what_blocks(household, step.code, user)
            unmet = list(unmet)
            task = tasks.get(step.code)
            if task is not None and task.owner_id not in (None, user.pk):
                unmet.append(Violation("claimed_by_other", "stage",
                                       f"该任务已由{_holder_name(task.owner)}领取，须其释放或由领导改派后方可办理。"))
            if step.reviews and user.pk == service._previous_approver_id(household, stage, step):
                unmet.append(Violation("own_submission", "stage", "不能审批本人提交或办理的上一环节（审批分离）。"))
            result.append(_entry(step.code, step.label, kind="step", unmet=unmet,
                                 decisions=("approve", "return") if can_return else ("approve",),
                                 fields=service.STEP_FIELDS.get(step.code, ()), moves_to=moves_to,
                                 needs=("opinion（退回时必填）",)))
    pending = _pending_removal(household)
    removable = household.stage in [s.code for s in stages.HOUSEHOLD_STAGES if s.removable]
    if removable and pending is None and service.acting_role(user, stages.REMOVAL_REQUEST.roles, household):
        result.append(_entry(REMOVAL_REQUEST, stages.REMOVAL_REQUEST.label, kind="removal", needs=("reason",)))
    if pending is not None and service.acting_role(user, stages.REMOVAL_APPROVAL.roles, household):
        unmet = []
        if pending.actor_id == user.pk:
            unmet.append(Violation("own_submission", "stage", "不能审批本人提出的清退申请（审批分离）。"))
        result.append(_entry(REMOVAL_APPROVAL, stages.REMOVAL_APPROVAL.label, kind="removal", unmet=unmet,
                             moves_to=S.REMOVED, needs=("approve（true 同意 / false 不同意）",
                                                        "opinion（不同意时必填）")))
    if household.stage in (S.MOVE_IN, S.DEMOLITION) and not household.old_house_kept and \
            service.acting_role(user, stages.DEMOLITION_EXEMPTION_APPROVAL.roles, household):
        result.append(_entry(EXEMPTION, stages.DEMOLITION_EXEMPTION_APPROVAL.label, kind="exemption",
                             needs=(f"reason（{'、'.join(KeptHouseReason.values)}）", "opinion")))
    return result


def check_expected(case, data, round_of):
    """The caller's view of the case (stage and round it saw) must still hold: a retried or
    late request does not act on a case that has moved on (the case page's seen_stage)."""
    expected_stage, expected_round = data.get("expected_stage"), data.get("expected_round")
    if expected_stage is not None and expected_stage != case.stage or \
            expected_round is not None and expected_round != round_of(case):
        raise ApiError(409, "stale", "该案件的办理状态已在您提交前发生变化（可能是重复提交，或他人已办理），"
                                     "本次提交未执行。"
                                     "请获取最新状态后再办理。")


def perform_household(household, name, user, data, request):
    """Execute one named transition through the service; returns (outcome, decision)."""
    check_expected(household, data, lambda h: h.stage_round)
    opinion = data.get("opinion", "")
    if name == REMOVAL_REQUEST:
        return service.request_removal(household.pk, actor=user, reason=data.get("reason") or opinion,
                                        request=request), "request"
    if name == REMOVAL_APPROVAL:
        approve = data.get("approve", True)
        return service.decide_removal(household.pk, actor=user, approve=approve, opinion=opinion,
                                       request=request), "approve" if approve else "reject"
    if name == EXEMPTION:
        return service.approve_demolition_exemption(household.pk, actor=user, reason=data.get("reason", ""),
                                                     opinion=opinion, request=request), "approve"
    if name not in HOUSEHOLD_STEPS:
        raise ApiError(404, "unknown_transition", f"没有名为“{name}”的办理环节。")
    changes = dict(data.get("changes") or {})
    for field in ("actual_floor_area", "reclaimed_area_mu", "follow_up_officer"):
        if data.get(field) is not None:
            changes[field] = data[field]
    decision = data.get("decision", Decision.APPROVE)
    return service.decide(household.pk, step=name, actor=user, decision=decision, opinion=opinion,
                           request=request, changes=changes or None), decision


# Sites ---------------------------------------------------------------------------------------

SITE_STEPS = {s.code for stage in site_stages.SITE_STAGES for s in stage.steps}


def site_transitions(site, user) -> list[dict]:
    result = []
    stage = site_stages.stage(site.stage)
    if stage is None:
        return result
    can_return = site_stages.previous_stage(site.stage) is not None
    done = None
    for step, missing in site_service.available_steps(site, user):
        if done is None:
            from workflows.sites import conditions as site_conditions

            done = site_conditions.approved_steps(site)
        moves_to = site_stages.next_stage(site.stage) if set(stage.step_codes) <= done | {step.code} else None
        entry = _entry(step.code, step.label, kind="step", unmet=missing,
                       decisions=("approve", "return") if can_return else ("approve",),
                       fields=site_service.STEP_FIELDS.get(step.code, ()), moves_to=moves_to,
                       needs=("opinion（退回时必填）",))
        entry["moves_to_label"] = site_stages.label(moves_to) if moves_to else None
        result.append(entry)
    return result


def perform_site(site, name, user, data, request):
    check_expected(site, {"expected_stage": data.get("expected_stage")}, lambda s: None)
    if name not in SITE_STEPS:
        raise ApiError(404, "unknown_transition", f"没有名为“{name}”的办理环节。")
    decision = data.get("decision", Decision.APPROVE)
    return site_service.decide(site.pk, step=name, actor=user, decision=decision, opinion=data.get("opinion", ""),
                                request=request, changes=dict(data.get("changes") or {}) or None), decision
