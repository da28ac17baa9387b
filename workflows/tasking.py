"""What both lifecycles' flow synchronisation does with viewflow's tasks: find a step's open task,
execute it as the official the service recorded, cancel a process that the case has left.
viewflow's own assign/execute are used unmodified; the service has already checked everything and
holds the case's row lock (docs/architecture.md decision 3: the FSM keeps the invariants, viewflow
moves the people)."""

from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

OPEN_TASK = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]
FINISHED_PROCESS = [PROCESS.DONE, PROCESS.CANCELED]


def open_task_in(processes, step: str):
    """The open human task of `step` among `processes` (a household's or a site's), if any."""
    tasks = (
        Task.objects.filter(process__in=processes, flow_task_type="HUMAN", status__in=OPEN_TASK)
        .select_related("process", "owner")
        .order_by("-id")
    )
    return next((t for t in tasks if t.flow_task.name == step), None)


def execute(task, actor) -> None:
    """Complete a task as `actor` (None: the system, e.g. the end of a 公示 period)."""
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


def cancel(process) -> None:
    """Cancel a process and its open tasks (a Join waiting for branches included)."""
    now = timezone.now()
    process.task_set.filter(status__in=OPEN_TASK).update(status=STATUS.CANCELED, finished=now)
    type(process).objects.filter(pk=process.pk).update(status=PROCESS.CANCELED, finished=now)
