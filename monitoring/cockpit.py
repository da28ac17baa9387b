"""What the cockpit shows besides the rates: cases per stage and overdue steps (by stage and by
post), slow sites (预警), open findings, and the targets with dates from settings — each over the
user's scope and the area asked for, each in one query whatever the number of rows."""

import datetime
import math
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from notifications.models import Escalation
from registry.models import HouseholdStage, ResettlementSite
from registry.roles import ROLES
from supervision.findings import visible_findings
from supervision.models import Finding
from workflows.households import stages as household_stages
from workflows.sites.progress import slow_sites

from .indicators import BY_CODE, Figure

SLOW_SITES_SHOWN = 10

# Seed 000: "all sites start by June 20, structure done by end of September, keys by end of
# November". (indicator, target percent, month-day, what the target says).
DEFAULT_TARGETS = (
    ("started", 100, "06-20", "全部开工"),
    ("completed", 100, "09-30", "全部竣工"),
    ("moved_in", 100, "11-30", "全部入住"),
)


def stage_posts(code: str) -> list[str]:
    """The posts that act on a household in stage `code` (the stage table's steps; 评议 has the
    village representatives' meeting instead)."""
    stage = household_stages.STAGES[code]
    steps = stage.steps or ((household_stages.REVIEW_MEETING,) if code == HouseholdStage.REVIEW else ())
    found: list[str] = []
    for step in steps:
        for role in step.roles:
            if role not in found:
                found.append(role)
    return found


@dataclass
class StageCount:
    code: str
    label: str
    count: int
    overdue: int
    posts: list[str]


def stage_counts(values: dict) -> list[StageCount]:
    """Households per stage and how many are past the stage's due date, from the tally's values
    (monitoring/tallies.py: `stage:<code>`, `overdue:<code>`)."""
    out = []
    for code in (*household_stages.ORDER, HouseholdStage.REMOVED):
        posts = [ROLES[r].label for r in stage_posts(code)] if code in household_stages.STAGES else []
        out.append(StageCount(code, HouseholdStage(code).label, values.get(f"stage:{code}", 0),
                              values.get(f"overdue:{code}", 0), posts))
    return out


@dataclass
class PostCount:
    post: str   # role codename; "" for overdue households without an open human task
    label: str
    count: int


def overdue_by_post(values: dict) -> list[PostCount]:
    """Overdue households by the post their open step is routed to (the open viewflow task's owner
    permission, counted in monitoring/tallies.py): a household waiting on two posts at once counts
    under each; one without an open human task (评议 waits for the village meeting) is counted apart."""
    found = []
    for key, n in values.items():
        if not key.startswith("post:") or not n:
            continue
        post = key.removeprefix("post:")
        label = ROLES[post].label if post in ROLES else (post or "无待办任务（如待民主评议、待系统处理）")
        found.append(PostCount(post, label, n))
    return sorted(found, key=lambda c: (c.post == "", -c.count, c.label))


def escalations(prefix: str) -> dict:
    """Open 逾期督办 under the area (notifications/escalation.py): steps overdue long enough to be
    shown one level up, to the township's leader and to the county office — in one query."""
    return Escalation.objects.filter(resolved_at__isnull=True, area_code__startswith=prefix).aggregate(
        township=Count("id", filter=Q(level=Escalation.Level.TOWNSHIP)),
        county=Count("id", filter=Q(level=Escalation.Level.COUNTY)))


def slow_site_rows(user, prefix: str, today=None):
    """The slow sites (预警) under the prefix: their number and the first few (two queries)."""
    qs = (slow_sites(today).visible_to(user, "registry.view_resettlementsite")
          .filter(area_code__startswith=prefix))
    shown = list(qs.select_related("area", "project").order_by("code")[:SLOW_SITES_SHOWN])
    return qs.count() if len(shown) == SLOW_SITES_SHOWN else len(shown), shown


def open_findings(user, prefix: str) -> dict:
    """Open findings (not yet 销号) under the prefix, and how many are overdue (one query)."""
    counts = visible_findings(user).filter(area_code__startswith=prefix).exclude(
        status=Finding.Status.CLOSED).aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(status__in=Finding.AWAITING_RESPONSE,
                                                       deadline__lt=timezone.localdate())))
    return counts


@dataclass
class Target:
    indicator_code: str
    name: str
    percent: int
    due: datetime.date
    label: str

    def gap(self, figure: Figure) -> dict:
        """How far an area is from the target: the rows still missing and the days left."""
        needed = math.ceil(self.percent * figure.denominator / 100) if figure.denominator else 0
        missing = max(0, needed - int(figure.numerator))
        days = (self.due - timezone.localdate()).days
        return {"missing": missing, "days_left": days, "days_late": -days, "met": missing == 0,
                "late": days < 0 and missing > 0}


def targets() -> list[Target]:
    year = timezone.localdate().year
    found = []
    for code, percent, month_day, label in getattr(settings, "MONITORING_TARGETS", DEFAULT_TARGETS):
        month, day = (int(part) for part in month_day.split("-"))
        found.append(Target(code, BY_CODE[code].name, int(percent), datetime.date(year, month, day), label))
    return found


def site_names(ids) -> dict[int, str]:
    return dict(ResettlementSite.objects.filter(pk__in=ids).values_list("pk", "name"))
