"""Site capacity under concurrency (issue 15 item 1, PostgreSQL row locks): requests racing for the
free places of a site through each path — the API's create and update, the admin's household
form, the lifecycle's assignment — take exactly the free places; every other one is refused in
Chinese and the site never counts more than its plan. Cutting the plan below what is counted is
refused too."""

import threading

import pytest
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from api.models import ApiToken

from registry import policy
from registry.models import Household, ResettlementMode, ResettlementSite
from tests.api.helpers import household_body
from tests.factories import HouseholdFactory, MemberFactory, SiteFactory
from tests.registry.test_admin_households import ADD_URL, MODEL_BACKEND, household_post, member_row, person
from workflows.acting import Refused
from workflows.sites import allocation

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
N = 8
API = "/api/v1/households/"


@pytest.fixture
def as_user(db):
    """as_user(official) → an API client carrying that official's token (as in tests/api)."""
    def make(user):
        _, key = ApiToken.issue(user=user, name=f"测试-{user.username}")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client
    return make


def at_once(calls):
    barrier, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(i):
        try:
            barrier.wait()
            results[i] = calls[i]()
        except Exception as exc:  # a refusal is a result too
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def site_with_free(areas, free, *, taken=2):
    """A site planned for `taken + free` units (ample persons) with `taken` households already there."""
    site = SiteFactory(area=areas["town"], planned_units=taken + free, planned_persons=100)
    for _ in range(taken):
        HouseholdFactory(village=areas["village_b"], resettlement_mode=ResettlementMode.CENTRALISED, site=site,
                         scattered_location="")
    return site


def assert_within_plan(site):
    site = ResettlementSite.objects.get(pk=site.pk)  # refresh_from_db would write the protected stage
    counted, persons = policy.site_occupancy(site)
    assert counted <= site.planned_units and persons <= site.planned_persons
    return counted


def test_simultaneous_api_registrations_take_exactly_the_free_unit(cast, areas, as_user):
    site = site_with_free(areas, 1)
    client = as_user(cast["clerk_a"])
    bodies = [household_body(seq=i + 1, resettlement_mode="centralised", site=site.pk, scattered_location="",
                             planned_floor_area="25.00", members=[{"name": f"户主{i}", "relation": "head", "id_number": person(100 + i),
                                       "employment": "local"}])
              for i in range(N)]
    responses = at_once([lambda b=b: client.post(API, b, format="json") for b in bodies])
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] + [400] * (N - 1), codes
    for r in responses:
        if r.status_code == 400:
            assert r.json()["code"] == "invalid" and "超出计划安置规模" in r.json()["message"]
    assert assert_within_plan(site) == 3


def test_simultaneous_api_moves_to_a_site_take_exactly_the_free_units(cast, areas, as_user):
    site = site_with_free(areas, 2)
    households = [HouseholdFactory(village=areas["village_a"]) for _ in range(N)]
    client = as_user(cast["clerk_a"])
    move = {"resettlement_mode": "centralised", "site": site.pk, "scattered_location": ""}
    responses = at_once([lambda h=h: client.patch(f"{API}{h.pk}/", move, format="json") for h in households])
    codes = sorted(r.status_code for r in responses)
    assert codes == [200, 200] + [400] * (N - 2), codes
    assert all("超出计划安置规模" in r.json()["message"] for r in responses if r.status_code == 400)
    assert assert_within_plan(site) == 4


def test_simultaneous_admin_saves_take_exactly_the_free_unit(cast, areas):
    site = site_with_free(areas, 1)
    clients = []
    for _ in range(N):
        client = Client()
        client.force_login(cast["clerk_a"], backend=MODEL_BACKEND)
        clients.append(client)
    posts = [household_post(areas["village_a"], [member_row(f"集中户{i}", person(200 + i), "head")],
                            number=f"{areas['village_a'].code}{i + 1:04d}",
                            resettlement_mode=ResettlementMode.CENTRALISED, site=site.pk, scattered_location="")
             for i in range(N)]
    responses = at_once([lambda c=c, p=p: c.post(ADD_URL, p) for c, p in zip(clients, posts)])
    saved = [r for r in responses if r.status_code == 302]
    refused = [r for r in responses if r.status_code == 200]
    assert len(saved) == 1 and len(refused) == N - 1, [r.status_code for r in responses]
    assert all("超出计划安置规模" in r.content.decode() for r in refused)
    assert assert_within_plan(site) == 3


def test_simultaneous_lifecycle_assignments_take_exactly_the_free_unit(cast, areas):
    site = site_with_free(areas, 1)
    households = [HouseholdFactory(village=areas["village_a"]) for _ in range(N)]
    actor = cast["reviewer"]
    results = at_once([lambda h=h: allocation.assign_household(h.pk, site_id=site.pk, actor=actor)
                       for h in households])
    done = [r for r in results if isinstance(r, Household)]
    refusals = [r for r in results if isinstance(r, Refused)]
    assert len(done) == 1 and len(refusals) == N - 1, results
    assert all(r.violations[0].code == "over_allocation" and "超出计划安置规模" in r.message for r in refusals)
    assert assert_within_plan(site) == 3


def test_api_registrations_racing_a_plan_cut_never_leave_the_site_over_plan(cast, areas, as_user):
    site = site_with_free(areas, 3)
    client, office = as_user(cast["clerk_a"]), as_user(cast["county_office"])
    bodies = [household_body(seq=i + 1, resettlement_mode="centralised", site=site.pk, scattered_location="",
                             planned_floor_area="25.00", members=[{"name": f"户主{i}", "relation": "head", "id_number": person(300 + i),
                                       "employment": "local"}])
              for i in range(4)]
    calls = [lambda b=b: client.post(API, b, format="json") for b in bodies]
    calls.append(lambda: office.patch(f"/api/v1/sites/{site.pk}/", {"planned_units": 3}, format="json"))
    responses = at_once(calls)
    cut = responses[-1]
    if cut.status_code == 400:
        assert "计划安置套数不能少于" in cut.json()["message"]
    else:
        assert cut.status_code == 200
    assert_within_plan(site)


def test_cutting_the_plan_below_the_households_counted_is_refused_in_the_api(cast, areas, as_user):
    site = site_with_free(areas, 1, taken=3)
    MemberFactory(household=site.households.first())
    r = as_user(cast["county_office"]).patch(f"/api/v1/sites/{site.pk}/", {"planned_units": 2, "planned_persons": 3},
                                             format="json")
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["fields"]["planned_units"] == ["该安置点已安排3户，计划安置套数不能少于3套。"]
    assert body["fields"]["planned_persons"] == ["该安置点已安排4人，计划安置人数不能少于4人。"]
    assert ResettlementSite.objects.get(pk=site.pk).planned_units == 4
