"""What a user may do on a case now, and why not: the one answer the case page, the site page,
bulk approval and the API all show (docs/architecture.md, "workflows").

It asks the questions the services ask before they act — the post over the case's area, the
step's turn (order, 审批分离, a task claimed by someone else), the evidence, the policy rules and
what would stop the case leaving its stage — without changing anything. The services ask them
again under the row lock and their refusal is final; an action listed as available can still be
refused if the case moved in between (the caller then shows that refusal).
"""

from dataclasses import dataclass, field

from documents.models import kind_label
from registry.models import HouseholdStage as S
from registry.models import KeptHouseReason
from registry.policy import Violation
from workflows import acting
from workflows.households import conditions, evidence, stages
from workflows.households import service as household_service
from workflows.models.sites import SiteProject
from workflows.sites import conditions as site_conditions
from workflows.sites import service as site_service
from workflows.sites import stages as site_stages
from workflows.worklist import open_tasks_of

STEP, REMOVAL, EXEMPTION = "step", "removal", "exemption"
STEP_NEEDS = ("opinion（退回时必填）",)


@dataclass
class Action:
    name: str  # the step code (or removal_request, removal_approval, demolition_exemption)
    label: str
    kind: str  # STEP, REMOVAL or EXEMPTION
    unmet: list[Violation] = field(default_factory=list)  # why the service would refuse it now
    decisions: tuple[str, ...] = ("approve",)
    fields: tuple[str, ...] = ()  # what the step records besides the opinion
    needs: tuple[str, ...] = ()  # what the caller must send, in words (the API's description)
    moves_to: str | None = None  # the stage the case enters if this completes its stage
    moves_to_label: str = ""
    task: object = None  # the open viewflow task of the step, if any
    evidence: list[tuple[str, str, bool]] = field(default_factory=list)  # (kind, label, on file)

    @property
    def available(self) -> bool:
        return not self.unmet

    @property
    def held_by_other(self) -> bool:
        return any(v.code == "claimed_by_other" for v in self.unmet)


def _merge(found: list[Violation], more) -> list[Violation]:
    seen = {v.message for v in found}
    return found + [v for v in more if v.message not in seen and not seen.add(v.message)]


# Households ---------------------------------------------------------------------------------

def _open_steps(user, case, stage, done) -> list:
    """The stage's steps the user holds the post for over the case, not done in this round, whose
    predecessors are done (a joint sign-off has none) — for households and sites alike."""
    if stage is None:
        return []
    return [step for index, step in enumerate(stage.steps)
            if step.code not in done and acting.acting_role(user, step.roles, case, act=step.code) is not None
            and (stage.joint or all(s.code in done for s in stage.steps[:index]))]


def _household_step(user, household, step, done, task) -> Action:
    stage = stages.STAGES[household.stage]
    unmet = conditions.missing_evidence(household, step.evidence)
    if step.code == "submit_application" or stage.code == S.APPROVAL:
        unmet = _merge(unmet, conditions.policy_blockers(household))
    moves_to = None
    if set(stage.step_codes) <= done | {step.code}:
        unmet = _merge(unmet, [b for b in conditions.forward_blockers(household) if b.code != "steps_pending"])
        moves_to = stages.next_stage(household.stage)
    turn = acting.turn_violations(
        stage, step, done, user, task,
        previous_approver=lambda: household_service.previous_approver_id(household, stage, step))
    return Action(
        step.code, step.label, STEP, unmet + [v for _, v in turn],
        decisions=("approve", "return") if stages.previous_stage(household.stage) else ("approve",),
        fields=tuple(sorted(household_service.STEP_FIELDS.get(step.code, ()))), needs=STEP_NEEDS,
        moves_to=moves_to, moves_to_label=S(moves_to).label if moves_to else "", task=task,
        evidence=[(k, kind_label(k), k in evidence.present_kinds(household)) for k in step.evidence],
    )


def household_actions(user, household) -> list[Action]:
    """Every act the user may take on the household now, each with what still stands in the way."""
    result = []
    if household.stage in stages.STAGES:
        done = conditions.approved_steps(household)
        tasks = {t.flow_task.name: t for t in open_tasks_of(household)}
        result = [_household_step(user, household, step, done, tasks.get(step.code))
                  for step in _open_steps(user, household, stages.STAGES.get(household.stage), done)]
    pending = household_service.pending_removal(household)
    removable = household.stage in [s.code for s in stages.HOUSEHOLD_STAGES if s.removable]
    request, approval = stages.REMOVAL_REQUEST, stages.REMOVAL_APPROVAL
    if removable and pending is None and acting.acting_role(user, request.roles, household):
        result.append(Action(request.code, request.label, REMOVAL, decisions=("request",), needs=("reason",)))
    if pending is not None and acting.acting_role(user, approval.roles, household):
        unmet = []
        if pending.actor_id == user.pk:
            unmet.append(Violation("own_submission", "stage", "不能审批本人提出的清退申请（审批分离）。"))
        result.append(Action(approval.code, approval.label, REMOVAL, unmet, decisions=("approve", "reject"),
                             moves_to=S.REMOVED, moves_to_label=S.REMOVED.label,
                             needs=("approve（true 同意 / false 不同意）", "opinion（不同意时必填）")))
    exemption = stages.DEMOLITION_EXEMPTION_APPROVAL
    if household.stage in (S.MOVE_IN, S.DEMOLITION) and not household.old_house_kept and \
            acting.acting_role(user, exemption.roles, household):
        result.append(Action(exemption.code, exemption.label, EXEMPTION,
                             needs=(f"reason（{'、'.join(KeptHouseReason.values)}）", "opinion")))
    return result


def household_step(user, household, step_code: str) -> Action:
    """The named step as an action of this user now — with the reason when it is not theirs to take
    (not the current stage, done already, or not open to them): what bulk approval plans with."""
    found = next((a for a in household_actions(user, household) if a.name == step_code and a.kind == STEP), None)
    if found is not None:
        return found
    stage = stages.STAGES.get(household.stage)
    if stage is None or step_code not in stage.step_codes:
        unmet = Violation("not_current_step", "stage", f"该户当前处于“{S(household.stage).label}”阶段。")
    elif step_code in conditions.approved_steps(household):
        unmet = Violation("already_handled", "stage", "该环节已办结。")
    else:
        unmet = Violation("not_available", "stage", "须先完成前一环节，或您的岗位不能办理此环节。")
    label = stage.step(step_code).label if stage and step_code in stage.step_codes else step_code
    return Action(step_code, label, STEP, [unmet])


# Sites --------------------------------------------------------------------------------------

def site_actions(user, site) -> list[Action]:
    """Every step of the site's current stage the user may take now, with what stands in the way."""
    stage = site_stages.stage(site.stage)
    if stage is None:
        return []
    site.project = SiteProject.for_site(site)
    done = site_conditions.approved_steps(site)
    tasks = {t.flow_task.name: t for t in open_tasks_of(site)}
    can_return = site_stages.previous_stage(site.stage) is not None
    result = []
    for step in _open_steps(user, site, stage, done):
        unmet = site_conditions.missing_evidence(site, step.evidence)
        moves_to = None
        if set(stage.step_codes) <= done | {step.code}:
            unmet = _merge(unmet, [b for b in site_conditions.forward_blockers(site) if b.code != "steps_pending"])
            moves_to = site_stages.next_stage(site.stage)
        task = tasks.get(step.code)
        turn = acting.turn_violations(stage, step, done, user, task,
                                      previous_approver=lambda s=step: site_service.previous_approver_id(site, stage, s))
        result.append(Action(
            step.code, step.label, STEP, unmet + [v for _, v in turn],
            decisions=("approve", "return") if can_return else ("approve",),
            fields=tuple(sorted(site_service.STEP_FIELDS.get(step.code, ()))), needs=STEP_NEEDS,
            moves_to=moves_to, moves_to_label=site_stages.label(moves_to) if moves_to else "", task=task,
            evidence=[(k, kind_label(k), k in site_conditions.present_kinds(site))
                      for k in step.evidence],
        ))
    return result
