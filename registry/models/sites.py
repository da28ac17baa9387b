"""Centralised resettlement sites (集中安置点)."""

from django.core.exceptions import ValidationError
from django.db import models

from registry.fields import AreaCodeField
from django_fsm import FSMField

from .areas import AdminArea, AreaLevel
from .scoped import ScopedQuerySet


class SiteStage(models.TextChoices):
    """The site's states; the lifecycle table and its transitions live in workflows/."""

    SELECTION = "selection", "选址规划"
    PLAN_APPROVAL = "plan_approval", "方案审批"
    TENDER = "tender", "招投标"
    CONSTRUCTION = "construction", "开工建设"
    STRUCTURE_DONE = "structure_done", "主体完工"
    ACCEPTANCE = "acceptance", "竣工验收"
    HANDOVER = "handover", "交付入住"
    FOLLOW_UP = "follow_up", "后续扶持"


class SiteKind(models.TextChoices):
    URBAN = "urban", "城镇安置"
    RURAL = "rural", "乡村安置"


class ResettlementSite(models.Model):
    code = models.CharField("安置点编号", max_length=32, unique=True)
    name = models.CharField("安置点名称", max_length=100)
    area = models.ForeignKey(AdminArea, verbose_name="所在区划", on_delete=models.PROTECT, related_name="sites")
    area_code = AreaCodeField("区划代码", db_index=True, editable=False)
    kind = models.CharField("安置类型", max_length=10, choices=SiteKind.choices)
    location = models.CharField("位置", max_length=200, blank=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    planned_units = models.PositiveIntegerField("计划安置套数", default=0)
    planned_persons = models.PositiveIntegerField("计划安置人数", default=0)
    planned_funds = models.DecimalField("计划投资（元）", max_digits=14, decimal_places=2, default=0)
    # Written only by transitions (workflows/); protected=True refuses direct assignment.
    stage = FSMField("阶段", max_length=20, choices=SiteStage.choices, default=SiteStage.SELECTION, protected=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "集中安置点"
        verbose_name_plural = "集中安置点"
        ordering = ["code"]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.area_id and self.area.level not in (AreaLevel.COUNTY, AreaLevel.TOWNSHIP):
            errors["area"] = "安置点须登记在县或乡镇一级。"
        if self.latitude is not None and not (-90 <= self.latitude <= 90):
            errors["latitude"] = "纬度须在 -90 到 90 之间。"
        if self.longitude is not None and not (-180 <= self.longitude <= 180):
            errors["longitude"] = "经度须在 -180 到 180 之间。"
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.area_code = self.area.code
        super().save(*args, **kwargs)
