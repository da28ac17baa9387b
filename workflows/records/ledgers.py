"""The village's and the county's own ledgers (台账), generated like the level records of level.py
and filed into the level's file (archive scheme: 村·台账, 县·资金):

- 村级搬迁对象台账 (village): every household of the village registered by the end of the
  period — household number, head's name, 人数, 安置方式, site, current stage and the dates of its
  key stages read from the recorded opinions; names and numbers only, never an ID number;
- 易地扶贫搬迁资金台账 (county): per site the planned investment, the funds arrived and disbursed
  (the site funds ledger, workflows/sites/funds.py: for the period and accumulated to its end,
  with the arrival rate) and the households' self-funds received and used (the self-funds
  ledger), scattered households on their own row, with totals (seed 002 "严格资金管理",
  "分类建立收支台账").

A period with nothing recorded in it is refused (check_request), as for the other level records.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.utils import timezone

from documents.types import DocumentSpec, Subject, register
from documents.types.common import area_path, chinese_date
from registry.models import AdminArea, AreaLevel, Household, ResettlementSite
from workflows.models.households import Decision, Opinion
from workflows.models.sites import FundEntry, FundKind, SelfFundEntry, SelfFundKind
from workflows.records.level import LevelRecord, add_level_record, report_period
from workflows.sites.funds import money

ZERO = Decimal("0")

# The key stages a village ledger dates, each by the step (or, for the joint acceptance, the
# last of the steps) whose approval completed it.
KEY_STAGES = (
    ("申报", ("submit_application",)),
    ("评议", ("review_meeting",)),
    ("公示期满", ("resubmit_after_notice",)),
    ("县级审定", ("county_approval",)),
    ("开工", ("start_record",)),
    ("验收", ("housing_acceptance", "township_acceptance", "household_confirmation")),
    ("入住", ("move_in_confirmation",)),
    ("拆旧复垦", ("reclamation_acceptance",)),
)
KEY_STEPS = tuple(step for _label, steps in KEY_STAGES for step in steps)


def _end(date_to: datetime.date) -> datetime.datetime:
    """The first moment after the period's last day, in local time."""
    return timezone.make_aware(datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min))


def _start(date_from: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(date_from, datetime.time.min))


def _area_name(code: str) -> str:
    return AdminArea.objects.filter(code=code).values_list("name", flat=True).first() or code


# 村级搬迁对象台账 -------------------------------------------------------------------------------

def _key_opinions(area_code: str):
    return Opinion.objects.filter(area_code=area_code, step__in=KEY_STEPS,
                                  decision__in=[Decision.APPROVE, Decision.SYSTEM])


def village_has_records(area_code: str, date_from, date_to) -> bool:
    date_from, date_to = report_period(date_from, date_to)
    start, end = _start(date_from), _end(date_to)
    return (Household.objects.filter(area_code=area_code, created_at__gte=start, created_at__lt=end).exists()
            or _key_opinions(area_code).filter(created_at__gte=start, created_at__lt=end).exists())


def village_rows(area_code: str, date_from, date_to) -> tuple[list[dict], int]:
    """(rows, key stages completed within the period): a few queries for the whole village."""
    date_from, date_to = report_period(date_from, date_to)
    end = _end(date_to)
    households = list(Household.objects.filter(area_code=area_code, created_at__lt=end)
                      .select_related("site").prefetch_related("members").order_by("number"))
    reached: dict[int, dict[str, datetime.date]] = {}
    for household_id, step, created_at in (_key_opinions(area_code).filter(created_at__lt=end)
                                           .values_list("household_id", "step", "created_at").order_by("id")):
        day = timezone.localdate(created_at)
        steps = reached.setdefault(household_id, {})
        steps[step] = max(day, steps.get(step, day))  # a stage passed again (after a return) shows its last date
    in_period = 0
    rows = []
    for household in households:
        steps = reached.get(household.pk, {})
        dates = []
        for _label, codes in KEY_STAGES:
            found = [steps[c] for c in codes if c in steps]
            # The joint acceptance is complete only when every party has signed.
            day = max(found) if found and len(found) == len(codes) else None
            if day is not None and day >= date_from:
                in_period += 1
            dates.append(day.strftime("%Y-%m-%d") if day else "")
        head = household.head
        rows.append({
            "number": household.number,
            "head_name": head.name if head else "",
            "size": len(household.members.all()),
            "mode": household.get_resettlement_mode_display(),
            "site": household.site.name if household.site_id else (household.scattered_location or "—"),
            "stage": household.get_stage_display(),
            "dates": dates,
        })
    return rows, in_period


def _village_context(subject: Subject, *, public: bool, date_from, date_to) -> dict:
    rows, in_period = village_rows(subject.area_code, date_from, date_to)
    if not rows:
        raise ValidationError("所选期间没有可汇总的记录。", code="nothing_to_summarise")
    date_from_, date_to_ = report_period(date_from, date_to)
    return {
        "area": area_path(subject.area_code),
        "level_name": _area_name(subject.area_code),
        "stage_labels": [label for label, _steps in KEY_STAGES],
        "rows": rows,
        "count": len(rows),
        "people": sum(r["size"] for r in rows),
        "in_period": in_period,
        "date_from": chinese_date(date_from_),
        "date_to": chinese_date(date_to_),
    }


VILLAGE_LEDGER = add_level_record(LevelRecord(
    "village_household_ledger", "村级搬迁对象台账", AreaLevel.VILLAGE, "", "村台账",
    has_records=village_has_records))


# 易地扶贫搬迁资金台账 ----------------------------------------------------------------------------

def funds_has_records(area_code: str, date_from, date_to) -> bool:
    date_from, date_to = report_period(date_from, date_to)
    prefix = area_code[:6]
    period = {"entry_date__gte": date_from, "entry_date__lte": date_to}
    return (FundEntry.objects.filter(site__area_code__startswith=prefix, **period).exists()
            or SelfFundEntry.objects.filter(household__area_code__startswith=prefix, **period).exists())


def funds_rows(area_code: str, date_from, date_to) -> tuple[list[dict], dict]:
    """(rows per site and one for scattered households, totals), as Decimals: four queries."""
    date_from, date_to = report_period(date_from, date_to)
    prefix = area_code[:6]
    in_period = Q(entry_date__gte=date_from)
    funds: dict[tuple[int, str], dict] = {}
    for row in (FundEntry.objects.filter(site__area_code__startswith=prefix, entry_date__lte=date_to)
                .values("site_id", "kind").order_by()
                .annotate(total=Sum("amount"), period=Sum("amount", filter=in_period))):
        funds[(row["site_id"], row["kind"])] = row
    own: dict[tuple[int | None, str], dict] = {}
    for row in (SelfFundEntry.objects.filter(household__area_code__startswith=prefix, entry_date__lte=date_to)
                .values("household__site_id", "kind").order_by()
                .annotate(total=Sum("amount"), households=Count("household", distinct=True))):
        own[(row["household__site_id"], row["kind"])] = row
    site_ids = {site_id for site_id, _kind in funds} | {site_id for site_id, _kind in own if site_id}
    sites = ResettlementSite.objects.filter(Q(area_code__startswith=prefix) | Q(pk__in=site_ids)).order_by("code")

    def amount(table, key, field="total") -> Decimal:
        return (table.get(key) or {}).get(field) or ZERO

    rows = []
    for site in sites:
        planned = Decimal(site.planned_funds or 0)
        arrived = amount(funds, (site.pk, FundKind.ARRIVAL))
        rows.append({
            "name": site.name, "planned": planned,
            "arrived_period": amount(funds, (site.pk, FundKind.ARRIVAL), "period"), "arrived": arrived,
            "rate": (arrived / planned * 100).quantize(Decimal("0.01")) if planned else None,
            "disbursed_period": amount(funds, (site.pk, FundKind.DISBURSEMENT), "period"),
            "disbursed": amount(funds, (site.pk, FundKind.DISBURSEMENT)),
            "self_received": amount(own, (site.pk, SelfFundKind.RECEIVED)),
            "self_used": amount(own, (site.pk, SelfFundKind.USED)),
            "self_households": int(amount(own, (site.pk, SelfFundKind.RECEIVED), "households")),
        })
    if (None, SelfFundKind.RECEIVED) in own or (None, SelfFundKind.USED) in own:
        rows.append({
            "name": "分散安置户", "planned": None, "arrived_period": None, "arrived": None, "rate": None,
            "disbursed_period": None, "disbursed": None,
            "self_received": amount(own, (None, SelfFundKind.RECEIVED)),
            "self_used": amount(own, (None, SelfFundKind.USED)),
            "self_households": int(amount(own, (None, SelfFundKind.RECEIVED), "households")),
        })
    fields = ("planned", "arrived_period", "arrived", "disbursed_period", "disbursed", "self_received", "self_used",
              "self_households")
    totals = {f: sum((r[f] for r in rows if r[f] is not None), ZERO) for f in fields}
    totals["rate"] = ((totals["arrived"] / totals["planned"] * 100).quantize(Decimal("0.01"))
                      if totals["planned"] else None)
    return rows, totals


def _printed(row: dict) -> dict:
    shown = {}
    for key, value in row.items():
        if key in ("name", "self_households"):
            shown[key] = int(value) if key == "self_households" else value
        elif key == "rate":
            shown[key] = f"{value}%" if value is not None else "—"
        else:
            shown[key] = money(value) if value is not None else "—"
    return shown


def _funds_context(subject: Subject, *, public: bool, date_from, date_to) -> dict:
    rows, totals = funds_rows(subject.area_code, date_from, date_to)
    if not rows:
        raise ValidationError("所选期间没有可汇总的记录。", code="nothing_to_summarise")
    date_from_, date_to_ = report_period(date_from, date_to)
    return {
        "area": area_path(subject.area_code),
        "level_name": _area_name(subject.area_code),
        "rows": [_printed(r) for r in rows],
        "totals": _printed({"name": "合计", **totals}),
        "date_from": chinese_date(date_from_),
        "date_to": chinese_date(date_to_),
    }


FUNDS_LEDGER = add_level_record(LevelRecord(
    "relocation_funds_ledger", "易地扶贫搬迁资金台账", AreaLevel.COUNTY, "", "资金台账",
    has_records=funds_has_records))


def _title(record: LevelRecord):
    def title(subject: Subject) -> str:
        return f"{_area_name(subject.area_code)}{record.label}"

    return title


SPECS = [
    register(DocumentSpec(
        code=VILLAGE_LEDGER.code, full_id_numbers=False, label=VILLAGE_LEDGER.label,
        number_word=VILLAGE_LEDGER.number_word, template="documents/pdf/village_household_ledger.html", version="1",
        build_context=_village_context, title=_title(VILLAGE_LEDGER), options=("date_from", "date_to"))),
    register(DocumentSpec(
        code=FUNDS_LEDGER.code, full_id_numbers=False, label=FUNDS_LEDGER.label,
        number_word=FUNDS_LEDGER.number_word, template="documents/pdf/relocation_funds_ledger.html", version="1",
        build_context=_funds_context, title=_title(FUNDS_LEDGER), options=("date_from", "date_to"))),
]
