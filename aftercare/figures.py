"""Figures other floors read (the cockpit of monitoring/, issue 19): plain numbers over an area
prefix, no scope of their own — the caller has already decided which area the user may see.

    employment(prefix="520999101") -> {"labour_households": 12, "employed_households": 11,
                                       "households_without_job": 1, "labour": 30, "employed": 19}

就业率 = employed_households / labour_households (formats.md §3.2: 已就业有劳动力户/有劳动力户), over
the households that have moved in (入住, 拆旧复垦, 后扶); show numerator and denominator."""

from django.db.models import Count, Exists, OuterRef, Q

from registry.models import EMPLOYED, LABOUR_WITH_ABILITY, Household, Member

from .access import MOVED_IN


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
