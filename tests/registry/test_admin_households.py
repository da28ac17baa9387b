"""The household admin: policy at the boundary, ID numbers, one person one active case, the
protected stage, no deletion, scoped choices, and an audit event for every change."""

from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from registry.idnumbers import mask_id_number
from registry.models import Household, HouseholdStage, Member, ResettlementMode
from tests.factories import HouseholdFactory, MemberFactory, SiteFactory, make_id_number

ADD_URL = reverse("admin:registry_household_add")
CHECKBOXES = ("poverty_registered", "on_original_homestead", "whole_village_relocation", "new_geological_hazard")
MEMBER_CHECKBOXES = ("willing_to_work", "state_salaried", "relative_of_state_salaried", "prior_housing_benefit")

# AreaScopeBackend answers permissions only; sessions must name the backend that loads users.
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def person(seq, region="110101", birth="19800101"):
    """A check-digit-valid ID number whose region python-stdnum knows (no warning)."""
    return make_id_number(region=region, birth=birth, seq=seq)


def member_row(name, id_number="", relation="child", pk="", **fields):
    row = {"id": pk, "name": name, "id_number_entry": id_number, "relation": relation,
           "labour_ability": "normal", "willing_to_work": True, "employment": "local", "state_salaried": False,
           "relative_of_state_salaried": False, "prior_housing_benefit": False}
    row.update(fields)
    return row


def household_post(village, members, *, number=None, household=None, **fields):
    """The POST body of the admin's household form with its member inline."""
    values = {
        "number": number or f"{village.code}0001",
        "village": village.pk, "poverty_registered": True, "poverty_reg_number": "JD00000001",
        "relocation_reason": "harsh_conditions", "resettlement_mode": "scattered", "site": "",
        "scattered_location": "县城附近集镇", "on_original_homestead": False, "planned_floor_area": "25.00",
        "self_funding": "3000.00", "homestead_area": "", "whole_village_relocation": False,
        "new_geological_hazard": False, "responsible_cadre": "", "contact_phone": "",
    }
    if household is not None:  # a change starts from what is stored
        for key in values:
            stored = getattr(household, f"{key}_id" if key in ("village", "site", "responsible_cadre") else key)
            values[key] = "" if stored is None else stored
    values.update(fields)
    data = {}
    for key, value in values.items():
        if key in CHECKBOXES:
            if value:
                data[key] = "on"
        else:
            data[key] = "" if value is None else str(value)
    initial = sum(1 for m in members if m["id"])
    data.update({"members-TOTAL_FORMS": str(len(members)), "members-INITIAL_FORMS": str(initial),
                 "members-MIN_NUM_FORMS": "0", "members-MAX_NUM_FORMS": "1000"})
    for i, row in enumerate(members):
        for key, value in row.items():
            if key in MEMBER_CHECKBOXES or key == "DELETE":
                if value:
                    data[f"members-{i}-{key}"] = "on"
            else:
                data[f"members-{i}-{key}"] = str(value)
        data[f"members-{i}-household"] = str(household.pk) if household else ""
    return data


def existing_rows(household):
    return [member_row(m.name, "", m.relation, pk=m.pk, labour_ability=m.labour_ability,
                       willing_to_work=m.willing_to_work, employment=m.employment)
            for m in household.members.order_by("id")]


def change_url(household):
    return reverse("admin:registry_household_change", args=[household.pk])


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user, backend=MODEL_BACKEND)
    return client


@pytest.fixture
def clerk(client, cast):
    client.force_login(cast["clerk_a"], backend=MODEL_BACKEND)
    return client


def saved(response):
    """The admin answers a successful save with a redirect; a refusal re-renders the form (200)."""
    return response.status_code == 302


# ---------------------------------------------------------------- policy at the boundary


def test_two_members_with_50_square_metres_are_accepted(clerk, areas):
    members = [member_row("张一", person(1), "head"), member_row("张二", person(2), "spouse")]
    response = clerk.post(ADD_URL, household_post(areas["village_a"], members, planned_floor_area="50.00"))
    assert saved(response)
    household = Household.objects.get()
    assert household.planned_floor_area == Decimal("50.00")
    assert household.members.count() == 2


def test_two_members_with_50_01_square_metres_are_refused_and_nothing_is_stored(clerk, areas):
    members = [member_row("张一", person(1), "head"), member_row("张二", person(2), "spouse")]
    response = clerk.post(ADD_URL, household_post(areas["village_a"], members, planned_floor_area="50.01"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "人均住房建设面积不得超过25平方米" in page
    assert "政策核查未通过：人均住房建设面积不得超过25平方米" in page  # also on top of the page
    assert not Household.objects.exists()
    assert not Member.objects.exists()
    assert not AuditEvent.objects.exclude(action__startswith="auth.").exists()


def test_self_funding_of_10000_is_accepted(clerk, areas):
    response = clerk.post(ADD_URL, household_post(areas["village_a"], [member_row("李一", person(3), "head")],
                                                  self_funding="10000"))
    assert saved(response)
    assert Household.objects.get().self_funding == Decimal("10000.00")


def test_self_funding_of_10000_01_is_refused_with_the_chinese_message(clerk, areas):
    response = clerk.post(ADD_URL, household_post(areas["village_a"], [member_row("李一", person(3), "head")],
                                                  self_funding="10000.01"))
    assert response.status_code == 200
    assert "户均自筹资金不得超过10,000.00元，现为10,000.01元。" in response.content.decode()
    assert not Household.objects.exists()


def test_a_change_breaking_policy_is_refused_and_the_stored_case_is_unchanged(clerk, household_a):
    data = household_post(household_a.village, existing_rows(household_a), household=household_a,
                          planned_floor_area="25.01")
    response = clerk.post(change_url(household_a), data)
    assert response.status_code == 200
    assert "人均住房建设面积不得超过25平方米" in response.content.decode()
    household_a.refresh_from_db(fields=["planned_floor_area"])
    assert household_a.planned_floor_area == Decimal("25.00")
    assert not AuditEvent.objects.exclude(action__startswith="auth.").exists()


def test_a_household_without_a_head_is_refused(clerk, areas):
    response = clerk.post(ADD_URL, household_post(areas["village_a"], [member_row("王一", person(4), "child")]))
    assert response.status_code == 200
    assert "每户须有且只有一名户主" in response.content.decode()
    assert not Household.objects.exists()


def test_a_policy_warning_is_shown_but_does_not_block(clerk, areas):
    members = [member_row("赵一", person(5), "head", employment="unemployed")]
    response = clerk.post(ADD_URL, household_post(areas["village_a"], members), follow=True)
    assert Household.objects.count() == 1
    assert "尚无一人就业" in response.content.decode()


# ---------------------------------------------------------------- ID numbers


def test_a_bad_check_digit_is_refused_with_its_message(clerk, areas):
    good = person(6)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    response = clerk.post(ADD_URL, household_post(areas["village_a"], [member_row("钱一", bad, "head")]))
    assert response.status_code == 200
    assert "身份证号码校验位错误" in response.content.decode()
    assert not Household.objects.exists()


def test_a_short_id_number_is_refused_with_its_message(clerk, areas):
    response = clerk.post(ADD_URL, household_post(areas["village_a"], [member_row("钱一", "52010219800101", "head")]))
    assert "身份证号码应为18位，当前为14位。" in response.content.decode()
    assert not Household.objects.exists()


def test_a_new_member_without_an_id_number_is_refused(clerk, areas):
    response = clerk.post(ADD_URL, household_post(areas["village_a"], [member_row("钱一", "", "head")]))
    assert "新登记的家庭成员须填写身份证号码。" in response.content.decode()
    assert not Household.objects.exists()


def test_an_unknown_region_is_a_warning_only(clerk, areas):
    members = [member_row("孙一", person(7, region="990101"), "head")]
    response = clerk.post(ADD_URL, household_post(areas["village_a"], members), follow=True)
    assert Household.objects.count() == 1
    assert "行政区划代码 990101 未在区划库中找到" in response.content.decode()


def test_full_width_digits_are_accepted_and_stored_normalised(clerk, areas):
    number = person(8)
    typed = number.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    response = clerk.post(ADD_URL, household_post(areas["village_a"], [member_row("周一", typed, "head")]))
    assert saved(response)
    assert Member.objects.get().id_number == number


def test_the_change_page_shows_the_id_number_masked_never_in_full(clerk, household_a):
    member = household_a.members.get()
    page = clerk.get(change_url(household_a)).content.decode()
    assert member.id_number not in page
    assert member.id_number_masked in page


def test_leaving_the_id_number_blank_keeps_it(clerk, household_a):
    member = household_a.members.get()
    before = member.id_number
    rows = existing_rows(household_a)
    rows[0]["name"] = "改名后"
    response = clerk.post(change_url(household_a), household_post(household_a.village, rows, household=household_a))
    assert saved(response)
    member.refresh_from_db()
    assert member.name == "改名后"
    assert member.id_number == before


def test_a_corrected_id_number_replaces_the_old_one(clerk, household_a):
    member = household_a.members.get()
    rows = existing_rows(household_a)
    rows[0]["id_number_entry"] = person(9, birth="19750505")
    response = clerk.post(change_url(household_a), household_post(household_a.village, rows, household=household_a))
    assert saved(response)
    member.refresh_from_db()
    assert member.id_number == person(9, birth="19750505")
    assert str(member.birth_date) == "1975-05-05"


# ---------------------------------------------------------------- one person, one active case


def test_the_same_person_in_a_second_active_case_is_refused_naming_the_case(clerk, household_a, areas):
    taken = household_a.members.get()
    members = [member_row("重复者", taken.id_number, "head")]
    response = clerk.post(ADD_URL, household_post(areas["village_a"], members, number=f"{areas['village_a'].code}0999"))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"此身份证号码已在搬迁户 {household_a.number}（村A）中登记" in page
    assert Household.objects.count() == 1


def test_a_case_outside_scope_is_not_named_in_the_refusal(client, cast, household_a, areas):
    client.force_login(cast["clerk_b"], backend=MODEL_BACKEND)
    taken = household_a.members.get()
    response = client.post(ADD_URL, household_post(areas["village_b"], [member_row("重复者", taken.id_number, "head")]))
    page = response.content.decode()
    assert "此身份证号码已在另一个有效的搬迁户中登记（一人只能在一个有效案件中）。" in page
    assert household_a.number not in page
    assert Household.objects.count() == 1


def test_a_person_of_a_removed_case_may_join_another_case(clerk, household_a, areas):
    taken = household_a.members.get()
    Household.objects.filter(pk=household_a.pk).update(stage=HouseholdStage.REMOVED)
    Member.objects.filter(pk=taken.pk).update(case_active=False)
    response = clerk.post(ADD_URL, household_post(areas["village_a"], [member_row("重新申报", taken.id_number, "head")],
                                                  number=f"{areas['village_a'].code}0999"))
    assert saved(response)
    assert Household.objects.count() == 2


def test_two_new_members_with_one_id_number_are_refused(clerk, areas):
    same = person(10)
    members = [member_row("甲", same, "head"), member_row("乙", same, "child")]
    response = clerk.post(ADD_URL, household_post(areas["village_a"], members, planned_floor_area="50"))
    assert response.status_code == 200
    assert "身份证号码在本户中重复" in response.content.decode()
    assert not Household.objects.exists()


# ---------------------------------------------------------------- stage, deletion, choices


def test_the_stage_is_read_only_and_a_posted_stage_is_ignored(clerk, household_a):
    data = household_post(household_a.village, existing_rows(household_a), household=household_a,
                          stage=HouseholdStage.APPROVAL)
    response = clerk.post(change_url(household_a), data)
    assert saved(response)
    assert Household.objects.values_list("stage", flat=True).get(pk=household_a.pk) == HouseholdStage.APPLY
    page = clerk.get(change_url(household_a)).content.decode()
    assert 'name="stage"' not in page
    assert "申报" in page


def test_households_cannot_be_deleted_even_by_a_superuser(admin_client, household_a):
    url = reverse("admin:registry_household_delete", args=[household_a.pk])
    assert admin_client.get(url).status_code == 403
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert Household.objects.filter(pk=household_a.pk).exists()


def test_a_member_can_be_struck_out_while_the_case_is_being_entered(clerk, household_a):
    extra = MemberFactory(household=household_a, id_number=person(11))
    rows = existing_rows(household_a)
    rows[1]["DELETE"] = True
    response = clerk.post(change_url(household_a), household_post(household_a.village, rows, household=household_a))
    assert saved(response)
    assert not Member.objects.filter(pk=extra.pk).exists()
    event = AuditEvent.objects.get(action="member.delete")
    assert event.target_id == str(extra.pk)
    assert event.data["values"]["id_number"] == mask_id_number(extra.id_number)


def test_members_of_a_case_past_the_application_cannot_be_deleted(clerk, household_a):
    extra = MemberFactory(household=household_a, id_number=person(12))
    Household.objects.filter(pk=household_a.pk).update(stage=HouseholdStage.REVIEW)
    rows = existing_rows(household_a)
    rows[1]["DELETE"] = True
    clerk.post(change_url(household_a), household_post(household_a.village, rows, household=household_a))
    assert Member.objects.filter(pk=extra.pk).exists()
    assert "members-0-DELETE" not in clerk.get(change_url(household_a)).content.decode()


def test_village_choices_are_the_villages_of_the_users_scope(clerk, areas):
    form = clerk.get(ADD_URL).context["adminform"].form
    assert list(form.fields["village"].queryset) == [areas["village_a"]]


def test_a_village_outside_scope_is_refused(clerk, areas):
    response = clerk.post(ADD_URL, household_post(areas["village_b"], [member_row("外村", person(13), "head")]))
    assert response.status_code == 200
    assert not Household.objects.exists()


def test_site_choices_are_the_sites_of_the_users_county(clerk, areas):
    from tests.factories import AreaFactory

    own = SiteFactory(area=areas["town"])
    other_county = AreaFactory(code="520888000000", name="别县", level="county")
    SiteFactory(area=other_county)
    form = clerk.get(ADD_URL).context["adminform"].form
    assert list(form.fields["site"].queryset) == [own]


def test_responsible_cadre_choices_are_officials_posted_in_scope(clerk, cast):
    form = clerk.get(ADD_URL).context["adminform"].form
    assert set(form.fields["responsible_cadre"].queryset) == {cast["clerk_a"], cast["head_a"]}


def test_a_centralised_household_at_a_site_of_the_county_is_accepted(clerk, areas):
    site = SiteFactory(area=areas["town"])
    data = household_post(areas["village_a"], [member_row("集中户", person(14), "head")],
                          resettlement_mode=ResettlementMode.CENTRALISED, site=site.pk, scattered_location="")
    assert saved(clerk.post(ADD_URL, data))
    assert Household.objects.get().site == site


# ---------------------------------------------------------------- audit


def test_creating_a_household_writes_audit_events_with_masked_id_numbers(clerk, cast, areas):
    number = person(15)
    clerk.post(ADD_URL, household_post(areas["village_a"], [member_row("吴一", number, "head")]))
    household = Household.objects.get()
    created = AuditEvent.objects.get(action="household.create")
    assert created.actor_username == "clerk_a"
    assert created.target_id == str(household.pk)
    assert created.area_code == areas["village_a"].code
    assert created.data["values"]["planned_floor_area"] == "25.00"
    member_event = AuditEvent.objects.get(action="member.create")
    assert member_event.data["values"]["id_number"] == mask_id_number(number)
    assert member_event.data["values"]["household"]["id"] == household.pk
    assert all(number not in str(event.data) for event in AuditEvent.objects.all())


def test_a_change_writes_before_and_after_of_the_changed_fields_only(clerk, household_a):
    rows = existing_rows(household_a)
    data = household_post(household_a.village, rows, household=household_a, self_funding="5000.00",
                          contact_phone="13800001111")
    assert saved(clerk.post(change_url(household_a), data))
    event = AuditEvent.objects.get(action="household.change")
    assert event.data["changes"] == {
        "self_funding": {"before": "3000.00", "after": "5000.00"},
        "contact_phone": {"before": "", "after": "13800001111"},
    }
    assert not AuditEvent.objects.filter(action="member.change").exists()


def test_a_member_change_records_the_masked_id_number_before_and_after(clerk, household_a):
    member = household_a.members.get()
    old = member.id_number
    new = person(16, birth="19900909")
    rows = existing_rows(household_a)
    rows[0]["id_number_entry"] = new
    employment_before = member.employment
    rows[0]["employment"] = "migrant"
    assert saved(clerk.post(change_url(household_a), household_post(household_a.village, rows, household=household_a)))
    event = AuditEvent.objects.get(action="member.change")
    assert event.data["changes"]["id_number"] == {"before": mask_id_number(old), "after": mask_id_number(new)}
    assert event.data["changes"]["employment"] == {"before": employment_before, "after": "migrant"}
    assert old not in str(event.data) and new not in str(event.data)


def test_the_audit_event_is_in_the_same_transaction_as_the_change(clerk, household_a, monkeypatch):
    import registry.admin

    def broken_record(*args, **kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(registry.admin, "record", broken_record)
    data = household_post(household_a.village, existing_rows(household_a), household=household_a,
                          self_funding="4000.00")
    with pytest.raises(RuntimeError):
        clerk.post(change_url(household_a), data)
    household_a.refresh_from_db(fields=["self_funding"])
    assert household_a.self_funding == Decimal("3000.00")


def test_an_unchanged_save_writes_no_event(clerk, household_a):
    data = household_post(household_a.village, existing_rows(household_a), household=household_a)
    assert saved(clerk.post(change_url(household_a), data))
    assert not AuditEvent.objects.exclude(action__startswith="auth.").exists()


def test_the_changelist_shows_head_village_stage_and_masked_phone(clerk, areas):
    household = HouseholdFactory(village=areas["village_a"], contact_phone="13912345678")
    page = clerk.get(reverse("admin:registry_household_changelist")).content.decode()
    assert household.number in page
    assert household.members.get().name in page
    assert "139****5678" in page
    assert "13912345678" not in page


def test_number_and_village_are_fixed_once_the_case_left_the_application(clerk, household_a):
    Household.objects.filter(pk=household_a.pk).update(stage=HouseholdStage.REVIEW)
    household_a = Household.objects.get(pk=household_a.pk)
    data = household_post(household_a.village, existing_rows(household_a), household=household_a,
                          number=f"{household_a.village.code}9999")
    assert saved(clerk.post(change_url(household_a), data))
    assert Household.objects.get(pk=household_a.pk).number == household_a.number


def test_responsible_cadres_are_offered_by_name_and_username(clerk, cast):
    cast["head_a"].last_name, cast["head_a"].first_name = "黄", "凤"
    cast["head_a"].save()
    page = clerk.get(ADD_URL).content.decode()
    assert "黄凤（head_a）" in page
