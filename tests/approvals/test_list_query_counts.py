"""Issue 18: every list page costs the same number of SQL queries however many cases there are —
the inbox's three tabs (with the queue's orders), for a township reviewer, a township leader and
the county office, and the county's home and household list. Counted, not timed (the timings are
bench/lists.py's, docs/scaling.md)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from registry.models import Household
from tests.conftest import make_official
from tests.factories import HouseholdFactory
from workflows.households.flows import ApprovalFlow, ConstructionFlow

PAGES = [
    ("reviewer", "/work/?tab=inbox"),
    ("reviewer", "/work/?tab=queue"),
    ("reviewer", "/work/?tab=queue&sort=newest"),
    ("reviewer", "/work/?tab=queue&sort=number"),
    ("leader", "/work/?tab=area"),
    ("county_office", "/work/?tab=queue"),
    ("county_office", "/work/?tab=area"),
    ("county_office", "/"),
    ("county_office", "/households/"),
]


def grow(areas, reviewer, n):
    """n households with an open task each: township reviews and construction records in both
    townships, one in three held by the reviewer, every fourth waiting for the county."""
    for i in range(n):
        village = (areas["village_a"], areas["village_b"], areas["village_c"])[i % 3]
        household = HouseholdFactory(village=village)
        flow = ConstructionFlow if i % 2 else ApprovalFlow
        flow.start.run(household=Household.objects.get(pk=household.pk))
    open_tasks = Task.objects.filter(flow_task_type="HUMAN", status=STATUS.NEW).order_by("-id")[:n]
    for i, task in enumerate(open_tasks):
        if i % 3 == 0 and task.owner_permission == "registry.role_township_reviewer":
            Task.objects.filter(pk=task.pk).update(owner=reviewer, status=STATUS.ASSIGNED)


@pytest.fixture
def leader(areas):
    return make_official("leader_b", "role_township_leader", areas["town"])


def counts(client, officials, leader):
    found = {}
    for who, address in PAGES:
        client.force_login(leader if who == "leader" else officials[who])
        client.get(address)  # the first request of a session writes it
        with CaptureQueriesContext(connection) as captured:
            response = client.get(address)
        assert response.status_code == 200, (who, address)
        found[(who, address)] = len(captured)
    return found


def test_list_pages_cost_the_same_queries_with_ten_times_the_cases(client, officials, areas, leader):
    grow(areas, officials["reviewer"], 3)
    few = counts(client, officials, leader)
    grow(areas, officials["reviewer"], 30)
    assert Task.objects.filter(flow_task_type="HUMAN", status__in=[STATUS.NEW, STATUS.ASSIGNED]).count() >= 30
    assert counts(client, officials, leader) == few


def test_a_page_shows_the_rows_of_its_scope_in_its_order(client, officials, areas):
    """The page's rows are read in two steps (ids, then the rows): the same rows in the same order."""
    grow(areas, officials["reviewer"], 12)
    client.force_login(officials["county_office"])
    body = client.get("/work/?tab=area&sort=number").content.decode()
    shown = [n for n in Household.objects.order_by("number").values_list("number", flat=True) if n in body]
    assert shown and body.index(shown[0]) < body.index(shown[-1])
    client.force_login(officials["reviewer"])
    page = client.get("/work/?tab=queue&sort=newest").context["page"]
    created = [row.created for row in page.object_list]
    assert created == sorted(created, reverse=True)
    assert all(row.case_number.startswith("520999101") for row in page.object_list)
