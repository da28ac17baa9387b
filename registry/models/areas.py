"""The area tree (统计用区划代码) and the grants of roles on areas."""

from django.core.exceptions import ValidationError
from django.db import models

from registry.fields import AreaCodeField
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from registry.roles import ROLE_PERMISSIONS


class AreaLevel(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市（州）"
    COUNTY = "county", "县（市、区）"
    TOWNSHIP = "township", "乡（镇、街道）"
    VILLAGE = "village", "村（社区）"


# Significant digits of the 12-digit code at each level; the rest is zeros.
PREFIX_LENGTH = {
    AreaLevel.PROVINCE: 2,
    AreaLevel.CITY: 4,
    AreaLevel.COUNTY: 6,
    AreaLevel.TOWNSHIP: 9,
    AreaLevel.VILLAGE: 12,
}
LEVEL_ORDER = list(PREFIX_LENGTH)


def level_of_code(code: str) -> str:
    """The level a 12-digit code denotes by its trailing zeros."""
    for level in LEVEL_ORDER:
        n = PREFIX_LENGTH[level]
        if code[n:] == "0" * (12 - n):
            return level
    return AreaLevel.VILLAGE


class AdminArea(models.Model):
    code = AreaCodeField("区划代码", unique=True)
    name = models.CharField("名称", max_length=100)
    level = models.CharField("层级", max_length=10, choices=AreaLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级区划", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]
        permissions = ROLE_PERMISSIONS

    def __str__(self):
        return self.name

    @property
    def prefix(self) -> str:
        """The code's significant digits: every case under this area starts with them."""
        return self.code[: PREFIX_LENGTH[self.level]]

    @property
    def area_code(self) -> str:
        # Lets scope checks treat an area like any case: "does a grant's prefix cover it?"
        return self.code

    def clean(self):
        errors = {}
        code = self.code or ""
        if len(code) != 12 or not code.isdigit():
            errors["code"] = "区划代码须为12位数字（统计用区划代码）。"
        elif self.level in PREFIX_LENGTH:
            n = PREFIX_LENGTH[self.level]
            if code[n:] != "0" * (12 - n):
                errors["code"] = f"{self.get_level_display()}级区划代码只有前{n}位有效，其余须为0。"
            elif code[:n].endswith("0" * (3 if n in (9, 12) else 2)):
                errors["code"] = f"区划代码 {code} 的本级部分全为0，不是{self.get_level_display()}级代码。"
        if not errors.get("code") and self.parent_id:
            parent = self.parent
            if LEVEL_ORDER.index(parent.level) >= LEVEL_ORDER.index(self.level):
                errors["parent"] = f"上级区划“{parent.name}”的层级须高于本级。"
            elif not code.startswith(parent.prefix):
                errors["code"] = f"区划代码 {code} 不以上级“{parent.name}”的代码前缀 {parent.prefix} 开头。"
        if errors:
            raise ValidationError(errors)


class AreaUserGrant(UserObjectPermissionBase):
    """A role granted to one official on one area (guardian, direct foreign key)."""

    content_object = models.ForeignKey(AdminArea, verbose_name="区划", on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = "个人授权"
        verbose_name_plural = "个人授权"


class AreaGroupGrant(GroupObjectPermissionBase):
    """A role granted to a post (group) on one area."""

    content_object = models.ForeignKey(AdminArea, verbose_name="区划", on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = "岗位授权"
        verbose_name_plural = "岗位授权"



class HouseholdSequence(models.Model):
    """The last household number given out in a village (registry/numbering.py).

    One row per village, locked while a number is taken: the increment commits or rolls back with
    the household that uses it, so numbers are gap-free and never given twice."""

    village = models.OneToOneField(AdminArea, verbose_name="村", on_delete=models.PROTECT, primary_key=True,
                                   related_name="household_sequence")
    last = models.PositiveIntegerField("已用最大顺序号", default=0)

    class Meta:
        verbose_name = "户编号顺序号"
        verbose_name_plural = "户编号顺序号"

    def __str__(self):
        return f"{self.village_id}: {self.last}"
