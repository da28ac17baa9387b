"""Daily snapshots of every area's measures (the figures over time: charts, the change since last
week in the rankings, the bulletin's changes)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

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


class LedgerExport(models.Model):
    """A large 台账 built in the background (monitoring.tasks.build_ledger): who asked, for which area,
    how far it got (`done` of `total` rows, which the page shows while it polls), and the file —
    kept for one download, then deleted (each download an audit event); an undownloaded file is
    deleted after MONITORING_LEDGER_KEEP_HOURS."""

    class Status(models.TextChoices):
        PENDING = "pending", "排队中"
        RUNNING = "running", "生成中"
        DONE = "done", "已生成"
        FAILED = "failed", "生成失败"
        DOWNLOADED = "downloaded", "已下载"
        EXPIRED = "expired", "已过期"

    kind = models.CharField("台账", max_length=20)
    area_code = AreaCodeField("区划代码", db_index=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT,
                                     related_name="+")
    requested_at = models.DateTimeField("申请时间", default=timezone.now)
    reveal = models.BooleanField("完整身份证号", default=False)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField("预计行数", default=0)
    done = models.PositiveIntegerField("已写行数", default=0)
    rows = models.PositiveIntegerField("行数", null=True, blank=True)
    file = models.FileField("文件", upload_to="monitoring/ledgers/", blank=True)
    filename = models.CharField("文件名", max_length=200, blank=True)
    error = models.CharField("错误", max_length=200, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    downloaded_at = models.DateTimeField("下载时间", null=True, blank=True)

    class Meta:
        verbose_name = "台账后台导出"
        verbose_name_plural = "台账后台导出"
        ordering = ["-requested_at", "-id"]

    def __str__(self):
        return f"{self.filename or self.kind} {self.get_status_display()}"

    @property
    def percent(self) -> int:
        if self.status in (self.Status.DONE, self.Status.DOWNLOADED):
            return 100
        return min(99, self.done * 100 // self.total) if self.total else 0

    @property
    def working(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RUNNING)
