"""Every registry rule of docs/domain.md §2 at its boundary: accepted at the limit, refused one step past."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import override_settings

from registry import policy
from registry.models import Employment, LabourAbility, ResettlementMode
from tests.factories import HouseholdFactory, MemberFactory, SiteFactory


def codes(violations):
    return [v.code for v in violations]


def test_floor_area_of_25_m2_per_person_is_accepted():
    assert policy.check_floor_area(Decimal("50.00"), 2) == []


def test_floor_area_one_hundredth_past_25_m2_per_person_is_refused_in_chinese():
    [v] = policy.check_floor_area(Decimal("25.01"), 1)
    assert v.code == "floor_area_per_person"
    assert "人均住房建设面积不得超过25平方米" in v.message
    assert "25.01" in v.message


@override_settings(POLICY_MAX_FLOOR_AREA_PER_PERSON="20")
def test_floor_area_limit_is_a_setting():
    assert codes(policy.check_floor_area(Decimal("20.01"), 1)) == ["floor_area_per_person"]
    assert policy.check_floor_area(Decimal("20.00"), 1) == []


def test_self_funding_of_10000_yuan_is_accepted():
    assert policy.check_self_funding(Decimal("10000.00")) == []


def test_self_funding_one_fen_past_10000_yuan_is_refused_in_chinese():
    [v] = policy.check_self_funding(Decimal("10000.01"))
    assert v.code == "self_funding_cap"
    assert "户均自筹资金不得超过10,000.00元" in v.message


def test_negative_self_funding_is_refused():
    assert codes(policy.check_self_funding(Decimal("-0.01"))) == ["self_funding_negative"]


def test_non_poor_household_is_refused(areas):
    household = HouseholdFactory(village=areas["village_a"], poverty_registered=False)
    assert "not_registered_poor" in codes(policy.check_household(household, household.members.all()))


def test_state_salaried_member_or_relative_is_refused(areas):
    household = HouseholdFactory(village=areas["village_a"])
    assert policy.check_household(household, household.members.all()) == []
    relative = MemberFactory(household=household, relative_of_state_salaried=True, name="王财")
    [v] = policy.check_state_salaried([relative])
    assert v.code == "state_salaried" and "王财" in v.message


def test_prior_housing_benefit_is_refused_unless_whole_village_or_new_hazard(areas):
    household = HouseholdFactory(village=areas["village_a"], head=False)
    member = MemberFactory(household=household, prior_housing_benefit=True, relation="head")
    assert codes(policy.check_prior_housing_benefit(household, [member])) == ["prior_housing_benefit"]
    household.whole_village_relocation = True
    assert policy.check_prior_housing_benefit(household, [member]) == []
    household.whole_village_relocation, household.new_geological_hazard = False, True
    assert policy.check_prior_housing_benefit(household, [member]) == []


def test_dilapidated_house_is_not_a_reason_to_relocate():
    [v] = policy.check_relocation_reason("dilapidated_house")
    assert v.code == "relocation_reason" and "房屋危旧不能作为搬迁条件" in v.message
    assert policy.check_relocation_reason("harsh_conditions") == []


def test_rebuilding_on_the_original_site_is_refused(areas):
    household = HouseholdFactory(village=areas["village_a"], on_original_homestead=True)
    assert "original_site" in codes(policy.check_household(household, household.members.all()))


def test_centralised_household_needs_a_site_in_its_county(areas):
    household = HouseholdFactory(village=areas["village_a"], resettlement_mode=ResettlementMode.CENTRALISED)
    assert "site_required" in codes(policy.check_resettlement_mode(household))
    household.site = SiteFactory(area=areas["county"])
    assert policy.check_resettlement_mode(household) == []


def test_household_needs_exactly_one_head(areas):
    household = HouseholdFactory(village=areas["village_a"])
    MemberFactory(household=household, relation="head")
    assert codes(policy.check_members(household.members.all())) == ["one_head"]


def test_no_employed_member_in_a_household_with_labour_is_a_warning_not_a_block(areas):
    household = HouseholdFactory(
        village=areas["village_a"], head__labour_ability=LabourAbility.NORMAL, head__employment=Employment.UNEMPLOYED
    )
    [v] = policy.check_employment(household.members.all())
    assert v.code == "no_employment" and not v.blocking
    assert policy.blocking(policy.check_household(household, household.members.all())) == []
    member = household.members.get()
    member.employment = Employment.MIGRANT
    member.save()
    assert policy.check_employment(household.members.all()) == []


@pytest.mark.parametrize(
    ("expected", "present", "reached"),
    [(30, 20, True), (30, 19, False), (31, 21, True), (31, 20, False), (3, 2, True), (0, 0, False), (10, 11, False)],
)
def test_quorum_is_two_thirds_of_members(expected, present, reached):
    assert policy.quorum_reached(expected, present) is reached


def test_a_motion_needs_more_than_half_of_those_present():
    assert policy.motion_passes(present=20, agree=11)
    assert not policy.motion_passes(present=20, agree=10)


def test_notice_period_of_seven_days_is_accepted_six_refused():
    assert policy.check_notice_period(date(2026, 11, 1), date(2026, 11, 7)) == []
    [v] = policy.check_notice_period(date(2026, 11, 1), date(2026, 11, 6))
    assert v.code == "notice_too_short" and "公示期不得少于7天" in v.message
