"""The program's indicators (五率 and the provinces' additions), each defined once.

domain.md §4 and formats.md §3.2: 集中安置率, 建房开工率, 搬迁入住率, 资金到位率, 产业配套率 (seed 000's
五率), then 竣工率, 拆旧率, 复垦率, 就业率. Every figure is counted from the lifecycle's facts — the
household's stage, the approved 拆旧 step, the site's funds ledger and project — never typed in,
and is shown as numerator/denominator with the percent beside it, never a bare percent.

An indicator is two `Measure`s. A measure says which rows it counts (or sums) and from which
source: households, persons (members of households), sites, or the funds ledger's arrivals. The
same measure gives the drill-down list (the households or sites behind the figure), so the list
adds up to the figure.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, OuterRef, Q

from aftercare.figures import ledger_employed, ledger_recorded
from registry.models import LABOUR_WITH_ABILITY, HouseholdStage, ResettlementMode
from workflows.households import stages as household_stages
from workflows.models.households import Decision, Opinion

S = HouseholdStage

HOUSEHOLD = "household"  # rows of registry.Household
PERSON = "person"        # rows of registry.Member, counted per household's facts
SITE = "site"            # rows of registry.ResettlementSite
ARRIVAL = "arrival"      # FundEntry rows of kind 资金到位 (workflows.models.sites)

SOURCE_LABELS = {HOUSEHOLD: "搬迁户", PERSON: "人", SITE: "安置点", ARRIVAL: "元"}


def stages_after(code: str) -> tuple[str, ...]:
    """The household stages a case has reached once it has left `code` (清退 is not among them)."""
    order = household_stages.ORDER
    return order[order.index(code) + 1:]


def _h(prefix: str, **lookups) -> Q:
    """A Q on the household, reached through `prefix` ("" from a household, "household__" from a member)."""
    return Q(**{f"{prefix}{name}": value for name, value in lookups.items()})


def active(p: str = "") -> Q:
    """纳入搬迁计划、未清退: a removed household (清退) leaves every denominator."""
    return ~_h(p, stage=S.REMOVED)


def centralised(p: str = "") -> Q:
    return active(p) & _h(p, resettlement_mode=ResettlementMode.CENTRALISED)


def started(p: str = "") -> Q:
    return _h(p, stage__in=stages_after(S.CONSTRUCTION))  # 开工确认 approved


def completed(p: str = "") -> Q:
    return _h(p, stage__in=stages_after(S.ACCEPTANCE))  # the joint acceptance signed


def moved_in(p: str = "") -> Q:
    return _h(p, stage__in=stages_after(S.MOVE_IN))  # 入住确认 approved


def kept_house(p: str = "") -> Q:
    """Old houses kept with the county's approval (保留旧房): out of the 拆旧 and 复垦 denominators."""
    return _h(p, stage__in=(S.DEMOLITION, S.FOLLOW_UP), old_house_kept=True)


def due_demolition(p: str = "") -> Q:
    return _h(p, stage__in=(S.DEMOLITION, S.FOLLOW_UP), old_house_kept=False)


def demolished(p: str = "") -> Q:
    # A correlated EXISTS (an index probe per household still in 拆旧复垦), never `IN (subquery)`:
    # PostgreSQL hashes an IN list only while it fits work_mem, and otherwise scans it per row.
    recorded = Opinion.objects.filter(household=OuterRef(f"{p}pk" if p else "pk"), stage=S.DEMOLITION,
                                      step="demolition_record", decision=Decision.APPROVE)
    return due_demolition(p) & (_h(p, stage=S.FOLLOW_UP) | (_h(p, stage=S.DEMOLITION) & Q(Exists(recorded))))


def reclaimed(p: str = "") -> Q:
    return due_demolition(p) & _h(p, stage=S.FOLLOW_UP)  # 自然资源部门复垦验收 approved


# 就业率 counts households from their members (COUNT DISTINCT household over member rows, the
# `per_household` measures below): a member with labour, and one with labour whose latest month in
# aftercare's 就业台账 is a job (aftercare/figures.py; not the registry's coarser 就业状况 field).
def labour_member(p: str = "household__") -> Q:
    return moved_in(p) & Q(labour_ability__in=LABOUR_WITH_ABILITY)


def working_member(p: str = "household__") -> Q:
    return labour_member(p) & Q(ledger_employed())


def unrecorded_member(p: str = "household__") -> Q:
    """A member with labour of a moved-in household without any row in the 就业台账 (listed beside
    就业率: in its denominator, counted as not employed)."""
    return labour_member(p) & ~Q(ledger_recorded())


@dataclass(frozen=True)
class Measure:
    """What one side of a rate counts. `where(prefix)` filters the source's rows (households and
    persons share the household filters through the prefix); `total` sums a field instead of
    counting rows."""

    key: str
    label: str
    source: str
    where: Callable[[str], Q] = field(default=lambda p="": Q())
    total: str | None = None
    per_household: bool = False  # a PERSON measure counting the households of the rows, once each

    def q(self) -> Q:
        return self.where("household__" if self.source == PERSON else "")


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    numerator: Measure
    denominator: Measure
    counts: str       # what counts, as an official reads it
    source: str       # where the facts come from
    five: bool = False  # one of seed 000's 五率
    excluded: Measure | None = None  # listed beside the figure (e.g. 拆旧率's kept houses)
    excluded_note: str = "不计入"     # what the listed rows are to the figure


# The measures, each once (several rates share a denominator).
M_PERSONS = Measure("persons", "计划搬迁人数", PERSON, active)
M_CENTRAL_PERSONS = Measure("central_persons", "集中安置人数", PERSON, centralised)
M_HOUSEHOLDS = Measure("households", "计划搬迁户数", HOUSEHOLD, active)
M_STARTED = Measure("started", "开工户数", HOUSEHOLD, started)
M_COMPLETED = Measure("completed", "竣工户数", HOUSEHOLD, completed)
M_MOVED_IN = Measure("moved_in", "入住户数", HOUSEHOLD, moved_in)
M_DUE_DEMOLITION = Measure("due_demolition", "应拆户数", HOUSEHOLD, due_demolition)
M_KEPT = Measure("kept", "经批准保留旧房户数", HOUSEHOLD, kept_house)
M_DEMOLISHED = Measure("demolished", "拆除户数", HOUSEHOLD, demolished)
M_RECLAIMED = Measure("reclaimed", "复垦户数", HOUSEHOLD, reclaimed)
M_LABOUR = Measure("labour", "有劳动力的已入住户数", PERSON, labour_member, per_household=True)
M_EMPLOYED = Measure("employed", "至少一人就业户数", PERSON, working_member, per_household=True)
M_UNRECORDED = Measure("unrecorded", "有劳动力成员未填就业台账的户数", PERSON, unrecorded_member, per_household=True)
M_SITES = Measure("sites", "安置点数", SITE)
M_INDUSTRY = Measure("industry", "有主导产业的安置点数", SITE, lambda p="": Q(project__leading_industry__gt=""))
M_PLANNED_FUNDS = Measure("planned_funds", "计划投资（元）", SITE, total="planned_funds")
M_ARRIVED_FUNDS = Measure("arrived_funds", "到位资金（元）", ARRIVAL, total="amount")

INDICATORS: tuple[Indicator, ...] = (
    Indicator("centralised", "集中安置率", M_CENTRAL_PERSONS, M_PERSONS,
              "集中安置的人数占计划搬迁人数（未清退户的全部成员）；分散安置户不计入分子。",
              "搬迁户的安置方式和家庭成员", five=True),
    Indicator("started", "建房开工率", M_STARTED, M_HOUSEHOLDS,
              "开工确认已通过（已进入验收及以后阶段）的户数占计划搬迁户数；清退户不计入。",
              "搬迁户的阶段（开工确认）", five=True),
    Indicator("moved_in", "搬迁入住率", M_MOVED_IN, M_HOUSEHOLDS,
              "入住确认已通过（已进入拆旧复垦或后扶阶段）的户数占计划搬迁户数；清退户不计入。",
              "搬迁户的阶段（入住确认）", five=True),
    Indicator("funds", "资金到位率", M_ARRIVED_FUNDS, M_PLANNED_FUNDS,
              "安置点资金台账中“资金到位”金额合计占安置点计划投资合计。",
              "安置点资金台账、安置点计划投资", five=True),
    Indicator("industry", "产业配套率", M_INDUSTRY, M_SITES,
              "已登记主导产业的安置点占安置点总数（含尚无搬迁户的安置点）。",
              "安置点项目的主导产业", five=True),
    Indicator("completed", "竣工率", M_COMPLETED, M_HOUSEHOLDS,
              "竣工验收已会签（已进入入住及以后阶段）的户数占计划搬迁户数；清退户不计入。",
              "搬迁户的阶段（竣工验收）"),
    Indicator("demolition", "拆旧率", M_DEMOLISHED, M_DUE_DEMOLITION,
              "已入住户中拆旧复垦登记已通过的户数占应拆户数；经县级批准保留旧房的户不计入分母，另行列出。",
              "搬迁户的阶段和拆旧复垦登记意见", excluded=M_KEPT),
    Indicator("reclamation", "复垦率", M_RECLAIMED, M_DUE_DEMOLITION,
              "自然资源部门复垦验收已通过（已进入后扶阶段）的户数占应拆户数；保留旧房户不计入。",
              "搬迁户的阶段（复垦验收）", excluded=M_KEPT),
    Indicator("employment", "就业率", M_EMPLOYED, M_LABOUR,
              "已入住（入住确认已通过）且有劳动力的户中，至少一名劳动力在就业台账最近一个月的记录为就业（务工、公益岗位、"
              "帮扶车间、自主创业、灵活就业）的户数占有劳动力户数；劳动力没有就业台账记录的按未就业计，另行列出。",
              "后续扶持就业台账（每月更新）和家庭成员的劳动能力", excluded=M_UNRECORDED,
              excluded_note="计入分母，按未就业计"),
)
BY_CODE: dict[str, Indicator] = {i.code: i for i in INDICATORS}
FIVE_RATES: tuple[Indicator, ...] = tuple(i for i in INDICATORS if i.five)


def measures() -> dict[str, Measure]:
    """Every measure the indicators use, by key (each once)."""
    found: dict[str, Measure] = {}
    for indicator in INDICATORS:
        for m in (indicator.numerator, indicator.denominator, indicator.excluded):
            if m is not None:
                found[m.key] = m
    return found


def measure(key: str) -> Measure | None:
    return measures().get(key)


@dataclass(frozen=True)
class Figure:
    """One rate's figure: numerator/denominator, and the percent only beside them."""

    indicator: Indicator
    numerator: Decimal | int
    denominator: Decimal | int
    excluded: Decimal | int | None = None

    @property
    def percent(self) -> Decimal | None:
        if not self.denominator:
            return None
        return (Decimal(self.numerator) * 100 / Decimal(self.denominator)).quantize(Decimal("0.1"), ROUND_HALF_UP)  # 四舍五入

    @property
    def text(self) -> str:
        percent = "—" if self.percent is None else f"{self.percent}%"
        return f"{_number(self.numerator)}/{_number(self.denominator)}（{percent}）"


def _number(value) -> str:
    if isinstance(value, Decimal):
        return f"{value.quantize(Decimal('0.01')):,}"
    return str(value)
