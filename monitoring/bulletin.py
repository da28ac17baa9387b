"""周通报 (seed 000's weekly bulletin) of a county, as a document of the engine: 文号, QR code, filed
into the county's own archive file like every document (archive/filing.py, 县·综合管理).

What it prints, for the week ending on `week_end` (a Sunday by default: the week before the
Monday it is generated on): the county's rates and their change since the week before; the
townships ranked on the combined score and on each of the 五率, the top two and the bottom two
named; the overdue households by township and stage; the slow sites; the findings opened and
closed in the week, by township. All counted over the whole county (the system's view), in a
fixed number of queries.
"""

import datetime

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone

from documents.services import generate_document
from documents.types import DocumentSpec, Subject, register
from documents.types.common import area_path, chinese_date
from registry.models import PREFIX_LENGTH, AdminArea, AreaLevel, Household, HouseholdStage
from supervision.models import Finding
from workflows.households import stages as household_stages
from workflows.households.deadlines import overdue_q
from workflows.sites.progress import slow_sites

from .figures import breakdown
from .rankings import rankings
from .snapshots import last_week

DOC_TYPE = "weekly_bulletin"
TOWNSHIP = PREFIX_LENGTH[AreaLevel.TOWNSHIP]
SLOW_SITES_PRINTED = 50


def week_of(week_end: datetime.date | str | None) -> tuple[datetime.date, datetime.date]:
    """(Monday, Sunday) of the week ending on `week_end`; default: the last full week."""
    if isinstance(week_end, str):
        week_end = datetime.date.fromisoformat(week_end)
    if week_end is None:
        today = timezone.localdate()
        week_end = today - datetime.timedelta(days=today.weekday() + 1)
    return week_end - datetime.timedelta(days=6), week_end


def _signed(value) -> str:
    if value is None:
        return "—"
    return f"+{value}" if value > 0 else str(value)


def _percent(value) -> str:
    return "—" if value is None else f"{value}%"


def _ranking_rows(ranking) -> dict:
    return {
        "name": ranking.name,
        "places": [{"rank": p.rank or "—", "area": p.area.name,
                    "value": (f"{p.value}分" if ranking.code == "score" else _percent(p.value)) if p.value is not None
                    else "—",
                    "figure": "" if ranking.code == "score" else p.area.figure(ranking.code).text,
                    "change": _signed(p.change), "top": p in ranking.top, "bottom": p in ranking.bottom}
                   for p in ranking.places],
        "top": "、".join(p.area.name for p in ranking.top),
        "bottom": "、".join(p.area.name for p in ranking.bottom),
    }


def _township_names(county: AdminArea) -> dict[str, str]:
    names = {a.prefix: a.name for a in AdminArea.objects.filter(parent=county)}
    names[county.code[:TOWNSHIP]] = "县本级"
    return names


def overdue_by_township(county: AdminArea, names: dict, now=None) -> list[dict]:
    rows = (Household.objects.filter(overdue_q(now), area_code__startswith=county.prefix).order_by()
            .annotate(town=Substr("area_code", 1, TOWNSHIP)).values("town", "stage").annotate(n=Count("pk")))
    by_town: dict[str, dict] = {}
    for row in rows:
        by_town.setdefault(row["town"], {})[row["stage"]] = row["n"]
    out = []
    for town, stages in sorted(by_town.items()):
        parts = [f"{HouseholdStage(code).label}{stages[code]}户" for code in household_stages.ORDER if code in stages]
        out.append({"town": names.get(town, town), "total": sum(stages.values()), "stages": "、".join(parts)})
    return out


def findings_of_week(county: AdminArea, names: dict, start: datetime.date, end: datetime.date) -> dict:
    since = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    until = timezone.make_aware(datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min))
    rows = (Finding.objects.filter(area_code__startswith=county.prefix).order_by()
            .annotate(town=Substr("area_code", 1, TOWNSHIP)).values("town")
            .annotate(opened=Count("pk", filter=Q(filed_at__gte=since, filed_at__lt=until)),
                      closed=Count("pk", filter=Q(closed_at__gte=since, closed_at__lt=until)),
                      still_open=Count("pk", filter=~Q(status=Finding.Status.CLOSED))))
    listed = [{"town": names.get(r["town"], r["town"]), **{k: r[k] for k in ("opened", "closed", "still_open")}}
              for r in sorted(rows, key=lambda r: r["town"]) if r["opened"] or r["closed"] or r["still_open"]]
    totals = {k: sum(r[k] for r in listed) for k in ("opened", "closed", "still_open")}
    return {"rows": listed, "totals": totals}


def slow_site_rows(county: AdminArea, names: dict, today: datetime.date) -> list[dict]:
    sites = (slow_sites(today).filter(area_code__startswith=county.prefix).select_related("project")
             .order_by("code")[:SLOW_SITES_PRINTED])
    out = []
    for site in sites:
        p = site.project
        late = [f"{label}（计划{chinese_date(due)}）" for label, due in
                (("开工", p.start_by), ("主体完工", p.structure_by), ("交付", p.handover_by)) if due and due < today]
        out.append({"name": site.name, "town": names.get(site.area_code[:TOWNSHIP], "县本级"),
                    "stage": site.get_stage_display(), "late": "、".join(late)})
    return out


def build_context(subject: Subject, *, public: bool, week_end=None) -> dict:
    county = subject.area
    start, end = week_of(week_end)
    figures = breakdown(county)
    children = [c for c in figures.children if c.area is not None]
    previous = last_week([county.prefix, *(c.prefix for c in children)], today=end)
    ranked = rankings(children, previous)
    names = _township_names(county)
    county_before = previous.get(county.prefix, {})
    return {
        "area": area_path(subject.area_code),
        "county": county.name,
        "week_from": chinese_date(start),
        "week_to": chinese_date(end),
        "rates": [{"name": f.indicator.name, "five": f.indicator.five, "figure": f.text,
                   "change": _signed(None if f.percent is None or county_before.get(f.indicator.code) is None
                                     else f.percent - county_before[f.indicator.code])}
                  for f in figures.area.figures],
        "rankings": [_ranking_rows(r) for r in ranked],
        "overdue": overdue_by_township(county, names),
        "slow_sites": slow_site_rows(county, names, end),
        "findings": findings_of_week(county, names, start, end),
    }


def _title(subject: Subject) -> str:
    return f"{subject.area.name}易地扶贫搬迁工作周通报"


SPEC = register(DocumentSpec(
    code=DOC_TYPE, label="易地扶贫搬迁工作周通报", number_word="周通报", template="documents/pdf/weekly_bulletin.html",
    version="1", build_context=build_context, title=_title, full_id_numbers=False, options=("week_end",)))


def issue_bulletin(county: AdminArea, *, actor=None, week_end: datetime.date | None = None, request=None):
    """Generate the county's bulletin for the week (a new document with its 文号, filed)."""
    _start, end = week_of(week_end)
    return generate_document(DOC_TYPE, actor=actor, area=county, request=request, week_end=end.isoformat())


def issue_all(week_end: datetime.date | None = None) -> int:
    """Monday's beat job: one bulletin per county that has households or sites."""
    issued = 0
    for county in AdminArea.objects.filter(level=AreaLevel.COUNTY).order_by("code"):
        if Household.objects.filter(area_code__startswith=county.prefix).exists() or county.sites.exists() or \
                county.children.filter(sites__isnull=False).exists():
            issue_bulletin(county, week_end=week_end)
            issued += 1
    return issued
