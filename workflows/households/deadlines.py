"""Due dates of open steps: a case is due out of its stage `deadline_days` after entering it
(the stage table; a province can override the days by setting WORKFLOW_DEADLINE_DAYS).
Late steps must show as overdue (docs/domain.md §3: "Deadlines are real")."""

import datetime

from django.conf import settings
from django.db.models import Case, DateTimeField, Q, Value, When
from django.utils import timezone

from workflows.households import stages


def deadline_days(stage_code: str) -> int | None:
    overrides = getattr(settings, "WORKFLOW_DEADLINE_DAYS", {}) or {}
    if stage_code in overrides:
        return int(overrides[stage_code])
    stage = stages.STAGES.get(stage_code)
    return stage.deadline_days if stage else None


def due_at(household) -> datetime.datetime | None:
    days = deadline_days(household.stage)
    if days is None or household.stage == stages.S.FOLLOW_UP:
        return None  # 后扶 is ongoing: tracked quarterly, not due out
    return household.stage_entered_at + datetime.timedelta(days=days)


def is_overdue(household, now=None) -> bool:
    due = due_at(household)
    return due is not None and due < (now or timezone.now())


def overdue_q(now=None) -> Q:
    """Filter for households whose current stage is past its due date."""
    now = now or timezone.now()
    q = Q(pk__in=[])
    for stage in stages.HOUSEHOLD_STAGES:
        if stage.code == stages.S.FOLLOW_UP:
            continue
        q |= Q(stage=stage.code, stage_entered_at__lt=now - datetime.timedelta(days=deadline_days(stage.code)))
    return q


def entered_before_due() -> Case:
    """The latest entry time still on schedule, per stage, for ordering by urgency in SQL."""
    now = timezone.now()
    return Case(
        *[When(stage=s.code, then=Value(now - datetime.timedelta(days=deadline_days(s.code))))
          for s in stages.HOUSEHOLD_STAGES],
        output_field=DateTimeField(),
    )
