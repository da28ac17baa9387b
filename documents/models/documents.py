"""Generated documents: the record, its versions (each one stored PDF) and the 文号 counters."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from registry.fields import AreaCodeField
from registry.models import Household, ResettlementSite

from .immutable import ImmutableModel, write_once_triggers


class Document(ImmutableModel):
    """One official document (公文/表格) with its 文号. Its content lives in its versions."""
    SCOPE_HOUSEHOLD = "household"  # registry.scope: the household these rows belong to (跨县安置)

    doc_type = models.CharField("文书类型", max_length=32, db_index=True)
    title = models.CharField("标题", max_length=200)
    # 文号, e.g. 示例县搬迁〔2026〕公示第12号: gap-free per county, year and type (numbering.py).
    number = models.CharField("文号", max_length=64, unique=True)
    county_code = AreaCodeField("县级区划代码")
    year = models.PositiveSmallIntegerField("年度")
    serial = models.PositiveIntegerField("顺序号")
    # Where the document belongs: its scope (registry.scope) and its place in the archive.
    area_code = AreaCodeField("区划代码", db_index=True)
    household = models.ForeignKey(
        Household, verbose_name="搬迁户", null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    site = models.ForeignKey(
        ResettlementSite, verbose_name="集中安置点", null=True, blank=True, on_delete=models.PROTECT,
        related_name="documents",
    )
    # Every household the document is about (one for a form, the batch for a 公示 notice).
    households = models.ManyToManyField(
        Household, verbose_name="涉及搬迁户", through="DocumentHousehold", related_name="batch_documents", blank=True
    )
    issuing_organ = models.CharField("发文机关", max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="生成人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("生成时间", default=timezone.now)

    class Meta:
        verbose_name = "文书"
        verbose_name_plural = "文书"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["county_code", "year", "doc_type", "serial"], name="document_number_once"),
        ]
        triggers = write_once_triggers()

    def __str__(self):
        return self.number

    @property
    def type_label(self) -> str:
        from documents.types import label_of  # documents.types imports these models: asked when needed

        return label_of(self.doc_type)

    @property
    def current_version(self):
        return self.versions.order_by("-version").first()


class DocumentHousehold(ImmutableModel):
    document = models.ForeignKey(Document, verbose_name="文书", on_delete=models.PROTECT)
    household = models.ForeignKey(Household, verbose_name="搬迁户", on_delete=models.PROTECT)

    class Meta:
        verbose_name = "文书涉及户"
        verbose_name_plural = "文书涉及户"
        constraints = [models.UniqueConstraint(fields=["document", "household"], name="document_household_once")]
        triggers = write_once_triggers()


class DocumentVersion(ImmutableModel):
    """One rendered PDF, stored once. Regeneration adds a version; none is ever replaced."""
    SCOPE_HOUSEHOLD = "document__household"  # registry.scope: the household these rows belong to (跨县安置)

    document = models.ForeignKey(Document, verbose_name="文书", on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveSmallIntegerField("版本号")
    area_code = AreaCodeField("区划代码", db_index=True)
    storage_name = models.CharField("存储文件名", max_length=255, unique=True)
    size = models.PositiveBigIntegerField("文件大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    sm3 = models.CharField("SM3", max_length=64)
    pages = models.PositiveIntegerField("页数")
    template_version = models.CharField("模板版本", max_length=64)
    # The public verification code printed with the QR code (verification.py).
    verify_code = models.CharField("核验码", max_length=32, unique=True)
    # Internal forms carry full ID numbers (signed by the household, kept in the archive);
    # public notices never do. Downloads of the former are flagged in the audit trail.
    contains_unmasked_ids = models.BooleanField("含完整身份证号码", default=False)
    reason = models.CharField("重新生成原因", max_length=200, blank=True)
    # The inputs beyond the case itself (a notice's period, the recorded opinions), so that a
    # regeneration reproduces them.
    options = models.JSONField("生成参数", default=dict, blank=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="生成人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    generated_at = models.DateTimeField("生成时间", default=timezone.now)

    class Meta:
        verbose_name = "文书版本"
        verbose_name_plural = "文书版本"
        ordering = ["document", "version"]
        constraints = [models.UniqueConstraint(fields=["document", "version"], name="document_version_once")]
        triggers = write_once_triggers()

    def __str__(self):
        return f"{self.document.number}（第{self.version}版）"

    @property
    def is_current(self) -> bool:
        return not DocumentVersion.objects.filter(document_id=self.document_id, version__gt=self.version).exists()

    @property
    def download_name(self) -> str:
        return f"{self.document.number}-第{self.version}版.pdf"


class NumberCounter(models.Model):
    """The last 文号 serial issued per county, year and document type. Locked row by row
    (SELECT ... FOR UPDATE) inside the transaction that creates the document."""

    county_code = AreaCodeField("县级区划代码")
    year = models.PositiveSmallIntegerField("年度")
    doc_type = models.CharField("文书类型", max_length=32)
    last_serial = models.PositiveIntegerField("已用最大顺序号", default=0)

    class Meta:
        verbose_name = "文号计数器"
        verbose_name_plural = "文号计数器"
        constraints = [
            models.UniqueConstraint(fields=["county_code", "year", "doc_type"], name="one_counter_per_sequence")
        ]

    def __str__(self):
        return f"{self.county_code} {self.year} {self.doc_type}: {self.last_serial}"


class RenderBatch(models.Model):
    """A batch of documents rendered in the background; its progress is shown to its starter."""

    class Status(models.TextChoices):
        PENDING = "pending", "排队中"
        RUNNING = "running", "生成中"
        FINISHED = "finished", "已完成"
        FAILED = "failed", "部分失败"

    doc_type = models.CharField("文书类型", max_length=32)
    area_code = AreaCodeField("区划代码", db_index=True)
    household_ids = models.JSONField("搬迁户", default=list)
    total = models.PositiveIntegerField("总数", default=0)
    done = models.PositiveIntegerField("已完成", default=0)
    failed = models.PositiveIntegerField("失败", default=0)
    errors = models.JSONField("错误", default=list, blank=True)
    version_ids = models.JSONField("生成的文书版本", default=list, blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PENDING)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("发起时间", default=timezone.now)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "批量生成任务"
        verbose_name_plural = "批量生成任务"
        ordering = ["-id"]

    @property
    def percent(self) -> int:
        return int(100 * (self.done + self.failed) / self.total) if self.total else 100
