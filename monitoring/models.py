"""Daily snapshots of every area's measures (the figures over time: charts, the change since last
week in the rankings, the bulletin's changes)."""

from decimal import Decimal

from django.db import models

from registry.fields import AreaCodeField

from .indicators import INDICATORS, Figure, measures


class Snapshot(models.Model):
    """One area's measures on one day, counted by `take_snapshots` (one row per area and day:
    taking the day's snapshot again replaces it)."""

    day = models.DateField("日期")
    area_code = AreaCodeField("区划代码")
    level = models.CharField("层级", max_length=10)
    # {measure key: value} (monitoring/indicators.py); money as a string of yuan.
    values = models.JSONField("指标数据", default=dict)
    taken_at = models.DateTimeField("统计时间")

    class Meta:
        verbose_name = "每日指标快照"
        verbose_name_plural = "每日指标快照"
        ordering = ["-day", "area_code"]
        constraints = [models.UniqueConstraint(fields=["area_code", "day"], name="one_snapshot_per_area_day")]

    def __str__(self):
        return f"{self.area_code} {self.day}"

    def value(self, key: str):
        m = measures()[key]
        raw = self.values.get(key, 0)
        return Decimal(str(raw)) if m.total else int(raw)

    def figures(self) -> list[Figure]:
        return [Figure(i, self.value(i.numerator.key), self.value(i.denominator.key),
                       self.value(i.excluded.key) if i.excluded else None) for i in INDICATORS]


class AreaTally(models.Model):
    """The cockpit's figures for one area code, counted by `monitoring.tallies.refresh` (beat every
    few minutes, or inline when missing or too old): every measure, households per stage and overdue
    per stage, overdue households per post of their open step. The cockpit sums these rows and
    prints their time; the drill-down lists behind each figure stay live (docs/scaling.md)."""

    area_code = AreaCodeField("区划代码", unique=True)
    # {key: value} of the rows whose scope is the household's area (households, persons, stages,
    # overdue, posts) and of those whose scope is the site's area (sites, arrivals); money as a string.
    households = models.JSONField("搬迁户数据", default=dict)
    sites = models.JSONField("安置点数据", default=dict)
    taken_at = models.DateTimeField("统计时间")

    class Meta:
        verbose_name = "驾驶舱统计"
        verbose_name_plural = "驾驶舱统计"

    def __str__(self):
        return f"{self.area_code} {self.taken_at:%Y-%m-%d %H:%M}"
