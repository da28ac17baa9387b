"""The demo county's three sites (built by registry/demo.py's seed_demo) moved to different
stages through the real site services, so that the demo shows the site lifecycle:

- 520999-AZD-02 城关镇新街安置点: handed over (交付入住) — its households may move in;
- 520999-AZD-01 示例县城北安置点: under construction at 45 %, funds arrived beyond what has been
  paid out: there are funds to disburse within the progress limit;
- 520999-AZD-03 高坡乡坪坝安置点: plan approved, tender recorded, waiting for the housing bureau's
  permit check — and past its planned start date: listed as slow (预警).

Every move is a call an official could have made, by the post that makes it; nothing here writes
`stage`. Each service call commits on its own (documents render after it). Running it again
changes nothing: each site is built only while it is still untouched in 选址规划.

`hand_over_site` and `allocate_demo_unit` are also what the households' demo (workflows/households/demo.py)
uses for its handed-over site and for 分房 before 入住.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from documents.evidence.services import ingest_evidence
from documents.models import EvidenceKind
from registry.demo import COUNTY, SITES, demo_posts
from registry.models import Household, HouseholdStage, ResettlementMode, ResettlementSite
from registry.models import SiteStage as T
from workflows import acting
from workflows.demo_evidence import EvidenceMaker
from workflows.models.sites import AllocationMethod, FundSource, Milestone, SiteOpinion, UnitAllocation
from workflows.sites import (
    allocation as site_allocation,
)
from workflows.sites import (
    funds as site_funds,
)
from workflows.sites import (
    progress as site_progress,
)
from workflows.sites import (
    service as site_service,
)
from workflows.sites import (
    stages as site_stages,
)

COUNTY_SITE, HANDOVER_SITE, LATE_SITE = (s[0] for s in SITES)
DEMO_NOTE = "演示材料（系统生成）"
PHOTO_KINDS = {"site_progress_photo"}


class SiteDemoError(Exception):
    """The demo cannot be built (registry demo missing) or a service refused a demo step."""


@dataclass
class SiteDemoSummary:
    built: list[str] = field(default_factory=list)  # site codes moved by this run
    evidence: int = 0


def site_demo_officials() -> dict:
    """The county posts by role codename, and the township reviewers by township code."""
    posts = {(p.role, p.area_code): p.username for p in demo_posts()}
    users = {u.username: u for u in get_user_model().objects.filter(username__in=posts.values(), is_active=True)}
    found = {key: users.get(name) for key, name in posts.items()}
    missing = sorted(name for key, name in posts.items() if found[key] is None)
    if missing:
        raise SiteDemoError(f"示例县演示账号不全（缺少 {'、'.join(missing[:5])} 等），请先运行 seed_demo。")
    return found


class _Build:
    def __init__(self, summary: SiteDemoSummary):
        self.summary = summary
        self.files = EvidenceMaker()
        self.users = site_demo_officials()
        self.today = timezone.localdate()

    def county(self, role):
        return self.users[(role, COUNTY[0])]

    def reviewer(self, household):
        return self.users[(site_stages.REVIEWER, household.area_code[:9] + "000")]

    def days(self, n) -> datetime.date:
        return self.today + datetime.timedelta(days=n)

    def upload(self, kind, site_or_household, extra=""):
        label = EvidenceKind(kind).label
        name = getattr(site_or_household, "name", None) or site_or_household.number
        lines = [str(name), extra] if extra else [str(name)]
        if kind in PHOTO_KINDS:
            content = self.files.photo(kind, [label] + lines + [DEMO_NOTE], [kind, "DEMO"])
            return SimpleUploadedFile(f"{kind}.png", content, content_type="image/png")
        content = self.files.scan(label, lines + [DEMO_NOTE], kind, ["DEMO"])
        return SimpleUploadedFile(f"{kind}.pdf", content, content_type="application/pdf")

    def give(self, site, *kinds, actor=None, extra=""):
        site = ResettlementSite.objects.get(pk=site.pk)
        items = [ingest_evidence(actor=actor or self.county(site_stages.COUNTY_OFFICE),
                                 upload=self.upload(kind, site, extra), stage=site.stage, kind=kind, site=site,
                                 description=DEMO_NOTE) for kind in kinds]
        self.summary.evidence += len(items)
        return items

    def run(self, site, what, call, *args, **kwargs):
        try:
            return call(*args, **kwargs)
        except acting.Refused as exc:
            raise SiteDemoError(f"{site.code}：{what} 被拒绝：{exc.message}") from exc

    def approve(self, site, step, actor, opinion, **kwargs):
        return self.run(site, step, site_service.decide, site.pk, step=step, actor=actor, decision="approve",
                        opinion=opinion, **kwargs)

    def report(self, site, reported_on, percent, milestone="", note=""):
        housing = self.county(site_stages.HOUSING)
        photos = self.give(site, "site_progress_photo", actor=housing, extra=f"形象进度 {percent}%")
        return self.run(site, "进度报告", site_progress.report_progress, site.pk, actor=housing,
                        reported_on=reported_on, percent=Decimal(percent), milestone=milestone, note=note,
                        photos=photos)

    def arrive(self, site, share, source, days_ago):
        finance = self.county(site_stages.FINANCE)
        voucher = self.give(site, "fund_voucher", actor=finance, extra=f"到位 {FundSource(source).label}")[0]
        amount = (Decimal(site.planned_funds) * Decimal(share)).quantize(Decimal("0.01"))
        return self.run(site, "资金到位", site_funds.record_arrival, site.pk, actor=finance, amount=amount,
                        entry_date=self.days(-days_ago), source=source, voucher=voucher, note=DEMO_NOTE)

    def disburse(self, site, share, purpose, days_ago):
        finance = self.county(site_stages.FINANCE)
        voucher = self.give(site, "fund_voucher", actor=finance, extra=f"拨付 {purpose}")[0]
        amount = (Decimal(site.planned_funds) * Decimal(share)).quantize(Decimal("0.01"))
        return self.run(site, "资金拨付", site_funds.record_disbursement, site.pk, actor=finance, amount=amount,
                        entry_date=self.days(-days_ago), payee=f"{COUNTY[1]}安居建设工程有限公司", purpose=purpose,
                        voucher=voucher, note=DEMO_NOTE)

    # The stages, each as the bureaus would walk them.
    def selection(self, site, schedule):
        office, natres = self.county(site_stages.COUNTY_OFFICE), self.county(site_stages.NATURAL_RESOURCES)
        self.give(site, *site_stages.SELECTION_PAPERS)
        self.approve(site, "selection_opinion", natres, "选址符合“四近一建”要求，经地质灾害危险性评估无隐患，同意选址。")
        self.give(site, *site_stages.PLAN_PACKAGE)
        self.approve(site, "plan_submission", office, "实施方案及三个配套方案已编制完成，报请集中会审。",
                     changes=schedule)

    def review(self, site):
        for role in site_stages.joint_review_roles():
            step = site_stages.JOINT_REVIEW_STEPS[role]
            self.approve(site, step.code, self.county(role), f"{step.label.removeprefix('方案会审（').rstrip('）')}：同意。")

    def tender(self, site, *, permit=True):
        office, housing = self.county(site_stages.COUNTY_OFFICE), self.county(site_stages.HOUSING)
        self.give(site, site_stages.TENDER_DOCUMENTS, "construction_contract")
        amount = (Decimal(site.planned_funds) * Decimal("0.8")).quantize(Decimal("1"))
        self.approve(site, "tender_record", office, "已依法公开招标并签订施工合同。",
                     changes={"contractor": f"{COUNTY[1]}安居建设工程有限公司", "contract_amount": amount})
        if permit:
            self.give(site, "drawing_review_certificate", "construction_permit")
            self.approve(site, "permit_check", housing, "施工图审查合格，施工许可证已核发，同意开工。")

    def accept(self, site):
        housing, office = self.county(site_stages.HOUSING), self.county(site_stages.COUNTY_OFFICE)
        self.give(site, "completion_acceptance_report", "facilities_acceptance_report", actor=housing)
        facilities = [{"name": name, "result": "合格"} for name in
                      ("道路及停车场", "供水供电管网", "污水处理设施", "幼儿园", "卫生室", "社区服务中心")]
        self.approve(site, "completion_acceptance", housing, "安置住房与配套设施同步验收合格。",
                     changes={"facilities": facilities})
        self.give(site, "settlement_audit_report")
        self.approve(site, "acceptance_confirmation", office, "竣工验收备案，结算审计已完成。")


def _untouched(site) -> bool:
    return site.stage == T.SELECTION and not SiteOpinion.objects.filter(site=site).exists()


def hand_over_site(code: str = HANDOVER_SITE, *, build: _Build | None = None) -> ResettlementSite:
    """Walk the site through the lifecycle up to 交付入住 (unless it is there already)."""
    build = build or _Build(SiteDemoSummary())
    site = ResettlementSite.objects.get(code=code)
    if site_stages.reached(site.stage, T.HANDOVER):
        return site
    if not _untouched(site):
        raise SiteDemoError(f"{site.code} 已在“{site.get_stage_display()}”阶段，演示不再推进。")
    build.selection(site, {"start_by": build.days(-240), "structure_by": build.days(-120),
                           "handover_by": build.days(-15)})
    build.review(site)
    build.tender(site)
    # Money follows progress (seed 002): the advance after the start, the next payment after the
    # structure is topped out.
    build.arrive(site, "0.60", FundSource.CENTRAL_BUDGET, 238)
    build.report(site, build.days(-235), "5", Milestone.START, "场地平整完成，正式开工。")
    build.disburse(site, "0.30", "工程预付款", 230)
    build.report(site, build.days(-118), "65", Milestone.STRUCTURE, "主体结构封顶。")
    build.arrive(site, "0.40", FundSource.LOCAL_BOND, 115)
    build.disburse(site, "0.60", "工程进度款（主体封顶）", 100)
    build.approve(site, "structure_check", build.county(site_stages.HOUSING), "主体结构经质量安全监督检查合格。")
    build.report(site, build.days(-25), "100", Milestone.COMPLETION, "房屋及配套设施完工。")
    build.approve(site, "acceptance_application", build.county(site_stages.COUNTY_OFFICE), "工程已完工，申请竣工验收。")
    build.accept(site)
    build.summary.built.append(site.code)
    return ResettlementSite.objects.get(pk=site.pk)


def allocate_demo_unit(household: Household, *, build: _Build | None = None):
    """分房 for one centralised household of a demo site (by lot), with its signed record."""
    if household.resettlement_mode != ResettlementMode.CENTRALISED or household.site_id is None:
        return None
    if UnitAllocation.objects.filter(household=household).exists():
        return None
    build = build or _Build(SiteDemoSummary())
    reviewer = build.reviewer(household)
    household = Household.objects.get(pk=household.pk)
    record = ingest_evidence(actor=reviewer, upload=build.upload("unit_allocation_record", household, "抽签分房"),
                             stage=household.stage, kind="unit_allocation_record", household=household,
                             description=DEMO_NOTE)
    build.summary.evidence += 1
    n = UnitAllocation.objects.filter(site_id=household.site_id).count()
    unit = f"{n // 12 + 1}栋{n % 12 // 2 + 1}0{n % 2 + 1}"
    try:
        return site_allocation.allocate_unit(household.pk, actor=reviewer, unit=unit, method=AllocationMethod.LOTTERY,
                                             allocated_on=build.today, evidence=record)
    except acting.Refused as exc:
        raise SiteDemoError(f"{household.number}：分房被拒绝：{exc.message}") from exc


def build_site_demo() -> SiteDemoSummary:
    """Move the three demo sites to their stages, each only while it is untouched."""
    if not ResettlementSite.objects.filter(code__in=[COUNTY_SITE, HANDOVER_SITE, LATE_SITE]).count() == 3:
        raise SiteDemoError("示例县演示数据不存在，请先运行 seed_demo。")
    summary = SiteDemoSummary()
    build = _Build(summary)

    hand_over_site(HANDOVER_SITE, build=build)

    site = ResettlementSite.objects.get(code=COUNTY_SITE)
    if _untouched(site):
        # Under construction, on schedule, with money arrived beyond what progress has paid out.
        build.selection(site, {"start_by": build.days(-70), "structure_by": build.days(60),
                               "handover_by": build.days(150)})
        build.review(site)
        build.tender(site)
        build.arrive(site, "0.40", FundSource.CENTRAL_BUDGET, 65)
        build.report(site, build.days(-60), "8", Milestone.START, "场地平整完成，正式开工。")
        build.disburse(site, "0.25", "工程预付款", 55)
        build.report(site, build.days(-30), "28", note="基础工程完成。")
        build.disburse(site, "0.15", "工程进度款（基础完工）", 25)
        build.arrive(site, "0.20", FundSource.LOCAL_BOND, 20)
        build.report(site, build.days(-2), "45", note="主体结构施工至第四层。")
        summary.built.append(site.code)

    site = ResettlementSite.objects.get(code=LATE_SITE)
    if _untouched(site):
        # Planned to start three weeks ago and still waiting for its permit: slow (预警).
        build.selection(site, {"start_by": build.days(-21), "structure_by": build.days(90),
                               "handover_by": build.days(180)})
        build.review(site)
        build.tender(site, permit=False)
        build.arrive(site, "0.20", FundSource.CENTRAL_BUDGET, 30)
        summary.built.append(site.code)
    return summary


def site_state() -> list[list[str]]:
    """Rows for the command's table: site, stage, funds, late milestones."""
    rows = []
    for site in ResettlementSite.objects.filter(code__in=[s[0] for s in SITES]).select_related("project"):
        position = site_funds.funds_position(site)
        late = "；".join(m.message for m in site_progress.late_milestones(site)) or "—"
        rows.append([site.code, site.name, site.get_stage_display(), f"{position.percent}%",
                     f"{position.arrived:,.2f}", f"{position.disbursed:,.2f}", f"{position.available:,.2f}", late])
    return rows


def moved_in_without_unit() -> int:
    """Centralised households past 入住 without a unit (should be none)."""
    return Household.objects.filter(resettlement_mode=ResettlementMode.CENTRALISED,
                                    stage__in=[HouseholdStage.MOVE_IN, HouseholdStage.DEMOLITION,
                                               HouseholdStage.FOLLOW_UP],
                                    unit_allocation__isnull=True).count()
