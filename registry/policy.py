"""The hard rules of docs/domain.md §2 as plain functions.

Each check returns a list of Violations; an empty list means the rule holds. Forms, admin, the
lifecycle's transition conditions, imports and the API all call these, so officials read one
message per rule wherever they meet it. Tests assert on `code`; officials read `message`.
Every number is a setting (config/settings.py) with the sources' default.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.conf import settings
from django.db.models import Count

from registry.models import (
    EMPLOYED,
    LABOUR_WITH_ABILITY,
    CrossCountyPlacement,
    Household,
    HouseholdStage,
    Member,
    PlacementStatus,
    RelocationReason,
    ResettlementMode,
)

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Violation:
    code: str
    field: str
    message: str
    severity: str = ERROR

    @property
    def blocking(self) -> bool:
        return self.severity == ERROR


def _money(value) -> str:
    return f"{Decimal(value):,.2f}"


def max_floor_area_per_person() -> Decimal:
    return Decimal(str(settings.POLICY_MAX_FLOOR_AREA_PER_PERSON))


def max_self_funding() -> Decimal:
    return Decimal(str(settings.POLICY_MAX_SELF_FUNDING))


def check_floor_area(floor_area, persons: int) -> list[Violation]:
    """seed 002: 人均住房建设面积不超过25平方米."""
    if floor_area is None:
        return []
    limit = max_floor_area_per_person()
    if persons <= 0:
        return [Violation("no_members", "members", "须至少登记一名家庭成员，才能核定住房面积。")]
    if Decimal(floor_area) > limit * persons:
        per_person = (Decimal(floor_area) / persons).quantize(Decimal("0.01"), ROUND_HALF_UP)
        return [
            Violation(
                "floor_area_per_person", "planned_floor_area",
                f"人均住房建设面积不得超过{limit}平方米：{persons}人最多{limit * persons}平方米，"
                f"现为{Decimal(floor_area)}平方米（人均{per_person}平方米）。",
            )
        ]
    return []


def check_self_funding(amount) -> list[Violation]:
    """seed 002: 户均自筹不超过1万元 (and no debt from relocation, seed 004)."""
    if amount is None:
        return []
    limit = max_self_funding()
    if Decimal(amount) < 0:
        return [Violation("self_funding_negative", "self_funding", "户自筹资金不能为负数。")]
    if Decimal(amount) > limit:
        return [
            Violation(
                "self_funding_cap", "self_funding",
                f"户均自筹资金不得超过{_money(limit)}元，现为{_money(amount)}元。",
            )
        ]
    return []


def check_poverty_registration(household) -> list[Violation]:
    """seed 002: no non-poor households."""
    found = []
    if not household.poverty_registered:
        found.append(Violation("not_registered_poor", "poverty_registered",
                               "搬迁对象须为建档立卡贫困户，严禁将非贫困户纳入搬迁。"))
    elif not (household.poverty_reg_number or "").strip():
        found.append(Violation("missing_poverty_number", "poverty_reg_number", "建档立卡贫困户须填写建档立卡编号。"))
    return found


def check_state_salaried(members) -> list[Violation]:
    """seed 002: especially no state-salaried staff (财政供养人员) or their direct relatives."""
    names = [m.name for m in members if m.state_salaried or m.relative_of_state_salaried]
    if names:
        return [Violation("state_salaried", "members",
                          f"家庭成员 {'、'.join(names)} 为财政供养人员或其直系亲属，该户不得纳入搬迁对象。")]
    return []


def check_prior_housing_benefit(household, members) -> list[Violation]:
    """seed 002: no second rural-housing benefit in the 13th five-year period, except whole-village
    relocation or a newly found geological hazard."""
    names = [m.name for m in members if m.prior_housing_benefit]
    if names and not (household.whole_village_relocation or household.new_geological_hazard):
        return [Violation("prior_housing_benefit", "members",
                          f"家庭成员 {'、'.join(names)} 已享受“十三五”期间其他农村住房建设政策，"
                          "除整村搬迁或新发现地质灾害隐患外不得重复享受。")]
    return []


def check_relocation_reason(reason) -> list[Violation]:
    """seed 002: 严禁将房屋危旧作为搬迁条件 — the closed list of reasons has no such entry."""
    if reason not in RelocationReason.values:
        return [Violation("relocation_reason", "relocation_reason",
                          "搬迁原因须为规定的四类情形之一；房屋危旧不能作为搬迁条件。")]
    return []


def check_not_original_site(household) -> list[Violation]:
    """seed 002: 严禁原址重建."""
    if household.on_original_homestead:
        return [Violation("original_site", "on_original_homestead", "严禁原址重建：新房不得建在原宅基地上。")]
    return []


def check_resettlement_mode(household) -> list[Violation]:
    found = []
    if household.resettlement_mode == ResettlementMode.CENTRALISED and not household.site_id:
        found.append(Violation("site_required", "site", "集中安置的搬迁户须选择集中安置点。"))
    if household.resettlement_mode == ResettlementMode.SCATTERED and household.site_id:
        found.append(Violation("site_not_allowed", "site", "分散安置的搬迁户不应选择集中安置点。"))
    if household.site_id and household.village_id and not household.village.code.startswith(
        household.site.area_code[:6]
    ) and not cross_county_approved(household, household.site):
        found.append(Violation("site_other_county", "site",
                               "所选安置点不在本县：跨县安置须本省允许，并经迁出县和迁入县搬迁办批准。"))
    return found


def cross_county_allowed(home_code: str, host_code: str) -> list[Violation]:
    """Whether the province's policy lets a household of `home_code` be resettled at a site of
    `host_code` (another county of the same province; POLICY_CROSS_COUNTY_PROVINCES)."""
    if home_code[:6] == host_code[:6]:
        return [Violation("same_county", "site", "所选安置点在本县，按本县集中安置办理，无需跨县审批。")]
    if home_code[:2] != host_code[:2]:
        return [Violation("other_province", "site", "不能跨省安置：迁入县须与迁出县同属一省。")]
    if home_code[:2] not in set(settings.POLICY_CROSS_COUNTY_PROVINCES):
        return [Violation("cross_county_closed", "site", "本省未开放跨县安置。")]
    return []


def cross_county_approved(household, site) -> bool:
    """A site of another county is the household's only with both counties' approval on record
    (registry.models.CrossCountyPlacement, approved, for this very site) where the province allows it."""
    if household.pk is None or site is None or cross_county_allowed(household.village.code, site.area_code):
        return False
    return CrossCountyPlacement.objects.filter(household_id=household.pk, site_id=site.pk,
                                               status=PlacementStatus.APPROVED).exists()


def site_occupancy(site, *, excluding=None) -> tuple[int, int]:
    """(households, persons) resettled at the site: its active households (清退 not counted) and
    their members, leaving out `excluding` (the household being assigned or corrected)."""
    households = site.households.exclude(stage=HouseholdStage.REMOVED)
    if excluding is not None and excluding.pk is not None:
        households = households.exclude(pk=excluding.pk)
    counted = households.aggregate(n=Count("pk"))["n"]
    persons = Member.objects.filter(household__in=households).count()
    return counted, persons


def check_site_capacity(site, households: int, persons: int, *, more_households: int, more_persons: int,
                        what: str) -> list[Violation]:
    """A site takes households within its planned units (one unit per household) and persons."""
    units, total = households + more_households, persons + more_persons
    if units <= site.planned_units and total <= site.planned_persons:
        return []
    return [Violation(
        "over_allocation", "site",
        f"{site.name}计划安置{site.planned_units}户（套）、{site.planned_persons}人，已安排{households}户、"
        f"{persons}人；{what}后将为{units}户、{total}人，超出计划安置规模。")]


def check_site_assignment(household, members, *, site=None) -> list[Violation]:
    """A household entered or corrected at a site (registry forms, admin, API) fits within the site's
    planned size, as the lifecycle's assignment does (workflows/sites/allocation.py). Checked when the
    site is new for the household or its member count grows; a site already over its plan does not
    block corrections that add nobody. `site`: the household's site as locked by
    `registry.siting.assignment_violations`, the one caller that may decide (the plan read fresh)."""
    if site is None:
        site = household.site if household.site_id else None
    if site is None or household.resettlement_mode != ResettlementMode.CENTRALISED:
        return []  # a site without 集中安置 is check_resettlement_mode's violation
    if household.stage == HouseholdStage.REMOVED:
        return []
    persons = len(list(members))
    if household.pk is not None:
        stored = Household.objects.filter(pk=household.pk).values_list("site_id", flat=True).first()
        if stored == site.pk and persons <= Member.objects.filter(household_id=household.pk).count():
            return []
    counted, present = site_occupancy(site, excluding=household)
    return check_site_capacity(site, counted, present, more_households=1, more_persons=persons,
                               what=f"安排该户（{persons}人）")


def check_members(members) -> list[Violation]:
    heads = [m for m in members if m.relation == "head"]
    if not members:
        return [Violation("no_members", "members", "须至少登记一名家庭成员。")]
    if len(heads) != 1:
        return [Violation("one_head", "members", f"每户须有且只有一名户主，现有{len(heads)}名。")]
    seen = set()
    for m in members:
        if m.id_index and m.id_index in seen:
            return [Violation("duplicate_member", "members", f"成员 {m.name} 的身份证号码在本户中重复。")]
        seen.add(m.id_index)
    return []


def check_employment(members) -> list[Violation]:
    """seeds 002/004: a household with working-age labour willing to work has at least one member
    employed. A warning for follow-up officers, not a block."""
    able = [m for m in members if m.labour_ability in LABOUR_WITH_ABILITY and m.willing_to_work]
    if able and not any(m.employment in EMPLOYED for m in members):
        return [Violation("no_employment", "members",
                          "该户有劳动能力且有就业意愿的成员，但尚无一人就业：须落实至少一人就业。", WARNING)]
    return []


def check_household(household, members) -> list[Violation]:
    """Every registry rule for one household with its (unsaved or saved) members."""
    members = list(members)
    return [
        *check_members(members),
        *check_poverty_registration(household),
        *check_relocation_reason(household.relocation_reason),
        *check_resettlement_mode(household),
        *check_not_original_site(household),
        *check_floor_area(household.planned_floor_area, len(members)),
        *check_self_funding(household.self_funding),
        *check_state_salaried(members),
        *check_prior_housing_benefit(household, members),
        *check_employment(members),
    ]


def blocking(violations) -> list[Violation]:
    return [v for v in violations if v.blocking]


def quorum_reached(expected: int, present: int) -> bool:
    """村民委员会组织法 art. 26: a meeting needs two thirds of its members present."""
    if expected <= 0 or present < 0 or present > expected:
        return False
    needed = Fraction(settings.POLICY_QUORUM_NUMERATOR, settings.POLICY_QUORUM_DENOMINATOR)
    return Fraction(present, expected) >= needed


def motion_passes(present: int, agree: int) -> bool:
    """A majority of those present decides (more than half)."""
    return present > 0 and 2 * agree > present


def check_notice_period(start, end) -> list[Violation]:
    """公示 lasts at least POLICY_NOTICE_MIN_DAYS days, counting both the first and the last day."""
    days = (end - start).days + 1
    if days < settings.POLICY_NOTICE_MIN_DAYS:
        return [Violation("notice_too_short", "end_date",
                          f"公示期不得少于{settings.POLICY_NOTICE_MIN_DAYS}天，现为{days}天。")]
    return []
