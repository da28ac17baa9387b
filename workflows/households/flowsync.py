"""Keep the viewflow tasks in step with the case: open a stage's flow when the case enters it,
complete a step's task when the service records the step, cancel what is left when it moves.

Called only from `workflows.services`, inside its transaction, with the household row locked.
"""

from django.utils import timezone
from viewflow.workflow.status import PROCESS, STATUS

from registry.models import HouseholdStage as S

from workflows.models.households import HouseholdProcess

OPEN_TASK = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]


def _flow_for(household):
    from workflows.households.flows import STAGE_FLOWS, NoticeResubmitFlow

    if household.stage == S.NOTICE:
        # Only a case sent back from 审核 waits for a person in 公示; otherwise the period ends by rule.
        returned = household.opinions.filter(stage=S.APPROVAL, decision="return").exists()
        return NoticeResubmitFlow if returned else None
    return STAGE_FLOWS.get(household.stage)


def _open_processes(household, flow_class=None):
    qs = HouseholdProcess.objects.filter(household=household).exclude(status__in=[PROCESS.DONE, PROCESS.CANCELED])
    if flow_class is not None:
        qs = qs.filter(flow_class=flow_class)
    return qs


def _cancel(process):
    """Cancel a process and its open tasks (a Join waiting for branches included)."""
    now = timezone.now()
    process.task_set.filter(status__in=OPEN_TASK).update(status=STATUS.CANCELED, finished=now)
    HouseholdProcess.objects.filter(pk=process.pk).update(status=PROCESS.CANCELED, finished=now)


def open_stage(household) -> None:
    """The case entered a new stage (or round): close the old stage's tasks, start the new flow."""
    from workflows.households.flows import RemovalFlow

    for process in _open_processes(household).exclude(flow_class=RemovalFlow):
        _cancel(process)
    if household.stage == S.REMOVED:
        for process in _open_processes(household, RemovalFlow):
            _cancel(process)
    flow_class = _flow_for(household)
    if flow_class is not None:
        flow_class.start.run(household=household)


def open_task_in(processes, step: str):
    """The open human task of `step` among `processes` (a household's or a site's), if any."""
    from viewflow.workflow.models import Task

    tasks = (
        Task.objects.filter(process__in=processes, flow_task_type="HUMAN", status__in=OPEN_TASK)
        .select_related("process", "owner")
        .order_by("-id")
    )
    return next((t for t in tasks if t.flow_task.name == step), None)


def open_task(household, step: str):
    return open_task_in(_open_processes(household), step)


def complete_step(household, step: str, actor, task=None) -> None:
    """Execute the open task of `step` as `actor` (the service has checked everything)."""
    task = task or open_task(household, step)
    if task is not None:
        _execute(task, actor)


def _execute(task, actor):
    activation = task.flow_task.activation_class(task)
    if task.status == STATUS.NEW:
        if actor is not None:
            activation.assign(actor)
        else:
            task.status = STATUS.ASSIGNED
            task.save()
    elif actor is not None and task.owner_id != actor.pk:
        activation.reassign(actor)
    activation.start(None)
    activation.execute()


def open_removal(household) -> None:
    from workflows.households.flows import RemovalFlow

    RemovalFlow.start.run(household=household)


def close_removal(household, actor) -> None:
    from workflows.households.flows import RemovalFlow

    for process in _open_processes(household, RemovalFlow):
        for task in process.task_set.filter(status__in=OPEN_TASK, flow_task_type="HUMAN"):
            _execute(task, actor)
