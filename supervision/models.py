"""What supervision keeps of its own: the results of the integrity checks (issue 8, part 3)."""

from django.db import models


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
