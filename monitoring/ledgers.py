"""台账 to Excel for any area in the user's scope, each in a fixed number of queries:

- 搬迁户台账: one row per person in the county 花名册 column order of formats.md §1.3 (彝良县易地扶贫搬迁
  对象花名册, 50 columns); the columns the registry does not hold stay empty rather than guessed;
  full ID numbers and phone numbers only for a post that may reveal them there
  (registry.reveal_idnumber), masked otherwise;
- 安置点台账: per site its plan, schedule, households, latest progress, warning and money;
- 资金台账: per site the arrivals by source, the disbursements and the balance;
- 拆旧复垦台账: the moved-in households' old houses — kept (exempt, approved) or demolished,
  reclaimed area and the 增减挂钩 节余指标 (the reclaimed area once natural resources accepted it).

Cells go through documents.spreadsheets.append_row (formula-safe); ID and phone columns are text.
"""

import datetime
from decimal import Decimal

from django.db.models import BooleanField, Count, DecimalField, Exists, ExpressionWrapper, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from documents.spreadsheets import append_row
from registry.idnumbers import mask_id_number, mask_phone
from registry.models import (
    LABOUR_WITH_ABILITY,
    PREFIX_LENGTH,
    AdminArea,
    AreaLevel,
    Employment,
    HouseholdStage,
    Member,
)
from workflows.models.sites import FundEntry, FundKind, FundSource, ProgressReport
from workflows.sites.progress import slow_sites

from . import tallies
from .exports import title_row, widths
from .figures import HOUSEHOLD, SITE, rows
from .indicators import demolished

ROSTER_COLUMNS = (
    "乡(镇)", "行政村", "自然村", "户编号", "姓名", "身份证号", "家庭人数", "与户主关系", "民族", "性别", "文化程度", "劳动力",
    "脱贫属性", "是否在校", "就读学校", "就读年级", "是否享受资助", "资助项目", "资助金额", "健康状况",
    "城乡居民养老保险是否参保", "是否参加基本医疗保险", "参保险种（居民、职工）", "参保地或参保单位",
    "是否患特殊病慢性病或者9类15种重大疾病", "参加过何种培训", "务工地点", "企业名称", "岗位名称", "务工时间", "月工资收入",
    "创业项目", "企业地点", "企业时间", "月收入", "务工去向", "公益性岗位", "自主创业", "无法外出原因", "培训需求",
    "耕地面积", "林地面积", "宅基地面积", "可退耕面积", "联系电话", "致贫原因", "搬迁年度", "搬迁地点", "安置方式", "备注",
)
MONEY = DecimalField(max_digits=18, decimal_places=2)


def _township_names(area: AdminArea) -> dict[str, str]:
    """{9-digit prefix: township name} under the area (one query)."""
    county_prefix = area.code[: PREFIX_LENGTH[AreaLevel.COUNTY]]
    return {a.code[:9]: a.name for a in AdminArea.objects.filter(level=AreaLevel.TOWNSHIP,
                                                                code__startswith=county_prefix)}


def _text_column(sheet, column: int) -> None:
    for row in sheet.iter_rows(min_row=3, min_col=column, max_col=column):
        for cell in row:
            cell.number_format = "@"


def _header(sheet, columns) -> None:
    append_row(sheet, list(columns))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)


PROGRESS_EVERY = 500  # rows between two progress reports of a background export


def _tick(progress, count: int) -> None:
    if progress is not None and count % PROGRESS_EVERY == 0:
        progress(count)


def _yes(flag: bool) -> str:
    return "是" if flag else "否"


def roster(area: AdminArea, user, *, reveal: bool, progress=None) -> tuple[Workbook, int]:
    """搬迁户台账 (花名册): one row per person of every household under the area in scope."""
    households = rows(HOUSEHOLD, user).filter(area_code__startswith=area.prefix)
    size = Member.objects.filter(household=OuterRef("household")).order_by().values("household").annotate(
        n=Count("pk")).values("n")
    members = (Member.objects.filter(household__in=households.values("pk"))
               .select_related("household__village", "household__site")
               .annotate(size=Subquery(size)).order_by("household__number", "id"))
    towns = _township_names(area)
    book = Workbook()
    sheet = book.active
    sheet.title = "花名册"
    today = timezone.localdate()
    title_row(sheet, f"{area.name}易地扶贫搬迁对象花名册-{today:%Y%m%d}", len(ROSTER_COLUMNS))
    _header(sheet, ROSTER_COLUMNS)
    count = 0
    for m in members.iterator(chunk_size=2000):
        h = m.household
        working = m.employment in (Employment.MIGRANT, Employment.LOCAL)
        remark = f"当前阶段：{h.get_stage_display()}"
        if h.stage == HouseholdStage.REMOVED:
            remark = "已清退"
        line = [""] * len(ROSTER_COLUMNS)
        values = {
            "乡(镇)": towns.get(h.area_code[:9], ""), "行政村": h.village.name, "户编号": h.number, "姓名": m.name,
            "身份证号": m.id_number if reveal else mask_id_number(m.id_number), "家庭人数": m.size,
            "与户主关系": m.get_relation_display(), "性别": m.get_sex_display(),
            "劳动力": "劳动力" if m.labour_ability in LABOUR_WITH_ABILITY else "无劳动力",
            "是否在校": _yes(m.employment == Employment.STUDENT),
            "务工去向": m.get_employment_display() if working else "",
            "公益性岗位": _yes(m.employment == Employment.PUBLIC_POST),
            "自主创业": _yes(m.employment == Employment.SELF_EMPLOYED),
            "宅基地面积": h.homestead_area if h.homestead_area is not None else "",
            "联系电话": (h.contact_phone if reveal else mask_phone(h.contact_phone)) if h.contact_phone else "",
            "搬迁地点": h.site.name if h.site_id else h.scattered_location,
            "安置方式": h.get_resettlement_mode_display(), "备注": remark,
        }
        for n, name in enumerate(ROSTER_COLUMNS):
            if name in values:
                line[n] = values[name]
        append_row(sheet, line)
        count += 1
        _tick(progress, count)
    for column in (4, 6, 45):  # 户编号, 身份证号, 联系电话: text, never numbers (formats.md §1.4)
        _text_column(sheet, column)
    widths(sheet, [10, 10, 8, 18, 8, 20, 8, 10] + [8] * 36 + [14, 10, 8, 16, 10, 16])
    sheet.freeze_panes = "E3"
    return book, count


def sites_ledger(area: AdminArea, user, progress=None) -> tuple[Workbook, int]:
    """安置点台账."""
    sites = rows(SITE, user).filter(area_code__startswith=area.prefix)
    arrived = (FundEntry.objects.filter(site=OuterRef("pk"), kind=FundKind.ARRIVAL).order_by().values("site")
               .annotate(s=Sum("amount")).values("s"))
    paid = (FundEntry.objects.filter(site=OuterRef("pk"), kind=FundKind.DISBURSEMENT).order_by().values("site")
            .annotate(s=Sum("amount")).values("s"))
    latest = ProgressReport.objects.filter(site=OuterRef("pk")).order_by("-reported_on", "-id").values("percent")[:1]
    active = Q(households__stage__in=[s for s in HouseholdStage.values if s != HouseholdStage.REMOVED])
    listed = (sites.select_related("area", "project")
              .annotate(arrived=Coalesce(Subquery(arrived, output_field=MONEY), Value(Decimal(0)), output_field=MONEY),
                        paid=Coalesce(Subquery(paid, output_field=MONEY), Value(Decimal(0)), output_field=MONEY),
                        progress=Subquery(latest),
                        households_n=Count("households", filter=active, distinct=True),
                        slow=Exists(slow_sites().filter(pk=OuterRef("pk"))))
              .order_by("code"))
    columns = ("序号", "安置点编号", "安置点名称", "所在区划", "安置类型", "当前阶段", "计划安置套数", "计划安置人数", "安置户数",
               "主导产业", "计划开工日期", "计划主体完工日期", "计划交付日期", "最新形象进度（%）", "进度预警",
               "计划投资（元）", "到位资金（元）", "拨付资金（元）", "结余（元）")
    book = Workbook()
    sheet = book.active
    sheet.title = "安置点台账"
    title_row(sheet, f"{area.name}集中安置点台账-{timezone.localdate():%Y%m%d}", len(columns))
    _header(sheet, columns)
    count = 0
    for n, s in enumerate(listed, start=1):
        p = s.project
        append_row(sheet, [n, s.code, s.name, s.area.name, s.get_kind_display(), s.get_stage_display(),
                           s.planned_units, s.planned_persons, s.households_n, p.leading_industry or "",
                           p.start_by or "", p.structure_by or "", p.handover_by or "",
                           s.progress if s.progress is not None else "", "预警" if s.slow else "",
                           s.planned_funds, s.arrived, s.paid, s.arrived - s.paid])
        count += 1
        _tick(progress, count)
    _money_format(sheet, (16, 17, 18, 19))
    _date_format(sheet, (11, 12, 13))
    widths(sheet, [6, 12, 20, 12, 10, 10, 8, 8, 8, 14, 12, 12, 12, 10, 8, 16, 16, 16, 16])
    return book, count


def funds_ledger(area: AdminArea, user, progress=None) -> tuple[Workbook, int]:
    """资金台账: per site, the arrivals by source, the disbursements and the balance."""
    sites = rows(SITE, user).filter(area_code__startswith=area.prefix).select_related("area").order_by("code")
    sums = (FundEntry.objects.filter(site__in=sites.values("pk")).order_by().values("site", "kind", "source")
            .annotate(total=Sum("amount"), entries=Count("pk")))
    by_site: dict[int, dict] = {}
    for row in sums:
        by_site.setdefault(row["site"], {})[(row["kind"], row["source"])] = (row["total"], row["entries"])
    columns = ("安置点", "所在区划", "计划投资（元）", "资金来源", "到位资金（元）", "拨付资金（元）", "结余（元）", "笔数")
    book = Workbook()
    sheet = book.active
    sheet.title = "资金台账"
    title_row(sheet, f"{area.name}易地扶贫搬迁资金台账-{timezone.localdate():%Y%m%d}", len(columns))
    _header(sheet, columns)
    totals = {"planned": Decimal(0), "arrived": Decimal(0), "paid": Decimal(0)}
    count = 0
    for site in sites:
        entries = by_site.get(site.pk, {})
        arrived = Decimal(0)
        for source in FundSource:
            total, n = entries.get((FundKind.ARRIVAL, source.value), (None, 0))
            if total is not None:
                append_row(sheet, [site.name, site.area.name, "", source.label, total, "", "", n])
                arrived += total
                count += 1
        paid = sum((t for (kind, _s), (t, _n) in entries.items() if kind == FundKind.DISBURSEMENT), Decimal(0))
        paid_n = sum(n for (kind, _s), (_t, n) in entries.items() if kind == FundKind.DISBURSEMENT)
        append_row(sheet, [f"{site.name}（小计）", site.area.name, site.planned_funds, "", arrived, paid,
                           arrived - paid, paid_n])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        count += 1
        _tick(progress, count)
        totals["planned"] += site.planned_funds
        totals["arrived"] += arrived
        totals["paid"] += paid
    append_row(sheet, ["合计", "", totals["planned"], "", totals["arrived"], totals["paid"],
                       totals["arrived"] - totals["paid"], ""])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    _money_format(sheet, (3, 5, 6, 7))
    widths(sheet, [24, 12, 16, 20, 16, 16, 16, 6])
    return book, count


def reclamation_ledger(area: AdminArea, user, progress=None) -> tuple[Workbook, int]:
    """拆旧复垦台账 with the 增减挂钩 节余指标: every moved-in household's old house."""
    moved = [HouseholdStage.DEMOLITION, HouseholdStage.FOLLOW_UP]
    head = Member.objects.filter(household=OuterRef("pk"), relation="head").values("name")[:1]
    listed = (rows(HOUSEHOLD, user).filter(area_code__startswith=area.prefix, stage__in=moved)
              .select_related("village").annotate(head_name=Subquery(head), is_demolished=ExpressionWrapper(demolished(), output_field=BooleanField()))
              .order_by("number"))
    towns = _township_names(area)
    columns = ("户编号", "户主", "乡(镇)", "行政村", "原宅基地面积（㎡）", "保留旧房", "保留原因", "已拆除", "复垦验收",
               "复垦面积（亩）", "增减挂钩节余指标（亩）")
    book = Workbook()
    sheet = book.active
    sheet.title = "拆旧复垦台账"
    title_row(sheet, f"{area.name}拆旧复垦台账（含增减挂钩节余指标）-{timezone.localdate():%Y%m%d}", len(columns))
    _header(sheet, columns)
    quota = Decimal(0)
    count = 0
    for h in listed:
        accepted = h.stage == HouseholdStage.FOLLOW_UP and not h.old_house_kept
        saved = (h.reclaimed_area_mu or Decimal(0)) if accepted else None
        quota += saved or 0
        append_row(sheet, [h.number, h.head_name or "", towns.get(h.area_code[:9], ""), h.village.name,
                           h.homestead_area if h.homestead_area is not None else "", _yes(h.old_house_kept),
                           h.get_old_house_kept_reason_display() if h.old_house_kept else "",
                           "—" if h.old_house_kept else _yes(h.is_demolished),
                           "—" if h.old_house_kept else _yes(accepted),
                           h.reclaimed_area_mu if h.reclaimed_area_mu is not None else "",
                           saved if saved is not None else ""])
        count += 1
        _tick(progress, count)
    append_row(sheet, ["合计", f"{count}户", "", "", "", "", "", "", "", "", quota])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    _text_column(sheet, 1)
    widths(sheet, [18, 10, 10, 10, 14, 8, 24, 8, 8, 12, 16])
    return book, count


def _money_format(sheet, columns) -> None:
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            if cell.column in columns and isinstance(cell.value, (int, float, Decimal)):
                cell.number_format = "#,##0.00"


def _date_format(sheet, columns) -> None:
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            if cell.column in columns and isinstance(cell.value, datetime.date):
                cell.number_format = "yyyy-mm-dd"


LEDGERS = {
    "households": ("搬迁户台账", "易地扶贫搬迁对象花名册"),
    "sites": ("安置点台账", "集中安置点台账"),
    "funds": ("资金台账", "易地扶贫搬迁资金台账"),
    "reclamation": ("拆旧复垦台账", "拆旧复垦台账"),
}


def build(kind: str, area: AdminArea, user, *, reveal: bool = False, progress=None) -> tuple[Workbook, int]:
    """The 台账 `kind` of the area as the user may see it (the roster unmasked only with `reveal`)."""
    if kind == "households":
        return roster(area, user, reveal=reveal, progress=progress)
    return {"sites": sites_ledger, "funds": funds_ledger, "reclamation": reclamation_ledger}[kind](
        area, user, progress=progress)


def estimate(kind: str, area: AdminArea, user) -> int:
    """About how many rows the ledger will have, from the cockpit's tally (no scan): persons for the
    roster (plus one per removed household), old houses for 拆旧复垦, sites for the others. Above
    MONITORING_LEDGER_INLINE_ROWS the ledger is built in the background."""
    totals = tallies.read(area.prefix, len(area.prefix), user).total()
    if kind == "households":
        return int(totals.get("persons", 0)) + int(totals.get(f"stage:{HouseholdStage.REMOVED}", 0))
    if kind == "reclamation":
        return int(totals.get(f"stage:{HouseholdStage.DEMOLITION}", 0)) + int(
            totals.get(f"stage:{HouseholdStage.FOLLOW_UP}", 0))
    return int(totals.get("sites", 0))
