from registry.models import Household


def test_clerk_of_village_a_sees_only_village_a(cast, household_a, household_b):
    assert list(Household.objects.visible_to(cast["clerk_a"])) == [household_a]


def test_county_office_sees_the_whole_county(cast, household_a, household_b):
    assert set(Household.objects.visible_to(cast["county_office"])) == {household_a, household_b}


def test_has_perm_follows_the_area_prefix(cast, household_a, household_b):
    assert cast["reviewer"].has_perm("registry.change_household", household_a)
    assert not cast["other_reviewer"].has_perm("registry.view_household", household_a)
    assert not cast["auditor"].has_perm("registry.change_household", household_a)
    assert cast["auditor"].has_perm("registry.view_household", household_b)
