"""The cockpit reads its figures from the tally (monitoring/tallies.py): the figures carry the time
they were counted, stay as counted until the next count (beat, 立即更新, or inline when too old),
and equal a live count of the same rows; overdue households are counted by the post of their open
step, and each such figure's list adds up to it."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from monitoring import tallies
from monitoring.figures import breakdown, in_scope
from monitoring.models import AreaTally
from registry.models import Household
from registry.models import HouseholdStage as S
from workflows.households import flowsync

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def login(client, cast):
    def as_(name):
        client.force_login(cast[name], backend=MODEL_BACKEND)
        return client
    return as_


def started(page):
    tile = re.search(r'data-indicator="started">(.*?)</li>', page, re.DOTALL).group(1)
    return [n for n in re.findall(r'<a href="[^"]+" title="[^"]*">([\d,.]+)</a>', tile)[:2]]


def test_the_tally_equals_a_live_count_of_every_figure_for_each_post(program, areas, cast):
    tallies.refresh()
    for name in ("county_office", "reviewer", "other_reviewer", "clerk_a"):
        user = cast[name]
        for area in (areas["county"], areas["town"], areas["other_town"], areas["village_a"]):
            if not in_scope(user, area):
                continue
            live = breakdown(area, user)
            counted, _read = tallies.breakdown_for(area, user)
            assert [f.text for f in counted.area.figures] == [f.text for f in live.area.figures], (name, area)
            assert [[f.text for f in c.figures] for c in counted.children] == \
                   [[f.text for f in c.figures] for c in live.children], (name, area)


def test_the_page_prints_when_its_figures_were_counted_and_keeps_them_until_the_next_count(login, program):
    client = login("county_office")
    page = client.get(reverse("home")).content.decode()
    assert started(page) == ["4", "6"]
    taken = AreaTally.objects.order_by("taken_at").first().taken_at
    assert f"本页数字统计于 <strong>{timezone.localtime(taken):%Y年%-m月%-d日 %H:%M}</strong>" in page
    # 开工 approved for h7 (申报 → 验收): the page keeps the figure counted, with its time ...
    Household.objects.filter(pk=program["households"]["h7"].pk).update(stage=S.ACCEPTANCE)
    assert started(client.get(reverse("home")).content.decode()) == ["4", "6"]
    # ... while the list behind it is live (and says so).
    listed = client.get(reverse("monitoring:list"), {"area": "520999000000", "measure": "started"}).content.decode()
    assert "共 5 户" in listed and "实时数据" in listed
    # The next count (the beat job) shows it.
    tallies.refresh()
    assert started(client.get(reverse("home")).content.decode()) == ["5", "6"]


def test_figures_older_than_the_max_age_are_counted_again_before_the_page_shows_them(login, program, settings):
    client = login("county_office")
    client.get(reverse("home"))
    Household.objects.filter(pk=program["households"]["h7"].pk).update(stage=S.ACCEPTANCE)
    settings.MONITORING_TALLY_MAX_AGE = 15
    AreaTally.objects.update(taken_at=timezone.now() - datetime.timedelta(minutes=16))
    assert started(client.get(reverse("home")).content.decode()) == ["5", "6"]
    assert AreaTally.objects.filter(taken_at__lt=timezone.now() - datetime.timedelta(minutes=1)).count() == 0


def test_refresh_now_counts_the_area_again_and_a_read_only_post_may_not(login, program, areas):
    client = login("county_office")
    client.get(reverse("home"))
    Household.objects.filter(pk=program["households"]["h7"].pk).update(stage=S.ACCEPTANCE)
    response = client.post(f"{reverse('monitoring:refresh')}?area={areas['county'].code}")
    assert response.status_code == 302
    assert started(client.get(response["Location"]).content.decode()) == ["5", "6"]
    assert client.get(reverse("monitoring:refresh"), {"area": areas["county"].code}).status_code == 405
    auditor = login("auditor")
    page = auditor.get(reverse("home")).content.decode()
    assert "立即更新" not in page
    assert auditor.post(f"{reverse('monitoring:refresh')}?area={areas['county'].code}").status_code == 403


def test_a_township_post_reads_only_its_townships_rows_of_the_tally(login, program, areas):
    tallies.refresh()  # rows for every village of the county
    page = login("reviewer").get(reverse("home")).content.decode()
    assert started(page) == ["3", "4"]  # 城关镇 only, as the live count gives


def overdue(household, days=400):
    Household.objects.filter(pk=household.pk).update(stage_entered_at=timezone.now() - datetime.timedelta(days=days))
    return Household.objects.get(pk=household.pk)


def post_rows(page):
    table = re.search(r"<table[^>]*data-overdue-posts>(.*?)</table>", page, re.DOTALL).group(1)
    return {label: (int(n), href.replace("&amp;", "&"))
            for label, href, n in re.findall(r'<tr><td>(.*?)</td><td class="num"><a class="overdue" href="([^"]+)">(\d+)</a>',
                                             table)}


def test_overdue_households_are_counted_by_the_post_of_their_open_step(login, program):
    h = program["households"]
    flowsync.open_stage(overdue(h["h7"]))   # 申报: submit_application, the village clerk's
    flowsync.open_stage(overdue(h["h4"]))   # 开工: start_record, the township reviewer's
    overdue(h["h6"])                        # 验收, no open task (its flow not started here)
    client = login("county_office")
    page = client.get(reverse("home")).content.decode()
    rows = post_rows(page)
    assert {label: n for label, (n, _href) in rows.items()} == {
        "村级经办人（村文书）": 1, "乡镇审核员": 1, "无待办任务（如待民主评议、待系统处理）": 1}
    # Each row's list is the households behind it.
    for label, (n, href) in rows.items():
        listed = client.get(href).content.decode()
        assert re.search(r"data-drill-total>共 (\d+) 户", listed).group(1) == str(n), label
    clerk_list = client.get(rows["村级经办人（村文书）"][1]).content.decode()
    assert h["h7"].number in clerk_list and h["h4"].number not in clerk_list
    # Not by the stage's posts: 开工's overdue household is not put under another post of its stage.
    assert "县易地扶贫搬迁办公室" not in rows


def test_a_post_drill_down_needs_overdue_and_a_known_post(login, program, areas):
    client = login("county_office")
    url = reverse("monitoring:list")
    assert client.get(url, {"area": areas["county"].code, "post": "role_village_clerk"}).status_code == 404
    assert client.get(url, {"area": areas["county"].code, "overdue": "1", "post": "nobody"}).status_code == 404
    assert client.get(url, {"area": areas["county"].code, "overdue": "1", "post": "none"}).status_code == 200


def test_a_list_without_a_measure_names_no_indicator(login, program, areas):
    page = login("county_office").get(reverse("monitoring:list"), {"area": areas["county"].code, "overdue": "1",
                                                                    "post": "none"}).content.decode()
    assert "口径：" not in page and "无待办任务的逾期未办结的搬迁户" in page
