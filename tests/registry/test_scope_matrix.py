"""Who sees which case, on every page that shows one.

    城关镇 ─ 村A (household_a), 村B (household_b);  石桥乡 ─ 村C (household_c)

Each official, on the household list, the detail page and the admin (changelist and change page),
sees exactly the cases of their own area; a guessed URL for another area's case answers 404 and
shows nothing of it; a read-only post (the auditor, the village head) gets 403 on every write.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from registry.models import Household
from tests.factories import HouseholdFactory

# official -> the households (by fixture name) they must see
SCOPE = {
    "clerk_a": {"household_a"},
    "clerk_b": {"household_b"},
    "head_a": {"household_a"},
    "reviewer": {"household_a", "household_b"},
    "other_reviewer": {"household_c"},
    "county_office": {"household_a", "household_b", "household_c"},
    "auditor": {"household_a", "household_b", "household_c"},
}
ALL_HOUSEHOLDS = ("household_a", "household_b", "household_c")
MATRIX = [(official, name, name in seen) for official, seen in SCOPE.items() for name in ALL_HOUSEHOLDS]
OUTSIDE = [(official, name) for official, name, visible in MATRIX if not visible]
READ_ONLY = ("auditor", "head_a")

# AreaScopeBackend answers permissions only; sessions must name the backend that loads users.
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def household_c(areas):
    return HouseholdFactory(village=areas["village_c"])


@pytest.fixture
def cases(household_a, household_b, household_c):
    return {"household_a": household_a, "household_b": household_b, "household_c": household_c}


def login(client, cast, official):
    client.force_login(cast[official], backend=MODEL_BACKEND)
    return client


def without_csrf_token(response):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def detail_url(household):
    return reverse("household_detail", args=[household.pk])


def admin_change_url(household):
    return reverse("admin:registry_household_change", args=[household.pk])


@pytest.mark.parametrize("official, case, visible", MATRIX)
def test_household_list_shows_exactly_the_officials_area(client, cast, cases, official, case, visible):
    page = login(client, cast, official).get(reverse("household_list")).content.decode()
    assert (cases[case].number in page) is visible


@pytest.mark.parametrize("official, case, visible", MATRIX)
def test_home_page_shows_exactly_the_officials_area(client, cast, cases, official, case, visible):
    page = login(client, cast, official).get(reverse("home")).content.decode()
    assert (cases[case].number in page) is visible


@pytest.mark.parametrize("official, case, visible", MATRIX)
def test_detail_page_is_404_outside_the_officials_area(client, cast, cases, official, case, visible):
    household = cases[case]
    response = login(client, cast, official).get(detail_url(household))
    assert response.status_code == (200 if visible else 404)
    page = response.content.decode()
    assert (household.number in page) is visible
    assert (household.members.get().name in page) is visible


@pytest.mark.parametrize("official, case, visible", MATRIX)
def test_admin_changelist_shows_exactly_the_officials_area(client, cast, cases, official, case, visible):
    response = login(client, cast, official).get(reverse("admin:registry_household_changelist"))
    assert response.status_code == 200
    assert (cases[case].number in response.content.decode()) is visible


@pytest.mark.parametrize("official, case, visible", MATRIX)
def test_admin_change_page_is_404_outside_the_officials_area(client, cast, cases, official, case, visible):
    household = cases[case]
    response = login(client, cast, official).get(admin_change_url(household))
    assert response.status_code == (200 if visible else 404)
    page = response.content.decode()
    assert (household.number in page) is visible
    assert (household.members.get().name in page) is visible


@pytest.mark.parametrize("official, case", OUTSIDE)
def test_admin_change_post_outside_the_area_is_404_and_changes_nothing(client, cast, cases, official, case):
    household = cases[case]
    response = login(client, cast, official).post(admin_change_url(household), {"self_funding": "0"})
    assert response.status_code == 404
    household.refresh_from_db(fields=["self_funding"])
    assert str(household.self_funding) == "3000.00"


@pytest.mark.parametrize("official, case, visible", MATRIX)
def test_admin_history_of_a_case_outside_the_area_is_404(client, cast, cases, official, case, visible):
    url = reverse("admin:registry_household_history", args=[cases[case].pk])
    assert login(client, cast, official).get(url).status_code == (200 if visible else 404)


def test_clerk_of_other_village_gets_404(client, cast, household_a):
    login(client, cast, "clerk_b")
    assert client.get(detail_url(household_a)).status_code == 404
    assert client.get(admin_change_url(household_a)).status_code == 404
    reveal = reverse("member_reveal_id", args=[household_a.pk, household_a.members.get().pk])
    assert client.post(reveal).status_code == 404


def test_a_guessed_id_that_does_not_exist_answers_like_one_outside_scope(client, cast, household_a):
    login(client, cast, "clerk_b")
    missing = client.get(reverse("household_detail", args=[999999]))
    outside = client.get(detail_url(household_a))
    assert missing.status_code == outside.status_code == 404
    assert without_csrf_token(missing) == without_csrf_token(outside)
    admin_missing = client.get(reverse("admin:registry_household_change", args=[999999]))
    admin_outside = client.get(admin_change_url(household_a))
    assert admin_missing.status_code == admin_outside.status_code == 404


# ---------------------------------------------------------------- read-only posts


@pytest.mark.parametrize("official", READ_ONLY)
def test_read_only_post_sees_the_change_page_without_inputs(client, cast, household_a, official):
    page = login(client, cast, official).get(admin_change_url(household_a)).content.decode()
    assert household_a.number in page
    assert 'name="self_funding"' not in page
    assert 'name="members-0-id_number_entry"' not in page
    assert household_a.members.get().id_number_masked in page


@pytest.mark.parametrize("official", READ_ONLY)
def test_read_only_post_gets_403_on_admin_change_post(client, cast, household_a, official):
    response = login(client, cast, official).post(admin_change_url(household_a), {"self_funding": "0"})
    assert response.status_code == 403
    household_a.refresh_from_db(fields=["self_funding"])
    assert str(household_a.self_funding) == "3000.00"


@pytest.mark.parametrize("official", READ_ONLY)
def test_read_only_post_gets_403_on_admin_add(client, cast, areas, official):
    login(client, cast, official)
    assert client.get(reverse("admin:registry_household_add")).status_code == 403
    assert client.post(reverse("admin:registry_household_add"), {"number": "1"}).status_code == 403
    assert Household.objects.count() == 0


@pytest.mark.parametrize("official", READ_ONLY)
def test_read_only_post_gets_403_on_changelist_post(client, cast, household_a, official):
    data = {"action": "delete_selected", "_selected_action": [household_a.pk]}
    response = login(client, cast, official).post(reverse("admin:registry_household_changelist"), data)
    assert response.status_code == 403
    assert Household.objects.filter(pk=household_a.pk).exists()


@pytest.mark.parametrize("official", READ_ONLY)
def test_read_only_post_gets_403_on_delete(client, cast, household_a, official):
    url = reverse("admin:registry_household_delete", args=[household_a.pk])
    assert login(client, cast, official).post(url, {"post": "yes"}).status_code == 403


def test_auditor_may_reveal_an_id_number_and_it_is_audited(client, cast, household_a):
    member = household_a.members.get()
    url = reverse("member_reveal_id", args=[household_a.pk, member.pk])
    response = login(client, cast, "auditor").post(url, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json() == {"id_number": member.id_number}
    assert AuditEvent.objects.filter(action="member.reveal_id", actor_username="auditor").count() == 1


@pytest.mark.parametrize("official", ["clerk_a", "head_a", "leader"])
def test_posts_without_the_reveal_capability_get_403_on_reveal(client, cast, household_a, official):
    url = reverse("member_reveal_id", args=[household_a.pk, household_a.members.get().pk])
    assert login(client, cast, official).post(url).status_code == 403
    assert not AuditEvent.objects.exclude(action__startswith="auth.").exists()


def test_clerk_may_write_in_own_village(client, cast, household_a):
    """The counterpart of the 403s: the same POST from an editing post reaches the form (200, errors)."""
    response = login(client, cast, "clerk_a").post(admin_change_url(household_a), {"self_funding": "0"})
    assert response.status_code == 200
    assert "请更正下列错误" in response.content.decode() or "errornote" in response.content.decode()


# ---------------------------------------------------------------- constant query counts


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("url_name", ["home", "household_list", "admin:registry_household_changelist"])
def test_scoped_list_query_count_does_not_grow_with_households(client, cast, areas, url_name):
    login(client, cast, "county_office")
    url = reverse(url_name)
    HouseholdFactory.create_batch(5, village=areas["village_a"])
    count_queries(client, url)  # home: the first visit counts the cockpit's figures (monitoring/tallies.py)
    few = count_queries(client, url)
    HouseholdFactory.create_batch(35, village=areas["village_b"])
    many = count_queries(client, url)
    assert Household.objects.visible_to(cast["county_office"]).count() == 40
    assert many == few
