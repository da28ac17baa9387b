"""Keep the viewflow tasks in step with the case: open a stage's flow when the case enters it,
complete a step's task when the service records the step, cancel what is left when it moves.

Called only from `workflows.households.service`, inside its transaction, with the household row locked.
"""


from registry.models import HouseholdStage as S
from workflows.households.flows import STAGE_FLOWS, NoticeResubmitFlow, RemovalFlow
from workflows.models.households import HouseholdProcess
from workflows.tasking import FINISHED_PROCESS, OPEN_TASK, cancel, execute, open_task_in


def _flow_for(household):
    if household.stage == S.NOTICE:
        # Only a case sent back from 审核 waits for a person in 公示; otherwise the period ends by rule.
        returned = household.opinions.filter(stage=S.APPROVAL, decision="return").exists()
        return NoticeResubmitFlow if returned else None
    return STAGE_FLOWS.get(household.stage)


def _open_processes(household, flow_class=None):
    qs = HouseholdProcess.objects.filter(household=household).exclude(status__in=FINISHED_PROCESS)
    if flow_class is not None:
        qs = qs.filter(flow_class=flow_class)
    return qs


def open_stage(household) -> None:
    """The case entered a new stage (or round): close the old stage's tasks, start the new flow."""
    for process in _open_processes(household).exclude(flow_class=RemovalFlow):
        cancel(process)
    if household.stage == S.REMOVED:
        for process in _open_processes(household, RemovalFlow):
            cancel(process)
    flow_class = _flow_for(household)
    if flow_class is not None:
        flow_class.start.run(household=household)


def open_task(household, step: str):
    return open_task_in(_open_processes(household), step)


def complete_step(household, step: str, actor, task=None) -> None:
    """Execute the open task of `step` as `actor` (the service has checked everything)."""
    task = task or open_task(household, step)
    if task is not None:
        execute(task, actor)


def open_removal(household) -> None:
    RemovalFlow.start.run(household=household)


def close_removal(household, actor) -> None:
    for process in _open_processes(household, RemovalFlow):
        for task in process.task_set.filter(status__in=OPEN_TASK, flow_task_type="HUMAN"):
            execute(task, actor)
