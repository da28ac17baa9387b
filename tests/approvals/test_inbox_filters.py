"""Finding work in the inbox: filters by step, area, site and overdue; search by household
number, head's name or full ID number (posted, kept out of every address); sorting; pages that
know their next page without counting the table."""

import datetime

import pytest
from django.utils import timezone

from registry.models import Household, Relation
from tests.factories import HouseholdFactory, SiteFactory
from workflows.households.flows import ApprovalFlow


@pytest.fixture
def reviews(areas):
    """Five households of the township waiting for the township review, one overdue, one in B."""
    site = SiteFactory(area=areas["county"], name="城北安置点")
    made = []
    for i in range(5):
        village = areas["village_b"] if i == 4 else areas["village_a"]
        h = HouseholdFactory(village=village, site=site if i == 1 else None,
                             resettlement_mode="centralised" if i == 1 else "scattered")
        if i == 0:
            Household.objects.filter(pk=h.pk).update(
                stage_entered_at=timezone.now() - datetime.timedelta(days=90))
        ApprovalFlow.start.run(household=Household.objects.get(pk=h.pk))
        made.append(h)
    made[2].members.filter(relation=Relation.HEAD).update(name="欧阳春花")
    return made, site


def numbers(response):
    return [r.case_number for r in response.context["rows"]]


def test_the_step_filter_and_counts(officials, reviews, login):
    client = login(officials["reviewer"])
    response = client.get("/work/?tab=queue&step=township_review")
    assert len(numbers(response)) == 5
    assert client.get("/work/?tab=queue&step=start_record").context["rows"] == []


def test_the_area_filter_narrows_to_a_village(officials, reviews, areas, login):
    made, _ = reviews
    response = login(officials["reviewer"]).get("/work/?tab=queue&area=520999101202")
    assert numbers(response) == [made[4].number]


def test_the_site_filter(officials, reviews, login):
    made, site = reviews
    response = login(officials["reviewer"]).get(f"/work/?tab=queue&site={site.pk}")
    assert numbers(response) == [made[1].number]


def test_the_overdue_filter_and_highlight(officials, reviews, login):
    made, _ = reviews
    client = login(officials["reviewer"])
    response = client.get("/work/?tab=queue&overdue=on")
    assert numbers(response) == [made[0].number]
    assert response.context["rows"][0].overdue
    assert "已超期" in client.get("/work/?tab=queue").content.decode()


def test_search_by_number_prefix_and_by_head_name(officials, reviews, login):
    made, _ = reviews
    client = login(officials["reviewer"])
    assert numbers(client.get(f"/work/?tab=queue&q={made[3].number}")) == [made[3].number]
    assert numbers(client.get("/work/?tab=queue&q=欧阳")) == [made[2].number]


def test_search_by_full_id_number_is_posted_and_never_in_an_address(officials, reviews, login):
    made, _ = reviews
    id_number = made[3].members.get().id_number
    client = login(officials["reviewer"])
    response = client.post("/work/search-id/", {"id_number": id_number, "tab": "queue"})
    assert response.status_code == 302 and id_number not in response["Location"]
    page = client.get(response["Location"])
    assert numbers(page) == [made[3].number]
    assert id_number not in page.content.decode()
    assert made[3].members.get().id_number_masked in page.content.decode()


def test_an_id_number_typed_in_the_get_box_is_refused(officials, reviews, login):
    id_number = reviews[0][3].members.get().id_number
    response = login(officials["reviewer"]).get(f"/work/?tab=queue&q={id_number}")
    assert "不会出现在网址中" in response.content.decode()


def test_an_id_number_of_another_township_finds_nothing_here(officials, reviews, login):
    id_number = reviews[0][3].members.get().id_number
    client = login(officials["other_reviewer"])
    page = client.get(client.post("/work/search-id/", {"id_number": id_number, "tab": "queue"})["Location"])
    assert numbers(page) == []


def test_sorting_by_number_and_newest(officials, reviews, login):
    made, _ = reviews
    client = login(officials["reviewer"])
    assert numbers(client.get("/work/?tab=queue&sort=number")) == sorted(h.number for h in made)
    assert numbers(client.get("/work/?tab=queue&sort=newest"))[0] == made[4].number


def test_pages_know_their_next_page_without_counting(officials, reviews, login, settings,
                                                     django_assert_max_num_queries):
    settings.APPROVALS_PAGE_SIZE = 2
    client = login(officials["reviewer"])
    first = client.get("/work/?tab=queue&sort=number")
    assert first.context["page"].has_next and len(first.context["rows"]) == 2
    last = client.get("/work/?tab=queue&sort=number&page=3")
    assert not last.context["page"].has_next and len(last.context["rows"]) == 1
    assert "下一页" in first.content.decode()


def test_the_number_of_queries_does_not_grow_with_the_rows(officials, areas, login, django_assert_num_queries):
    client = login(officials["reviewer"])
    client.get("/work/?tab=queue")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/work/?tab=queue").status_code == 200
        return len(captured)

    few = count()
    for _ in range(12):
        ApprovalFlow.start.run(household=HouseholdFactory(village=areas["village_a"]))
    assert count() == few
