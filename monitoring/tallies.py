"""The cockpit's figures, counted ahead and kept fresh (issue 19: the county page at 1 M households
within twice one plain `GROUP BY stage`).

Counting every figure of a county live costs a dozen scans of its households and members (16 s at
1 M households, docs/scaling.md). The cockpit reads instead one `AreaTally` row per area code —
every measure, households and overdue ones per stage, overdue households per post of their open
step — and sums the rows under the area asked for (one query, a few hundred rows). The rows are
counted by `refresh`:

- every `MONITORING_TALLY_MINUTES` by beat (monitoring.tasks.refresh_tallies), for every area;
- inline, for the area asked for, when it has no row yet or its oldest row is older than
  `MONITORING_TALLY_MAX_AGE` minutes (beat not running) — so a page never shows older figures;
- on demand (立即更新 on the cockpit, through the same Celery task).

The page prints the time the figures were counted ("数据截至…"). The lists behind each figure
are live (the drill-down counts again when asked), and say so beside their total.

Scope: a row carries its area code; the household side (households, persons, stages, overdue,
posts) counts for the user where `registry.view_household` covers that code, the site side (sites,
arrivals) where `registry.view_resettlementsite` does — the same prefixes `rows()` filters on.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from registry.models import Household
from registry.scope import prefixes_for
from workflows.households import stages as household_stages
from workflows.households.deadlines import deadline_days

from .figures import HOUSEHOLD, HOUSEHOLD_PERM, PERSON, SITE_PERM, Breakdown, breakdown_of, group_length, tally
from .indicators import measures
from .models import AreaTally

OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)
HOUSEHOLD_PROCESS = "process__householdprocess__"
NO_TASK = ""  # the post key of overdue households without an open human task (评议, system steps)


def minutes() -> int:
    return int(getattr(settings, "MONITORING_TALLY_MINUTES", 5))


def max_age() -> datetime.timedelta:
    return datetime.timedelta(minutes=int(getattr(settings, "MONITORING_TALLY_MAX_AGE", 15)))


def overdue_q(now, p: str = "") -> Q:
    """workflows.households.deadlines.overdue_q, reached through `p` (e.g. from a task)."""
    q = Q(pk__in=[])
    for stage in household_stages.HOUSEHOLD_STAGES:
        if stage.code == household_stages.S.FOLLOW_UP:
            continue
        q |= Q(**{f"{p}stage": stage.code,
                  f"{p}stage_entered_at__lt": now - datetime.timedelta(days=deadline_days(stage.code))})
    return q


def open_human_tasks():
    """Open human tasks of a household's process for the stage it is in now (a task left open by a
    stage the case has left is not its open step)."""
    return Task.objects.filter(flow_task_type="HUMAN", status__in=OPEN).filter(
        **{f"{HOUSEHOLD_PROCESS}stage": F(f"{HOUSEHOLD_PROCESS}household__stage")})


def post_of(owner_permission: str) -> str:
    """The post (role codename) a task is routed to: its owner permission `registry.<role>`."""
    return (owner_permission or "").rpartition(".")[2]


def open_task_for(post: str | None):
    """An EXISTS over the household's open human tasks (routed to `post`, or any)."""
    tasks = open_human_tasks().filter(**{f"{HOUSEHOLD_PROCESS}household": OuterRef("pk")})
    if post:
        tasks = tasks.filter(owner_permission=f"registry.{post}")
    return Exists(tasks)


def overdue_at_post(post: str, now=None) -> Q:
    """The overdue households counted under `post` (NO_TASK: those without an open human task).
    The drill-down list behind each row of 逾期环节（按岗位）."""
    now = now or timezone.now()
    if post == NO_TASK:
        return overdue_q(now) & ~open_task_for(None)
    return overdue_q(now) & open_task_for(post)


def _stored(value):
    return str(value) if isinstance(value, Decimal) else value


def count(prefix: str = "", now=None) -> dict[str, dict[str, dict]]:
    """{area code: {"households": {...}, "sites": {...}}} for every area code under `prefix` with
    rows, counted live over all rows (7 queries whatever the number of areas)."""
    now = now or timezone.now()
    found: dict[str, dict[str, dict]] = {}

    def put(code, side, values):
        found.setdefault(code, {"households": {}, "sites": {}})[side].update(
            {k: _stored(v) for k, v in values.items()})

    by_side = {"households": {}, "sites": {}}
    for key, m in measures().items():
        by_side["households" if m.source in (HOUSEHOLD, PERSON) else "sites"][key] = m
    for side, wanted in by_side.items():
        for code, values in tally(prefix, 12, wanted=wanted).items():
            put(code, side, values)
    # Households per stage and overdue per stage (one grouped query).
    stage_rows = (Household.objects.filter(area_code__startswith=prefix).order_by().values("area_code", "stage")
                  .annotate(n=Count("pk"), late=Count("pk", filter=overdue_q(now))))
    for row in stage_rows:
        put(row["area_code"], "households", {f"stage:{row['stage']}": row["n"], f"overdue:{row['stage']}": row["late"]})
    # Overdue households per post of their open human step (a household waiting on two posts at once
    # counts under each), and those overdue without any open human task.
    post_rows = (open_human_tasks().filter(**{f"{HOUSEHOLD_PROCESS}area_code__startswith": prefix})
                 .filter(overdue_q(now, f"{HOUSEHOLD_PROCESS}household__")).order_by()
                 .values(f"{HOUSEHOLD_PROCESS}area_code", "owner_permission")
                 .annotate(n=Count(f"{HOUSEHOLD_PROCESS}household", distinct=True)))
    for row in post_rows:
        code = row[f"{HOUSEHOLD_PROCESS}area_code"]
        key = f"post:{post_of(row['owner_permission'])}"
        values = found.get(code, {}).get("households", {})
        put(code, "households", {key: values.get(key, 0) + row["n"]})
    idle = (Household.objects.filter(area_code__startswith=prefix).filter(overdue_q(now)).filter(~open_task_for(None))
            .order_by().values("area_code").annotate(n=Count("pk")))
    for row in idle:
        put(row["area_code"], "households", {f"post:{NO_TASK}": row["n"]})
    return found


def refresh(prefix: str = "") -> datetime.datetime:
    """Count every area code under `prefix` again and replace its rows (the time counted is the
    time the counting began: a change after it shows at the next refresh)."""
    taken_at = timezone.now()
    counted = count(prefix, taken_at)
    rows = [AreaTally(area_code=code, households=sides["households"], sites=sides["sites"], taken_at=taken_at)
            for code, sides in counted.items()]
    with transaction.atomic():
        AreaTally.objects.filter(area_code__startswith=prefix).delete()
        AreaTally.objects.bulk_create(rows)
    return taken_at


class Read:
    """The tally rows under one area as one user may see them: values grouped by the area-code
    prefix of `group_len` digits, and the time they were counted (the oldest row's)."""

    def __init__(self, grouped: dict[str, dict], taken_at: datetime.datetime | None):
        self.grouped = grouped
        self.taken_at = taken_at

    def total(self) -> dict:
        totals: dict = {}
        for values in self.grouped.values():
            for key, value in values.items():
                totals[key] = totals.get(key, 0) + value
        return totals


def _value(key: str, raw):
    m = measures().get(key)
    return Decimal(str(raw)) if m is not None and m.total else int(raw)


def _covered(code: str, prefixes: list[str] | None) -> bool:
    return prefixes is None or any(code.startswith(p) for p in prefixes)


def _scope(user, perm) -> list[str] | None:
    if user is None or user.is_superuser:
        return None
    if not (user.is_authenticated and user.is_active):
        return []
    return prefixes_for(user, perm)


def read(prefix: str, group_len: int, user=None, *, now=None) -> Read:
    """The figures under `prefix` for `user`, from the tally; counted first (inline) when the area
    has no row or its oldest row is older than MONITORING_TALLY_MAX_AGE."""
    now = now or timezone.now()
    rows = list(AreaTally.objects.filter(area_code__startswith=prefix))
    if not rows or min(r.taken_at for r in rows) < now - max_age():
        refresh(prefix)
        rows = list(AreaTally.objects.filter(area_code__startswith=prefix))
    households, sites = _scope(user, HOUSEHOLD_PERM), _scope(user, SITE_PERM)
    grouped: dict[str, dict] = {}
    for row in rows:
        group = grouped.setdefault(row.area_code[:group_len], {})
        for side, values, prefixes in (("households", row.households, households), ("sites", row.sites, sites)):
            if not _covered(row.area_code, prefixes):
                continue
            for key, raw in values.items():
                group[key] = group.get(key, 0) + _value(key, raw)
    grouped = {k: v for k, v in grouped.items() if v}
    return Read(grouped, min((r.taken_at for r in rows), default=now))


def breakdown_for(area, user=None) -> tuple[Breakdown, Read]:
    """The area's figures and its lower areas' from the tally, and when they were counted."""
    counted = read(area.prefix, group_length(area), user)
    return breakdown_of(area, counted.grouped), counted
