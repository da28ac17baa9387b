"""What must hold before a site may leave its stage: the FSM's conditions, with reasons.

Each blocker is a `registry.policy.Violation` (code for tests, Chinese message for officials),
as for households (workflows/households/conditions.py). Within one locked service call the answer cannot
change, so it is cached on the instance for that round.
"""

from decimal import Decimal

from django.conf import settings

from documents.models import Evidence, kind_label
from registry.models import SiteStage as T
from registry.policy import Violation
from workflows import memo
from workflows.models.households import Decision
from workflows.models.sites import Milestone, SiteOpinion
from workflows.sites import stages as site_stages
from workflows.sites.progress import latest_percent, milestone_reported


def money(value) -> str:
    return f"{Decimal(value):,.2f}"


# Evidence ------------------------------------------------------------------------------------

def present_kinds(site) -> set[str]:
    return memo.remember(site, "_evidence_kinds", site.pk, lambda: set(
        Evidence.objects.filter(site=site, withdrawn_at__isnull=True).values_list("kind", flat=True)))


def missing_evidence(site, kinds) -> list[Violation]:
    if site.project.tender_exempt:
        # Below the tendering threshold (recorded with a reason): there is no tender to document.
        kinds = tuple(k for k in kinds if k != site_stages.TENDER_DOCUMENTS)
    missing = [k for k in kinds if k not in present_kinds(site)]
    if not missing:
        return []
    return [Violation("missing_evidence", "evidence", f"缺少必备佐证材料：{'、'.join(kind_label(k) for k in missing)}。")]


# Rounds and blockers -------------------------------------------------------------------------

def approved_steps(site) -> set[str]:
    """Steps approved in the current round of the site's current stage."""
    return set(
        SiteOpinion.objects.filter(
            site=site, stage=site.stage, round=site.project.stage_round,
            decision__in=[Decision.APPROVE, Decision.SYSTEM],
        ).values_list("step", flat=True)
    )


def forget(site) -> None:
    memo.forget(site, "_blockers", "_evidence_kinds")


def forward_blockers(site) -> list[Violation]:
    """Why the site may not leave its stage now (kept for the stage and round it holds for)."""
    return memo.remember(site, "_blockers", (site.stage, site.project.stage_round), lambda: _forward_blockers(site))


def _forward_blockers(site) -> list[Violation]:
    stage = site_stages.stage(site.stage)
    if stage is None or site_stages.next_stage(site.stage) is None:
        return [Violation("no_next_stage", "stage", f"“{site_stages.label(site.stage)}”之后没有下一阶段。")]
    found: list[Violation] = []
    done = approved_steps(site)
    pending = [s.label for s in stage.steps if s.code not in done]
    if pending:
        found.append(Violation("steps_pending", "stage", f"本阶段尚有环节未完成：{'、'.join(pending)}。"))
    found += missing_evidence(site, stage.all_evidence)
    found += STAGE_CHECKS.get(site.stage, lambda s: [])(site)
    return found


# Per stage -----------------------------------------------------------------------------------

def schedule_violations(project) -> list[Violation]:
    """The three milestone deadlines, in order (start ≤ structure ≤ handover)."""
    dates = [("start_by", "计划开工日期"), ("structure_by", "计划主体完工日期"), ("handover_by", "计划交付日期")]
    missing = [name for field, name in dates if getattr(project, field) is None]
    if missing:
        return [Violation("schedule_missing", "schedule", f"实施方案须明确建设进度计划：{'、'.join(missing)}。")]
    if not (project.start_by <= project.structure_by <= project.handover_by):
        return [Violation("schedule_order", "schedule", "建设进度计划须依次为开工、主体完工、交付，日期不得倒置。")]
    return []


def _selection(site):
    return schedule_violations(site.project)


def tender_threshold() -> Decimal:
    return Decimal(str(settings.SITE_TENDER_THRESHOLD))


def _tender(site):
    project = site.project
    found = []
    if project.tender_exempt and not project.tender_exempt_reason.strip():
        found.append(Violation("tender_exempt_reason", "tender_exempt_reason", "不招标须写明理由。"))
    if project.tender_exempt and project.contract_amount is not None and project.contract_amount >= tender_threshold():
        # seed 002: "达到招标规模标准的，必须依法招标".
        found.append(Violation(
            "tender_required", "tender_exempt",
            f"达到招标规模标准的必须依法招标：施工合同金额{money(project.contract_amount)}元，"
            f"不低于依法必须招标的标准{money(tender_threshold())}元，不能以不招标方式开工。"))
    if not project.contractor.strip() or project.contract_amount is None:
        found.append(Violation("contract_missing", "contractor", "开工前须登记施工单位和施工合同金额。"))
    return found


def _construction(site):
    if not milestone_reported(site, Milestone.STRUCTURE):
        return [Violation("structure_not_reported", "progress", "尚无“主体封顶”的进度报告，不能确认主体完工。")]
    return []


def _structure_done(site):
    percent = latest_percent(site)
    if percent < 100:
        return [Violation("not_complete", "progress", f"形象进度为{percent}%，须报告完工（100%）后方可申请竣工验收。")]
    return []


def facilities_violations(facilities) -> list[Violation]:
    """seed 002: "集中安置点配套设施应与安置住房同步验收" — every listed facility accepted."""
    if not facilities:
        return [Violation("facilities_not_accepted", "facilities",
                          "配套设施须与安置住房同步验收：尚未登记配套设施验收情况。")]
    failed = [f.get("name", "") for f in facilities if f.get("result") != "合格"]
    if failed:
        return [Violation("facilities_not_accepted", "facilities",
                          f"配套设施须与安置住房同步验收合格，以下设施未通过：{'、'.join(failed)}。")]
    return []


def _acceptance(site):
    return facilities_violations(site.project.facilities)


def _handover(site):
    project = site.project
    found = []
    if not project.leading_industry.strip():
        found.append(Violation("no_leading_industry", "leading_industry",
                               "每个集中安置点至少须有1项主导产业（进入后扶前须登记）。"))
    if not project.service_centre.strip():
        found.append(Violation("no_service_centre", "service_centre", "进入后扶须登记安置点社区服务中心。"))
    if project.follow_up_officer_id is None:
        found.append(Violation("follow_up_officer_missing", "follow_up_officer", "进入后扶须指定后扶专干。"))
    return found


STAGE_CHECKS = {
    T.SELECTION: _selection,
    T.TENDER: _tender,
    T.CONSTRUCTION: _construction,
    T.STRUCTURE_DONE: _structure_done,
    T.ACCEPTANCE: _acceptance,
    T.HANDOVER: _handover,
}

