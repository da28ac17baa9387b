"""The inbox's pager follows keyset cursors (after/before the last/first row shown), not OFFSET:
every page costs what the first does, filters and sorts carry over, and walking forward and back
shows every task exactly once in the sort's order."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.models import Household
from tests.factories import HouseholdFactory
from tests.workflows.test_site_walk import site, site_officials  # noqa: F401  (fixtures)
from workflows.households.flows import ApprovalFlow

LINK = re.compile(r'<a href="(\?[^"]*)">(上一页|下一页)</a>')


@pytest.fixture
def seven(areas):
    made = []
    for i in range(7):
        h = HouseholdFactory(village=areas["village_b"] if i == 6 else areas["village_a"])
        ApprovalFlow.start.run(household=Household.objects.get(pk=h.pk))
        made.append(h)
    return made


def numbers(response):
    return [r.case_number for r in response.context["rows"]]


def links(response):
    return {label: html.unescape(href) for href, label in LINK.findall(response.content.decode())}


def walk(client, url):
    """Every page forward from `url`, then every page back; (forward pages, backward pages)."""
    forward, response = [], client.get(url)
    forward.append(numbers(response))
    while "下一页" in links(response):
        response = client.get("/work/" + links(response)["下一页"])
        forward.append(numbers(response))
    backward = [numbers(response)]
    while "上一页" in links(response):
        response = client.get("/work/" + links(response)["上一页"])
        backward.append(numbers(response))
    return forward, backward[::-1]


@pytest.mark.parametrize("sort", ["", "newest", "number"])
def test_walking_forward_and_back_shows_every_task_once_in_order(officials, seven, login, settings, sort):
    client = login(officials["reviewer"])
    whole = numbers(client.get(f"/work/?tab=queue&sort={sort}"))
    assert sorted(whole) == sorted(h.number for h in seven)
    settings.APPROVALS_PAGE_SIZE = 3
    forward, backward = walk(client, f"/work/?tab=queue&sort={sort}")
    assert [len(p) for p in forward] == [3, 3, 1]
    assert [n for p in forward for n in p] == whole
    assert backward == forward


def test_the_pager_links_are_cursors_and_keep_the_filters(officials, seven, login, settings):
    settings.APPROVALS_PAGE_SIZE = 2
    client = login(officials["reviewer"])
    first = client.get("/work/?tab=queue&area=520999101201&sort=number")
    nxt = links(first)["下一页"]
    assert "after=" in nxt and "area=520999101201" in nxt and "sort=number" in nxt and "page=2" in nxt
    forward, _ = walk(client, "/work/?tab=queue&area=520999101201&sort=number")
    assert [n for p in forward for n in p] == sorted(h.number for h in seven[:6])
    second = client.get("/work/" + nxt)
    assert second.context["page"].number == 2 and second.context["page"].start_index == 3


def test_a_forged_or_foreign_cursor_shows_the_first_page(officials, seven, login, settings):
    settings.APPROVALS_PAGE_SIZE = 3
    client = login(officials["reviewer"])
    first = numbers(client.get("/work/?tab=queue&sort=number"))
    assert numbers(client.get("/work/?tab=queue&sort=number&after=forged")) == first
    newest_cursor = links(client.get("/work/?tab=queue&sort=newest"))["下一页"].split("after=")[1].split("&")[0]
    assert numbers(client.get(f"/work/?tab=queue&sort=number&after={newest_cursor}")) == first


def test_a_later_page_costs_the_same_queries_as_the_first_and_no_offset(officials, seven, login, settings):
    settings.APPROVALS_PAGE_SIZE = 2
    client = login(officials["reviewer"])
    client.get("/work/?tab=queue")

    def run(url):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return response, [q["sql"] for q in captured]

    first, first_sql = run("/work/?tab=queue&sort=number")
    second, _ = run("/work/" + links(first)["下一页"])
    third, third_sql = run("/work/" + links(second)["下一页"])
    assert len(third_sql) == len(first_sql)
    assert not any("OFFSET" in sql.upper() for sql in third_sql)
    assert len(numbers(third)) == 2


def test_site_tasks_without_a_household_number_come_last_and_are_walked_too(site_officials, site, areas, login,
                                                                          settings):
    for _ in range(3):
        h = HouseholdFactory(village=areas["village_a"])
        ApprovalFlow.start.run(household=Household.objects.get(pk=h.pk))
    client = login(site_officials["county_office"])
    whole = client.get("/work/?tab=area&sort=number").context["rows"]
    assert [r.site_case_id for r in whole][-1] == site.pk and [r.case_number for r in whole][-1] is None
    settings.APPROVALS_PAGE_SIZE = 2
    forward, backward = walk(client, "/work/?tab=area&sort=number")
    assert [n for p in forward for n in p] == [r.case_number for r in whole]
    assert backward == forward
