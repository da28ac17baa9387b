"""What every act on a case checks, for both lifecycles: the refusals and what they answer, whether
the actor holds the acting post over the case, whether it is the actor's turn, and the row lock
that serialises everything decided about one case.

The refusal types are answered once for every caller (docs/architecture.md decision 4): pages map
them to messages next to the form, the API to its error shape, both with the same status —
`Refused` 400, `NotPermitted` 403, `OutOfScope` 404 (never confirming that a case exists),
`AlreadyHandled` 409.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from registry.models import Household, ResettlementSite
from registry.people import display_name
from registry.policy import Violation
from registry.roles import ROLES
from registry.scope import host_area_of, host_post_held, post_held
from workflows.models.households import Decision
from workflows.models.sites import SiteProject

VIEW_HOUSEHOLD = "registry.view_household"
VIEW_SITE = "registry.view_resettlementsite"
# Every post that works the lifecycle holds this capability (registry/roles.py ACT_ON_CASES);
# read-only posts (auditors, re-inspection teams) hold it nowhere.
ACTING_CAPABILITY = "documents.add_evidence"


class Refused(Exception):
    """The action is not allowed now; nothing changed. `violations` say why, in Chinese."""

    status = 400

    def __init__(self, violations):
        if isinstance(violations, Violation):
            violations = [violations]
        self.violations = list(violations)
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return "；".join(v.message for v in self.violations)

    @property
    def codes(self) -> list[str]:
        return [v.code for v in self.violations]


class NotPermitted(Refused):
    status = 403


class OutOfScope(Refused):
    """The case is outside the actor's area: answer as if it did not exist (404)."""

    status = 404


class AlreadyHandled(Refused):
    """Someone else acted first (a double click, a race, a stale page)."""

    status = 409


def refuse(code, message, field="stage", cls=Refused):
    raise cls(Violation(code, field, message))


def lock(queryset, pk, not_found: str):
    """The case row, locked for the rest of the transaction (SELECT … FOR UPDATE of the row alone):
    every act on one case — transitions, claims, funds, allocation — takes this lock first, so
    what it reads to decide cannot change under it. A missing row answers 404."""
    try:
        return queryset.select_for_update(of=("self",)).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        refuse("not_found", not_found, cls=OutOfScope)


def lock_household(household_id, model=Household):
    """The household row, locked; `model` may be the lifecycle's proxy (to run transitions)."""
    return lock(model.objects.select_related("village", "site"), household_id, "未找到该搬迁户。")


def lock_site(site_id, model=ResettlementSite):
    """The site row, locked, with its project row; `model` may be the lifecycle's proxy."""
    site = lock(model.objects.select_related("area"), site_id, "未找到该安置点。")
    site.project = SiteProject.for_site(site)
    return site


def check_visible(actor, case, view_perm=VIEW_HOUSEHOLD, what="搬迁户"):
    """A case outside the actor's reading scope does not exist for them (404, never 403)."""
    if not actor.has_perm(view_perm, case):
        refuse("out_of_scope", f"未找到该{what}，或不在您的管辖范围内。", cls=OutOfScope)


# Resettlement across counties (跨县安置, registry/placements.py): once both counties approved, these
# acts on the household belong to the posts serving its host site in county B — 分房, the 入住
# confirmation at B's site and 后扶 (aftercare's records, risks) — and to them only; every other act
# stays with county A's posts over the household's own area (A keeps the case up to 入住, and its
# 拆旧复垦 at home). Reading is registry.scope's `hosted_q`.
UNIT_ALLOCATION = "unit_allocation"
AFTERCARE = "aftercare"
HOST_ACTS = frozenset({"move_in_confirmation", UNIT_ALLOCATION, AFTERCARE})


def acting_role(actor, roles, case, *, act: str | None = None) -> str | None:
    """The first of `roles` the actor holds through a grant covering the case (superusers too
    need a grant: approving is a post's act, not an administrator's). `act` (a step code or one of
    HOST_ACTS) names the act: for a household resettled across counties a host act is asked of the
    posts over the host site instead."""
    if act in HOST_ACTS and isinstance(case, Household):
        host = host_area_of(case)
        if host is not None:
            return host_post_held(actor, roles, host)
    return post_held(actor, roles, case.area_code)


def require_role(actor, case, roles, what: str, *, view_perm=VIEW_HOUSEHOLD, case_word="搬迁户",
                 act: str | None = None) -> str:
    """The post through which the actor may do `what` on a household or a site (404 when the case
    is out of their scope, 403 when they hold none of `roles` there; `act` as in `acting_role`)."""
    check_visible(actor, case, view_perm, case_word)
    role = acting_role(actor, roles, case, act=act)
    if role is None:
        refuse("wrong_role", wrong_role_message(roles, what), cls=NotPermitted)
    return role


def require_site_role(actor, site, roles, what: str) -> str:
    """`require_role` for a site (404 out of scope, 403 for a post not in `roles`); a view asks it
    before it files any upload."""
    return require_role(actor, site, roles, what, view_perm=VIEW_SITE, case_word="安置点")


def wrong_role_message(roles, what: str) -> str:
    names = "、".join(ROLES[r].label for r in roles)
    return f"“{what}”须由本辖区的{names}办理，您的岗位无权办理。"


def claimed_message(task) -> str:
    return f"该任务已由{display_name(task.owner)}领取，须其释放或由领导改派后方可办理。"


OWN_SUBMISSION = "不能审批本人提交或办理的上一环节（审批分离）。"


def turn_violations(stage, step_def, done, actor, task, *, previous_approver) -> list[tuple[type, Violation]]:
    """Why it is not this actor's turn at this step, the same for households and sites: done
    already in this round, predecessors not done (unless a joint sign-off), a review of the
    actor's own work (审批分离), or a task another official has claimed (领取). Each reason with
    the refusal type it is answered by; `previous_approver` is asked only when it matters."""
    found = []
    if step_def.code in done:
        return [(AlreadyHandled, Violation("already_handled", "stage",
                                           f"“{step_def.label}”已办结（可能已由他人处理），请刷新页面。"))]
    if not stage.joint:
        waiting = [s.label for s in stage.steps[: stage.step_codes.index(step_def.code)] if s.code not in done]
        if waiting:
            found.append((Refused, Violation("step_out_of_order", "stage", f"须先完成：{'、'.join(waiting)}。")))
    if step_def.reviews and actor.pk == previous_approver():
        found.append((NotPermitted, Violation("own_submission", "stage", OWN_SUBMISSION)))
    # A claimed task is its holder's until released or reassigned by a supervisor (or taken up by
    # the holder's delegate while the delegation runs: 代理).
    if task is not None and task.owner_id and task.owner_id != actor.pk and not stands_in_for(actor, task):
        found.append((NotPermitted, Violation("claimed_by_other", "stage", claimed_message(task))))
    return found


def check_turn(stage, step_def, done, actor, task, *, previous_approver) -> None:
    """Refuse with the first reason `turn_violations` finds; a delegate acting on the task of the
    official they stand in for has the act recorded as done for them (代 X 办理)."""
    found = turn_violations(stage, step_def, done, actor, task, previous_approver=previous_approver)
    if found:
        cls, violation = found[0]
        raise cls(violation)
    if stands_in_for(actor, task) and _on_stand_in is not None:
        _on_stand_in(actor, task, step_def)


# Delegation (代理) lives above workflows (notifications/); it plugs its answers in at start-up
# (notifications/apps.py), as registry does for audit's posts: `principals(user)` — ids of the
# officials the user stands in for today — and `on_stand_in(actor, task, step)`, called inside the
# act's transaction when a delegate acts on a principal's claimed task. Without them, nobody does.
_principals = None
_on_stand_in = None


def set_delegation_hooks(*, principals, on_stand_in) -> None:
    global _principals, _on_stand_in
    _principals, _on_stand_in = principals, on_stand_in


def principal_ids(user) -> list[int]:
    return list(_principals(user)) if _principals is not None and user.is_authenticated else []


def stands_in_for(actor, task) -> bool:
    """Whether the task is claimed by an official `actor` stands in for today."""
    return bool(task is not None and task.owner_id and task.owner_id != actor.pk
                and task.owner_id in principal_ids(actor))


def previous_approver_id(opinions, stage, step, *, this_round: Q):
    """Who handed this step its work: the previous step's approver in this round or, for the
    first step (and every step of a joint sign-off), the last approver or requester before this
    round. `opinions` are the case's opinions, `this_round` selects the current round's."""
    if not stage.joint:
        index = stage.step_codes.index(step.code)
        if index > 0:
            previous = (opinions.filter(this_round, decision=Decision.APPROVE, step=stage.step_codes[index - 1])
                        .order_by("-id").first())
            return previous.actor_id if previous else None
    return (opinions.filter(decision__in=[Decision.APPROVE, Decision.REQUEST]).exclude(this_round)
            .order_by("-id").values_list("actor_id", flat=True).first())


def post_requires_acting(view):
    """A page any post in scope may open, whose POST writes: a read-only post (auditors) gets 403
    before any form is read. The one check of approvals' action URLs (approvals/access.py), aftercare
    and intake."""
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "POST" and not request.user.has_perm(ACTING_CAPABILITY):
            raise PermissionDenied("您的岗位为只读岗位，不能办理业务。")
        return view(request, *args, **kwargs)
    return wrapped
