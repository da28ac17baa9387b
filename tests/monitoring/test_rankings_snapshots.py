"""Rankings (top two and bottom two named, combined score by weights, change since last week) and
the daily snapshots (idempotent per day; the command and the beat entry)."""

import datetime

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from monitoring import tasks
from monitoring.figures import breakdown
from monitoring.models import Snapshot
from monitoring.rankings import rankings
from monitoring.snapshots import last_week, take_snapshots
from registry.models import Household, HouseholdStage as S
from tests.conftest import make_official

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def by_code(ranked):
    return {r.code: r for r in ranked}


def test_townships_ranked_with_the_top_two_and_bottom_two_named(county, settings):
    settings.MONITORING_SCORE_WEIGHTS = {"started": 3, "moved_in": 1}
    ranked = by_code(rankings(breakdown(county).children))
    started = ranked["started"]
    assert [(p.area.name, p.rank) for p in started.places] == [("一镇", 1), ("二镇", 2), ("三镇", 3), ("四镇", 4),
                                                                ("五镇", 5)]
    assert [p.area.name for p in started.top] == ["一镇", "二镇"]
    assert [p.area.name for p in started.bottom] == ["五镇", "四镇"]
    # (3 × 75 + 1 × 0) / 4 = 56.25 → 56.3 for 二镇
    score = ranked["score"]
    assert [(p.area.name, str(p.value)) for p in score.places][:2] == [("一镇", "75.0"), ("二镇", "56.3")]
    assert set(ranked) == {"score", "started", "moved_in"}


def test_equal_rates_share_a_place(county):
    Household.objects.filter(area_code__startswith="520888102").update(stage=S.ACCEPTANCE)  # 二镇 to 100 %
    started = by_code(rankings(breakdown(county).children))["started"]
    assert [(p.area.name, p.rank) for p in started.places][:3] == [("一镇", 1), ("二镇", 1), ("三镇", 3)]


def test_the_change_since_last_week_comes_from_the_snapshot_seven_days_ago(county):
    week_ago = timezone.localdate() - datetime.timedelta(days=7)
    take_snapshots(week_ago)
    Household.objects.filter(area_code__startswith="520888105").update(stage=S.ACCEPTANCE)  # 五镇 0 → 100 %
    children = breakdown(county).children
    previous = last_week([c.prefix for c in children])
    started = by_code(rankings(children, previous))["started"]
    five = next(p for p in started.places if p.area.name == "五镇")
    assert (str(five.previous_value), str(five.value), str(five.change), five.rank, five.rank_change) == (
        "0.0", "100.0", "100.0", 1, 4)


def test_the_rankings_page_names_the_best_and_the_worst(client, county):
    office = make_official("office8", "role_county_office", county)
    client.force_login(office, backend=MODEL_BACKEND)
    page = client.get(reverse("monitoring:rankings")).content.decode()
    assert "前两名：一镇、二镇；后两名：五镇、四镇。" in page
    home = client.get(reverse("home")).content.decode()
    assert "综合排名" in home and "后两名：五镇、四镇" in home


def test_snapshots_are_one_row_per_area_and_day_and_taken_again_replace_the_day(county):
    assert take_snapshots() == 1 + 5 + 5  # the county, its townships, their villages
    assert take_snapshots() == 11
    assert Snapshot.objects.count() == 11
    county_row = Snapshot.objects.get(area_code=county.code)
    assert county_row.values["households"] == 20 and county_row.values["started"] == 10
    Household.objects.filter(area_code__startswith="520888").update(stage=S.ACCEPTANCE)
    take_snapshots()
    assert Snapshot.objects.get(area_code=county.code).values["started"] == 20


def test_snapshots_count_every_area_in_a_bounded_number_of_queries(county, django_assert_max_num_queries):
    # 4 sources × 5 levels, the areas of each level, and the day's delete and insert (with a savepoint).
    with django_assert_max_num_queries(5 * 4 + 5 + 4):
        take_snapshots()


def test_the_command_and_the_beat_entry(county, capsys):
    call_command("take_snapshots", day="2026-11-30")
    assert "已保存 11 个区划的指标快照。" in capsys.readouterr().out
    assert Snapshot.objects.filter(day=datetime.date(2026, 11, 30)).count() == 11
    entries = {e["task"]: e["schedule"] for e in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert "monitoring.tasks.take_snapshots" in entries
    from config.celery import app  # noqa: PLC0415  (the worker's task registry)
    assert "monitoring.tasks.take_snapshots" in app.tasks
    assert tasks.take_daily_snapshots.delay().get() == 11


def test_the_cockpit_draws_charts_from_the_snapshots_with_a_table_beside(client, county):
    take_snapshots(timezone.localdate() - datetime.timedelta(days=1))
    take_snapshots()
    office = make_official("office9", "role_county_office", county)
    client.force_login(office, backend=MODEL_BACKEND)
    page = client.get(reverse("home")).content.decode()
    assert "monitoring/vendor/echarts/echarts.min.js" in page and 'id="chart-trend"' in page
    assert page.count("<tr><td class=\"nowrap\">") == 2  # one table row per snapshot day
    assert 'id="monitoring-chart-data"' in page
