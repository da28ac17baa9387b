"""The quarterly income table (季度收入监测表, seed 001 "一表": 按季度填报搬迁户收入情况动态监测表;
formats.md §3.2), entered by the 后扶专干 for one household, for a whole village on one page, or from
an Excel file.

    record_income(actor=officer, household=h, year=2026, quarter=1, values={...})
    record_batch(actor=officer, year=2026, quarter=1, rows=[IncomeRow(...), ...], source="excel")

A quarter's figures are for that quarter alone; the year-to-date net income is the sum of the year's
quarters so far, its per-capita figure that sum over the household's size. The monitoring line
(AFTERCARE_MONITORING_LINE, yuan per person per year) is compared pro rata: after quarter q the
household is below the line when its year-to-date per-capita net income is less than line × q / 4
(exactly at the line is not below).

A batch is all or nothing: every row is checked first and one bad row refuses the whole batch with
each row's reasons in Chinese; nothing is stored. Recording a quarter that already has figures
writes a new version of it (a correction, kept with the earlier ones).
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from audit.log import record
from registry.policy import Violation
from workflows.acting import Refused, lock_household

from .access import MOVED_IN, require_recorder
from .models import IncomeReport, IncomeSource

FIRST_YEAR = 2016
MAX_AMOUNT = Decimal("1000000")
CENT = Decimal("0.01")
QUARTER_LABELS = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}
# The amounts of a quarter, in the order of the table: (field, label).
AMOUNTS = (
    ("wage", "工资性收入"),
    ("public_post", "其中：公益岗位收入"),
    ("business_gross", "经营性收入（毛收入）"),
    ("business_cost", "生产经营费用"),
    ("property_income", "财产性收入"),
    ("transfer", "转移性收入"),
)
AMOUNT_FIELDS = tuple(name for name, _ in AMOUNTS)
# Short names for a phone's card layout (a label column of about seven characters).
SHORT_LABELS = {"wage": "工资性", "public_post": "其中公益岗位", "business_gross": "经营毛收入",
                "business_cost": "经营费用", "property_income": "财产性", "transfer": "转移性"}
AMOUNT_LABELS = dict(AMOUNTS)


def monitoring_line() -> Decimal:
    """The 防返贫 monitoring line, yuan per person per year (a setting: provinces set their own)."""
    return Decimal(str(settings.AFTERCARE_MONITORING_LINE))


def quarter_start(year: int, quarter: int) -> datetime.date:
    return datetime.date(year, 3 * (quarter - 1) + 1, 1)


def parse_amount(raw, label: str) -> tuple[Decimal | None, str | None]:
    """A typed or spreadsheet amount as yuan (empty counts as 0), or a Chinese reason."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return Decimal("0"), None
    text = str(raw).strip().replace(",", "").replace("，", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None, f"{label}“{raw}”不是金额：请填写数字（元）。"
    if not value.is_finite() or value < 0:
        return None, f"{label}不能为负数。"
    if value > MAX_AMOUNT:
        return None, f"{label}超过{MAX_AMOUNT:,.0f}元，请核实。"
    if value != value.quantize(CENT, rounding=ROUND_HALF_UP):
        return None, f"{label}最多保留两位小数（元、角、分）。"
    return value.quantize(CENT), None


def parse_date(raw, label: str) -> tuple[datetime.date | None, str | None]:
    if isinstance(raw, datetime.datetime):
        return raw.date(), None
    if isinstance(raw, datetime.date):
        return raw, None
    text = str(raw or "").strip()
    if not text:
        return None, f"请填写{label}。"
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"):
        try:
            return datetime.datetime.strptime(text, fmt).date(), None
        except ValueError:
            continue
    return None, f"{label}“{text}”不是日期：请按 2026-03-31 的格式填写。"


def period_violations(year, quarter, today=None) -> list[Violation]:
    today = today or timezone.localdate()
    if not isinstance(year, int) or not FIRST_YEAR <= year <= today.year:
        return [Violation("year", "year", f"年度须在{FIRST_YEAR}年到{today.year}年之间。")]
    if quarter not in QUARTER_LABELS:
        return [Violation("quarter", "quarter", "季度须为1到4。")]
    if quarter_start(year, quarter) > today:
        return [Violation("quarter_future", "quarter", f"{year}年{QUARTER_LABELS[quarter]}尚未开始，不能填报。")]
    return []


def values_violations(values: dict, *, year: int, quarter: int, today=None) -> list[Violation]:
    """Reasons the parsed amounts and signature date of one quarter cannot be recorded."""
    today = today or timezone.localdate()
    found = []
    if values["public_post"] > values["wage"]:
        found.append(Violation("public_post", "public_post", "其中公益岗位收入不能大于工资性收入。"))
    signed = values.get("head_signed_on")
    if signed is None:
        found.append(Violation("signed", "head_signed_on", "请填写户主签字日期。"))
    elif signed > today:
        found.append(Violation("signed_future", "head_signed_on", "户主签字日期不能晚于今天。"))
    elif signed < quarter_start(year, quarter):
        found.append(Violation("signed_early", "head_signed_on",
                               f"户主签字日期不能早于{year}年{QUARTER_LABELS[quarter]}开始（"
                               f"{quarter_start(year, quarter):%Y-%m-%d}）。"))
    return found


def parse_values(raw: dict) -> tuple[dict, list[Violation]]:
    """Amounts and the signature date from strings (a form, a spreadsheet row)."""
    values, found = {}, []
    for name, label in AMOUNTS:
        value, error = parse_amount(raw.get(name), label)
        if error:
            found.append(Violation("amount", name, error))
        values[name] = value
    values["head_signed_on"], error = parse_date(raw.get("head_signed_on"), "户主签字日期")
    if error:
        found.append(Violation("signed", "head_signed_on", error))
    return values, found


@dataclass
class IncomeRow:
    """One row of a batch: the household and what was typed for it (strings or parsed values)."""

    household: object
    raw: dict
    label: str = ""  # how the row is named in messages: 第5行, or the household's number
    values: dict = field(default_factory=dict)
    violations: list = field(default_factory=list)
    identity: list = field(default_factory=list)  # problems found while reading the row (workbook.py)


class BatchRefused(Refused):
    """One or more rows are wrong; `rows` holds each bad row's label and reasons. Nothing stored."""

    def __init__(self, rows: list[IncomeRow]):
        self.rows = [r for r in rows if r.violations]
        super().__init__([Violation(v.code, v.field, f"{r.label}：{v.message}" if r.label else v.message)
                          for r in self.rows for v in r.violations])


def check_row(row: IncomeRow, *, year: int, quarter: int, today=None) -> IncomeRow:
    values, found = parse_values(row.raw)
    if not found:
        found = values_violations(values, year=year, quarter=quarter, today=today)
    if row.household is not None and row.household.stage not in MOVED_IN:
        found.append(Violation("not_moved_in", "household", "该户尚未搬迁入住（或已清退），不填季度收入。"))
    elif row.household is not None and not row.household.members.exists():
        found.append(Violation("no_members", "household", "该户没有登记家庭成员，无法计算人均收入。"))
    row.values, row.violations = values, [*row.identity, *found]
    return row


def _store(actor, household, year, quarter, values, source, request) -> IncomeReport:
    """Write one quarter's version; the caller holds the household row lock and has checked the post."""
    last = (IncomeReport.objects.filter(household=household, year=year, quarter=quarter)
            .aggregate(v=Max("version"))["v"]) or 0
    report = IncomeReport.objects.create(
        household=household, area_code=household.area_code, year=year, quarter=quarter, version=last + 1,
        persons=household.members.count(), source=source, recorded_by=actor,
        **{name: values[name] for name in AMOUNT_FIELDS}, head_signed_on=values["head_signed_on"])
    summary = year_summary(household, year)
    quarter_row = summary["quarters"][quarter - 1]
    record(actor, "aftercare.income", household, {
        "year": year, "quarter": QUARTER_LABELS[quarter], "version": report.version,
        "corrects": last or "", "entered_as": report.get_source_display(),
        **{name: str(values[name]) for name in AMOUNT_FIELDS},
        "head_signed_on": values["head_signed_on"].isoformat(),
        "net": str(report.net), "ytd_net": str(quarter_row["ytd_net"]),
        "per_capita": str(quarter_row["per_capita"]), "below_line": quarter_row["below_line"],
    }, request)
    return report


def record_income(*, actor, household, year: int, quarter: int, values: dict, source=IncomeSource.PAGE,
                  request=None) -> IncomeReport:
    """One household's quarter from a form (`values`: strings or parsed values, the signature date)."""
    return record_batch(actor=actor, year=year, quarter=quarter, source=source, request=request,
                        rows=[IncomeRow(household=household, raw=values)])[0]


def record_batch(*, actor, year: int, quarter: int, rows: list[IncomeRow], source=IncomeSource.VILLAGE,
                 request=None) -> list[IncomeReport]:
    """Several households' quarter at once: all rows stored, or none (BatchRefused with every bad row).
    The households' rows are locked in order of their keys (no deadlock between two batches)."""
    period = period_violations(year, quarter)
    if period:
        raise Refused(period)
    if not rows:
        raise Refused(Violation("empty", "rows", "没有可导入的收入数据。"))
    seen = {}
    for row in rows:
        check_row(row, year=year, quarter=quarter)
        if row.household is not None:
            if row.household.pk in seen:
                row.violations.append(Violation("duplicate", "household",
                                                f"与{seen[row.household.pk]}是同一户，同一季度只能填一行。"))
            seen.setdefault(row.household.pk, row.label)
    if any(r.violations for r in rows):
        raise BatchRefused(rows)
    stored = {}
    with transaction.atomic():
        for row in sorted(rows, key=lambda r: r.household.pk):
            household = lock_household(row.household.pk)
            require_recorder(actor, household, "填报季度收入")  # 404 / 403 / 400 for the whole batch
            stored[household.pk] = _store(actor, household, year, quarter, row.values, source, request)
    return [stored[row.household.pk] for row in rows]


def current_reports(household, year: int) -> dict[int, IncomeReport]:
    """{quarter: its latest version} of the household's year."""
    found = {}
    for report in (IncomeReport.objects.filter(household=household, year=year)
                   .select_related("recorded_by").order_by("quarter", "version")):
        found[report.quarter] = report
    return found


def per_capita(total: Decimal, persons: int) -> Decimal:
    return (total / persons).quantize(CENT, rounding=ROUND_HALF_UP) if persons else Decimal("0")


def line_after(quarter: int, line: Decimal | None = None) -> Decimal:
    """The monitoring line pro rata after `quarter` quarters."""
    line = monitoring_line() if line is None else line
    return (line * quarter / 4).quantize(CENT, rounding=ROUND_HALF_UP)


def year_summary(household, year: int) -> dict:
    """The year's table: per quarter the current figures (or None), year-to-date net and per-capita
    income, the pro-rata line and whether the household is below it; the year's latest state."""
    reports = current_reports(household, year)
    line = monitoring_line()
    quarters, ytd, latest = [], Decimal("0"), None
    for q in (1, 2, 3, 4):
        report = reports.get(q)
        row = {"quarter": q, "label": QUARTER_LABELS[q], "report": report, "ytd_net": None, "per_capita": None,
               "line": line_after(q, line), "below_line": None}
        if report is not None:
            ytd += report.net
            row.update(ytd_net=ytd, per_capita=per_capita(ytd, report.persons))
            # Compared unrounded (ytd / persons < line × q / 4), so 0.01 yuan under the line counts.
            row["below_line"] = ytd * 4 < line * q * report.persons
            latest = row
        quarters.append(row)
    return {"year": year, "line": line, "quarters": quarters, "latest": latest,
            "below_line": bool(latest and latest["below_line"]),
            "missing": [QUARTER_LABELS[q] for q in (1, 2, 3, 4) if q not in reports and quarter_due(year, q)]}


def quarter_due(year: int, quarter: int, today=None) -> bool:
    """Whether the quarter has ended (its table is owed)."""
    today = today or timezone.localdate()
    following = quarter_start(year + 1, 1) if quarter == 4 else quarter_start(year, quarter + 1)
    return following <= today
