"""新增搬迁户 / 编辑登记信息 outside the admin (registry/entry.py): the number given by the system,
the registry's rules at the boundary, nothing lost on a refusal, audit events, scope."""

from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from registry.models import Household, HouseholdStage, Member
from tests.factories import HouseholdFactory, MemberFactory
from tests.registry.test_admin_households import household_post, member_row, person

NEW_URL = reverse("household_create")


def entry_post(village, members, **fields):
    data = household_post(village, members, **fields)
    data.pop("number")
    data["action"] = "save"
    return data


@pytest.fixture
def clerk(client, cast):
    client.force_login(cast["clerk_a"])
    return client


def edit_url(household):
    return reverse("household_edit", args=[household.pk])


def test_the_page_lists_the_policy_rules_and_offers_only_the_clerks_village(clerk, areas):
    page = clerk.get(NEW_URL).content.decode()
    assert "登记前请对照以下政策规定" in page
    assert "人均住房建设面积不超过25平方米" in page
    assert "户均自筹资金不超过10,000元" in page
    assert "保存时由系统自动编制" in page
    assert areas["village_a"].name in page
    assert areas["village_b"].name not in page  # another village's clerk's choice is not offered


def test_a_household_is_saved_with_a_number_given_by_the_system_and_audited(clerk, areas):
    members = [member_row("张一", person(1), "head"), member_row("张二", person(2), "spouse")]
    response = clerk.post(NEW_URL, entry_post(areas["village_a"], members, planned_floor_area="50.00"))
    household = Household.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("household_detail", args=[household.pk])
    assert household.number == "5209991012010001"
    assert household.stage == HouseholdStage.APPLY
    assert sorted(household.members.values_list("name", flat=True)) == ["张一", "张二"]
    actions = list(AuditEvent.objects.exclude(action__startswith="auth.").values_list("action", flat=True))
    assert actions.count("household.create") == 1 and actions.count("member.create") == 2
    created = AuditEvent.objects.get(action="household.create")
    assert created.data["via"] == "entry" and created.data["values"]["number"] == household.number
    assert person(1) not in str(AuditEvent.objects.filter(action="member.create").values_list("data", flat=True))


def test_numbers_follow_the_highest_number_already_used_in_the_village(clerk, areas):
    HouseholdFactory(village=areas["village_a"], number="5209991012010007")
    clerk.post(NEW_URL, entry_post(areas["village_a"], [member_row("李一", person(3), "head")]))
    clerk.post(NEW_URL, entry_post(areas["village_a"], [member_row("李二", person(4), "head")]))
    numbers = sorted(Household.objects.values_list("number", flat=True))
    assert numbers == ["5209991012010007", "5209991012010008", "5209991012010009"]


def test_a_refused_household_keeps_what_was_typed_stores_nothing_and_uses_no_number(clerk, areas):
    members = [member_row("张一", person(1), "head"), member_row("张二", person(2), "spouse")]
    response = clerk.post(NEW_URL, entry_post(areas["village_a"], members, planned_floor_area="50.01"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "人均住房建设面积不得超过25平方米" in page
    assert "已填写的内容（含身份证号码）均已保留" in page
    assert person(2) in page and "张二" in page and 'value="50.01"' in page  # nothing to type again
    assert not Household.objects.exists() and not Member.objects.exists()
    assert not AuditEvent.objects.exclude(action__startswith="auth.").exists()
    # The refused attempt did not use up a number: the next saved household gets 0001.
    clerk.post(NEW_URL, entry_post(areas["village_a"], members, planned_floor_area="50.00"))
    assert Household.objects.get().number == "5209991012010001"


def test_a_wrong_check_digit_is_named(clerk, areas):
    bad = person(1)[:17] + ("0" if person(1)[17] != "0" else "1")
    response = clerk.post(NEW_URL, entry_post(areas["village_a"], [member_row("张一", bad, "head")]))
    assert "身份证号码校验位错误" in response.content.decode()
    assert not Household.objects.exists()


def test_check_only_reports_and_stores_nothing(clerk, areas):
    data = entry_post(areas["village_a"], [member_row("张一", person(1), "head")])
    data["action"] = "check"
    page = clerk.post(NEW_URL, data).content.decode()
    assert "核查通过" in page
    assert not Household.objects.exists()
    data["self_funding"] = "10000.01"
    page = clerk.post(NEW_URL, data).content.decode()
    assert "户均自筹资金不得超过10,000.00元" in page and "核查通过" not in page


def test_a_person_in_another_active_case_is_refused(clerk, areas):
    HouseholdFactory(village=areas["village_a"], head__name="王五", head__id_number=person(9))
    response = clerk.post(NEW_URL, entry_post(areas["village_a"], [member_row("王五", person(9), "head")]))
    assert "一人只能在一个有效案件中" in response.content.decode()
    assert Household.objects.count() == 1


def test_a_village_outside_the_clerks_scope_is_refused(clerk, areas):
    response = clerk.post(NEW_URL, entry_post(areas["village_b"], [member_row("张一", person(1), "head")]))
    assert response.status_code == 200
    assert not Household.objects.exists()


def test_posts_without_the_entry_right_cannot_open_the_page(client, cast):
    client.force_login(cast["auditor"])
    assert client.get(NEW_URL).status_code == 403


def test_editing_records_the_changes_and_keeps_number_and_village_after_review(clerk, areas):
    household = HouseholdFactory(village=areas["village_a"], planned_floor_area=Decimal("20.00"), head=False)
    head = MemberFactory(household=household, name="赵一", relation="head", id_number=person(5))
    page = clerk.get(edit_url(household)).content.decode()
    assert person(5) not in page  # never shown back in full
    rows = [member_row("赵一", "", "head", pk=head.pk, labour_ability=head.labour_ability,
                       willing_to_work=head.willing_to_work, employment=head.employment)]
    data = entry_post(areas["village_a"], rows, household=household, planned_floor_area="24.00")
    response = clerk.post(edit_url(household), data)
    assert response.status_code == 302
    household = Household.objects.get(pk=household.pk)
    assert household.planned_floor_area == Decimal("24.00")
    change = AuditEvent.objects.get(action="household.change")
    floor = change.data["changes"]["planned_floor_area"]
    assert (Decimal(str(floor["before"])), Decimal(str(floor["after"]))) == (Decimal("20.00"), Decimal("24.00"))
    assert household.number.startswith(areas["village_a"].code)


def test_a_case_past_approval_cannot_be_edited(clerk, areas):
    household = HouseholdFactory(village=areas["village_a"])
    Household.objects.filter(pk=household.pk).update(stage=HouseholdStage.CONSTRUCTION)
    response = clerk.get(edit_url(household))
    assert response.status_code == 302
    response = clerk.post(edit_url(household), {"planned_floor_area": "1"})
    assert response.status_code == 302
    assert Household.objects.get(pk=household.pk).planned_floor_area != Decimal("1")


def test_another_villages_household_is_not_found(clerk, areas):
    household = HouseholdFactory(village=areas["village_b"])
    assert clerk.get(edit_url(household)).status_code == 404


def test_a_stale_form_is_refused_when_the_case_moved_on(clerk, areas):
    household = HouseholdFactory(village=areas["village_a"], head=False)
    head = MemberFactory(household=household, name="钱一", relation="head", id_number=person(6))
    rows = [member_row("钱一", "", "head", pk=head.pk)]
    data = entry_post(areas["village_a"], rows, household=household, planned_floor_area="20.00")
    data["case_state"] = "apply:0"  # the form was opened in an earlier round
    response = clerk.post(edit_url(household), data)
    assert response.status_code == 302
    assert "办理状态已在您提交前发生变化" in clerk.get(response["Location"]).content.decode()
