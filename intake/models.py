"""What an import leaves: the batch (the uploaded list kept as evidence, its SHA-256, the check's
report, progress) and, per imported person, the list's facts the registry has no field for."""

from django.conf import settings
from django.db import models

from registry.fields import AreaCodeField
from registry.models import AdminArea, Member


class ImportBatch(models.Model):
    class Status(models.TextChoices):
        CHECKING = "checking", "核对中"
        CHECKED = "checked", "待确认"
        COMMITTING = "committing", "导入中"
        DONE = "done", "已导入"
        CANCELLED = "cancelled", "已取消"
        FAILED = "failed", "失败"

    area = models.ForeignKey(AdminArea, verbose_name="导入范围", on_delete=models.PROTECT, related_name="+")
    area_code = AreaCodeField("区划代码", db_index=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    file_name = models.CharField("文件名", max_length=200)
    # The uploaded file, written once to the archive storage (documents/storage.py): the evidence of
    # what was imported. Its SHA-256 is in the audit event of the upload and of the import.
    stored_name = models.CharField("存储位置", max_length=200, editable=False)
    sha256 = models.CharField("SHA-256", max_length=64, editable=False)
    size = models.PositiveIntegerField("文件大小（字节）", default=0)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.CHECKING)
    stage = models.CharField("进度说明", max_length=40, blank=True)
    progress_done = models.PositiveIntegerField("已处理", default=0)
    progress_total = models.PositiveIntegerField("总数", default=0)
    # The check's findings, row by row, and the plan per household: names and masked ID numbers
    # only, never a clear ID number.
    report = models.JSONField("核对结果", default=dict, blank=True)
    error = models.TextField("错误", blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="确认人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    created = models.PositiveIntegerField("新增户数", default=0)
    updated = models.PositiveIntegerField("更新户数", default=0)
    unchanged = models.PositiveIntegerField("无变化户数", default=0)
    rejected = models.PositiveIntegerField("未导入户数", default=0)

    class Meta:
        verbose_name = "名单导入"
        verbose_name_plural = "名单导入"
        ordering = ["-id"]

    def __str__(self):
        return f"名单导入 第{self.pk}号（{self.file_name}）"

    def save(self, *args, **kwargs):
        self.area_code = self.area.code
        super().save(*args, **kwargs)


class MemberDetail(models.Model):
    """A person's list facts beyond the registry's member fields (formats.md §1.2): kept beside the
    member, written by the import. The 残疾证 number is the ID number and this suffix."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="intake_detail")
    batch = models.ForeignKey(ImportBatch, verbose_name="最近导入", null=True, on_delete=models.SET_NULL,
                              related_name="+")
    person_no = models.CharField("人编号", max_length=32, blank=True)
    education = models.CharField("文化程度", max_length=16, blank=True)
    schooling = models.CharField("在校生状况", max_length=16, blank=True)
    disability_suffix = models.CharField("残疾证号后缀（类别、等级）", max_length=4, blank=True)
    ethnicity = models.CharField("民族", max_length=16, blank=True)
    health = models.CharField("健康状况", max_length=64, blank=True)
    phone = models.CharField("联系电话", max_length=16, blank=True)

    class Meta:
        verbose_name = "成员名单信息"
        verbose_name_plural = "成员名单信息"


class RecheckList(models.Model):
    """回头看: another department's list the county uploads, matched by ID number through the blind
    index against the active cases of the county. The file is kept like an import's; its persons'
    ID numbers are not stored (a match is a Suspect pointing at the member)."""

    class Kind(models.TextChoices):
        STATE_SALARIED = "state_salaried", "财政供养人员名单"
        HOUSING = "housing", "农村危房改造/农房保障受益名单"
        HUKOU = "hukou", "户籍变动名单"
        DEATH = "death", "死亡人员名单"

    county = models.ForeignKey(AdminArea, verbose_name="县", on_delete=models.PROTECT, related_name="+")
    area_code = AreaCodeField("区划代码", db_index=True, editable=False)
    kind = models.CharField("名单类别", max_length=16, choices=Kind.choices)
    source = models.CharField("提供部门", max_length=100, blank=True)
    file_name = models.CharField("文件名", max_length=200)
    stored_name = models.CharField("存储位置", max_length=200, editable=False)
    sha256 = models.CharField("SHA-256", max_length=64, editable=False)
    persons = models.PositiveIntegerField("名单人数", default=0)
    unreadable = models.PositiveIntegerField("无法识别的行", default=0)
    matched = models.PositiveIntegerField("比中人数", default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "回头看比对名单"
        verbose_name_plural = "回头看比对名单"
        ordering = ["-id"]

    def __str__(self):
        return f"{self.get_kind_display()}（{self.file_name}）"

    def save(self, *args, **kwargs):
        self.area_code = self.county.code
        super().save(*args, **kwargs)


class Suspect(models.Model):
    """A member of an active case found on another department's list: on the township's checking
    list until it confirms (→ the removal process of workflows) or clears it with a reason."""

    class Status(models.TextChoices):
        OPEN = "open", "待核查"
        CONFIRMED = "confirmed", "已确认，转清退"
        CLEARED = "cleared", "已排除"

    recheck = models.ForeignKey(RecheckList, verbose_name="比对名单", on_delete=models.PROTECT, related_name="suspects")
    household = models.ForeignKey("registry.Household", verbose_name="搬迁户", on_delete=models.PROTECT,
                                  related_name="+")
    member = models.ForeignKey(Member, verbose_name="成员", on_delete=models.PROTECT, related_name="+")
    # The household's area: the township that checks it finds it by prefix (registry/scope.py).
    area_code = AreaCodeField("区划代码", db_index=True, editable=False)
    row = models.PositiveIntegerField("名单行号")
    status = models.CharField("核查状态", max_length=16, choices=Status.choices, default=Status.OPEN)
    reason = models.TextField("核查说明", blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="核查人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("核查时间", null=True, blank=True)

    class Meta:
        verbose_name = "回头看疑点"
        verbose_name_plural = "回头看疑点"
        ordering = ["area_code", "id"]
        constraints = [models.UniqueConstraint(fields=["recheck", "member"], name="one_suspect_per_list_member")]

    def save(self, *args, **kwargs):
        self.area_code = self.household.area_code
        super().save(*args, **kwargs)


class FieldCheck(models.Model):
    """踏验: a household drawn by the county's sample of N % per township, checked on the spot."""

    class Result(models.TextChoices):
        PENDING = "", "待踏验"
        CONFORMS = "conforms", "符合"
        FAILS = "fails", "不符合"

    county = models.ForeignKey(AdminArea, verbose_name="县", on_delete=models.PROTECT, related_name="+")
    township = models.ForeignKey(AdminArea, verbose_name="乡镇", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("registry.Household", verbose_name="搬迁户", on_delete=models.PROTECT,
                                  related_name="+")
    area_code = AreaCodeField("区划代码", db_index=True, editable=False)
    draw = models.PositiveIntegerField("抽样批次")
    percent = models.PositiveSmallIntegerField("抽样比例（%）")
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="抽样人", on_delete=models.PROTECT,
                                 related_name="+")
    drawn_at = models.DateTimeField("抽样时间", auto_now_add=True)
    result = models.CharField("踏验结果", max_length=16, choices=Result.choices, blank=True, default="")
    note = models.TextField("踏验情况", blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="踏验人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField("踏验时间", null=True, blank=True)

    class Meta:
        verbose_name = "踏验抽样"
        verbose_name_plural = "踏验抽样"
        ordering = ["area_code", "id"]
        constraints = [models.UniqueConstraint(fields=["draw", "household"], name="one_field_check_per_draw")]

    def save(self, *args, **kwargs):
        self.area_code = self.household.area_code
        super().save(*args, **kwargs)


class RecheckReport(models.Model):
    """The county's re-check report: the PDF is a document (filed into the county's archive file by
    the archive's own receiver); the Excel with the same figures is kept beside it, its SHA-256
    printed on the PDF."""

    county = models.ForeignKey(AdminArea, verbose_name="县", on_delete=models.PROTECT, related_name="+")
    area_code = AreaCodeField("区划代码", db_index=True, editable=False)
    document = models.ForeignKey("documents.Document", verbose_name="报告（PDF）", on_delete=models.PROTECT,
                                 related_name="+")
    excel_name = models.CharField("Excel 存储位置", max_length=200, editable=False)
    excel_sha256 = models.CharField("Excel SHA-256", max_length=64, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="生成人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        verbose_name = "回头看报告"
        verbose_name_plural = "回头看报告"
        ordering = ["-id"]

    def save(self, *args, **kwargs):
        self.area_code = self.county.code
        super().save(*args, **kwargs)
