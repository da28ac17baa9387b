"""registry/editing.py: one rule for registry corrections by stage, enforced by the admin (and the
API, tests/api/test_households.py). Superusers are held to it too: it is a data-integrity rule."""

import pytest
from django.contrib.messages import get_messages

from registry import editing
from registry.models import Household, HouseholdStage, Member
from tests.factories import MemberFactory
from tests.registry.test_admin_households import (
    MODEL_BACKEND, change_url, existing_rows, household_post, member_row, person)

LOCKED = [HouseholdStage.CONSTRUCTION, HouseholdStage.ACCEPTANCE, HouseholdStage.MOVE_IN,
          HouseholdStage.DEMOLITION, HouseholdStage.FOLLOW_UP, HouseholdStage.REMOVED]


@pytest.mark.parametrize("stage", editing.EDITABLE_STAGES)
def test_the_registry_may_be_corrected_until_approval(stage):
    assert editing.edit_violations(stage, fields=["self_funding", "planned_floor_area"], members_added=1) == []


@pytest.mark.parametrize("stage", LOCKED)
def test_after_approval_every_change_is_stage_locked(stage):
    found = editing.edit_violations(stage, fields=["self_funding"])
    assert [v.code for v in found] == ["stage_locked"]
    assert HouseholdStage(stage).label in found[0].message
    assert editing.edit_violations(stage, members_added=1)[0].code == "stage_locked"
    assert editing.edit_violations(stage) == []  # nothing proposed, nothing refused


def test_number_and_village_are_fixed_after_apply_and_members_are_struck_out_only_in_apply():
    assert editing.edit_violations(HouseholdStage.APPLY, fields=["number", "village"], members_removed=1) == []
    found = editing.edit_violations(HouseholdStage.REVIEW, fields=["number", "village", "self_funding"],
                                    members_removed=1)
    assert {(v.code, v.field) for v in found} == {
        ("identity_fixed", "number"), ("identity_fixed", "village"), ("member_delete_locked", "members")}


# ---------------------------------------------------------------- the admin


@pytest.fixture
def superuser_client(client, admin_user):
    client.force_login(admin_user, backend=MODEL_BACKEND)
    return client


@pytest.fixture
def clerk(client, cast):
    client.force_login(cast["clerk_a"], backend=MODEL_BACKEND)
    return client


def lock(household, stage=HouseholdStage.CONSTRUCTION):
    Household.objects.filter(pk=household.pk).update(stage=stage)
    return Household.objects.get(pk=household.pk)


@pytest.mark.parametrize("who", ["clerk", "superuser_client"])
def test_after_approval_the_admin_page_is_read_only_for_everyone(request, who, household_a):
    client = request.getfixturevalue(who)
    household_a = lock(household_a)
    page = client.get(change_url(household_a))
    assert page.status_code == 200
    html = page.content.decode()
    for name in ("planned_floor_area", "self_funding", "members-0-name", "members-0-id_number_entry"):
        assert f'name="{name}"' not in html
    assert 'name="_save"' not in html
    assert "members-TOTAL_FORMS" not in html or 'name="members-1-name"' not in html


@pytest.mark.parametrize("who", ["clerk", "superuser_client"])
def test_a_crafted_post_after_approval_is_refused_in_chinese_and_stores_nothing(request, who, household_a):
    client = request.getfixturevalue(who)
    household_a = lock(household_a)
    rows = existing_rows(household_a)
    rows[0]["name"] = "改名"
    rows.append(member_row("新成员", person(31)))
    data = household_post(household_a.village, rows, household=household_a, planned_floor_area="50.00",
                          self_funding="1.00")
    before = Household.objects.values().get(pk=household_a.pk)
    response = client.post(change_url(household_a), data)
    assert response.status_code == 302 and response.url == change_url(household_a)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [editing.stage_locked_message("construction")]
    assert "“开工”阶段" in editing.stage_locked_message("construction")
    assert Household.objects.values().get(pk=household_a.pk) == before
    assert list(household_a.members.values_list("name", flat=True)) == [household_a.members.get().name]
    assert household_a.members.get().name != "改名"
    assert Member.objects.count() == 1


def test_a_crafted_post_striking_a_member_after_approval_is_refused(superuser_client, household_a):
    extra = MemberFactory(household=household_a, id_number=person(32))
    household_a = lock(household_a, HouseholdStage.FOLLOW_UP)
    rows = existing_rows(household_a)
    rows[1]["DELETE"] = True
    response = superuser_client.post(change_url(household_a), household_post(household_a.village, rows,
                                                                              household=household_a))
    assert response.status_code == 302
    assert Member.objects.filter(pk=extra.pk).exists()


def test_a_read_only_post_is_still_403_on_a_locked_case(client, cast, household_a):
    client.force_login(cast["auditor"], backend=MODEL_BACKEND)
    household_a = lock(household_a)
    data = household_post(household_a.village, existing_rows(household_a), household=household_a)
    assert client.post(change_url(household_a), data).status_code == 403


@pytest.mark.parametrize("stage", [HouseholdStage.NOTICE, HouseholdStage.APPROVAL])
def test_the_admin_stays_usable_until_approval_even_for_a_superuser(superuser_client, household_a, stage):
    household_a = lock(household_a, stage)
    rows = existing_rows(household_a)
    rows.append(member_row("新成员", person(33)))
    data = household_post(household_a.village, rows, household=household_a, planned_floor_area="50.00")
    response = superuser_client.post(change_url(household_a), data)
    assert response.status_code == 302 and response.url != change_url(household_a)
    assert Household.objects.get(pk=household_a.pk).planned_floor_area == 50
    assert household_a.members.count() == 2
    html = superuser_client.get(change_url(household_a)).content.decode()
    assert 'name="self_funding"' in html and 'name="number"' not in html  # number fixed after 申报


def test_adding_a_member_after_approval_is_refused(clerk, household_a):
    household_a = lock(household_a, HouseholdStage.ACCEPTANCE)
    rows = existing_rows(household_a) + [member_row("新成员", person(34))]
    clerk.post(change_url(household_a), household_post(household_a.village, rows, household=household_a))
    assert household_a.members.count() == 1
