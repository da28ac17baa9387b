"""Progress reports and the slow-site warning (预警): a site past a milestone date without that
milestone reported is listed for the county, and the flag disappears once it is reported."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from registry.models import SiteStage as T
from tests.conftest import make_official
from tests.factories import SiteFactory
from tests.workflows.test_site_walk import (
    approve,
    fresh,
    give_site,
    report,
    schedule,
    site,  # noqa: F401  (fixture)
    site_officials,  # noqa: F401  (fixture)
    walk_selection,
    walk_site,
)
from workflows.sites import progress as site_progress, service as site_service
from workflows.models import Milestone, ProgressReport
from workflows import acting


def days(n) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def slow_codes(today=None):
    return set(site_progress.slow_sites(today).values_list("code", flat=True))


@pytest.fixture
def building(site, site_officials):
    """Under construction; planned: started 40 days ago, structure 10 days ago, keys in 60 days."""
    walk_site(site, site_officials, to=T.TENDER)
    site_service.set_schedule(site.pk, actor=site_officials["county_office"], start_by=days(-40),
                               structure_by=days(-10), handover_by=days(60), reason="按实际开工时间调整")
    walk_site(site, site_officials, to=T.CONSTRUCTION)
    return site


def test_a_site_past_its_structure_date_is_slow_until_the_topping_out_is_reported(building, site_officials):
    report(building, site_officials, "55")
    assert slow_codes() == {building.code}
    [late] = site_progress.late_milestones(fresh(building))
    assert (late.milestone, late.due, late.days_late) == (Milestone.STRUCTURE, days(-10), 10)
    assert late.message == f"计划{days(-10):%Y年%m月%d日}前主体封顶，已逾期10天未报告。"

    report(building, site_officials, "70", Milestone.STRUCTURE, note="主体封顶")
    assert slow_codes() == set()
    assert site_progress.late_milestones(fresh(building)) == []


def test_a_site_that_has_not_started_by_its_start_date_is_slow_until_it_starts(site, site_officials):
    o = site_officials
    walk_selection(site, o, plan=schedule(start=-5, structure=90, handover=180))
    assert slow_codes() == {site.code}  # in 方案审批 five days after the planned start
    assert slow_codes(days(-6)) == set()  # the day before, it was on time
    walk_site(site, o, to=T.CONSTRUCTION)
    assert slow_codes() == set()  # reaching 开工建设 reports the start


def test_the_handover_date_counts_until_the_site_is_handed_over(site, site_officials):
    walk_site(site, site_officials, to=T.ACCEPTANCE)
    site_service.set_schedule(site.pk, actor=site_officials["county_office"], start_by=days(-200),
                               structure_by=days(-100), handover_by=days(-1), reason="验收推迟")
    assert [m.milestone for m in site_progress.late_milestones(fresh(site))] == [Milestone.HANDOVER]
    walk_site(site, site_officials, to=T.HANDOVER)
    assert slow_codes() == set()


def test_the_warning_list_is_scoped_to_the_county(building, site_officials, areas):
    report(building, site_officials, "55")
    rows = site_progress.slow_site_list(site_officials["county_office"])
    assert [(s.code, [m.milestone for m in late]) for s, late in rows] == [(building.code, [Milestone.STRUCTURE])]
    # A township reviewer's grant does not cover a county-level site.
    assert site_progress.slow_site_list(site_officials["reviewer"]) == []
    # A site of the township is listed for the township too.
    town_site = SiteFactory(area=areas["town"])
    walk_selection(town_site, site_officials, plan=schedule(start=-1, structure=50, handover=90))
    assert [s.code for s, _ in site_progress.slow_site_list(site_officials["reviewer"])] == [town_site.code]


def test_a_report_records_percent_milestone_note_and_photos(building, site_officials):
    saved = report(building, site_officials, "35.25", Milestone.START, note="基础施工")
    assert (saved.percent, saved.milestone, saved.note) == (Decimal("35.25"), "start", "基础施工")
    assert [p.kind for p in saved.photos.all()] == ["site_progress_photo"]
    event = AuditEvent.objects.filter(action="site.progress_report").latest("id")
    assert event.data["percent"] == "35.25" and event.data["photos"] == [saved.photos.get().pk]


@pytest.mark.parametrize("percent,code", [("101", "bad_percent"), ("-1", "bad_percent"), ("12.345", "bad_percent"),
                                          ("x", "bad_percent"), ("NaN", "bad_percent")])
def test_bad_percentages_are_refused(building, site_officials, percent, code):
    with pytest.raises(acting.Refused) as info:
        report(building, site_officials, percent)
    assert info.value.codes == [code]


def test_progress_does_not_go_backwards_and_needs_photos(building, site_officials):
    o = site_officials
    report(building, o, "50")
    before = ProgressReport.objects.count()
    with pytest.raises(acting.Refused) as info:
        report(building, o, "49.99")
    assert info.value.codes == ["percent_decreased"] and "50.00%" in info.value.message
    with pytest.raises(acting.Refused) as info:
        site_progress.report_progress(building.pk, actor=o["housing"], reported_on=days(0), percent="60", photos=[])
    assert info.value.codes == ["photos_required"]
    with pytest.raises(acting.Refused) as info:
        report(building, o, "60", Milestone.COMPLETION)
    assert info.value.codes == ["completion_not_full"]
    with pytest.raises(acting.Refused) as info:
        site_progress.report_progress(building.pk, actor=o["housing"], reported_on=days(1), percent="60",
                                      photos=give_site(building, "site_progress_photo", actor=o["housing"]))
    assert info.value.codes == ["future_date"]
    assert ProgressReport.objects.count() == before


def test_progress_is_reported_only_during_construction(site, site_officials):
    walk_site(site, site_officials, to=T.TENDER)
    with pytest.raises(acting.Refused) as info:
        report(site, site_officials, "10")
    assert info.value.codes == ["not_reporting_stage"] and "招投标" in info.value.message


def test_the_schedule_is_changed_only_by_the_relocation_office_with_a_reason(building, site_officials, areas):
    o = site_officials
    with pytest.raises(acting.Refused) as info:
        site_service.set_schedule(building.pk, actor=o["county_office"], start_by=days(-40), structure_by=days(20),
                                   handover_by=days(90))
    assert info.value.codes == ["reason_required"]
    with pytest.raises(acting.NotPermitted):
        site_service.set_schedule(building.pk, actor=o["housing"], start_by=days(-40), structure_by=days(20),
                                   handover_by=days(90), reason="x")
    site_service.set_schedule(building.pk, actor=o["county_office"], start_by=days(-40), structure_by=days(20),
                               handover_by=days(90), reason="雨季停工，经县政府同意顺延")
    event = AuditEvent.objects.filter(action="site.schedule").latest("id")
    assert event.data["before"]["structure_by"] == days(-10).isoformat()
    assert event.data["after"]["structure_by"] == days(20).isoformat()
    assert slow_codes() == set()


def test_the_topping_out_report_lets_the_housing_bureau_confirm_the_structure(building, site_officials):
    report(building, site_officials, "72", Milestone.STRUCTURE)
    assert approve(building, "structure_check", site_officials["housing"]).moved_to == T.STRUCTURE_DONE


def test_a_township_reviewer_reports_on_a_site_of_the_township(site_officials, areas):
    town_site = SiteFactory(area=areas["town"])
    walk_site(town_site, site_officials, to=T.CONSTRUCTION)
    photo = give_site(town_site, "site_progress_photo", actor=site_officials["reviewer"])
    site_progress.report_progress(town_site.pk, actor=site_officials["reviewer"], reported_on=days(0), percent="12",
                                  photos=photo)
    stranger = make_official("far_reviewer", "role_township_reviewer", areas["other_town"])
    with pytest.raises(acting.OutOfScope):
        site_progress.report_progress(town_site.pk, actor=stranger, reported_on=days(0), percent="13", photos=photo)
