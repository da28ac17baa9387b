"""Figures other floors read (the cockpit of monitoring/, issue 19): plain numbers over an area
prefix, no scope of their own — the caller has already decided which area the user may see.

    employment(prefix="520999101") -> {"labour_households": 12, "employed_households": 11,
                                       "households_without_job": 1, "labour": 30, "employed": 19}

就业率 = employed_households / labour_households (formats.md §3.2: 已就业有劳动力户/有劳动力户), over
the households that have moved in (入住, 拆旧复垦, 后扶); show numerator and denominator. `employment`
reads the registry's 就业状况 (which the ledger sets to its latest month); the cockpit's 就业率
(monitoring/indicators.py) reads the 就业台账 itself through `ledger_employed` / `ledger_recorded`.

    risks(prefix="520999") -> {"open": 3, "closing": 1, "households": 2, "by_township": [...], "by_site": [...]}"""

from django.db.models import Count, Exists, OuterRef, Q

from registry.models import EMPLOYED, LABOUR_WITH_ABILITY, AdminArea, AreaLevel, Household, Member

from .access import MOVED_IN
from .models import EMPLOYED_STATUSES, EmploymentRecord, Risk, RiskStatus


def ledger_employed(member: str = "pk") -> Exists:
    """Over Member rows (`member`: the outer query's member id): the member's latest month in the
    就业台账 (the latest `month`, then the latest entry of that month) is a job — 务工, 公益岗位,
    帮扶车间, 自主创业 or 灵活就业. A member without any ledger row is not counted as employed.
    The cockpit's 就业率 (monitoring/indicators.py) counts households by it."""
    later = EmploymentRecord.objects.filter(member=OuterRef("member")).filter(
        Q(month__gt=OuterRef("month")) | Q(month=OuterRef("month"), pk__gt=OuterRef("pk")))
    return Exists(EmploymentRecord.objects.filter(member=OuterRef(member), status__in=EMPLOYED_STATUSES)
                  .filter(~Exists(later)))


def ledger_recorded(member: str = "pk") -> Exists:
    """Over Member rows: the member has at least one row in the 就业台账."""
    return Exists(EmploymentRecord.objects.filter(member=OuterRef(member)))


def moved_in_households(prefix: str):
    return Household.objects.filter(area_code__startswith=prefix, stage__in=MOVED_IN)


def employment(prefix: str) -> dict:
    """Households with labour, those with at least one member employed, and members, under `prefix`."""
    members = Member.objects.filter(household=OuterRef("pk"))
    households = moved_in_households(prefix).annotate(
        has_labour=Exists(members.filter(labour_ability__in=LABOUR_WITH_ABILITY)),
        has_job=Exists(members.filter(employment__in=EMPLOYED)),
    )
    counts = households.aggregate(
        labour_households=Count("pk", filter=Q(has_labour=True)),
        employed_households=Count("pk", filter=Q(has_labour=True, has_job=True)),
    )
    people = Member.objects.filter(household__in=moved_in_households(prefix)).aggregate(
        labour=Count("pk", filter=Q(labour_ability__in=LABOUR_WITH_ABILITY)),
        employed=Count("pk", filter=Q(labour_ability__in=LABOUR_WITH_ABILITY, employment__in=EMPLOYED)),
    )
    return {**counts, "households_without_job": counts["labour_households"] - counts["employed_households"],
            **people}


def risks(prefix: str) -> dict:
    """防返贫 risks under `prefix`: open (not yet closed) and closing, the households with an open
    risk, and per township and per site the open risks and their households."""
    live = Risk.objects.filter(area_code__startswith=prefix).exclude(status=RiskStatus.CLOSED)
    by_township, by_site = {}, {}
    for area_code, site_id, household_id in live.values_list("area_code", "household__site_id", "household_id"):
        for key, table in ((area_code[:9], by_township), (site_id, by_site)):
            if key is None:
                continue
            entry = table.setdefault(key, {"open": 0, "households": set()})
            entry["open"] += 1
            entry["households"].add(household_id)
    names = dict(AdminArea.objects.filter(code__in=[f"{p}000" for p in by_township], level=AreaLevel.TOWNSHIP)
                 .values_list("code", "name"))
    return {
        "open": live.count(),
        "closing": live.filter(status=RiskStatus.CLOSING).count(),
        "households": live.values("household_id").distinct().count(),
        "by_township": [{"code": f"{p}000", "name": names.get(f"{p}000", p), "open": e["open"],
                         "households": len(e["households"])} for p, e in sorted(by_township.items())],
        "by_site": [{"site_id": s, "open": e["open"], "households": len(e["households"])}
                    for s, e in sorted(by_site.items())],
    }
