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
