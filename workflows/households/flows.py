"""The flows that put a stage's tasks in front of people (viewflow, docs/architecture.md decision 3).

One short flow per stage that has human steps, read top to bottom like the stage table. A flow
is started by `flowsync.open_stage` when a case enters the stage and ends when the stage's steps
are done; the state itself moves only through `workflows.households.service`, which completes these
tasks. Tasks are routed to a role (a permission on areas) for the case's household, and offered
first to the household's 包保责任人 when that person holds the role.
Node names are stored in task rows: keep them stable (docs/traps.md).
"""

from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.flow import Flow

from workflows.acting import acting_role
from workflows.households import stages
from workflows.models.households import HouseholdProcess
from workflows.task_views import StepTaskView


def household_of(process):
    return process.coerced.household


def role_task(step: stages.Step):
    """A human task for one step: the first role of the step, checked on the case's area."""
    return (
        flow.View(StepTaskView)
        .Annotation(title=step.label)
        .Permission(f"registry.{step.roles[0]}", obj=household_of)
        .Assign(lambda activation, step=step: cadre_first(activation, step))
    )


def cadre_first(activation, step):
    """Offer the task to the household's responsible cadre when they hold the step's role there."""
    household = activation.process.coerced.household
    cadre = household.responsible_cadre
    if cadre is not None and cadre.is_active and acting_role(cadre, step.roles, household):
        return cadre
    return None


class StageFlow(Flow):
    process_class = HouseholdProcess
    lock_impl = lock.select_for_update_lock
    stage: str = ""

    def start_stage(self, activation, household):
        activation.process.household = household
        activation.process.stage = household.stage
        activation.process.round = household.stage_round
        return activation.process


def _step(stage, code):
    return stages.STAGES[stage].step(code)


S = stages.S


class ApplicationFlow(StageFlow):
    """申报: the village clerk submits the application."""

    process_title = "申报"
    stage = S.APPLY
    start = flow.StartHandle(this.start_stage).Next(this.submit_application)
    submit_application = role_task(_step(S.APPLY, "submit_application")).Next(this.end)  # village clerk
    end = flow.End()


class NoticeResubmitFlow(StageFlow):
    """公示 (after a return from 审核): the clerk resubmits once the notice period is over."""

    process_title = "公示后重新报送"
    stage = S.NOTICE
    start = flow.StartHandle(this.start_stage).Next(this.resubmit_after_notice)
    resubmit_after_notice = role_task(_step(S.NOTICE, "resubmit_after_notice")).Next(this.end)  # village clerk
    end = flow.End()


class ApprovalFlow(StageFlow):
    """审核: township household survey, then county sample check and approval."""

    process_title = "审核"
    stage = S.APPROVAL
    start = flow.StartHandle(this.start_stage).Next(this.township_review)
    township_review = role_task(_step(S.APPROVAL, "township_review")).Next(this.county_approval)  # township
    county_approval = role_task(_step(S.APPROVAL, "county_approval")).Next(this.end)  # county office
    end = flow.End()


class ConstructionFlow(StageFlow):
    """开工: the township records the start of construction."""

    process_title = "开工"
    stage = S.CONSTRUCTION
    start = flow.StartHandle(this.start_stage).Next(this.start_record)
    start_record = role_task(_step(S.CONSTRUCTION, "start_record")).Next(this.end)  # township
    end = flow.End()


class AcceptanceFlow(StageFlow):
    """验收: a joint sign-off — housing bureau, township and the household's confirmation."""

    process_title = "竣工验收"
    stage = S.ACCEPTANCE
    start = flow.StartHandle(this.start_stage).Next(this.split)
    split = (
        flow.Split()
        .Next(this.housing_acceptance)
        .Next(this.township_acceptance)
        .Next(this.household_confirmation)
    )
    housing_acceptance = role_task(_step(S.ACCEPTANCE, "housing_acceptance")).Next(this.join)  # housing bureau
    township_acceptance = role_task(_step(S.ACCEPTANCE, "township_acceptance")).Next(this.join)  # township
    household_confirmation = role_task(_step(S.ACCEPTANCE, "household_confirmation")).Next(this.join)  # township
    join = flow.Join().Next(this.end)
    end = flow.End()


class MoveInFlow(StageFlow):
    """入住: keys handed over, the township confirms the move."""

    process_title = "入住"
    stage = S.MOVE_IN
    start = flow.StartHandle(this.start_stage).Next(this.move_in_confirmation)
    move_in_confirmation = role_task(_step(S.MOVE_IN, "move_in_confirmation")).Next(this.end)  # township
    end = flow.End()


class DemolitionFlow(StageFlow):
    """拆旧复垦: the township records demolition, natural resources accepts the reclamation."""

    process_title = "拆旧复垦"
    stage = S.DEMOLITION
    start = flow.StartHandle(this.start_stage).Next(this.demolition_record)
    demolition_record = role_task(_step(S.DEMOLITION, "demolition_record")).Next(this.reclamation_acceptance)
    reclamation_acceptance = role_task(_step(S.DEMOLITION, "reclamation_acceptance")).Next(this.end)
    end = flow.End()


class RemovalFlow(StageFlow):
    """清退: the county relocation office decides a removal request."""

    process_title = "清退审批"
    stage = ""
    start = flow.StartHandle(this.start_stage).Next(this.removal_approval)
    removal_approval = role_task(stages.REMOVAL_APPROVAL).Next(this.end)  # county office
    end = flow.End()


STAGE_FLOWS = {f.stage: f for f in (ApplicationFlow, ApprovalFlow, ConstructionFlow, AcceptanceFlow, MoveInFlow,
                                    DemolitionFlow)}
