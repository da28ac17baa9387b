"""Home, household list and search, household detail, the audited reveal of an ID number, sites."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from registry.models import HouseholdStage, ResettlementMode
from tests.factories import HouseholdFactory, MemberFactory, SiteFactory, make_id_number

# AreaScopeBackend answers permissions only; sessions must name the backend that loads users.
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def as_official(client, cast):
    def login(name):
        client.force_login(cast[name], backend=MODEL_BACKEND)
        return client

    return login


def reveal_url(household, member):
    return reverse("member_reveal_id", args=[household.pk, member.pk])


# ---------------------------------------------------------------- home


def test_home_requires_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_home_shows_the_users_roles_and_areas(as_official):
    page = as_official("reviewer").get(reverse("home")).content.decode()
    assert "乡镇审核员" in page
    assert "城关镇" in page
    assert "520999101" in page


def test_home_lists_households_in_scope_with_head_village_stage_and_masked_phone(as_official, areas):
    household = HouseholdFactory(village=areas["village_a"], contact_phone="13812345678")
    page = as_official("clerk_a").get(reverse("home")).content.decode()
    assert household.number in page
    assert household.members.get().name in page
    assert "村A" in page
    assert "申报" in page
    assert "138****5678" in page
    assert "13812345678" not in page


def test_home_pages_by_fifty_ordered_by_number(as_official, areas):
    households = HouseholdFactory.create_batch(52, village=areas["village_a"])
    numbers = sorted(h.number for h in households)
    client = as_official("clerk_a")
    first = client.get(reverse("home"))
    assert [h.number for h in first.context["page"].object_list] == numbers[:50]
    second = client.get(reverse("home"), {"page": 2})
    assert [h.number for h in second.context["page"].object_list] == numbers[50:]


def test_an_official_without_posts_is_told_so(client, django_user_model):
    user = django_user_model.objects.create_user("nobody", password="pw-for-tests-1")
    client.force_login(user, backend=MODEL_BACKEND)
    page = client.get(reverse("home")).content.decode()
    assert "尚未被授予任何岗位" in page


# ---------------------------------------------------------------- list and search


def test_search_by_household_number_prefix(as_official, areas):
    first = HouseholdFactory(village=areas["village_a"], number=f"{areas['village_a'].code}0001")
    second = HouseholdFactory(village=areas["village_a"], number=f"{areas['village_a'].code}0002")
    client = as_official("clerk_a")
    response = client.post(reverse("household_list"), {"q": first.number})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert first.number in page
    assert second.number not in page


def test_search_by_full_id_number_finds_the_household(as_official, household_a, household_b):
    member = household_a.members.get()
    response = as_official("reviewer").post(reverse("household_list"), {"q": member.id_number})
    assert response.status_code == 200
    page = response.content.decode()
    assert household_a.number in page
    assert household_b.number not in page
    assert member.id_number not in page  # not even echoed back into the search box
    assert member.id_number_masked in page


def test_search_by_id_number_stays_within_scope(as_official, household_a):
    member = household_a.members.get()
    page = as_official("clerk_b").post(reverse("household_list"), {"q": member.id_number}).content.decode()
    assert household_a.number not in page
    assert "没有符合条件的搬迁户" in page


def test_a_bad_id_number_in_search_shows_the_chinese_message(as_official, household_a):
    number = household_a.members.get().id_number
    bad = number[:17] + ("0" if number[17] != "0" else "1")
    page = as_official("clerk_a").post(reverse("household_list"), {"q": bad}).content.decode()
    assert "身份证号码校验位错误" in page
    assert household_a.number not in page


def test_search_text_that_is_neither_number_nor_id_is_refused(as_official, household_a):
    page = as_official("clerk_a").post(reverse("household_list"), {"q": "张三"}).content.decode()
    assert "请输入户编号" in page
    assert household_a.number not in page


# ---------------------------------------------------------------- detail


def test_detail_shows_members_with_masked_id_numbers_only(as_official, household_a):
    member = household_a.members.get()
    page = as_official("county_office").get(reverse("household_detail", args=[household_a.pk])).content.decode()
    assert member.name in page
    assert member.id_number_masked in page
    assert member.id_number not in page


def test_detail_shows_the_policy_check_results(as_official, areas):
    household = HouseholdFactory(village=areas["village_a"], self_funding="12000")
    page = as_official("clerk_a").get(reverse("household_detail", args=[household.pk])).content.decode()
    assert "户均自筹资金不得超过10,000.00元，现为12,000.00元。" in page


def test_detail_of_a_compliant_household_says_so(as_official, household_a):
    page = as_official("clerk_a").get(reverse("household_detail", args=[household_a.pk])).content.decode()
    assert "符合全部登记政策要求" in page


def test_reveal_button_only_for_posts_that_may_reveal(as_official, household_a):
    url = reverse("household_detail", args=[household_a.pk])
    assert "查看完整号码" not in as_official("clerk_a").get(url).content.decode()
    assert "查看完整号码" in as_official("reviewer").get(url).content.decode()


# ---------------------------------------------------------------- reveal


def test_reveal_returns_the_full_number_and_records_an_audit_event(as_official, household_a):
    member = household_a.members.get()
    response = as_official("reviewer").post(reveal_url(household_a, member), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json() == {"id_number": member.id_number}
    assert response["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(action="member.reveal_id")
    assert event.actor_username == "reviewer"
    assert (event.target_type, event.target_id) == ("registry.member", str(member.pk))
    assert event.area_code == household_a.area_code
    assert member.id_number not in str(event.data)


def test_each_reveal_is_a_new_audit_event(as_official, household_a):
    member = household_a.members.get()
    client = as_official("county_office")
    client.post(reveal_url(household_a, member))
    client.post(reveal_url(household_a, member))
    assert AuditEvent.objects.filter(action="member.reveal_id").count() == 2


def test_reveal_without_javascript_renders_a_page(as_official, household_a):
    member = household_a.members.get()
    response = as_official("reviewer").post(reveal_url(household_a, member))
    assert response.status_code == 200
    assert member.id_number in response.content.decode()


def test_reveal_by_a_post_without_the_capability_is_403(as_official, household_a):
    assert as_official("clerk_a").post(reveal_url(household_a, household_a.members.get())).status_code == 403
    assert not AuditEvent.objects.exclude(action__startswith="auth.").exists()


def test_reveal_outside_scope_is_404(as_official, household_a):
    assert as_official("other_reviewer").post(reveal_url(household_a, household_a.members.get())).status_code == 404
    assert not AuditEvent.objects.exclude(action__startswith="auth.").exists()


def test_reveal_of_a_member_of_another_household_is_404(as_official, household_a, household_b):
    url = reverse("member_reveal_id", args=[household_a.pk, household_b.members.get().pk])
    assert as_official("reviewer").post(url).status_code == 404
    assert not AuditEvent.objects.exclude(action__startswith="auth.").exists()


def test_reveal_answers_only_post(as_official, household_a):
    assert as_official("reviewer").get(reveal_url(household_a, household_a.members.get())).status_code == 405


# ---------------------------------------------------------------- sites


@pytest.fixture
def site_in_town(areas):
    return SiteFactory(area=areas["town"], name="城关安置点")


@pytest.fixture
def site_in_other_town(areas):
    return SiteFactory(area=areas["other_town"], name="石桥安置点")


def test_site_list_shows_the_sites_in_scope(as_official, site_in_town, site_in_other_town):
    page = as_official("reviewer").get(reverse("site_list")).content.decode()
    assert "城关安置点" in page
    assert "石桥安置点" not in page


def test_site_detail_outside_scope_is_404(as_official, site_in_other_town):
    assert as_official("reviewer").get(reverse("site_detail", args=[site_in_other_town.pk])).status_code == 404


def test_site_detail_lists_only_the_households_in_scope(as_official, areas, site_in_town):
    def centralised(village):
        household = HouseholdFactory(village=village, resettlement_mode=ResettlementMode.CENTRALISED,
                                     site=site_in_town, scattered_location="", head=False)
        MemberFactory(household=household, relation="head", id_number=make_id_number(region="110101"))
        return household

    own, other = centralised(areas["village_a"]), centralised(areas["village_b"])
    client = as_official("county_office")
    page = client.get(reverse("site_detail", args=[site_in_town.pk])).content.decode()
    assert own.number in page and other.number in page
    assert "城关安置点" in page


def test_removed_households_show_their_stage(as_official, household_a):
    from registry.models import Household

    Household.objects.filter(pk=household_a.pk).update(stage=HouseholdStage.REMOVED)
    page = as_official("clerk_a").get(reverse("household_list")).content.decode()
    assert "清退" in page
