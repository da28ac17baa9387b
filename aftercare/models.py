"""后续扶持 records (docs/formats.md §3.2): the employment ledger (就业台账) and training per member
with labour, and the quarterly income table (季度收入监测表) per household.

Every row is written once (documents' ImmutableModel, a database trigger on PostgreSQL): a monthly
update of a member's employment is a new row, a correction of a quarter's income is a new version of
that quarter; the latest row is the current state, the earlier ones are its history (formats.md
§3.1: "实行每月更新、动态管理").
"""

from decimal import Decimal

from django.conf import settings
from django.db import models

from documents.models.immutable import ImmutableModel, write_once_triggers
from registry.fields import AreaCodeField
from registry.models import Household, Member, ResettlementSite
from registry.models.scoped import ScopedQuerySet


class EmploymentStatus(models.TextChoices):
    """就业状态 (formats.md §3.2)."""

    WAGE = "wage", "务工"
    PUBLIC_POST = "public_post", "公益岗位"
    WORKSHOP = "workshop", "帮扶车间"
    BUSINESS = "business", "自主创业"
    FLEXIBLE = "flexible", "灵活就业"
    NONE = "none", "未就业"


EMPLOYED_STATUSES = {s for s in EmploymentStatus.values if s != EmploymentStatus.NONE}


class WorkPlace(models.TextChoices):
    """就业地域 (formats.md §3.2)."""

    IN_COUNTY = "in_county", "县内"
    IN_PROVINCE = "in_province", "省内县外"
    OUT_OF_PROVINCE = "out_of_province", "省外"


class Channel(models.TextChoices):
    """就业渠道 — the national 防返贫 export's person field "就业渠道（易地搬迁后扶使用）" (formats.md
    §1.2). Its value list was not found in public sources; these labels are the channels the seeds
    name (001: 扶贫车间, 公益性岗位, 就业信息平台; 004: 企业吸纳, 东西部协作) plus 自主 and 其他."""

    ORGANISED = "organised", "政府有组织输出"
    EAST_WEST = "east_west", "东西部劳务协作"
    WORKSHOP = "workshop", "就业帮扶车间吸纳"
    PUBLIC_POST = "public_post", "公益性岗位安置"
    ENTERPRISE = "enterprise", "企业吸纳"
    PLATFORM = "platform", "就业服务平台推荐"
    SELF = "self", "自主就业创业"
    RELATIVES = "relatives", "亲友介绍"
    OTHER = "other", "其他"


class EmploymentRecord(ImmutableModel):
    """One monthly update of one member's employment (就业台账). Never changed: the next month's
    update is a new row, so the ledger keeps every month."""
    SCOPE_HOUSEHOLD = "household"  # registry.scope: the household these rows belong to (跨县安置)

    household = models.ForeignKey(Household, verbose_name="搬迁户", on_delete=models.PROTECT,
                                  related_name="employment_records")
    member = models.ForeignKey(Member, verbose_name="家庭成员", on_delete=models.PROTECT,
                               related_name="employment_records")
    area_code = AreaCodeField("区划代码", db_index=True)
    month = models.DateField("更新月份", help_text="所填情况对应的月份（该月1日）。")
    status = models.CharField("就业状态", max_length=16, choices=EmploymentStatus.choices)
    place = models.CharField("就业地域", max_length=16, choices=WorkPlace.choices, blank=True)
    employer = models.CharField("就业单位", max_length=100, blank=True)
    post = models.CharField("就业岗位（工种）", max_length=60, blank=True)
    months = models.PositiveSmallIntegerField("本年务工月数", default=0)
    monthly_income = models.DecimalField("月收入（元）", max_digits=9, decimal_places=2, null=True, blank=True)
    channel = models.CharField("就业渠道", max_length=16, choices=Channel.choices, blank=True)
    start_date = models.DateField("就业起始日期", null=True, blank=True)
    end_date = models.DateField("就业终止日期", null=True, blank=True)
    note = models.CharField("未就业原因或备注", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填报人", on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField("填报时间", auto_now_add=True)

    class Meta:
        verbose_name = "就业台账记录"
        verbose_name_plural = "就业台账记录"
        ordering = ["member", "-month", "-id"]
        indexes = [models.Index(fields=["member", "month"])]
        triggers = write_once_triggers()

    def __str__(self):
        return f"{self.member.name} {self.month:%Y-%m} {self.get_status_display()}"

    @property
    def employed(self) -> bool:
        return self.status in EMPLOYED_STATUSES


class TrainingRecord(ImmutableModel):
    """A training a member attended (004: 劳动力必须全员培训)."""
    SCOPE_HOUSEHOLD = "household"  # registry.scope: the household these rows belong to (跨县安置)

    household = models.ForeignKey(Household, verbose_name="搬迁户", on_delete=models.PROTECT,
                                  related_name="training_records")
    member = models.ForeignKey(Member, verbose_name="家庭成员", on_delete=models.PROTECT,
                               related_name="training_records")
    area_code = AreaCodeField("区划代码", db_index=True)
    project = models.CharField("培训项目", max_length=100)
    start_date = models.DateField("培训开始日期")
    end_date = models.DateField("培训结束日期")
    certificate = models.CharField("取得证书", max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填报人", on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField("填报时间", auto_now_add=True)

    class Meta:
        verbose_name = "培训记录"
        verbose_name_plural = "培训记录"
        ordering = ["member", "-start_date", "-id"]
        triggers = write_once_triggers()


class IncomeSource(models.TextChoices):
    PAGE = "page", "户页面录入"
    VILLAGE = "village", "整村录入"
    EXCEL = "excel", "Excel导入"


class IncomeReport(ImmutableModel):
    """One quarter's income of one household (季度收入监测表, formats.md §3.2), in yuan, for the
    quarter alone; the year-to-date figures are sums over the year's quarters. A correction is a
    new version of the same quarter."""
    SCOPE_HOUSEHOLD = "household"  # registry.scope: the household these rows belong to (跨县安置)

    household = models.ForeignKey(Household, verbose_name="搬迁户", on_delete=models.PROTECT,
                                  related_name="income_reports")
    area_code = AreaCodeField("区划代码", db_index=True)
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度", choices=[(1, "第一季度"), (2, "第二季度"), (3, "第三季度"),
                                                                (4, "第四季度")])
    version = models.PositiveSmallIntegerField("版本", default=1)
    persons = models.PositiveSmallIntegerField("家庭人口")
    wage = models.DecimalField("工资性收入", max_digits=10, decimal_places=2)
    public_post = models.DecimalField("其中：公益岗位收入", max_digits=10, decimal_places=2, default=Decimal("0"))
    business_gross = models.DecimalField("经营性收入（毛收入）", max_digits=10, decimal_places=2)
    business_cost = models.DecimalField("生产经营费用", max_digits=10, decimal_places=2)
    property_income = models.DecimalField("财产性收入", max_digits=10, decimal_places=2)
    transfer = models.DecimalField("转移性收入", max_digits=10, decimal_places=2)
    head_signed_on = models.DateField("户主签字日期")
    source = models.CharField("录入方式", max_length=8, choices=IncomeSource.choices, default=IncomeSource.PAGE)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填报人（后扶专干）",
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("填报时间", auto_now_add=True)

    class Meta:
        verbose_name = "季度收入监测记录"
        verbose_name_plural = "季度收入监测记录"
        ordering = ["household", "year", "quarter", "-version"]
        constraints = [models.UniqueConstraint(fields=["household", "year", "quarter", "version"],
                                               name="one_income_version")]
        triggers = write_once_triggers()

    @property
    def net(self) -> Decimal:
        """纯收入 of the quarter: 楚雄's K − R (formats.md §3.1) with the actual cost."""
        return self.wage + self.business_gross - self.business_cost + self.property_income + self.transfer


class MeasureKind(models.TextChoices):
    """帮扶措施 (formats.md §1.2: 开发式帮扶 产业/就业/公益岗位/金融, and 兜底 — seed 002 "保障兜底")."""

    INDUSTRY = "industry", "产业"
    EMPLOYMENT = "employment", "就业"
    PUBLIC_POST = "public_post", "公益岗位"
    FINANCE = "finance", "金融"
    SAFETY_NET = "safety_net", "兜底"


class LandKind(models.TextChoices):
    """迁出地“三块地” (seed 004: 承包地、山林地、宅基地)."""

    FARMLAND = "farmland", "耕地"
    FOREST = "forest", "林地"
    HOMESTEAD = "homestead", "宅基地"


class LandUse(models.TextChoices):
    """How the land left behind is put to use (seed 004: 必须有一种盘活途径; seed 001: 流转或入股)."""

    TRANSFER = "transfer", "流转"
    SHARES = "shares", "入股"
    RECLAIM = "reclaim", "复垦"
    TRUSTEESHIP = "trusteeship", "托管"


class SupportPlan(ImmutableModel):
    """A household's support plan (帮扶计划): its income channels, measures and the use of its land
    left behind. Each change is a new version; the latest is in force."""
    SCOPE_HOUSEHOLD = "household"  # registry.scope: the household these rows belong to (跨县安置)

    household = models.ForeignKey(Household, verbose_name="搬迁户", on_delete=models.PROTECT,
                                  related_name="support_plans")
    area_code = AreaCodeField("区划代码", db_index=True)
    version = models.PositiveSmallIntegerField("版本")
    income_channels = models.CharField("稳定增收渠道", max_length=200)
    measures = models.JSONField("帮扶措施类别", default=list)  # MeasureKind values
    measure_note = models.CharField("帮扶措施说明", max_length=500, blank=True)
    land_uses = models.JSONField("迁出地土地盘活", default=list)  # [{"land", "use", "area_mu"}]
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填报人", on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField("填报时间", auto_now_add=True)

    class Meta:
        verbose_name = "帮扶计划"
        verbose_name_plural = "帮扶计划"
        ordering = ["household", "-version"]
        constraints = [models.UniqueConstraint(fields=["household", "version"], name="one_plan_version")]
        triggers = write_once_triggers()

    @property
    def measure_labels(self) -> list[str]:
        return [MeasureKind(m).label for m in self.measures]

    @property
    def land_texts(self) -> list[str]:
        return [f"{LandKind(u['land']).label}{u['area_mu']}亩{LandUse(u['use']).label}" for u in self.land_uses]


class ContinuityItem(models.TextChoices):
    """What must follow the family to the new place (seed 002: 低保, 养老保险关系衔接, 户籍, 上学就医)."""

    MINIMUM_LIVING = "minimum_living", "低保"
    PENSION = "pension", "养老保险"
    MEDICAL = "medical", "医疗保险"
    HOUSEHOLD_REGISTRATION = "hukou", "户籍迁移"
    SCHOOLING = "schooling", "子女就学"


class ContinuityState(models.TextChoices):
    TRANSFERRED = "transferred", "已转移接续"
    KEPT = "kept", "保留在迁出地"
    NOT_APPLICABLE = "n_a", "不适用"


class ContinuityCheck(ImmutableModel):
    """One item of the continuity checklist confirmed (接续服务清单): what became of it, when, and who
    confirmed it. A later confirmation of the same item is a new row."""
    SCOPE_HOUSEHOLD = "household"  # registry.scope: the household these rows belong to (跨县安置)

    household = models.ForeignKey(Household, verbose_name="搬迁户", on_delete=models.PROTECT,
                                  related_name="continuity_checks")
    area_code = AreaCodeField("区划代码", db_index=True)
    item = models.CharField("接续事项", max_length=16, choices=ContinuityItem.choices)
    state = models.CharField("办理结果", max_length=16, choices=ContinuityState.choices)
    done_on = models.DateField("办理日期")
    confirmed_by = models.CharField("确认人（单位及姓名）", max_length=60)
    note = models.CharField("备注", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填报人", on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField("填报时间", auto_now_add=True)

    class Meta:
        verbose_name = "接续事项确认"
        verbose_name_plural = "接续事项确认"
        ordering = ["household", "item", "-id"]
        triggers = write_once_triggers()


class RiskType(models.TextChoices):
    """防返贫 risk types (formats.md §1.2, the relief system's code table; labels stored, not codes)."""

    ILLNESS = "01", "因病"
    DISASTER = "02", "因自然灾害"
    DISABILITY = "03", "因残"
    NO_LABOUR = "04", "因缺劳动力"
    ACCIDENT = "05", "因意外事故"
    INDUSTRY_FAILURE = "06", "因产业失败"
    UNSTABLE_JOB = "07", "因务工就业不稳"
    SCHOOLING = "09", "因学"
    OTHER = "99", "其他"


class RiskRule(models.TextChoices):
    """What raised the risk: a rule over the records, or an official (manual)."""

    BELOW_LINE = "below_line", "人均纯收入低于监测线"
    NO_JOB = "no_job", "有劳动力连续未就业"
    QUARTER_MISSING = "quarter_missing", "季度收入未填报"
    CONTINUITY_MISSING = "continuity_missing", "接续事项未确认"
    MANUAL = "manual", "人工识别"


class RiskStatus(models.TextChoices):
    OPEN = "open", "监测帮扶中"
    CLOSING = "closing", "申请风险消除"
    CLOSED = "closed", "风险已消除"


class Risk(models.Model):
    """A 防返贫 monitoring case (防返贫动态监测): raised by a rule or an official, worked by the 后扶专干
    and the 包保 cadre with measures, closed (风险消除) when the township approves. Its steps are
    write-once RiskSteps; the status here is what they add up to."""
    SCOPE_HOUSEHOLD = "household"  # registry.scope: the household these rows belong to (跨县安置)

    household = models.ForeignKey(Household, verbose_name="搬迁户", on_delete=models.PROTECT, related_name="risks")
    area_code = AreaCodeField("区划代码", db_index=True)
    rule = models.CharField("识别方式", max_length=24, choices=RiskRule.choices)
    risk_type = models.CharField("风险类型", max_length=2, choices=RiskType.choices)
    detail = models.CharField("风险情况", max_length=300)
    status = models.CharField("状态", max_length=8, choices=RiskStatus.choices, default=RiskStatus.OPEN)
    raised_at = models.DateTimeField("风险识别时间", auto_now_add=True)
    closed_at = models.DateTimeField("风险消除时间", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "防返贫监测风险"
        verbose_name_plural = "防返贫监测风险"
        ordering = ["-raised_at", "-id"]
        constraints = [models.UniqueConstraint(
            fields=["household", "rule"], condition=~models.Q(status="closed") & ~models.Q(rule="manual"),
            name="one_open_risk_per_rule",
            violation_error_message="该户同一规则已有未消除的风险。")]


class RiskStep(ImmutableModel):
    """One step of a risk: raised, a measure taken, closing requested, approved or sent back."""

    class Action(models.TextChoices):
        RAISE = "raise", "识别风险"
        MEASURE = "measure", "落实帮扶措施"
        REQUEST_CLOSE = "request_close", "申请风险消除"
        APPROVE_CLOSE = "approve_close", "批准风险消除"
        SEND_BACK = "send_back", "退回继续帮扶"

    risk = models.ForeignKey(Risk, verbose_name="风险", on_delete=models.PROTECT, related_name="steps")
    area_code = AreaCodeField("区划代码", db_index=True)
    action = models.CharField("环节", max_length=16, choices=Action.choices)
    text = models.CharField("内容", max_length=500)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="办理人", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "风险办理记录"
        verbose_name_plural = "风险办理记录"
        ordering = ["risk", "id"]
        triggers = write_once_triggers()


class HazardKind(models.TextChoices):
    """隐患排查 (seed 002: 加强日常风险监测和隐患排查; 严禁私自改扩建)."""

    GEOLOGICAL = "geological", "地质灾害隐患"
    BUILDING = "building", "房屋质量安全"
    FIRE = "fire", "消防安全"
    ILLEGAL_EXTENSION = "extension", "违规改扩建"
    FACILITIES = "facilities", "配套设施损坏"
    OTHER = "other", "其他"


class HazardStatus(models.TextChoices):
    FOUND = "found", "待制定整改方案"
    RECTIFYING = "rectifying", "整改中"
    CLOSED = "closed", "已整改销号"


class SiteHazard(models.Model):
    """A hazard found at a site (安置点隐患排查台账): inspection → rectification plan → closed, each step
    a write-once HazardStep with its photos, in the manner of the findings ledger."""

    site = models.ForeignKey(ResettlementSite, verbose_name="安置点", on_delete=models.PROTECT,
                             related_name="hazards")
    area_code = AreaCodeField("区划代码", db_index=True)
    kind = models.CharField("隐患类别", max_length=16, choices=HazardKind.choices)
    description = models.CharField("隐患情况", max_length=500)
    found_on = models.DateField("排查日期")
    status = models.CharField("状态", max_length=12, choices=HazardStatus.choices, default=HazardStatus.FOUND)
    deadline = models.DateField("整改期限", null=True, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "安置点隐患"
        verbose_name_plural = "安置点隐患"
        ordering = ["-found_on", "-id"]


class HazardStep(ImmutableModel):
    class Action(models.TextChoices):
        INSPECT = "inspect", "排查发现"
        PLAN = "plan", "制定整改方案"
        CLOSE = "close", "整改完成销号"

    hazard = models.ForeignKey(SiteHazard, verbose_name="隐患", on_delete=models.PROTECT, related_name="steps")
    area_code = AreaCodeField("区划代码", db_index=True)
    action = models.CharField("环节", max_length=8, choices=Action.choices)
    text = models.CharField("内容", max_length=500)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="办理人", on_delete=models.PROTECT,
                              related_name="+")
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "隐患办理记录"
        verbose_name_plural = "隐患办理记录"
        ordering = ["hazard", "id"]
        triggers = write_once_triggers()


class HazardPhoto(ImmutableModel):
    """A photo of a hazard's step: validated like evidence (documents.evidence.validation), stored
    once under hazards/, hashed with SHA-256 and SM3 at ingest."""

    step = models.ForeignKey(HazardStep, verbose_name="办理记录", on_delete=models.PROTECT, related_name="photos")
    area_code = AreaCodeField("区划代码", db_index=True)
    storage_name = models.CharField("存储名", max_length=255, unique=True)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=64)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    sm3 = models.CharField("SM3", max_length=64)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "隐患照片"
        verbose_name_plural = "隐患照片"
        ordering = ["step", "id"]
        triggers = write_once_triggers()
