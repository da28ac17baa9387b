"""What supervision keeps of its own: the results of the integrity checks (issue 8, part 3)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


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
        RESPONDED = "responded", "已反馈整改"
        CLOSED = "closed", "已销号"

    area_code = models.CharField("区划代码", max_length=12, db_index=True)
    household_id = models.BigIntegerField("搬迁户ID", null=True, blank=True)
    site_id = models.BigIntegerField("安置点ID", null=True, blank=True)
    category = models.CharField("类别", max_length=16, choices=Category.choices)
    description = models.TextField("问题描述")
    responsible_role = models.CharField("责任岗位", max_length=64)
    deadline = models.DateField("整改期限")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.OPEN)
    response = models.TextField("整改情况", blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="督查人", on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField("登记时间", auto_now_add=True)
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)

    class Meta:
        verbose_name = "督查问题"
        verbose_name_plural = "督查问题台账"
        ordering = ["-filed_at", "-id"]

    def __str__(self):
        return f"{self.get_category_display()} #{self.pk}"

    @property
    def overdue(self) -> bool:
        return self.status != self.Status.CLOSED and timezone.localdate() > self.deadline
