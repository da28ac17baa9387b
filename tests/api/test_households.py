"""/api/v1/households/: the scoped list and its filters, entry with members, correction.
Every policy rule answers 400 with its code and the registry's Chinese message."""

import datetime

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from registry.models import Household, HouseholdStage, Member
from tests.api.conftest import assert_error
from tests.api.helpers import household_body
from tests.factories import HouseholdFactory, MemberFactory, SiteFactory, make_id_number

URL = "/api/v1/households/"


def ids(response):
    assert response.status_code == 200, response.json()
    return sorted(h["id"] for h in response.json()["results"])


# --- list ------------------------------------------------------------------------------------

def test_clerk_sees_only_own_village(cast, household_a, household_b, as_user):
    assert ids(as_user(cast["clerk_a"]).get(URL)) == [household_a.pk]


def test_township_reviewer_sees_every_village_of_the_township(cast, household_a, household_b, as_user):
    assert ids(as_user(cast["reviewer"]).get(URL)) == sorted([household_a.pk, household_b.pk])


def test_reviewer_of_other_township_sees_nothing(cast, household_a, as_user):
    assert ids(as_user(cast["other_reviewer"]).get(URL)) == []


def test_list_shows_no_member_and_no_full_phone(cast, household_a, as_user):
    row = as_user(cast["clerk_a"]).get(URL).json()["results"][0]
    assert "members" not in row and "contact_phone" not in row


def test_filters_by_stage_area_and_update_time(cast, areas, household_a, household_b, as_user):
    client = as_user(cast["reviewer"])
    assert ids(client.get(URL, {"stage": "apply"})) == sorted([household_a.pk, household_b.pk])
    assert ids(client.get(URL, {"stage": "review"})) == []
    assert ids(client.get(URL, {"area": areas["village_b"].code})) == [household_b.pk]
    # An area outside the caller's scope narrows to nothing; it never widens the scope.
    assert ids(client.get(URL, {"area": areas["village_c"].code})) == []
    Household.objects.filter(pk=household_a.pk).update(updated_at=timezone.now() - datetime.timedelta(days=3))
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    assert ids(client.get(URL, {"updated_since": since})) == [household_b.pk]


def test_filter_by_site(cast, areas, as_user):
    site = SiteFactory(area=areas["county"])
    at_site = HouseholdFactory(village=areas["village_a"], resettlement_mode="centralised", site=site,
                               scattered_location="")
    HouseholdFactory(village=areas["village_a"])
    assert ids(as_user(cast["clerk_a"]).get(URL, {"site": site.pk})) == [at_site.pk]


@pytest.mark.parametrize("query", [{"stage": "nonsense"}, {"area": "52x"}, {"updated_since": "yesterday"},
                                   {"site": "-1"}])
def test_bad_filters_answer_400_in_chinese(cast, as_user, query):
    body = assert_error(as_user(cast["clerk_a"]).get(URL, query), 400, "invalid")
    assert set(body["fields"]) == set(query)


def test_cursor_pages_walk_every_household_once(cast, areas, as_user):
    made = [HouseholdFactory(village=areas["village_a"]).pk for _ in range(5)]
    client, seen, url = as_user(cast["clerk_a"]), [], URL + "?page_size=2"
    while url:
        page = client.get(url).json()
        assert "count" not in page  # no COUNT over the table per page
        seen += [h["id"] for h in page["results"]]
        url = page["next"]
    assert sorted(seen) == sorted(made)


@pytest.mark.parametrize("cursor", ["cD0xMjM0NTY3ODkwMTIzNDU2Nzg5MA==", "bz0tNQ=="])
def test_a_forged_cursor_is_400(cast, as_user, cursor):
    assert_error(as_user(cast["clerk_a"]).get(URL, {"cursor": cursor}), 400, "invalid_cursor")


# --- detail ----------------------------------------------------------------------------------

def test_detail_shows_members_with_masked_id_numbers(cast, household_a, as_user):
    body = as_user(cast["clerk_a"]).get(f"{URL}{household_a.pk}/").json()
    member = household_a.members.get()
    assert body["members"][0]["id_number_masked"] == member.id_number_masked
    assert member.id_number not in str(body)


def test_clerk_of_other_village_gets_404(cast, household_a, as_user):
    assert_error(as_user(cast["clerk_b"]).get(f"{URL}{household_a.pk}/"), 404, "not_found")


def test_unknown_household_is_the_same_404(cast, as_user):
    assert_error(as_user(cast["clerk_b"]).get(f"{URL}999999/"), 404, "not_found")


# --- create ----------------------------------------------------------------------------------

def test_clerk_registers_a_household_with_its_members(cast, as_user):
    r = as_user(cast["clerk_a"]).post(URL, household_body(), format="json")
    assert r.status_code == 201, r.json()
    body = r.json()
    household = Household.objects.get(pk=body["id"])
    assert household.stage == HouseholdStage.APPLY and household.members.count() == 2
    assert body["contact_phone_masked"] == "138****5678"
    assert AuditEvent.objects.filter(action="household.create", target_id=str(household.pk)).count() == 1
    assert AuditEvent.objects.filter(action="member.create").count() == 2


def test_auditor_may_not_register(cast, as_user):
    assert_error(as_user(cast["auditor"]).post(URL, household_body(), format="json"), 403, "permission_denied")


def test_village_head_may_not_register(cast, as_user):
    assert_error(as_user(cast["head_a"]).post(URL, household_body(), format="json"), 403)


def test_village_outside_scope_is_refused_as_unknown(cast, areas, as_user):
    body = assert_error(as_user(cast["clerk_b"]).post(URL, household_body(), format="json"), 400)
    assert "village" in body["fields"]
    assert not Household.objects.exists()


def _violations(**overrides):
    return household_body(**overrides)


POLICY_CASES = [
    ("floor_area_per_person", {"planned_floor_area": "60.00"}, "人均住房建设面积不得超过"),
    ("self_funding_cap", {"self_funding": "10000.01"}, "户均自筹资金不得超过"),
    ("self_funding_negative", {"self_funding": "-1.00"}, "不能为负数"),
    ("not_registered_poor", {"poverty_registered": False}, "建档立卡贫困户"),
    ("missing_poverty_number", {"poverty_reg_number": ""}, "建档立卡编号"),
    ("original_site", {"on_original_homestead": True}, "严禁原址重建"),
    ("site_required", {"resettlement_mode": "centralised", "scattered_location": ""}, "须选择集中安置点"),
    ("no_members", {"members": []}, "须至少登记一名家庭成员"),
    ("one_head", {"members": [{"name": "甲", "relation": "spouse", "id_number": make_id_number(seq=11)}]},
     "有且只有一名户主"),
    ("state_salaried", {"members": [{"name": "甲", "relation": "head", "id_number": make_id_number(seq=12),
                                     "state_salaried": True}]}, "财政供养人员"),
    ("prior_housing_benefit", {"members": [{"name": "甲", "relation": "head", "id_number": make_id_number(seq=13),
                                            "prior_housing_benefit": True, "employment": "local"}]}, "十三五"),
]


@pytest.mark.parametrize("code,overrides,words", POLICY_CASES, ids=[c[0] for c in POLICY_CASES])
def test_each_policy_rule_answers_400_with_its_chinese_message(cast, as_user, code, overrides, words):
    r = as_user(cast["clerk_a"]).post(URL, household_body(**overrides), format="json")
    body = assert_error(r, 400, code)
    assert words in body["message"]
    assert not Household.objects.exists() and not Member.objects.exists()


def test_a_dilapidated_house_is_no_reason(cast, as_user):
    r = as_user(cast["clerk_a"]).post(URL, household_body(relocation_reason="dilapidated_house"), format="json")
    body = assert_error(r, 400)
    assert "房屋危旧不能作为搬迁条件" in body["fields"]["relocation_reason"][0]


def test_every_violated_rule_is_listed_at_once(cast, as_user):
    r = as_user(cast["clerk_a"]).post(URL, household_body(planned_floor_area="99.00", self_funding="20000",
                                                          on_original_homestead=True), format="json")
    body = assert_error(r, 400)
    assert {v["code"] for v in body["violations"]} >= {"floor_area_per_person", "self_funding_cap", "original_site"}
    assert {"planned_floor_area", "self_funding", "on_original_homestead"} <= set(body["fields"])


def test_site_of_another_county_and_mode_mismatch(cast, areas, as_user):
    from tests.factories import AreaFactory

    other_county = AreaFactory(code="520888000000", name="邻县", level="county")
    site = SiteFactory(area=other_county)
    r = as_user(cast["county_office"]).post(URL, household_body(site=site.pk), format="json")
    body = assert_error(r, 400)
    assert "site" in body["fields"]  # another county's site is not a choice for this county


def test_bad_id_number_is_400_on_the_member(cast, as_user):
    valid = make_id_number(seq=21)
    wrong = valid[:-1] + ("0" if valid[-1] != "0" else "1")
    members = [{"name": "甲", "relation": "head", "id_number": wrong, "employment": "local"}]
    body = assert_error(as_user(cast["clerk_a"]).post(URL, household_body(members=members, planned_floor_area="25"),
                                                      format="json"), 400)
    assert "members[0].id_number" in body["fields"]


def test_a_person_in_another_active_case_is_refused(cast, household_a, as_user):
    taken = household_a.members.get().id_number
    members = [{"name": "甲", "relation": "head", "id_number": taken, "employment": "local"}]
    body = assert_error(as_user(cast["clerk_a"]).post(URL, household_body(seq=77, members=members),
                                                      format="json"), 400)
    assert "一人只能在一个有效案件中" in body["fields"]["members[0].id_number"][0]


def test_a_person_in_another_village_is_refused_without_naming_that_case(cast, household_b, as_user):
    taken = household_b.members.get().id_number
    members = [{"name": "甲", "relation": "head", "id_number": taken, "employment": "local"}]
    body = assert_error(as_user(cast["clerk_a"]).post(URL, household_body(seq=78, members=members),
                                                      format="json"), 400)
    assert household_b.number not in body["message"]


def test_duplicate_number_is_400(cast, household_a, as_user):
    r = as_user(cast["clerk_a"]).post(URL, household_body(number=household_a.number), format="json")
    assert "number" in assert_error(r, 400)["fields"]


@pytest.mark.parametrize("payload", [{}, {"number": 5}, {"members": "x"}, {"planned_floor_area": "NaN"},
                                     {"planned_floor_area": "1e400"}, [], "text"])
def test_malformed_bodies_are_400(cast, as_user, payload):
    r = as_user(cast["clerk_a"]).post(URL, payload, format="json")
    assert_error(r, 400)


# --- correction (PATCH) ----------------------------------------------------------------------

def test_clerk_corrects_a_household_in_apply(cast, household_a, as_user):
    r = as_user(cast["clerk_a"]).patch(f"{URL}{household_a.pk}/", {"self_funding": "5000.00"}, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["self_funding"] == "5000.00"
    event = AuditEvent.objects.get(action="household.change", target_id=str(household_a.pk))
    assert event.data["changes"]["self_funding"]["after"] in ("5000.00", 5000.0, "5000")


def test_patch_replaces_the_member_list(cast, household_a, as_user):
    head = household_a.members.get()
    MemberFactory(household=household_a, name="多余")
    members = [{"id": head.pk, "name": head.name, "relation": "head", "employment": "local"},
               {"name": "新生儿", "relation": "child", "id_number": make_id_number(birth="20240101"),
                "labour_ability": "none", "employment": "n_a"}]
    r = as_user(cast["clerk_a"]).patch(f"{URL}{household_a.pk}/", {"members": members}, format="json")
    assert r.status_code == 200, r.json()
    assert sorted(m["name"] for m in r.json()["members"]) == sorted([head.name, "新生儿"])
    assert AuditEvent.objects.filter(action="member.delete").count() == 1


def test_patch_by_clerk_of_other_village_is_404(cast, household_a, as_user):
    assert_error(as_user(cast["clerk_b"]).patch(f"{URL}{household_a.pk}/", {"self_funding": "1"}, format="json"),
                 404)


def test_patch_by_auditor_is_403(cast, household_a, as_user):
    assert_error(as_user(cast["auditor"]).patch(f"{URL}{household_a.pk}/", {"self_funding": "1"}, format="json"),
                 403)


def test_patch_after_approval_is_409_stage_locked(cast, household_a, as_user):
    Household.objects.filter(pk=household_a.pk).update(stage=HouseholdStage.CONSTRUCTION)
    body = assert_error(as_user(cast["clerk_a"]).patch(f"{URL}{household_a.pk}/", {"self_funding": "1"},
                                                       format="json"), 409, "stage_locked")
    assert "开工" in body["message"]


def test_patch_cannot_move_a_reviewed_case_to_another_village(cast, areas, household_a, as_user):
    Household.objects.filter(pk=household_a.pk).update(stage=HouseholdStage.NOTICE)
    r = as_user(cast["reviewer"]).patch(f"{URL}{household_a.pk}/", {"village": areas["village_b"].code},
                                        format="json")
    assert "village" in assert_error(r, 400)["fields"]


def test_patch_breaking_a_rule_changes_nothing(cast, household_a, as_user):
    r = as_user(cast["clerk_a"]).patch(f"{URL}{household_a.pk}/", {"planned_floor_area": "80.00"}, format="json")
    assert_error(r, 400, "floor_area_per_person")
    assert Household.objects.get(pk=household_a.pk).planned_floor_area == household_a.planned_floor_area


def test_members_cannot_be_struck_out_after_apply(cast, household_a, as_user):
    MemberFactory(household=household_a)
    Household.objects.filter(pk=household_a.pk).update(stage=HouseholdStage.REVIEW)
    head = household_a.members.get(relation="head")
    r = as_user(cast["clerk_a"]).patch(f"{URL}{household_a.pk}/", {"members": [
        {"id": head.pk, "name": head.name, "relation": "head", "employment": "local"}]}, format="json")
    assert_error(r, 400)
    assert household_a.members.count() == 2


def test_the_api_answers_the_registrys_edit_rule_and_message(cast, household_a, as_user, monkeypatch):
    """The stage lock is registry/editing.py's: a stage made editable there is editable here."""
    from registry import editing
    Household.objects.filter(pk=household_a.pk).update(stage=HouseholdStage.CONSTRUCTION)
    r = as_user(cast["clerk_a"]).patch(f"{URL}{household_a.pk}/", {"self_funding": "1"}, format="json")
    assert assert_error(r, 409, "stage_locked")["message"] == editing.stage_locked_message("construction")
    monkeypatch.setattr(editing, "EDITABLE_STAGES", (*editing.EDITABLE_STAGES, HouseholdStage.CONSTRUCTION))
    r = as_user(cast["clerk_a"]).patch(f"{URL}{household_a.pk}/", {"self_funding": "1"}, format="json")
    assert r.status_code == 200, r.json()


def test_a_reviewed_case_keeps_its_number_with_the_registrys_message(cast, household_a, as_user):
    from registry import editing
    Household.objects.filter(pk=household_a.pk).update(stage=HouseholdStage.REVIEW)
    r = as_user(cast["clerk_a"]).patch(f"{URL}{household_a.pk}/", {"number": f"{household_a.village.code}9999"},
                                       format="json")
    assert assert_error(r, 400)["fields"]["number"][0] == editing.IDENTITY_FIXED
    assert Household.objects.get(pk=household_a.pk).number == household_a.number


def test_registering_at_a_full_site_is_400_over_allocation(cast, areas, as_user):
    site = SiteFactory(area=areas["town"], planned_units=5, planned_persons=1)
    r = as_user(cast["clerk_a"]).post(URL, household_body(resettlement_mode="centralised", site=site.pk,
                                                          scattered_location=""), format="json")
    body = assert_error(r, 400, "over_allocation")
    assert "超出计划安置规模" in body["fields"]["site"][0]
    assert not Household.objects.exists()


def test_moving_a_household_to_a_full_site_is_400(cast, areas, household_a, as_user):
    site = SiteFactory(area=areas["town"], planned_units=1, planned_persons=10)
    HouseholdFactory(village=areas["village_b"], resettlement_mode="centralised", site=site, scattered_location="")
    r = as_user(cast["clerk_a"]).patch(f"{URL}{household_a.pk}/", {"resettlement_mode": "centralised",
                                                                   "site": site.pk, "scattered_location": ""},
                                       format="json")
    assert_error(r, 400, "over_allocation")
    assert Household.objects.get(pk=household_a.pk).site_id is None


def test_a_members_missing_field_is_named_with_the_same_path_as_its_other_errors(cast, as_user):
    valid = make_id_number(seq=22)
    members = [{"name": "甲", "id_number": valid, "employment": "local"}]  # no relation
    body = assert_error(as_user(cast["clerk_a"]).post(URL, household_body(members=members, planned_floor_area="25"),
                                                      format="json"), 400)
    assert "members[0].relation" in body["fields"] and not any(k.startswith("members.") for k in body["fields"])


def test_a_member_corrected_through_the_api_is_audited_as_the_admin_does_it(cast, household_a, as_user):
    head = household_a.members.get()
    old_name, old_masked = head.name, head.id_number_masked
    new_id = make_id_number(seq=31)
    members = [{"id": head.pk, "name": "改名后", "relation": "head", "employment": "local", "id_number": new_id}]
    r = as_user(cast["clerk_a"]).patch(f"{URL}{household_a.pk}/", {"members": members}, format="json")
    assert r.status_code == 200, r.json()
    changes = AuditEvent.objects.get(action="member.change", target_id=str(head.pk)).data["changes"]
    assert changes["name"] == {"before": old_name, "after": "改名后"}
    assert changes["id_number"]["before"] == old_masked and new_id not in str(changes)
    assert changes["id_number"]["after"] == Member.objects.get(pk=head.pk).id_number_masked
