"""Reminders and escalation (issue 22 items 1 and 3), run by the beat job `notifications-reminders`
and `manage.py send_reminders`:

- a step due within NOTIFICATIONS_DUE_SOON_DAYS: `step_due` to whoever holds the task (or, unclaimed,
  to the post it is routed to), once per task;
- a step past its due date: `step_overdue`, once per task;
- a step overdue by NOTIFICATIONS_ESCALATION_DAYS (per stage, "default" for the rest) is escalated to
  the supervising post one level up — the township's 分管领导 (level 1), and after twice as long the
  county office (level 2; a site's tasks go to the county office directly) — once per level: an
  Escalation row, an audit event `task.escalate` and an `escalated` notice, in one transaction.

The cockpit reads `figures()` (overdue steps and open escalations under an area).
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from audit.log import record
from registry.models import Household, ResettlementSite
from registry.scope import NOTHING, grants_of, post_q
from workflows import worklist
from workflows.households import deadlines, stages

from .models import Escalation, Kind
from .receivers import case_link
from .recipients import holders
from .service import notify

LEVEL_ROLES = {Escalation.Level.TOWNSHIP: stages.LEADER, Escalation.Level.COUNTY: stages.COUNTY_OFFICE}


def due_soon_days() -> int:
    return int(getattr(settings, "NOTIFICATIONS_DUE_SOON_DAYS", 3))


def escalation_days(stage_code: str) -> int:
    table = getattr(settings, "NOTIFICATIONS_ESCALATION_DAYS", {}) or {}
    return int(table.get(stage_code, table.get("default", 5)))


def _candidates(now):
    """Open tasks whose case falls due within the reminder window (households by SQL; the few site
    tasks all)."""
    horizon = now + datetime.timedelta(days=due_soon_days())
    households = Household.objects.filter(deadlines.overdue_q(horizon))
    tasks = worklist.open_tasks().filter(
        Q(**{worklist.PROCESS + "household__in": households}) | Q(**{worklist.SITE_PROCESS + "site__isnull": False}))
    tasks = worklist.with_case(tasks).annotate(
        case_area=Coalesce(F(worklist.AREA_FIELD), F(worklist.SITE_AREA_FIELD)))
    return worklist.rows(tasks.order_by("id"), now)


def _people(row):
    if row.task.owner_id:
        return [row.task.owner]
    role = (row.task.owner_permission or "").partition(".")[2]
    return holders(role, row.case_area) if role else []


def _case(row):
    if row.case_id:
        return Household(pk=row.case_id, number=row.case_number, area_code=row.case_area)
    return ResettlementSite(pk=row.site_case_id, name=row.site_case_name, area_code=row.case_area)


def _what(row) -> str:
    if row.case_id:
        return f"搬迁户 {row.case_number}" + (f"（户主 {row.case_head}）" if row.case_head else "")
    return f"安置点 {row.site_case_name}"


def _link(row) -> str:
    return case_link(_case(row))


def _stage_code(row) -> str:
    return row.case_stage if row.case_id else (row.site_case_stage or "")


def run(now=None) -> dict:
    """One pass: reminders, overdue notices, escalations; and escalations of finished tasks resolved.
    Safe to run as often as one likes (each notice and escalation once)."""
    now = now or timezone.now()
    counts = {"due": 0, "overdue": 0, "escalated": 0, "resolved": 0}
    for row in _candidates(now):
        if row.due is None:
            continue
        when = f"{timezone.localtime(row.due):%Y年%m月%d日}"
        with transaction.atomic():
            if not row.overdue:
                counts["due"] += len(notify(_people(row), Kind.STEP_DUE, key=f"task:{row.task.pk}:due",
                                            title=f"即将到期：{row.step_label}", body=f"{_what(row)}，{when}到期。",
                                            link=_link(row), area_code=row.case_area))
                continue
            counts["overdue"] += len(notify(_people(row), Kind.STEP_OVERDUE, key=f"task:{row.task.pk}:overdue",
                                            title=f"已逾期：{row.step_label}", body=f"{_what(row)}，已于{when}到期。",
                                            link=_link(row), area_code=row.case_area))
            late = now - row.due
            days = escalation_days(_stage_code(row))
            levels = [Escalation.Level.TOWNSHIP] if row.case_id else []
            levels.append(Escalation.Level.COUNTY)
            for i, level in enumerate(levels, start=1):
                if late >= datetime.timedelta(days=days * i):
                    counts["escalated"] += _escalate(row, level, late, when)
    open_ids = worklist.open_tasks().values("pk")
    counts["resolved"] = (Escalation.objects.filter(resolved_at__isnull=True).exclude(task_id__in=open_ids)
                          .update(resolved_at=now))
    return counts


def _escalate(row, level, late, when) -> int:
    made, created = Escalation.objects.get_or_create(task_id=row.task.pk, level=level, defaults={
        "step": row.step, "area_code": row.case_area, "household_id": row.case_id, "site_id": row.site_case_id,
        "due_at": row.due})
    if not created:
        return 0
    case = _case(row)
    record(None, "task.escalate", case, {"task": row.task.pk, "step": row.step, "level": int(level),
                                         "role": LEVEL_ROLES[level], "due": row.due, "days_late": late.days})
    notify(holders(LEVEL_ROLES[level], row.case_area), Kind.ESCALATED, key=f"escalation:{row.task.pk}:{int(level)}",
           title=f"逾期督办：{row.step_label}", body=f"{_what(row)}，应于{when}办结，已逾期{late.days}天。",
           link=_link(row), area_code=row.case_area)
    return 1


# ------------------------------------------------------------------------- who sees them

def visible_to(user):
    """Open escalations shown to the user's supervising posts (None: the user holds none)."""
    held = grants_of(user)
    q = NOTHING
    for level, role in LEVEL_ROLES.items():
        if role in held:
            q |= Q(level=level) & post_q(user, role)
    if q == NOTHING:
        return None
    return list(Escalation.objects.filter(q, resolved_at__isnull=True).select_related("household", "site")
                .order_by("due_at", "id")[:200])


def figures(area_prefix: str = "", now=None) -> dict:
    """For the cockpit (monitoring): under an area prefix ("" for all), the open steps past their due
    date and the open escalations at each level:
    {"overdue_steps": n, "escalated_township": n, "escalated_county": n}."""
    now = now or timezone.now()
    late = Household.objects.filter(deadlines.overdue_q(now), area_code__startswith=area_prefix)
    esc = Escalation.objects.filter(resolved_at__isnull=True, area_code__startswith=area_prefix)
    return {
        "overdue_steps": worklist.open_tasks().filter(**{worklist.PROCESS + "household__in": late}).count(),
        "escalated_township": esc.filter(level=Escalation.Level.TOWNSHIP).count(),
        "escalated_county": esc.filter(level=Escalation.Level.COUNTY).count(),
    }
