"""Resettlement across counties (跨县安置, issue 20 item 6): a household of county A placed at a site
of county B once both counties approve. The record says who asked and who approved, when, for which
counties and site, and where it stands; registry/placements.py moves it, registry/scope.py reads it
to let the host county's posts see the household (a narrow extension, see there)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from registry.fields import AreaCodeField

from .households import Household
from .scoped import ScopedQuerySet
from .sites import ResettlementSite


class PlacementStatus(models.TextChoices):
    PENDING_HOME = "pending_home", "待迁出县审批"
    PENDING_HOST = "pending_host", "待迁入县审批"
    APPROVED = "approved", "已批准"
    REFUSED = "refused", "未批准"


OPEN_STATUSES = (PlacementStatus.PENDING_HOME, PlacementStatus.PENDING_HOST, PlacementStatus.APPROVED)


class CrossCountyPlacement(models.Model):
    household = models.ForeignKey(Household, verbose_name="搬迁户", on_delete=models.PROTECT,
                                  related_name="cross_county_placements")
    site = models.ForeignKey(ResettlementSite, verbose_name="迁入县安置点", on_delete=models.PROTECT,
                             related_name="cross_county_placements")
    # The household's village code (county A: the home county keeps the case) and the site's area
    # code (county B: the host), both as they were when the request was filed.
    area_code = AreaCodeField("迁出地区划代码", db_index=True)
    host_area_code = AreaCodeField("迁入地区划代码", db_index=True)
    home_county_code = models.CharField("迁出县代码", max_length=12)
    host_county_code = models.CharField("迁入县代码", max_length=12)
    reason = models.TextField("跨县安置理由")
    status = models.CharField("状态", max_length=20, choices=PlacementStatus.choices,
                              default=PlacementStatus.PENDING_HOME)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT,
                                     related_name="+")
    requested_at = models.DateTimeField("申请时间")
    home_decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="迁出县审批人", null=True,
                                        blank=True, on_delete=models.PROTECT, related_name="+")
    home_decided_at = models.DateTimeField("迁出县审批时间", null=True, blank=True)
    home_opinion = models.TextField("迁出县意见", blank=True)
    host_decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="迁入县审批人", null=True,
                                        blank=True, on_delete=models.PROTECT, related_name="+")
    host_decided_at = models.DateTimeField("迁入县审批时间", null=True, blank=True)
    host_opinion = models.TextField("迁入县意见", blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "跨县安置审批"
        verbose_name_plural = "跨县安置审批"
        ordering = ["-requested_at", "-id"]
        constraints = [
            # One request under way (or approved) per household at a time.
            models.UniqueConstraint(fields=["household"], condition=Q(status__in=OPEN_STATUSES),
                                    name="one_open_cross_county_placement"),
        ]

    def __str__(self):
        return f"{self.household} → {self.site}"
