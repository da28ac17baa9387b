"""A household entered at a site in the admin fits the site's planned size: the same rule
(registry.policy.check_site_capacity) as the lifecycle's assignment (workflows/sites/allocation.py)."""

import pytest

from registry import policy
from registry.models import Household, Member, ResettlementMode
from tests.factories import HouseholdFactory, SiteFactory
from tests.registry.test_admin_households import (
    ADD_URL, MODEL_BACKEND, change_url, existing_rows, household_post, member_row, person, saved)


@pytest.fixture
def clerk(client, cast):
    client.force_login(cast["clerk_a"], backend=MODEL_BACKEND)
    return client


def full_site(areas, units=1, persons=4):
    site = SiteFactory(area=areas["town"], planned_units=units, planned_persons=persons)
    HouseholdFactory(village=areas["village_b"], resettlement_mode=ResettlementMode.CENTRALISED, site=site,
                     scattered_location="")
    return site


def test_a_household_is_refused_at_a_site_whose_units_are_taken(clerk, areas):
    site = full_site(areas)
    data = household_post(areas["village_a"], [member_row("集中户", person(41), "head")],
                          resettlement_mode=ResettlementMode.CENTRALISED, site=site.pk, scattered_location="")
    response = clerk.post(ADD_URL, data)
    assert not saved(response)
    page = response.content.decode()
    assert "计划安置1户（套）、4人，已安排1户、1人；安排该户（1人）后将为2户、2人，超出计划安置规模。" in page
    assert Household.objects.count() == 1


def test_a_household_is_refused_at_a_site_whose_persons_are_taken(clerk, areas):
    site = full_site(areas, units=5, persons=2)
    data = household_post(areas["village_a"], [member_row("户主", person(42), "head"),
                                                member_row("子女", person(43))],
                          resettlement_mode=ResettlementMode.CENTRALISED, site=site.pk, scattered_location="",
                          planned_floor_area="50.00")
    assert not saved(clerk.post(ADD_URL, data))
    assert Household.objects.count() == 1


def test_moving_a_household_to_a_full_site_is_refused_and_nothing_stored(clerk, areas, household_a):
    site = full_site(areas)
    data = household_post(household_a.village, existing_rows(household_a), household=household_a,
                          resettlement_mode=ResettlementMode.CENTRALISED, site=site.pk, scattered_location="")
    assert not saved(clerk.post(change_url(household_a), data))
    stored = Household.objects.get(pk=household_a.pk)
    assert stored.site_id is None and stored.resettlement_mode == ResettlementMode.SCATTERED


def test_adding_a_member_beyond_the_sites_persons_is_refused(clerk, areas):
    site = SiteFactory(area=areas["town"], planned_units=2, planned_persons=1)
    household = HouseholdFactory(village=areas["village_a"], resettlement_mode=ResettlementMode.CENTRALISED,
                                 site=site, scattered_location="")
    household = Household.objects.get(pk=household.pk)
    rows = existing_rows(household) + [member_row("新成员", person(44))]
    assert not saved(clerk.post(change_url(household), household_post(household.village, rows,
                                                                       household=household)))
    assert household.members.count() == 1


def test_a_correction_of_a_household_already_at_a_full_site_is_accepted(clerk, areas):
    site = SiteFactory(area=areas["town"], planned_units=1, planned_persons=1)
    household = HouseholdFactory(village=areas["village_a"], resettlement_mode=ResettlementMode.CENTRALISED,
                                 site=site, scattered_location="")
    household = Household.objects.get(pk=household.pk)
    data = household_post(household.village, existing_rows(household), household=household, self_funding="100.00")
    assert saved(clerk.post(change_url(household), data))


def test_a_site_with_room_takes_the_household(clerk, areas):
    site = full_site(areas, units=2, persons=4)
    data = household_post(areas["village_a"], [member_row("集中户", person(45), "head")],
                          resettlement_mode=ResettlementMode.CENTRALISED, site=site.pk, scattered_location="")
    assert saved(clerk.post(ADD_URL, data))
    assert Household.objects.filter(site=site).count() == 2


def test_removed_households_free_their_place(areas):
    site = full_site(areas)
    Household.objects.filter(site=site).update(stage="removed")
    newcomer = Household(village=areas["village_a"], resettlement_mode=ResettlementMode.CENTRALISED, site=site)
    assert policy.check_site_assignment(newcomer, [Member(name="新成员")]) == []
