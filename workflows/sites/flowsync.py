"""Keep the site's viewflow tasks in step with the site (as workflows/households/flowsync.py does
for households): open a stage's flow when the site enters it, complete a step's task when the
service records the step, cancel what is left when it moves.

Called only from `workflows.sites.service`, inside its transaction, with the site row locked.
"""

from workflows.tasking import FINISHED_PROCESS, cancel, execute, open_task_in
from workflows.models.sites import SiteProcess
from workflows.sites.flows import SITE_STAGE_FLOWS


def _open_processes(site):
    return SiteProcess.objects.filter(site=site).exclude(status__in=FINISHED_PROCESS)


def open_stage(site) -> None:
    """The site entered a new stage (or round): close the old stage's tasks, start the new flow."""
    for process in _open_processes(site):
        cancel(process)
    flow_class = SITE_STAGE_FLOWS.get(site.stage)
    if flow_class is not None:
        flow_class.start.run(site=site)


def open_task(site, step: str):
    return open_task_in(_open_processes(site), step)


def complete_step(site, step: str, actor, task=None) -> None:
    """Execute the open task of `step` as `actor` (the service has checked everything)."""
    task = task or open_task(site, step)
    if task is not None:
        execute(task, actor)
