"""Claim (领取), release (释放) and reassign (改派) a lifecycle task (household or site): audited, row-locked.

viewflow's assign/unassign write no trace (docs/traps.md: `Task.assigned` is never written), so each
of these is one transaction: lock the household row (the lock every transition of the case
takes, workflows/households/service), re-read the task, check the actor's post in the case's area,
move the task through viewflow's activation API, and append an audit event naming the actor.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from audit.log import record
from registry.models import PREFIX_LENGTH, AreaGroupGrant, AreaUserGrant, Household, ResettlementSite
from registry.people import display_name
from registry.roles import ROLES
from workflows import worklist
from workflows.acting import AlreadyHandled, NotPermitted, OutOfScope, acting_role, refuse


@dataclass
class Held:
    task: Task
    household: Household | ResettlementSite  # the case the task is about
    role: str  # the role codename the task is routed to


def role_of(task) -> str:
    return (task.owner_permission or "").partition(".")[2]


def _load(task_id, actor) -> Held:
    """Lock the case (household or site), then read the task again: the page may be stale."""
    row = (Task.objects.filter(pk=task_id, flow_task_type="HUMAN")
           .values_list("process__householdprocess__household_id", "process__siteprocess__site_id").first())
    if row is None or row == (None, None):
        refuse("not_found", "未找到该任务，或不在您的管辖范围内。", cls=OutOfScope)
    household_id, site_id = row
    model, pk, perm = ((Household, household_id, "registry.view_household") if household_id is not None
                       else (ResettlementSite, site_id, "registry.view_resettlementsite"))
    try:
        case = model.objects.select_for_update(of=("self",)).get(pk=pk)
    except model.DoesNotExist:
        refuse("not_found", "未找到该任务，或不在您的管辖范围内。", cls=OutOfScope)
    if not actor.has_perm(perm, case):
        refuse("out_of_scope", "未找到该任务，或不在您的管辖范围内。", cls=OutOfScope)
    task = Task.objects.select_related("owner").get(pk=task_id)
    if task.status not in worklist.OPEN:
        refuse("already_handled", "该任务已办结或已取消（可能已由他人处理），请刷新页面。", cls=AlreadyHandled)
    return Held(task, case, role_of(task))


def _activation(task):
    return task.flow_task.activation_class(task)


def _data(held: Held, **extra) -> dict:
    case = held.household
    return {"task": held.task.pk, "step": held.task.flow_task.name, "role": held.role, "stage": case.stage,
            "round": getattr(case, "stage_round", None), **extra}


def claim(task_id, *, actor, request=None) -> Task:
    """The actor takes an unheld task of their post in their area."""
    with transaction.atomic():
        held = _load(task_id, actor)
        if acting_role(actor, (held.role,), held.household, act=held.task.flow_task.name) is None:
            label = ROLES[held.role].label if held.role in ROLES else held.role
            refuse("wrong_role", f"该任务须由本辖区的{label}办理，您的岗位不能领取。", cls=NotPermitted)
        task = held.task
        if task.owner_id == actor.pk:
            refuse("already_handled", "您已领取该任务。", cls=AlreadyHandled)
        if task.owner_id is not None or task.status != STATUS.NEW:
            refuse("already_handled", f"该任务已由{display_name(task.owner)}领取。", cls=AlreadyHandled)
        task.assigned = timezone.now()
        _activation(task).assign(actor)
        record(actor, "task.claim", held.household, _data(held), request=request)
        return task


def release(task_id, *, actor, request=None) -> Task:
    """The holder (or a supervisor of the area) puts a held task back in the worklist."""
    with transaction.atomic():
        held = _load(task_id, actor)
        task = held.task
        if task.owner_id is None:
            refuse("already_handled", "该任务未被领取（可能已释放）。", cls=AlreadyHandled)
        if task.owner_id != actor.pk and not worklist.is_supervisor_of(actor, held.household):
            refuse("not_holder", "只有领取人或乡镇分管领导、县搬迁办可以释放该任务。", cls=NotPermitted)
        previous = task.owner
        task.assigned = None
        _activation(task).unassign()
        record(actor, "task.release", held.household, _data(held, previous_owner=previous.get_username()),
               request=request)
        return task


def reassign(task_id, *, actor, to_user, reason: str = "", request=None) -> Task:
    """A supervisor (乡镇分管领导 or 县搬迁办 of the area) gives the task to another official who
    holds the task's post in the case's area."""
    reason = (reason or "").strip()
    with transaction.atomic():
        held = _load(task_id, actor)
        if not worklist.is_supervisor_of(actor, held.household):
            refuse("not_supervisor", "只有本辖区的乡镇分管领导或县易地扶贫搬迁办公室可以改派任务。", cls=NotPermitted)
        task = held.task
        target = get_user_model().objects.filter(pk=getattr(to_user, "pk", to_user), is_active=True).first()
        if target is None or acting_role(target, (held.role,), held.household, act=task.flow_task.name) is None:
            refuse("not_eligible", "改派对象须为在本辖区担任该岗位的在岗人员。", field="to_user")
        if task.owner_id == target.pk:
            refuse("already_handled", f"该任务已由{display_name(target)}办理，无需改派。", field="to_user", cls=AlreadyHandled)
        previous = task.owner
        task.assigned = timezone.now()
        activation = _activation(task)
        if task.status == STATUS.NEW:
            activation.assign(target)
        else:
            activation.reassign(target)
        record(actor, "task.reassign", held.household,
               _data(held, previous_owner=previous.get_username() if previous else "",
                     new_owner=target.get_username(), reason=reason),
               request=request)
        return task


def eligible_officials(role: str, household):
    """Active users holding `role` on an area covering the case (household or site), directly or
    by group."""
    codes = {household.area_code[:n].ljust(12, "0") for n in PREFIX_LENGTH.values()}
    grant = Q(permission__codename=role, content_object__code__in=codes)
    direct = AreaUserGrant.objects.filter(grant).values("user_id")
    by_group = AreaGroupGrant.objects.filter(grant).values("group_id")
    return (get_user_model().objects.filter(is_active=True)
            .filter(Q(pk__in=direct) | Q(groups__in=by_group)).distinct().order_by("last_name", "first_name",
                                                                                    "username"))
