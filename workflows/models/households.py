"""What the lifecycle records besides the stage: opinions, review meetings, notice batches,
objections, and the viewflow process that carries a stage's human tasks."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from viewflow.workflow.models import Process
from viewflow.workflow.status import PROCESS

from registry.fields import AreaCodeField
from registry.models import AdminArea, Household


class Decision(models.TextChoices):
    APPROVE = "approve", "同意"
    RETURN = "return", "退回"
    REQUEST = "request", "申请"
    REJECT = "reject", "不同意"
    SYSTEM = "system", "系统处理"


class OpinionFields(models.Model):
    """What every opinion records — on a household's step (Opinion) or a site's (SiteOpinion)."""

    area_code = AreaCodeField("区划代码", db_index=True, editable=False)
    round = models.PositiveIntegerField("轮次")
    step = models.CharField("环节", max_length=40)
    decision = models.CharField("意见", max_length=10, choices=Decision.choices)
    text = models.TextField("意见内容", blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="签署人", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    role = models.CharField("岗位", max_length=64, blank=True)
    signature_level = models.CharField("签署层级", max_length=16, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        abstract = True


class Opinion(OpinionFields):
    """One official's decision on one step of one round of a stage, with its signature level."""

    household = models.ForeignKey(Household, verbose_name="搬迁户", on_delete=models.PROTECT, related_name="opinions")
    stage = models.CharField("阶段", max_length=16)

    class Meta:
        verbose_name = "审批意见"
        verbose_name_plural = "审批意见"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["household", "stage", "round"], name="opinion_round_idx")]

    def save(self, *args, **kwargs):
        self.area_code = self.household.area_code
        super().save(*args, **kwargs)


class MeetingType(models.TextChoices):
    REPRESENTATIVES = "representatives", "村民代表会议"
    VILLAGERS = "villagers", "村民会议"


class ReviewMeeting(models.Model):
    """民主评议: the village meeting that votes on a list of applicant households."""

    village = models.ForeignKey(AdminArea, verbose_name="村", on_delete=models.PROTECT, related_name="+")
    area_code = AreaCodeField("区划代码", db_index=True, editable=False)
    meeting_type = models.CharField("会议类型", max_length=20, choices=MeetingType.choices,
                                    default=MeetingType.REPRESENTATIVES)
    held_on = models.DateField("会议日期")
    place = models.CharField("会议地点", max_length=100)
    expected_members = models.PositiveIntegerField("应到人数")
    present_members = models.PositiveIntegerField("实到人数")
    minutes = models.TextField("会议纪要", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField("录入时间", default=timezone.now)

    class Meta:
        verbose_name = "民主评议会议"
        verbose_name_plural = "民主评议会议"
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"{self.village.name} {self.held_on} {self.get_meeting_type_display()}"

    def save(self, *args, **kwargs):
        self.area_code = self.village.code
        super().save(*args, **kwargs)


class ReviewVote(models.Model):
    meeting = models.ForeignKey(ReviewMeeting, verbose_name="评议会议", on_delete=models.PROTECT, related_name="votes")
    household = models.ForeignKey(Household, verbose_name="搬迁户", on_delete=models.PROTECT,
                                  related_name="review_votes")
    agree = models.PositiveIntegerField("同意")
    against = models.PositiveIntegerField("反对")
    abstain = models.PositiveIntegerField("弃权")
    passed = models.BooleanField("通过")
    reason = models.TextField("未通过原因", blank=True)

    class Meta:
        verbose_name = "评议表决"
        verbose_name_plural = "评议表决"
        constraints = [models.UniqueConstraint(fields=["meeting", "household"], name="one_vote_per_household")]


class NoticeBatch(models.Model):
    """公示: the households of one village that passed 评议 together, posted for a fixed period."""

    village = models.ForeignKey(AdminArea, verbose_name="村", on_delete=models.PROTECT, related_name="+")
    area_code = AreaCodeField("区划代码", db_index=True, editable=False)
    posted_on = models.DateField("公示开始日期")
    ends_on = models.DateField("公示截止日期")
    posted_at = models.CharField("张贴地点", max_length=200)
    households = models.ManyToManyField(Household, verbose_name="公示户", related_name="notice_batches")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    closed_at = models.DateTimeField("结束处理时间", null=True, blank=True)

    class Meta:
        verbose_name = "公示批次"
        verbose_name_plural = "公示批次"
        ordering = ["-posted_on", "-id"]

    def __str__(self):
        return f"{self.village.name} {self.posted_on}—{self.ends_on} 公示"

    def save(self, *args, **kwargs):
        self.area_code = self.village.code
        super().save(*args, **kwargs)

    @property
    def is_over(self) -> bool:
        return timezone.localdate() > self.ends_on


class ObjectionStatus(models.TextChoices):
    OPEN = "open", "待处理"
    UPHELD = "upheld", "异议成立"
    DISMISSED = "dismissed", "异议不成立"


class Objection(models.Model):
    """异议 raised against one household during its notice period; resolved by the township."""

    batch = models.ForeignKey(NoticeBatch, verbose_name="公示批次", on_delete=models.PROTECT, related_name="objections")
    household = models.ForeignKey(Household, verbose_name="搬迁户", on_delete=models.PROTECT,
                                  related_name="objections")
    area_code = AreaCodeField("区划代码", db_index=True, editable=False)
    objector = models.CharField("异议人", max_length=100)
    content = models.TextField("异议内容")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField("登记时间", default=timezone.now)
    status = models.CharField("处理结果", max_length=10, choices=ObjectionStatus.choices,
                              default=ObjectionStatus.OPEN)
    resolution = models.TextField("处理意见", blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="处理人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        verbose_name = "公示异议"
        verbose_name_plural = "公示异议"
        ordering = ["recorded_at", "id"]

    def save(self, *args, **kwargs):
        self.area_code = self.household.area_code
        super().save(*args, **kwargs)


class HouseholdProcess(Process):
    """The viewflow process of one round of one stage of one household."""

    household = models.ForeignKey(Household, verbose_name="搬迁户", on_delete=models.PROTECT,
                                  related_name="processes")
    area_code = AreaCodeField("区划代码", db_index=True, editable=False)
    stage = models.CharField("阶段", max_length=16)
    round = models.PositiveIntegerField("轮次")
    # Whether the process still runs (viewflow's status NEW), kept by save() — viewflow saves the
    # process whenever its status changes. The worklist's scope reads the open processes of an area
    # by the partial index below: as many as the area has cases under way, whatever the province
    # holds (issue 18, docs/scaling.md).
    is_open = models.BooleanField("进行中", default=True, editable=False)

    class Meta:
        verbose_name = "流程实例"
        verbose_name_plural = "流程实例"
        # The worklist's scope filter starts here (area-code prefix) and joins open tasks by process:
        # with the process id in the index that step reads no table rows (docs/scaling.md).
        indexes = [models.Index(fields=["area_code", "process_ptr"], name="hprocess_area_idx"),
                   models.Index(fields=["area_code", "process_ptr"], condition=models.Q(is_open=True),
                                name="hprocess_open_area_idx")]

    def save(self, *args, **kwargs):
        # Taken from the household when the process is made (or its household is at hand): viewflow
        # saves the process again at every step, and a query for the area each time is a transition's
        # cost (issue 18) for a code that does not change within a process.
        if self._state.adding or not self.area_code or "household" in self._state.fields_cache:
            self.area_code = self.household.area_code
        self.is_open = self.status == PROCESS.NEW
        super().save(*args, **kwargs)
