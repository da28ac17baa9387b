"""The 档案 (docs/domain.md §5): a classification scheme as data, files per 县/乡/村/户/安置点 and the
items filed into them with their 档号 (DA/T 22-2015: 全宗号-类别号·年度-保管期限-案卷号-件号)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from registry.fields import AreaCodeField


class Level(models.TextChoices):
    COUNTY = "county", "县"
    TOWNSHIP = "township", "乡"
    VILLAGE = "village", "村"
    HOUSEHOLD = "household", "户"
    SITE = "site", "安置点"


# The first letter of a class code in the 档号, so that 后扶 of a household (HHF) and of the county
# (XHF) never share a number: 户 H, 安置点 S, 村 C, 乡 T, 县 X.
LEVEL_LETTERS = {"household": "H", "site": "S", "village": "C", "township": "T", "county": "X"}


class Retention(models.TextChoices):
    # DA/T 22-2015 保管期限代码: Y 永久, D30 定期30年, D10 定期10年.
    PERMANENT = "Y", "永久"
    THIRTY_YEARS = "D30", "30年"
    TEN_YEARS = "D10", "10年"


class Source(models.TextChoices):
    DOCUMENT = "document", "文书"
    EVIDENCE = "evidence", "证据"


class ArchiveCategory(models.Model):
    """One category (类别) of a level's files; provinces publish their own, so it is data."""

    level = models.CharField("层级", max_length=16, choices=Level.choices)
    code = models.CharField("类别号", max_length=8, help_text="档号中的类别代码，如 HA、SQ")
    name = models.CharField("类别名称", max_length=40)
    retention = models.CharField("保管期限", max_length=4, choices=Retention.choices)
    order = models.PositiveSmallIntegerField("排序", default=0)
    # Where a document type or evidence kind with no rule of its own files at this level.
    is_default = models.BooleanField("本层级默认类别", default=False)

    class Meta:
        verbose_name = "档案类别"
        verbose_name_plural = "档案类别"
        ordering = ["level", "order"]
        constraints = [models.UniqueConstraint(fields=["level", "code"], name="archive_category_code_once")]

    def __str__(self):
        return f"{self.get_level_display()}·{self.name}"

    @property
    def class_code(self) -> str:
        return f"{LEVEL_LETTERS[self.level]}{self.code}"


class FilingRule(models.Model):
    """Which document type (documents.types) or evidence kind (EvidenceKind) files into which category."""

    source = models.CharField("来源", max_length=16, choices=Source.choices)
    type_code = models.CharField("文书类型或证据类型代码", max_length=32)
    level = models.CharField("层级", max_length=16, choices=Level.choices)
    category = models.ForeignKey(ArchiveCategory, verbose_name="归入类别", on_delete=models.PROTECT,
                                 related_name="rules")

    class Meta:
        verbose_name = "归档规则"
        verbose_name_plural = "归档规则"
        ordering = ["level", "source", "type_code"]
        constraints = [models.UniqueConstraint(fields=["source", "type_code", "level"], name="archive_rule_once")]

    def __str__(self):
        return f"{self.get_source_display()} {self.type_code} → {self.category}"


class FileCounter(models.Model):
    """The last 案卷号 used per fonds, category and year; locked FOR UPDATE so numbers are gap-free."""

    fonds_code = models.CharField("全宗号", max_length=12)
    category = models.ForeignKey(ArchiveCategory, verbose_name="类别", on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField("年度")
    last_number = models.PositiveIntegerField("已用最大案卷号", default=0)

    class Meta:
        verbose_name = "案卷号计数器"
        verbose_name_plural = "案卷号计数器"
        constraints = [
            models.UniqueConstraint(fields=["fonds_code", "category", "year"], name="archive_file_counter_once"),
        ]


class ArchiveFile(models.Model):
    """A 案卷: one category of one household, site, village, township or county in one year."""

    category = models.ForeignKey(ArchiveCategory, verbose_name="类别", on_delete=models.PROTECT,
                                 related_name="files")
    year = models.PositiveSmallIntegerField("年度")
    fonds_code = models.CharField("全宗号", max_length=12)
    file_number = models.PositiveIntegerField("案卷号")
    # "h:<pk>", "s:<pk>" or "a:<area code>": one file per subject, category and year.
    subject_key = models.CharField("立卷对象", max_length=40)
    area_code = AreaCodeField("区划代码", db_index=True)
    household = models.ForeignKey("registry.Household", verbose_name="搬迁户", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="archive_files")
    site = models.ForeignKey("registry.ResettlementSite", verbose_name="集中安置点", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="archive_files")
    title = models.CharField("案卷题名", max_length=200)
    last_item_number = models.PositiveIntegerField("已用最大件号", default=0)
    created_at = models.DateTimeField("立卷时间", default=timezone.now)

    class Meta:
        verbose_name = "案卷"
        verbose_name_plural = "案卷"
        ordering = ["area_code", "category__level", "category__order", "year"]
        constraints = [
            models.UniqueConstraint(fields=["category", "year", "subject_key"], name="archive_file_once"),
            models.UniqueConstraint(fields=["fonds_code", "category", "year", "file_number"],
                                    name="archive_file_number_once"),
        ]

    def __str__(self):
        return f"{self.file_code} {self.title}"

    @staticmethod
    def site_filter(is_site: bool) -> models.Q:
        return models.Q(site__isnull=not is_site)

    @property
    def file_code(self) -> str:
        """The 档号 of the file: 全宗号-类别号·年度-保管期限-案卷号."""
        return (f"{self.fonds_code}-{self.category.class_code}·{self.year}-{self.category.retention}"
                f"-{self.file_number:04d}")


class ArchiveItem(models.Model):
    """One filed item (件): a document version or an evidence item, with its 件号 and fixity."""

    file = models.ForeignKey(ArchiveFile, verbose_name="案卷", on_delete=models.PROTECT, related_name="items")
    item_number = models.PositiveIntegerField("件号")
    archival_code = models.CharField("档号", max_length=64, unique=True)
    document_version = models.OneToOneField("documents.DocumentVersion", verbose_name="文书版本", null=True,
                                            blank=True, on_delete=models.PROTECT, related_name="archive_item")
    evidence = models.OneToOneField("documents.Evidence", verbose_name="证据", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="archive_item")
    title = models.CharField("题名", max_length=200)
    reference_number = models.CharField("文号", max_length=64, blank=True)
    responsible = models.CharField("责任者", max_length=100)
    date = models.DateField("日期")
    pages = models.PositiveIntegerField("页数", default=1)
    retention = models.CharField("保管期限", max_length=4, choices=Retention.choices)
    storage_name = models.CharField("存储文件名", max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    sm3 = models.CharField("SM3", max_length=64)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="归档人", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField("归档时间", default=timezone.now)

    class Meta:
        verbose_name = "卷内文件"
        verbose_name_plural = "卷内文件"
        ordering = ["file", "item_number"]
        constraints = [models.UniqueConstraint(fields=["file", "item_number"], name="archive_item_number_once")]

    def __str__(self):
        return f"{self.archival_code} {self.title}"


class ExportJob(models.Model):
    """An export package built in the background (a village's or a site's can hold thousands of
    items); its requester watches the progress and downloads the ZIP when it is done."""

    class Kind(models.TextChoices):
        HOUSEHOLD = "household", "搬迁户档案"
        VILLAGE = "village", "村级档案（含本村搬迁户）"
        SITE = "site", "集中安置点档案"
        COMPLETENESS = "completeness", "档案完整性报告（Excel）"

    class Status(models.TextChoices):
        PENDING = "pending", "排队中"
        RUNNING = "running", "打包中"
        FINISHED = "finished", "已完成"
        FAILED = "failed", "失败"
        EXPIRED = "expired", "已过期（导出包已删除）"

    kind = models.CharField("导出范围", max_length=16, choices=Kind.choices)
    # The subject's area code: the job is read where the subject is read (archive.access).
    area_code = AreaCodeField("区划代码", db_index=True)
    household = models.ForeignKey("registry.Household", verbose_name="搬迁户", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey("registry.ResettlementSite", verbose_name="集中安置点", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey("registry.AdminArea", verbose_name="村", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    subject_label = models.CharField("导出对象", max_length=200)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT,
                                     related_name="+")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PENDING)
    done = models.PositiveIntegerField("已完成", default=0)
    total = models.PositiveIntegerField("总量", default=0)
    result_name = models.CharField("结果文件", max_length=255, blank=True)
    size = models.PositiveBigIntegerField("文件大小（字节）", default=0)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    error = models.CharField("错误", max_length=500, blank=True)
    created_at = models.DateTimeField("申请时间", default=timezone.now)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "档案导出任务"
        verbose_name_plural = "档案导出任务"
        ordering = ["-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.subject_label}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.FINISHED:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RUNNING)

    @property
    def download_name(self) -> str:
        if self.kind == self.Kind.COMPLETENESS:
            return f"档案完整性-{self.area_code}-{self.pk}.xlsx"
        return f"archive-{self.kind}-{self.pk}.zip"

    @property
    def content_type(self) -> str:
        if self.kind == self.Kind.COMPLETENESS:
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return "application/zip"


class FourPropertiesRun(models.Model):
    """One scheduled 四性 check (DA/T 70) of one county's archive: its result kept for the archive's
    四性 page and the admin (supervision's integrity view lists only its own two checks)."""

    area_code = AreaCodeField("区划代码", db_index=True)
    ran_at = models.DateTimeField("检测时间", default=timezone.now)
    passed = models.BooleanField("通过")
    counts = models.JSONField("检测数量", default=dict, blank=True)
    finding_count = models.PositiveIntegerField("问题数", default=0)
    findings = models.JSONField("问题明细", default=list, blank=True)  # the first FINDINGS_KEPT, as text
    summary = models.CharField("结论", max_length=500, blank=True)

    FINDINGS_KEPT = 200

    class Meta:
        verbose_name = "四性定时检测"
        verbose_name_plural = "四性定时检测"
        ordering = ["-ran_at", "-id"]

    def __str__(self):
        return f"{self.area_code} {self.ran_at:%Y-%m-%d %H:%M} {'通过' if self.passed else '未通过'}"
