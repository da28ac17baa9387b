"""The township's and the county's own records (docs/domain.md §5: "a village / township / county file
holds that level's own records"): summaries of what the level decided over a period, printed from
the recorded opinions and filed into the level's file (archive scheme):

- 乡镇审核意见汇总表 (township, 审核): the households the township reviewed (入户调查) and approved;
- 拆旧复垦验收汇总表 (township, 拆旧验收): the demolitions the township recorded;
- 搬迁对象审定名单 (county, 对象审定): the households the county approved (县级审定);
- 增减挂钩节余指标台账 (county, 拆旧复垦/增减挂钩): the reclamations natural resources accepted,
  with the reclaimed area (seed 002: "节余指标收集、增减挂钩台账建立").

The subject is the township or county area itself (no household link: a village clerk does not
read the county's records). Names are printed, ID numbers are not.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from django.core.exceptions import ValidationError

from documents.types import DocumentSpec, Subject, register
from documents.types.common import area_path, chinese_date
from registry.models import AdminArea, AreaLevel, Household
from workflows.households.document_types.common import local_date, person_name
from workflows.models.households import Decision, Opinion


@dataclass(frozen=True)
class LevelRecord:
    code: str
    label: str
    level: str  # AreaLevel of the area it is about
    step: str  # the lifecycle step whose approvals it lists
    number_word: str
    reclaimed: bool = False  # prints the reclaimed area and its total
    # A record that does not list one step's approvals (the ledgers of ledgers.py) says whether
    # the area has anything to print for the period: (area code, date from, date to) -> bool.
    has_records: Callable[[str, datetime.date, datetime.date], bool] | None = None


LEVEL_RECORDS = {r.code: r for r in (
    LevelRecord("township_review_summary", "乡镇审核意见汇总表", AreaLevel.TOWNSHIP, "township_review", "审核汇总"),
    LevelRecord("demolition_summary", "拆旧复垦验收汇总表", AreaLevel.TOWNSHIP, "demolition_record", "拆旧汇总",
                reclaimed=True),
    LevelRecord("county_approval_list", "搬迁对象审定名单", AreaLevel.COUNTY, "county_approval", "审定"),
    LevelRecord("reclamation_ledger", "增减挂钩节余指标台账", AreaLevel.COUNTY, "reclamation_acceptance", "复垦台账",
                reclaimed=True),
)}


def report_period(date_from, date_to) -> tuple[datetime.date, datetime.date]:
    if isinstance(date_from, str):
        date_from = datetime.date.fromisoformat(date_from)
    if isinstance(date_to, str):
        date_to = datetime.date.fromisoformat(date_to)
    return date_from, date_to


def approvals_in(record: LevelRecord, area_code: str, date_from, date_to) -> list[Opinion]:
    """The last approval of the record's step per household under the area, within the period."""
    date_from, date_to = report_period(date_from, date_to)
    prefix = area_code[:6] if record.level == AreaLevel.COUNTY else area_code[:9]
    found: dict[int, Opinion] = {}
    opinions = (Opinion.objects.filter(step=record.step, decision=Decision.APPROVE, area_code__startswith=prefix)
                .select_related("actor", "household__village").order_by("id"))
    for opinion in opinions:
        if date_from <= local_date(opinion.created_at) <= date_to:
            found[opinion.household_id] = opinion
    return sorted(found.values(), key=lambda o: o.household.number)


def check_request(code: str, area: AdminArea, date_from, date_to) -> list[str]:
    """Chinese reasons why this record cannot be generated (empty when it can)."""
    record = LEVEL_RECORDS.get(code)
    if record is None:
        return ["未知的文书类型。"]
    errors = []
    if area.level != record.level:
        errors.append(f"{record.label}须以{AreaLevel(record.level).label}为单位生成。")
    if not isinstance(date_from, datetime.date) or not isinstance(date_to, datetime.date):
        errors.append("须填写起止日期。")
    elif date_from > date_to:
        errors.append("开始日期不得晚于结束日期。")
    if not errors and not (record.has_records(area.code, date_from, date_to) if record.has_records
                           else approvals_in(record, area.code, date_from, date_to)):
        errors.append(f"{date_from:%Y年%m月%d日}至{date_to:%Y年%m月%d日}期间{area.name}没有可汇总的记录。")
    return errors


def _context(record: LevelRecord):
    def build(subject: Subject, *, public: bool, date_from, date_to) -> dict:
        opinions = approvals_in(record, subject.area_code, date_from, date_to)
        if not opinions:
            raise ValidationError("所选期间没有可汇总的记录。", code="nothing_to_summarise")
        rows = []
        total = Decimal("0")
        for opinion in opinions:
            household: Household = opinion.household
            head = household.head
            area = household.reclaimed_area_mu or Decimal("0")
            total += area
            rows.append({
                "number": household.number,
                "village": household.village.name,
                "head_name": head.name if head else "",
                "size": household.members.count(),
                "mode": household.get_resettlement_mode_display(),
                "opinion": opinion.text,
                "signer": person_name(opinion.actor) if opinion.actor_id else "系统自动办理",
                "date": chinese_date(local_date(opinion.created_at)),
                "reclaimed": ("保留旧房（经批准）" if household.old_house_kept else f"{area:.2f}"),
            })
        date_from_, date_to_ = report_period(date_from, date_to)
        return {
            "area": area_path(subject.area_code),
            "level_name": AdminArea.objects.filter(code=subject.area_code).values_list("name", flat=True).first(),
            "label": record.label,
            "reclaimed": record.reclaimed,
            "rows": rows,
            "count": len(rows),
            "people": sum(r["size"] for r in rows),
            "reclaimed_total": f"{total:.2f}",
            "date_from": chinese_date(date_from_),
            "date_to": chinese_date(date_to_),
        }

    return build


def _title(record: LevelRecord):
    def title(subject: Subject) -> str:
        name = AdminArea.objects.filter(code=subject.area_code).values_list("name", flat=True).first() or ""
        return f"{name}易地扶贫搬迁{record.label}"

    return title


def add_level_record(record: LevelRecord) -> LevelRecord:
    """A level's own record defined elsewhere (ledgers.py) joins the form and the demo here."""
    LEVEL_RECORDS[record.code] = record
    return record


SPECS = [register(DocumentSpec(
    code=record.code,
    full_id_numbers=False,  # names and household numbers only
    label=record.label,
    number_word=record.number_word,
    template="documents/pdf/level_summary.html",
    version="1",
    build_context=_context(record),
    title=_title(record),
    options=("date_from", "date_to"),
)) for record in LEVEL_RECORDS.values()]
