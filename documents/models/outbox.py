"""The documents owed by a committed move (issue 15 item 2): one row per document, written in the
transaction of the move that calls for it, so a process that dies after the commit leaves the
document owed rather than lost. The lifecycles render from these rows (workflows/outbox.py):
eagerly after commit when there is no worker, by the Celery worker otherwise; a failure is retried
with back-off; the periodic job and `manage.py render_pending` drain what is left."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from registry.fields import AreaCodeField


class RenderOrder(models.Model):
    class Status(models.TextChoices):
        OWED = "owed", "待生成"
        DONE = "done", "已生成"
        FAILED = "failed", "生成失败"

    class Lifecycle(models.TextChoices):
        HOUSEHOLD = "household", "搬迁户"
        SITE = "site", "安置点"

    lifecycle = models.CharField("对象", max_length=16, choices=Lifecycle.choices)
    doc_type = models.CharField("文书类型", max_length=32)
    area_code = AreaCodeField("区划代码", db_index=True)
    household = models.ForeignKey("registry.Household", verbose_name="搬迁户", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey("registry.ResettlementSite", verbose_name="安置点", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    # What the renderer is called with (workflows/outbox.py): the households of a batch document,
    # one document per household or one for all, and the type's own options.
    household_ids = models.JSONField("搬迁户", default=list, blank=True)
    single = models.BooleanField("每户一份", default=True)
    options = models.JSONField("参数", default=dict, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="办理人", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.OWED, db_index=True)
    attempts = models.PositiveIntegerField("已尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试时间", default=timezone.now, db_index=True)
    last_error = models.TextField("最近错误", blank=True)
    version_ids = models.JSONField("生成的文书版本", default=list, blank=True)
    created_at = models.DateTimeField("登记时间", default=timezone.now)
    done_at = models.DateTimeField("生成时间", null=True, blank=True)

    class Meta:
        verbose_name = "待生成文书"
        verbose_name_plural = "待生成文书"
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="documents_order_due_idx")]

    def __str__(self):
        return f"{self.doc_type} #{self.pk} ({self.get_status_display()})"
