"""Taking the day's snapshot of every area (idempotent per day) and reading them back for charts
and for the change since last week."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from registry.models import PREFIX_LENGTH, AdminArea
from registry.models.areas import LEVEL_ORDER

from .figures import tally
from .indicators import INDICATORS
from .models import Snapshot
from .rankings import score, weights

HISTORY_DAYS = 90


def _stored(values: dict) -> dict:
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in values.items()}


def take_snapshots(day: datetime.date | None = None) -> int:
    """Count every area of every level (one query per source and level, whatever the number of
    areas) and store one row per area for `day`, replacing that day's rows if taken before."""
    day = day or timezone.localdate()
    now = timezone.now()
    found: list[Snapshot] = []
    for level in LEVEL_ORDER:
        n = PREFIX_LENGTH[level]
        grouped = tally("", n)
        codes = {key.ljust(12, "0") for key in grouped}
        real = set(AdminArea.objects.filter(code__in=codes, level=level).values_list("code", flat=True))
        for key, values in grouped.items():
            code = key.ljust(12, "0")
            if code in real:
                found.append(Snapshot(day=day, area_code=code, level=level, values=_stored(values), taken_at=now))
    with transaction.atomic():
        Snapshot.objects.filter(day=day).delete()
        Snapshot.objects.bulk_create(found)
    return len(found)


def history(area_code: str, days: int = HISTORY_DAYS, until: datetime.date | None = None) -> list[Snapshot]:
    until = until or timezone.localdate()
    return list(Snapshot.objects.filter(area_code=area_code, day__gt=until - datetime.timedelta(days=days),
                                        day__lte=until).order_by("day"))


class _Shown:
    """A snapshot seen as an area's figures (what rankings.score reads)."""

    def __init__(self, snapshot: Snapshot):
        self.figures = snapshot.figures()

    def figure(self, code):
        return next(f for f in self.figures if f.indicator.code == code)


def last_week(prefixes: list[str], today: datetime.date | None = None) -> dict[str, dict]:
    """{area prefix: {indicator code: percent, "score": combined score}} from the latest snapshot
    at least seven days old (one query)."""
    today = today or timezone.localdate()
    codes = {p.ljust(12, "0"): p for p in prefixes}
    rows = Snapshot.objects.filter(area_code__in=codes, day__lte=today - datetime.timedelta(days=7)).order_by(
        "area_code", "-day")
    found: dict[str, dict] = {}
    weighting = weights()
    for snapshot in rows:
        prefix = codes[snapshot.area_code]
        if prefix in found:
            continue
        shown = _Shown(snapshot)
        found[prefix] = {f.indicator.code: f.percent for f in shown.figures} | {"score": score(shown, weighting)}
    return found


def series(snapshots: list[Snapshot]) -> dict:
    """The charts' data: days, and per indicator its percent each day (None without a denominator)."""
    figures = [s.figures() for s in snapshots]
    return {
        "days": [s.day.isoformat() for s in snapshots],
        "rates": [{"code": i.code, "name": i.name,
                   "values": [float(f[n].percent) if f[n].percent is not None else None for f in figures]}
                  for n, i in enumerate(INDICATORS)],
    }
