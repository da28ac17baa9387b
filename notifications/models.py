"""What the notifications app keeps: the notices themselves (one row per user and event), what each
owes to the outside channels (an outbox row per channel, written in the same transaction and sent
after commit), each user's choice of channels per kind, escalations, delegations (代理) and the
inbox's saved views."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Kind(models.TextChoices):
    TASK_ARRIVED = "task_arrived", "新任务到达"
    CASE_RETURNED = "case_returned", "案件被退回"
    STEP_DUE = "step_due", "环节即将到期"
    STEP_OVERDUE = "step_overdue", "环节已逾期"
    ESCALATED = "escalated", "逾期升级督办"
    FINDING_FILED = "finding_filed", "督查问题交办"
    FINDING_SENT_BACK = "finding_sent_back", "督查问题退回重新整改"
    FINDING_CLOSED = "finding_closed", "督查问题销号"
    NOTICE_ENDED = "notice_ended", "公示期满"
    OBJECTION_FILED = "objection_filed", "公示异议登记"
    RENDER_FAILED = "render_failed", "文书生成失败"
    DIGEST = "digest", "每日汇总"


class Channel(models.TextChoices):
    EMAIL = "email", "电子邮件"
    SMS = "sms", "短信"


class Notification(models.Model):
    """One notice to one user. `key` names the event (e.g. "task:12"): a user gets one notice of a
    kind per key, however often the cause is seen (reminder runs, retries)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE,
                             related_name="notifications")
    kind = models.CharField("类别", max_length=32, choices=Kind.choices)
    key = models.CharField("事件标识", max_length=120)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=300, blank=True)
    area_code = models.CharField("区划代码", max_length=12, blank=True)
    # A copy sent to a delegate (代理) names the official it stands in for.
    on_behalf_of = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="代理对象", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "消息"
        verbose_name_plural = "消息"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "kind", "key"], name="one_notice_per_event")]
        indexes = [models.Index(fields=["user", "read_at"], name="notice_user_unread_idx")]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.title}"


class Delivery(models.Model):
    """What one notice owes to one outside channel (the outbox): written with the notice, sent after
    commit; a failure stays owed and is retried (beat: notifications-deliver-pending)."""

    class Status(models.TextChoices):
        OWED = "owed", "待发送"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"
        SKIPPED = "skipped", "无联系方式"

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField("渠道", max_length=8, choices=Channel.choices)
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.OWED, db_index=True)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    last_error = models.CharField("最近错误", max_length=500, blank=True)
    next_attempt_at = models.DateTimeField("下次尝试", default=timezone.now)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "消息发送"
        verbose_name_plural = "消息发送"
        constraints = [models.UniqueConstraint(fields=["notification", "channel"], name="one_delivery_per_channel")]


class ChannelChoice(models.Model):
    """A user's choice: notices of `kind` also reach them by `channel` (the bell always shows them)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("类别", max_length=32, choices=Kind.choices)
    channel = models.CharField("渠道", max_length=8, choices=Channel.choices)

    class Meta:
        verbose_name = "提醒方式"
        verbose_name_plural = "提醒方式"
        constraints = [models.UniqueConstraint(fields=["user", "kind", "channel"], name="one_choice_per_channel")]


class Contact(models.Model):
    """Where the SMS channel reaches a user (the e-mail channel uses the account's address)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    mobile = models.CharField("手机号码", max_length=11, blank=True)

    class Meta:
        verbose_name = "联系方式"
        verbose_name_plural = "联系方式"


class Escalation(models.Model):
    """A step overdue long enough to be shown one level up (督办): level 1 to the township's leader,
    level 2 to the county office. One row per task and level: it escalates once."""

    class Level(models.IntegerChoices):
        TOWNSHIP = 1, "乡镇分管领导"
        COUNTY = 2, "县易地扶贫搬迁办公室"

    task_id = models.BigIntegerField("任务")
    level = models.PositiveSmallIntegerField("督办层级", choices=Level.choices)
    step = models.CharField("环节", max_length=64)
    area_code = models.CharField("区划代码", max_length=12, db_index=True)
    household = models.ForeignKey("registry.Household", verbose_name="搬迁户", null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="+")
    site = models.ForeignKey("registry.ResettlementSite", verbose_name="安置点", null=True, blank=True,
                             on_delete=models.CASCADE, related_name="+")
    due_at = models.DateTimeField("到期时间")
    escalated_at = models.DateTimeField("升级时间", default=timezone.now)
    resolved_at = models.DateTimeField("办结时间", null=True, blank=True)

    class Meta:
        verbose_name = "逾期督办"
        verbose_name_plural = "逾期督办"
        ordering = ["-escalated_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["task_id", "level"], name="one_escalation_per_level")]


class Delegation(models.Model):
    """代理: while `principal` is absent (start to end, inclusive), `delegate` — holding the same post
    over the same area — is offered the principal's tasks and notices and acts for them (代 X 办理)."""

    principal = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="委托人", on_delete=models.CASCADE,
                                  related_name="delegations_given")
    delegate = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="代理人", on_delete=models.CASCADE,
                                 related_name="delegations_taken")
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    reason = models.CharField("事由", max_length=200, blank=True)
    created_at = models.DateTimeField("设置时间", default=timezone.now)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)

    class Meta:
        verbose_name = "代理"
        verbose_name_plural = "代理"
        ordering = ["-starts_on", "-id"]


class SavedView(models.Model):
    """A named inbox filter of one user (常用筛选): the inbox's query string, checked on saving."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views")
    name = models.CharField("名称", max_length=40)
    query = models.CharField("筛选条件", max_length=500, blank=True)
    created_at = models.DateTimeField("保存时间", default=timezone.now)

    class Meta:
        verbose_name = "常用筛选"
        verbose_name_plural = "常用筛选"
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="one_view_per_name")]
