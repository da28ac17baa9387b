"""Counting the indicators over an area and the areas one level down, in a bounded number of queries.

Each source (households, persons, sites, arrivals) is read once per call, grouped by the area-code
prefix of the level below (`Substr(area_code, 1, n)`), with one conditional aggregate per measure:
four queries for any number of areas and indicators. The rows are always the user's scope
(`visible_to` / `area_q`: registry/scope.py), or everything for the system's own snapshots
(`user=None`).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce, Substr

from registry.models import PREFIX_LENGTH, AdminArea, AreaLevel, Household, Member, ResettlementSite
from registry.models.areas import LEVEL_ORDER
from registry.scope import area_q, covers, prefixes_for
from workflows.models.sites import FundEntry, FundKind

from .indicators import ARRIVAL, HOUSEHOLD, INDICATORS, PERSON, SITE, Figure, Indicator, Measure, measures

HOUSEHOLD_PERM = "registry.view_household"
SITE_PERM = "registry.view_resettlementsite"
AREA_FIELD = {HOUSEHOLD: "area_code", PERSON: "household__area_code", SITE: "area_code", ARRIVAL: "area_code"}


def rows(source: str, user=None):
    """The scoped rows of one source: what every figure and every drill-down list starts from."""
    if source == HOUSEHOLD:
        return Household.objects.visible_to(user) if user is not None else Household.objects.all()
    if source == PERSON:
        qs = Member.objects.all()
        return qs.filter(area_q(user, HOUSEHOLD_PERM, AREA_FIELD[PERSON])) if user is not None else qs
    if source == SITE:
        return ResettlementSite.objects.visible_to(user, SITE_PERM) if user is not None else ResettlementSite.objects.all()
    qs = FundEntry.objects.filter(kind=FundKind.ARRIVAL)
    return qs.filter(area_q(user, SITE_PERM)) if user is not None else qs


def listed(m: Measure, user=None):
    """The rows a measure counts, as listed behind its figure: households for household and person
    measures (a person measure's households, each once), sites for site and money measures."""
    if m.source == HOUSEHOLD:
        return rows(HOUSEHOLD, user).filter(m.q())
    if m.source == PERSON:
        return rows(HOUSEHOLD, user).filter(pk__in=rows(PERSON, user).filter(m.q()).values("household_id"))
    return rows(SITE, user).filter(m.q() if m.source == SITE else Q())


def child_level(level: str) -> str | None:
    i = LEVEL_ORDER.index(level)
    return LEVEL_ORDER[i + 1] if i + 1 < len(LEVEL_ORDER) else None


def _aggregate(m: Measure):
    if m.per_household:
        return Count("household", distinct=True, filter=m.q())
    if m.total:
        return Coalesce(Sum(m.total, filter=m.q()), Value(Decimal(0)),
                        output_field=DecimalField(max_digits=18, decimal_places=2))
    return Count("pk", filter=m.q())


def tally(prefix: str, group_len: int, user=None, wanted=None) -> dict[str, dict[str, Decimal | int]]:
    """{area-code prefix of `group_len` digits: {measure key: value}} over the rows under `prefix`.
    One query per source."""
    wanted = wanted or measures()
    by_source: dict[str, list[Measure]] = {}
    for m in wanted.values():
        by_source.setdefault(m.source, []).append(m)
    found: dict[str, dict] = {}
    for source, ms in by_source.items():
        field = AREA_FIELD[source]
        qs = (rows(source, user).filter(**{f"{field}__startswith": prefix}).order_by()
              .annotate(_group=Substr(field, 1, group_len)).values("_group")
              .annotate(**{m.key: _aggregate(m) for m in ms}))
        for row in qs:
            group = found.setdefault(row.pop("_group"), {})
            group.update(row)
    return found


def zero(m: Measure):
    return Decimal(0) if m.total else 0


def figures_of(values: dict, indicators=INDICATORS) -> list[Figure]:
    out = []
    for i in indicators:
        out.append(Figure(i, values.get(i.numerator.key, zero(i.numerator)),
                          values.get(i.denominator.key, zero(i.denominator)),
                          values.get(i.excluded.key, 0) if i.excluded else None))
    return out


def add(totals: dict, values: dict) -> dict:
    for key, value in values.items():
        totals[key] = totals.get(key, 0) + value
    return totals


@dataclass
class AreaFigures:
    """One area's figures: the area (None for a bucket without an area of the level below, such
    as sites registered at the county itself), its prefix and its indicators' figures."""

    area: AdminArea | None
    prefix: str
    figures: list[Figure]
    values: dict

    @property
    def name(self) -> str:
        return self.area.name if self.area else "本级（未落到下级区划）"

    def figure(self, code: str) -> Figure:
        return next(f for f in self.figures if f.indicator.code == code)


@dataclass
class Breakdown:
    area: AreaFigures
    children: list[AreaFigures]


def group_length(area: AdminArea) -> int:
    """The prefix length of the areas one level down (the area's own when it has none below)."""
    below = child_level(area.level)
    return PREFIX_LENGTH[below] if below else PREFIX_LENGTH[area.level]


def breakdown(area: AdminArea, user=None, indicators: tuple[Indicator, ...] = INDICATORS) -> Breakdown:
    """The area's figures and each area's one level down (every child listed, even without rows),
    counted live."""
    return breakdown_of(area, tally(area.prefix, group_length(area), user), indicators)


def breakdown_of(area: AdminArea, grouped: dict, indicators: tuple[Indicator, ...] = INDICATORS) -> Breakdown:
    """The same from values already grouped by the prefix of the level below (the cockpit's tally)."""
    below = child_level(area.level)
    group_len = group_length(area)
    totals: dict = {}
    for values in grouped.values():
        add(totals, values)
    children = []
    if below:
        known = {child.code[:group_len]: child for child in AdminArea.objects.filter(parent=area).order_by("code")}
        for key, child in known.items():
            values = grouped.get(key, {})
            children.append(AreaFigures(child, child.prefix, figures_of(values, indicators), values))
        for key in sorted(set(grouped) - set(known)):
            children.append(AreaFigures(None, key, figures_of(grouped[key], indicators), grouped[key]))
    return Breakdown(AreaFigures(area, area.prefix, figures_of(totals, indicators), totals), children)


def area_of_prefix(prefix: str) -> AdminArea | None:
    code = prefix.ljust(12, "0")
    return AdminArea.objects.filter(code=code).first()


def home_area(user) -> AdminArea | None:
    """The widest area the user reads households in (a county post: its county; a village clerk:
    the village). Superusers read everything: the first county."""
    if user.is_superuser:
        return AdminArea.objects.filter(level=AreaLevel.COUNTY).order_by("code").first()
    prefixes = prefixes_for(user, HOUSEHOLD_PERM)
    return area_of_prefix(prefixes[0]) if prefixes else None


def in_scope(user, area: AdminArea) -> bool:
    return covers(user, HOUSEHOLD_PERM, area.code)


def scoped_q(prefix: str, source: str) -> Q:
    return Q(**{f"{AREA_FIELD[source]}__startswith": prefix})
