"""What supervision keeps of its own: the results of the integrity checks (issue 8, part 3)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from documents.models.immutable import ImmutableModel, write_once_triggers


class IntegrityCheck(models.Model):
    """One run of one check: the audit chain (verify_chain) or the storage fixity (check_storage)."""

    class Kind(models.TextChoices):
        AUDIT_CHAIN = "audit_chain", "审计日志哈希链"
        STORAGE = "storage", "文书与证明材料存储完整性"

    kind = models.CharField("检查项", max_length=16, choices=Kind.choices)
    ran_at = models.DateTimeField("检查时间", db_index=True)
    ok = models.BooleanField("结果正常")
    checked = models.PositiveIntegerField("检查条数", default=0)
    summary = models.CharField("结论", max_length=500, blank=True)
    problems = models.JSONField("问题明细", default=list, blank=True)

    class Meta:
        verbose_name = "完整性检查"
        verbose_name_plural = "完整性检查"
        ordering = ["-ran_at", "-id"]
        indexes = [models.Index(fields=["kind", "-ran_at"], name="integrity_kind_ran_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.ran_at:%Y-%m-%d %H:%M} {'正常' if self.ok else '异常'}"


class Finding(models.Model):
    """督查问题台账: one problem an auditor files against an area, a household or a site, to be
    rectified by the responsible unit and closed one by one (seed 002: 逐一整改销号)."""

    class Category(models.TextChoices):
        CONSTRUCTION = "construction", "督建"
        RELOCATION = "relocation", "督搬"
        DEMOLITION = "demolition", "督拆"
        SUPPORT = "support", "督扶"
        DISCIPLINE = "discipline", "督纪"

    class Status(models.TextChoices):
        OPEN = "open", "待整改"
        RESPONDED = "responded", "已反馈待核查"
        SENT_BACK = "sent_back", "退回重新整改"
        CLOSED = "closed", "已销号"

    # Statuses in which the responsible unit still owes a rectification.
    AWAITING_RESPONSE = (Status.OPEN, Status.SENT_BACK)

    # The target's area (a household's or site's area code, or the area itself): auditors' scope.
    area_code = models.CharField("区划代码", max_length=12, db_index=True)
    # The responsible unit (责任单位) is a post over an area: its holders there must respond.
    responsible_area_code = models.CharField("责任区域", max_length=12, db_index=True)
    # The target, when it is a household or a site (else the area itself): PROTECT, a finding keeps
    # its case (deleting a household or site with findings is refused).
    household = models.ForeignKey("registry.Household", verbose_name="搬迁户", on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="supervision_findings")
    site = models.ForeignKey("registry.ResettlementSite", verbose_name="安置点", on_delete=models.PROTECT,
                             null=True, blank=True, related_name="supervision_findings")
    category = models.CharField("类别", max_length=16, choices=Category.choices)
    description = models.TextField("问题描述")
    responsible_role = models.CharField("责任岗位", max_length=64)
    deadline = models.DateField("整改期限")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.OPEN)
    response = models.TextField("整改情况", blank=True)
    # The latest rectification's time, and whether it came after the deadline (逾期整改): a finding
    # answered late is no longer overdue once answered, but the ledger still shows it was late.
    responded_at = models.DateTimeField("最近反馈时间", null=True, blank=True)
    responded_late = models.BooleanField("逾期整改", default=False)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="督查人", on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField("登记时间", auto_now_add=True)
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)
    # Whoever closed it: any auditor over the finding's area may review, not only the filer.
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="销号人", on_delete=models.PROTECT,
                                  related_name="+", null=True, blank=True)

    class Meta:
        verbose_name = "督查问题"
        verbose_name_plural = "督查问题台账"
        ordering = ["-filed_at", "-id"]

    def __str__(self):
        return f"{self.get_category_display()} #{self.pk}"

    @property
    def overdue(self) -> bool:
        """Overdue against the responsible unit: it still owes a rectification (待整改 or 退回) and
        the deadline has passed. A finding answered in time and awaiting the auditors' check is not."""
        return self.status in self.AWAITING_RESPONSE and timezone.localdate() > self.deadline

    @property
    def awaiting_review(self) -> bool:
        """Answered, waiting for an auditor to check it (待核查销号)."""
        return self.status == self.Status.RESPONDED

    @property
    def target_kind(self) -> str:
        return "household" if self.household_id else "site" if self.site_id else "area"


class FindingStep(ImmutableModel):
    """One step of a finding's life, written once: filing, each rectification response, each
    send-back and the closing (销号). The ledger's history, never rewritten."""

    class Action(models.TextChoices):
        FILE = "file", "登记问题"
        RESPOND = "respond", "反馈整改情况"
        SEND_BACK = "send_back", "退回重新整改"
        CLOSE = "close", "核查销号"

    finding = models.ForeignKey(Finding, verbose_name="督查问题", on_delete=models.PROTECT, related_name="steps")
    action = models.CharField("环节", max_length=16, choices=Action.choices)
    text = models.TextField("内容", blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="办理人", on_delete=models.PROTECT,
                              related_name="+")
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "督查问题办理记录"
        verbose_name_plural = "督查问题办理记录"
        ordering = ["at", "id"]
        triggers = write_once_triggers()


class FindingAttachment(ImmutableModel):
    """A file attached to a finding's step (the auditor's evidence, a rectification's proof):
    validated like evidence, stored once under findings/, hashed with SHA-256 and SM3 at ingest
    and re-hashed by the integrity check."""

    finding = models.ForeignKey(Finding, verbose_name="督查问题", on_delete=models.PROTECT,
                                related_name="attachments")
    step = models.ForeignKey(FindingStep, verbose_name="办理记录", on_delete=models.PROTECT,
                             related_name="attachments")
    area_code = models.CharField("区划代码", max_length=12, db_index=True)
    storage_name = models.CharField("存储名", max_length=255, unique=True)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=64)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    sm3 = models.CharField("SM3", max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        verbose_name = "督查问题附件"
        verbose_name_plural = "督查问题附件"
        ordering = ["uploaded_at", "id"]
        triggers = write_once_triggers()

    def __str__(self):
        return self.original_name
