"""Progress reports and the slow-site warning (预警) of docs/domain.md §3 and seed 000.

A site under construction is reported on with dated reports (percent complete, milestone, note,
photos: 001 "日报"). Each site has three milestone deadlines on its project (planned start,
structure complete, handover: 000 "start by June 20, structure by end of September, keys by end
of November"). A site past one of them without that milestone reported is slow, and listed for
the county until the milestone is reported.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from audit.log import record
from registry.models import ResettlementSite
from registry.models import SiteStage as T
from registry.policy import Violation
from workflows.acting import Refused, lock_site, refuse, require_site_role
from workflows.models.sites import Milestone, ProgressReport
from workflows.sites import stages as site_stages

# Milestone → the project field holding its deadline, and the stage whose reaching reports it.
DEADLINES = (
    (Milestone.START, "start_by", T.CONSTRUCTION),
    (Milestone.STRUCTURE, "structure_by", T.STRUCTURE_DONE),
    (Milestone.HANDOVER, "handover_by", T.HANDOVER),
)
MILESTONE_STAGE = {m: s for m, _, s in DEADLINES} | {Milestone.COMPLETION: T.ACCEPTANCE}
REPORTING_STAGES = (T.CONSTRUCTION, T.STRUCTURE_DONE)


def latest_report(site):
    return ProgressReport.objects.filter(site=site).order_by("-reported_on", "-id").first()


def latest_percent(site) -> Decimal:
    report = latest_report(site)
    return report.percent if report else Decimal("0")


def milestone_reported(site, milestone) -> bool:
    if site_stages.reached(site.stage, MILESTONE_STAGE[milestone]):
        return True
    return ProgressReport.objects.filter(site=site, milestone=milestone).exists()


def report_progress(site_id, *, actor, reported_on: datetime.date, percent, milestone: str = "", note: str = "",
                    photos=(), request=None) -> ProgressReport:
    """Record one progress report (with at least one photo already filed as site evidence)."""
    with transaction.atomic():
        site = lock_site(site_id)
        role = require_site_role(actor, site, site_stages.PROGRESS_ROLES, "报告建设进度")
        if site.stage not in REPORTING_STAGES:
            refuse("not_reporting_stage",
                   f"安置点处于“{site_stages.label(site.stage)}”阶段：只有开工建设和主体完工阶段报告建设进度。")
        errors = []
        try:
            percent = Decimal(str(percent))
        except (InvalidOperation, ValueError):
            refuse("bad_percent", "形象进度须为0到100之间的数字。", field="percent")
        if not percent.is_finite() or not (0 <= percent <= 100) or percent.as_tuple().exponent < -2:
            refuse("bad_percent", "形象进度须为0到100之间的数字，最多两位小数。", field="percent")
        if reported_on > timezone.localdate():
            errors.append(Violation("future_date", "reported_on", "报告日期不能晚于今天。"))
        last = latest_report(site)
        if last is not None and percent < last.percent:
            errors.append(Violation("percent_decreased", "percent",
                                    f"形象进度不得低于上次报告（{last.reported_on:%Y年%m月%d日}，{last.percent}%）。"))
        if last is not None and reported_on < last.reported_on:
            errors.append(Violation("date_before_last", "reported_on",
                                    f"报告日期不得早于上次报告日期（{last.reported_on:%Y年%m月%d日}）。"))
        if milestone and milestone not in Milestone.values:
            errors.append(Violation("bad_milestone", "milestone", "请选择正确的进度节点。"))
        elif milestone == Milestone.COMPLETION and percent != 100:
            errors.append(Violation("completion_not_full", "milestone", "报告“竣工”节点时形象进度须为100%。"))
        photos = list(photos)
        if not photos:
            errors.append(Violation("photos_required", "photos", "进度报告须附现场照片。"))
        for photo in photos:
            if photo.site_id != site.pk or photo.kind != "site_progress_photo" or photo.is_withdrawn:
                errors.append(Violation("bad_photo", "photos", "进度照片须为本安置点已上传的“建设进度照片”。"))
                break
        if errors:
            raise Refused(errors)
        report = ProgressReport.objects.create(site=site, reported_on=reported_on, percent=percent,
                                               milestone=milestone, note=(note or "").strip(), reported_by=actor)
        report.photos.set(photos)
        record(actor, "site.progress_report", site, {
            "report_id": report.pk, "reported_on": reported_on, "percent": str(percent), "milestone": milestone,
            "photos": [p.pk for p in photos], "role": role,
        }, request)
        return report


# 预警 ------------------------------------------------------------------------------------------

def _late_q(milestone, field, stage, today) -> Q:
    stages_reached = [code for code in site_stages.ORDER if site_stages.reached(code, stage)]
    reported = ProgressReport.objects.filter(site=OuterRef("pk"), milestone=milestone)
    return Q(**{f"project__{field}__lt": today}) & ~Q(stage__in=stages_reached) & ~Exists(reported)


def slow_sites(today: datetime.date | None = None):
    """Sites past a milestone deadline without that milestone reported (a queryset)."""
    today = today or timezone.localdate()
    q = Q(pk__in=[])
    for milestone, field, stage in DEADLINES:
        q |= _late_q(milestone, field, stage, today)
    return ResettlementSite.objects.filter(q)


@dataclass(frozen=True)
class LateMilestone:
    milestone: str
    label: str
    due: datetime.date
    days_late: int

    @property
    def message(self) -> str:
        return f"计划{self.due:%Y年%m月%d日}前{self.label}，已逾期{self.days_late}天未报告。"


def late_milestones(site, today: datetime.date | None = None) -> list[LateMilestone]:
    today = today or timezone.localdate()
    project = getattr(site, "project", None)
    found = []
    for milestone, field, _ in DEADLINES:
        due = getattr(project, field, None) if project else None
        if due is not None and due < today and not milestone_reported(site, milestone):
            found.append(LateMilestone(milestone, Milestone(milestone).label, due, (today - due).days))
    return found


def slow_site_list(user, today: datetime.date | None = None) -> list[tuple]:
    """The county's warning list: (site, late milestones) for the slow sites the user can see."""
    sites = slow_sites(today).visible_to(user).select_related("area", "project").order_by("code")
    return [(site, late_milestones(site, today)) for site in sites]
