"""Which transitions a caller may perform on a case now, with what still stands in the way,
and performing one — always through the one transition service (workflows/households/service.py,
workflows/sites/service.py). Nothing here decides a rule of its own: the listing is
workflows.actions, the case page's and bulk approval's answer too, and execution is the service
call, whose refusal is the answer.
"""

from workflows import actions
from workflows.households import service, stages
from workflows.models import Decision
from workflows.sites import service as site_service
from workflows.sites import stages as site_stages

from .errors import ApiError, violation_list

REMOVAL_REQUEST = stages.REMOVAL_REQUEST.code
REMOVAL_APPROVAL = stages.REMOVAL_APPROVAL.code
EXEMPTION = stages.DEMOLITION_EXEMPTION_APPROVAL.code
SPECIAL = (REMOVAL_REQUEST, REMOVAL_APPROVAL, EXEMPTION)
HOUSEHOLD_STEPS = {s.code for stage in stages.HOUSEHOLD_STAGES for s in stage.steps}


def _entry(action: actions.Action) -> dict:
    return {
        "name": action.name, "label": action.label, "kind": action.kind, "decisions": list(action.decisions),
        "fields": list(action.fields), "requires": list(action.needs), "moves_to": action.moves_to,
        "moves_to_label": action.moves_to_label or None, "available": action.available,
        "unmet": violation_list(action.unmet),
    }


def household_transitions(household, user) -> list[dict]:
    return [_entry(a) for a in actions.household_actions(user, household)]


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
    return [_entry(a) for a in actions.site_actions(user, site)]


def perform_site(site, name, user, data, request):
    check_expected(site, {"expected_stage": data.get("expected_stage")}, lambda s: None)
    if name not in SITE_STEPS:
        raise ApiError(404, "unknown_transition", f"没有名为“{name}”的办理环节。")
    decision = data.get("decision", Decision.APPROVE)
    return site_service.decide(site.pk, step=name, actor=user, decision=decision, opinion=data.get("opinion", ""),
                                request=request, changes=dict(data.get("changes") or {}) or None), decision
