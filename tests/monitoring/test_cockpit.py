"""The cockpit page and its drill-down lists: figures as links, the lists adding up to them, the
scope of each post, and a bounded number of queries."""

import re

import pytest
from django.urls import reverse

from monitoring.indicators import INDICATORS
from tests.factories import HouseholdFactory

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def login(client, cast):
    def as_(name):
        client.force_login(cast[name], backend=MODEL_BACKEND)
        return client
    return as_


def rate_tile(page, code):
    return re.search(rf'data-indicator="{code}">(.*?)</li>', page, re.S).group(1)


def figure_links(tile):
    """The (href, number) of the numerator and the denominator in a tile."""
    return re.findall(r'<a href="([^"]+)" title="[^"]*">([\d,.]+)</a>', tile)[:2]


def test_the_county_office_home_is_the_cockpit_with_every_rate(login, program):
    page = login("county_office").get(reverse("home")).content.decode()
    assert "示例县　进度监测" in page
    for i in INDICATORS:
        assert i.name in page
    assert "4/6" not in page  # every figure is two links, never plain text
    tile = rate_tile(page, "started")
    assert [n for _, n in figure_links(tile)] == ["4", "6"] and "66.7%" in tile
    assert "城关镇" in page and "石桥乡" in page
    assert "经批准保留旧房户数 1" in page


@pytest.mark.parametrize("code", [i.code for i in INDICATORS])
def test_each_figures_list_adds_up_to_it(login, program, code):
    client = login("county_office")
    page = client.get(reverse("home")).content.decode()
    for href, number in figure_links(rate_tile(page, code)):
        listed = client.get(href.replace("&amp;", "&"))
        assert listed.status_code == 200
        text = listed.content.decode()
        total = re.search(r'data-drill-total>共 (\d+) (户|个安置点)(，(\d+) 人)?(，合计 ([\d,.]+) 元)?', text)
        if "." in number:  # money: the sum of the listed sites
            assert total.group(6) == number
        elif total.group(4):  # persons: the households listed and their members
            assert total.group(4) == number
        else:
            assert total.group(1) == number


def test_drilling_down_county_township_village(login, program, areas):
    client = login("county_office")
    town = client.get(reverse("home"), {"area": areas["town"].code}).content.decode()
    assert "城关镇　进度监测" in town and "村A" in town and "石桥乡" not in town.split("下一级区划")[1]
    village = client.get(reverse("home"), {"area": areas["village_a"].code}).content.decode()
    assert [n for _, n in figure_links(rate_tile(village, "started"))] == ["2", "2"]
    assert program["households"]["h1"].number in village and program["households"]["h4"].number not in village


def test_a_township_post_sees_its_township_and_never_another(login, program, areas):
    client = login("reviewer")
    page = client.get(reverse("home")).content.decode()
    assert "城关镇　进度监测" in page
    assert [n for _, n in figure_links(rate_tile(page, "started"))] == ["3", "4"]
    assert program["households"]["h6"].number not in page
    for code in (areas["other_town"].code, areas["county"].code, areas["village_c"].code, "999999999999", "abc"):
        assert client.get(reverse("home"), {"area": code}).status_code == 404
        assert client.get(reverse("monitoring:list"), {"area": code, "measure": "households"}).status_code == 404
    listed = client.get(reverse("monitoring:list"), {"area": areas["town"].code, "measure": "households"})
    text = listed.content.decode()
    assert program["households"]["h1"].number in text and program["households"]["h6"].number not in text


def test_a_village_clerk_gets_the_village(login, program):
    page = login("clerk_a").get(reverse("home")).content.decode()
    assert "村A　进度监测" in page and "下一级区划" not in page


def test_stage_counts_and_overdue_link_to_their_households(login, program, areas):
    from registry.models import Household  # noqa: PLC0415  (test-local)
    import datetime  # noqa: PLC0415
    from django.utils import timezone  # noqa: PLC0415
    h7 = program["households"]["h7"]
    Household.objects.filter(pk=h7.pk).update(stage_entered_at=timezone.now() - datetime.timedelta(days=40))
    client = login("county_office")
    page = client.get(reverse("home")).content.decode()
    assert 'class="overdue"' in page and "村级经办人（村文书）" in page
    listed = client.get(reverse("monitoring:list"), {"area": areas["county"].code, "stage": "apply", "overdue": "1"})
    assert h7.number in listed.content.decode()


def test_targets_from_settings_say_how_far_each_area_is(login, program, settings):
    settings.MONITORING_TARGETS = [("started", 100, "12-31", "全部开工")]
    page = login("county_office").get(reverse("home")).content.decode()
    assert "12月31日前全部开工（建房开工率达到 100%）" in page
    assert "尚差" in page and "2 户" in page  # the county: 6 planned, 4 started


def test_the_cockpit_answers_in_the_same_number_of_queries_for_more_households(login, program, areas,
                                                                                django_assert_max_num_queries):
    client = login("county_office")
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415
    from monitoring import tallies  # noqa: PLC0415
    assert client.get(reverse("home")).status_code == 200  # the first visit counts the area's tally
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("home")).status_code == 200
    for village in ("village_a", "village_b", "village_c"):
        HouseholdFactory.create_batch(5, village=areas[village])
    tallies.refresh()  # the beat job
    with CaptureQueriesContext(connection) as more:
        assert client.get(reverse("home")).status_code == 200
    assert len(more) == len(few) <= 30, [q["sql"][:120] for q in more.captured_queries]
    # Not one query reads the households' table to count: the figures come from the tally.
    counting = [q["sql"] for q in more.captured_queries if "COUNT(" in q["sql"].upper()
                and '"registry_household"' in q["sql"] and '"registry_member"' not in q["sql"]]
    assert counting == [], counting


def test_the_cockpit_counts_the_open_escalations_of_its_area(login, program, areas):
    from django.utils import timezone  # noqa: PLC0415

    from notifications.models import Escalation  # noqa: PLC0415

    now = timezone.now()
    for task_id, level, code, resolved in ((1, 1, areas["village_a"].code, None), (2, 2, areas["village_c"].code, None),
                                           (3, 1, areas["village_b"].code, now), (4, 1, "520888101201", None)):
        Escalation.objects.create(task_id=task_id, level=level, step="township_review", area_code=code, due_at=now,
                                  resolved_at=resolved)
    page = login("county_office").get(reverse("home")).content.decode()
    assert "乡镇分管领导 1 件，县易地扶贫搬迁办公室 1 件" in page  # resolved and other-county ones left out
    assert reverse("notifications:escalations") in page


@pytest.mark.parametrize("name", ["county_office", "reviewer", "clerk_a", "auditor"])
def test_the_monitoring_pages_are_in_the_main_navigation_of_the_posts_that_read_households(login, program, name):
    client = login(name)
    nav = re.search(r'<nav class="main-nav".*?</nav>', client.get(reverse("home")).content.decode(), re.S).group(0)
    assert f'href="{reverse("monitoring:reports")}">统计</a>' in nav
    page = client.get(reverse("monitoring:reports")).content.decode()
    nav = re.search(r'<nav class="main-nav".*?</nav>', page, re.S).group(0)
    assert 'aria-current="page">统计</a>' in nav
    tabs = re.search(r'<nav class="monitor-tabs.*?</nav>', page, re.S).group(0)
    for url_name, label in (("monitoring:rankings", "排名"), ("monitoring:ledgers", "台账导出"),
                            ("monitoring:definitions", "指标口径")):
        assert reverse(url_name) in tabs and label in tabs
        assert client.get(reverse(url_name)).status_code == 200


def test_an_official_without_posts_has_no_monitoring_link(client, django_user_model):
    user = django_user_model.objects.create_user("nobody", password="pw-for-tests-1")
    client.force_login(user, backend=MODEL_BACKEND)
    assert ">统计</a>" not in client.get(reverse("home")).content.decode()
