"""代理 (issue 22 item 4): while an official is away, a colleague holding the same post over the same
area stands in for them — offered their claimed tasks (workflows.worklist.inbox) and a copy of their
notices (service.notify), able to act on them (workflows.acting.check_turn), and every such act is
recorded as done for them: an audit event `delegation.act` "代 X 办理" in the act's transaction. After
the end date (or once revoked), nothing of the kind."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.log import record
from registry.people import display_name
from registry.scope import forget_grants, grants_of, post_prefixes
from workflows.models import HouseholdProcess, SiteProcess

from .models import Delegation


def principal_ids(user) -> list[int]:
    """Ids of the officials `user` stands in for today."""
    today = timezone.localdate()
    return list(Delegation.objects.filter(delegate=user, starts_on__lte=today, ends_on__gte=today,
                                          revoked_at__isnull=True, principal__is_active=True)
                .values_list("principal_id", flat=True))


def shared_posts(principal, delegate) -> list[str]:
    """The posts the delegate holds over every area where the principal holds them."""
    forget_grants(principal)
    forget_grants(delegate)
    found = []
    for role in grants_of(principal):
        theirs = post_prefixes(delegate, role)
        if theirs and all(any(p.startswith(d) for d in theirs) for p in post_prefixes(principal, role)):
            found.append(role)
    return found


def create(*, principal, delegate, starts_on, ends_on, reason: str = "", request=None) -> Delegation:
    errors = {}
    if delegate is None or delegate.pk == principal.pk:
        errors["delegate"] = "请选择另一位同岗位的工作人员作为代理人。"
    elif not delegate.is_active:
        errors["delegate"] = "代理人账户已停用。"
    elif not shared_posts(principal, delegate):
        errors["delegate"] = "代理人须在同一辖区担任与您相同的岗位。"
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = "结束日期不能早于开始日期。"
    elif ends_on and ends_on < timezone.localdate():
        errors["ends_on"] = "结束日期不能早于今天。"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        made = Delegation.objects.create(principal=principal, delegate=delegate, starts_on=starts_on,
                                         ends_on=ends_on, reason=(reason or "").strip())
        record(principal, "delegation.create", None,
               {"delegate": delegate.get_username(), "starts_on": starts_on, "ends_on": ends_on, "reason": made.reason},
               request=request)
    return made


def revoke(delegation: Delegation, *, actor, request=None) -> None:
    with transaction.atomic():
        locked = Delegation.objects.select_for_update().get(pk=delegation.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
            record(actor, "delegation.revoke", None, {"delegate": locked.delegate.get_username(),
                                                      "starts_on": locked.starts_on, "ends_on": locked.ends_on},
                   request=request)


def case_of(task):
    """The household or site a task belongs to (its process's case)."""
    process = (HouseholdProcess.objects.filter(pk=task.process_id).select_related("household").first()
               or SiteProcess.objects.filter(pk=task.process_id).select_related("site").first())
    if process is None:
        return None
    return getattr(process, "household", None) or getattr(process, "site", None)


def stand_in_text(principal) -> str:
    return f"代 {display_name(principal)} 办理"


def record_stand_in(actor, task, step) -> None:
    """Called by workflows.acting.check_turn inside the act's transaction: the act is the principal's
    work done by their delegate (代 X 办理)."""
    principal = task.owner
    record(actor, "delegation.act", case_of(task),
           {"on_behalf_of": principal.get_username(), "on_behalf_of_name": display_name(principal),
            "step": step.code, "task": task.pk, "stand_in": stand_in_text(principal)})
