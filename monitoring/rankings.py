"""Rankings of the areas one level down (the townships of a county), as seed 000 ranks them: on each
rate and on a combined score (weights: MONITORING_SCORE_WEIGHTS), the top two and the bottom two
named, and the change since last week (from the daily snapshots).

The combined score is the weighted mean of an area's percents over the rates it has a denominator
for (a township without sites is not scored on 产业配套率, rather than scored 0 or 100).
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from .figures import AreaFigures
from .indicators import BY_CODE, FIVE_RATES

NAMED = 2  # seed 000 names the two best and the two worst


def weights() -> dict[str, Decimal]:
    configured = getattr(settings, "MONITORING_SCORE_WEIGHTS", None) or {i.code: 1 for i in FIVE_RATES}
    return {code: Decimal(str(w)) for code, w in configured.items() if code in BY_CODE and Decimal(str(w)) > 0}


def score(area: AreaFigures, weighting: dict[str, Decimal]) -> Decimal | None:
    total = weight = Decimal(0)
    for code, w in weighting.items():
        percent = area.figure(code).percent
        if percent is not None:
            total += w * percent
            weight += w
    return (total / weight).quantize(Decimal("0.1"), ROUND_HALF_UP) if weight else None


@dataclass
class Place:
    area: AreaFigures
    value: Decimal | None
    rank: int | None
    previous_value: Decimal | None = None
    previous_rank: int | None = None

    @property
    def change(self) -> Decimal | None:
        if self.value is None or self.previous_value is None:
            return None
        return self.value - self.previous_value

    @property
    def rank_change(self) -> int | None:
        """Places moved up since last week (positive: up)."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank


@dataclass
class Ranking:
    code: str  # an indicator code, or "score"
    name: str
    places: list[Place] = field(default_factory=list)

    @property
    def ranked(self) -> list[Place]:
        return [p for p in self.places if p.rank is not None]

    @property
    def top(self) -> list[Place]:
        return self.ranked[:NAMED] if len(self.ranked) > NAMED else []

    @property
    def bottom(self) -> list[Place]:
        return self.ranked[-NAMED:][::-1] if len(self.ranked) > NAMED else []


def _ranked(code: str, name: str, values: dict[str, Decimal | None], areas: list[AreaFigures],
            previous: dict[str, Decimal | None]) -> Ranking:
    """Standard competition ranking (1, 2, 2, 4) by value, highest first; no value, no rank."""
    order = sorted((a for a in areas if values[a.prefix] is not None), key=lambda a: (-values[a.prefix], a.prefix))
    ranks: dict[str, int] = {}
    for i, a in enumerate(order):
        same = i and values[order[i - 1].prefix] == values[a.prefix]
        ranks[a.prefix] = ranks[order[i - 1].prefix] if same else i + 1
    prev_order = sorted((p for p, v in previous.items() if v is not None), key=lambda p: (-previous[p], p))
    prev_ranks = {p: i + 1 for i, p in enumerate(prev_order)}
    places = [Place(a, values[a.prefix], ranks.get(a.prefix), previous.get(a.prefix), prev_ranks.get(a.prefix))
              for a in order + [a for a in areas if values[a.prefix] is None]]
    return Ranking(code, name, places)


def rankings(children: list[AreaFigures], previous: dict[str, dict[str, Decimal | None]] | None = None
             ) -> list[Ranking]:
    """The combined score first, then each rate. `previous` is {area prefix: {code: percent or
    score}} from last week's snapshot (empty: no change shown)."""
    areas = [c for c in children if c.area is not None]
    previous = previous or {}
    weighting = weights()
    out = [_ranked("score", "综合得分", {a.prefix: score(a, weighting) for a in areas}, areas,
                   {p: v.get("score") for p, v in previous.items()})]
    for code in weighting:
        out.append(_ranked(code, BY_CODE[code].name, {a.prefix: a.figure(code).percent for a in areas}, areas,
                           {p: v.get(code) for p, v in previous.items()}))
    return out
