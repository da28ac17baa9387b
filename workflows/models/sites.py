"""What the site lifecycle records besides the stage (issue 5): the project's own data (round,
schedule, tender, facilities, follow-up), opinions, the viewflow process, progress reports,
the funds ledger, unit allocation and the households' self-funds ledger.

Ledgers and reports are written once (docs/architecture.md decision 5): Python refuses updates and
deletes, and on PostgreSQL a trigger does too. A wrong entry is answered by a new one.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from viewflow.workflow.models import Process
from viewflow.workflow.status import PROCESS

from documents.models import Evidence
from documents.models.immutable import ImmutableModel, write_once_triggers
from registry.fields import AreaCodeField
from registry.models import Household, ResettlementSite
from registry.models.scoped import ScopedQuerySet
from workflows.models.households import OpinionFields


class SiteProject(models.Model):
    """The construction project of one site: what its lifecycle records beyond the stage."""

    site = models.OneToOneField(ResettlementSite, verbose_name="安置点", on_delete=models.PROTECT,
                                related_name="project")
    area_code = AreaCodeField("区划代码", db_index=True, editable=False)
    # A round starts each time the site enters a stage; opinions belong to a round.
    stage_round = models.PositiveIntegerField("阶段轮次", default=1, editable=False)
    stage_entered_at = models.DateTimeField("进入本阶段时间", default=timezone.now, editable=False)
    # Milestone deadlines (000: "start by June 20, structure by end of September, keys by end of
    # November"): a site past one of them without the milestone reported is slow (预警).
    start_by = models.DateField("计划开工日期", null=True, blank=True)
    structure_by = models.DateField("计划主体完工日期", null=True, blank=True)
    handover_by = models.DateField("计划交付日期", null=True, blank=True)
    # 招投标: seed 002 "达到招标规模标准的，必须依法招标"; below the threshold, a flag with a reason.
    tender_exempt = models.BooleanField("依法可不招标", default=False)
    tender_exempt_reason = models.CharField("不招标理由", max_length=300, blank=True)
    contractor = models.CharField("施工单位", max_length=200, blank=True)
    contract_amount = models.DecimalField("施工合同金额（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    # 竣工验收: the supporting facilities accepted with the housing, [{"name": ..., "result": "合格"}].
    facilities = models.JSONField("配套设施验收情况", default=list, blank=True)
    # 后扶 (001 "一人、一图、一表、一中心"; seed 002: at least one leading industry per site).
    leading_industry = models.CharField("主导产业", max_length=200, blank=True)
    service_centre = models.CharField("社区服务中心", max_length=200, blank=True)
    follow_up_officer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="后扶专干", null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="sites_followed")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "安置点建设项目"
        verbose_name_plural = "安置点建设项目"

    def __str__(self):
        return f"{self.site}（项目）"

    def save(self, *args, **kwargs):
        self.area_code = self.site.area_code
        super().save(*args, **kwargs)

    @classmethod
    def for_site(cls, site) -> "SiteProject":
        """The site's project row (created with the site; made here for sites older than it)."""
        project, _ = cls.objects.get_or_create(site_id=site.pk)
        return project


class SiteOpinion(OpinionFields):
    """One official's decision on one step of one round of a site stage."""

    site = models.ForeignKey(ResettlementSite, verbose_name="安置点", on_delete=models.PROTECT, related_name="opinions")
    stage = models.CharField("阶段", max_length=20)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "安置点审批意见"
        verbose_name_plural = "安置点审批意见"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["site", "stage", "round"], name="site_opinion_round_idx")]

    def save(self, *args, **kwargs):
        self.area_code = self.site.area_code
        super().save(*args, **kwargs)


class SiteProcess(Process):
    """The viewflow process of one round of one stage of one site."""

    site = models.ForeignKey(ResettlementSite, verbose_name="安置点", on_delete=models.PROTECT, related_name="processes")
    area_code = AreaCodeField("区划代码", db_index=True, editable=False)
    stage = models.CharField("阶段", max_length=20)
    round = models.PositiveIntegerField("轮次")
    is_open = models.BooleanField("进行中", default=True, editable=False)  # as HouseholdProcess.is_open

    class Meta:
        verbose_name = "安置点流程实例"
        verbose_name_plural = "安置点流程实例"
        indexes = [models.Index(fields=["area_code", "process_ptr"], condition=models.Q(is_open=True),
                                name="sprocess_open_area_idx")]

    def save(self, *args, **kwargs):
        self.area_code = self.site.area_code
        self.is_open = self.status == PROCESS.NEW
        super().save(*args, **kwargs)


class Milestone(models.TextChoices):
    START = "start", "开工"
    STRUCTURE = "structure", "主体封顶"
    COMPLETION = "completion", "竣工"
    HANDOVER = "handover", "交付（交钥匙）"


class ProgressReport(ImmutableModel):
    """A dated progress report (001: "日报"): percent complete, milestone, note and photos."""

    site = models.ForeignKey(ResettlementSite, verbose_name="安置点", on_delete=models.PROTECT,
                             related_name="progress_reports")
    area_code = AreaCodeField("区划代码", db_index=True, editable=False)
    reported_on = models.DateField("报告日期")
    percent = models.DecimalField("形象进度（%）", max_digits=5, decimal_places=2)
    milestone = models.CharField("节点", max_length=12, choices=Milestone.choices, blank=True)
    note = models.TextField("进度说明", blank=True)
    photos = models.ManyToManyField(Evidence, verbose_name="进度照片", related_name="+", blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="报告人", on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField("录入时间", default=timezone.now)

    class Meta:
        verbose_name = "建设进度报告"
        verbose_name_plural = "建设进度报告"
        ordering = ["-reported_on", "-id"]
        indexes = [models.Index(fields=["site", "milestone"], name="progress_milestone_idx")]
        triggers = write_once_triggers()

    def save(self, *args, **kwargs):
        self.area_code = self.site.area_code
        super().save(*args, **kwargs)


class FundKind(models.TextChoices):
    ARRIVAL = "arrival", "资金到位"
    DISBURSEMENT = "disbursement", "资金拨付"


class FundSource(models.TextChoices):
    """Where a site's money comes from (the program's usual channels)."""

    CENTRAL_BUDGET = "central_budget", "中央预算内投资"
    LOCAL_BOND = "local_bond", "地方政府债券"
    SPECIAL_FUND = "special_fund", "专项建设基金"
    LOAN = "loan", "长期低息贷款"
    LAND_QUOTA = "land_quota", "增减挂钩节余指标收益"
    OTHER = "other", "其他"


class FundEntry(ImmutableModel):
    """One entry of a site's funds ledger: money arrived (到位) or paid out (拨付), with its voucher."""

    site = models.ForeignKey(ResettlementSite, verbose_name="安置点", on_delete=models.PROTECT,
                             related_name="fund_entries")
    area_code = AreaCodeField("区划代码", db_index=True, editable=False)
    kind = models.CharField("类别", max_length=12, choices=FundKind.choices)
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2)
    entry_date = models.DateField("日期")
    source = models.CharField("资金来源", max_length=16, choices=FundSource.choices, blank=True)
    payee = models.CharField("收款单位", max_length=200, blank=True)
    purpose = models.CharField("用途", max_length=200, blank=True)
    voucher = models.OneToOneField(Evidence, verbose_name="凭证", on_delete=models.PROTECT, related_name="+")
    # What the limit was computed from when a disbursement was booked (for the statement).
    progress_percent = models.DecimalField("拨付时形象进度（%）", max_digits=5, decimal_places=2, null=True,
                                           blank=True)
    note = models.CharField("备注", max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField("录入时间", default=timezone.now)

    class Meta:
        verbose_name = "安置点资金台账"
        verbose_name_plural = "安置点资金台账"
        ordering = ["entry_date", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="fund_amount_positive")]
        triggers = write_once_triggers()

    def save(self, *args, **kwargs):
        self.area_code = self.site.area_code
        super().save(*args, **kwargs)


class AllocationMethod(models.TextChoices):
    LOTTERY = "lottery", "抽签分房"
    CHOICE = "choice", "按序选房"


class UnitAllocation(ImmutableModel):
    """分房: the unit of a site one household will live in, decided by lot or by choice."""

    site = models.ForeignKey(ResettlementSite, verbose_name="安置点", on_delete=models.PROTECT,
                             related_name="allocations")
    household = models.OneToOneField(Household, verbose_name="搬迁户", on_delete=models.PROTECT,
                                     related_name="unit_allocation")
    area_code = AreaCodeField("区划代码", db_index=True, editable=False)  # the household's
    unit = models.CharField("房号", max_length=40)
    method = models.CharField("分房方式", max_length=10, choices=AllocationMethod.choices)
    allocated_on = models.DateField("分房日期")
    evidence = models.ForeignKey(Evidence, verbose_name="分房记录", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField("录入时间", default=timezone.now)

    class Meta:
        verbose_name = "分房记录"
        verbose_name_plural = "分房记录"
        ordering = ["site", "unit"]
        constraints = [models.UniqueConstraint(fields=["site", "unit"], name="one_household_per_unit",
                                               violation_error_message="该房号已分配给其他搬迁户。")]
        triggers = write_once_triggers()

    def save(self, *args, **kwargs):
        self.area_code = self.household.area_code
        super().save(*args, **kwargs)


class SelfFundKind(models.TextChoices):
    RECEIVED = "received", "收取"
    USED = "used", "使用"


class SelfFundPurpose(models.TextChoices):
    """seed 002: "群众自筹资金只能用于住房建设，不得用于其他方面支出" — housing is the only purpose."""

    HOUSING = "housing", "住房建设（含购房）"


class SelfFundEntry(ImmutableModel):
    """One entry of a household's self-funds ledger (seed 002: a ledger per category, published)."""

    household = models.ForeignKey(Household, verbose_name="搬迁户", on_delete=models.PROTECT,
                                  related_name="self_fund_entries")
    area_code = AreaCodeField("区划代码", db_index=True, editable=False)
    kind = models.CharField("类别", max_length=10, choices=SelfFundKind.choices)
    amount = models.DecimalField("金额（元）", max_digits=10, decimal_places=2)
    entry_date = models.DateField("日期")
    purpose = models.CharField("用途", max_length=10, choices=SelfFundPurpose.choices, blank=True)
    voucher = models.OneToOneField(Evidence, verbose_name="凭证", on_delete=models.PROTECT, related_name="+")
    note = models.CharField("备注", max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField("录入时间", default=timezone.now)

    class Meta:
        verbose_name = "户自筹资金台账"
        verbose_name_plural = "户自筹资金台账"
        ordering = ["entry_date", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="self_fund_amount_positive")]
        triggers = write_once_triggers()

    def save(self, *args, **kwargs):
        self.area_code = self.household.area_code
        super().save(*args, **kwargs)


__all__ = [
    "AllocationMethod", "FundEntry", "FundKind", "FundSource", "Milestone", "ProgressReport", "SelfFundEntry",
    "SelfFundKind", "SelfFundPurpose", "SiteOpinion", "SiteProcess", "SiteProject", "UnitAllocation",
]
