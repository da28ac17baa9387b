"""manage.py seed_site_demo: the demo county's three sites moved by the real site services — one
handed over, one under construction with funds to disburse, one late — and nothing changed on a
second run; the households' demo after it (as scripts/run.sh runs them) moves households into the
handed-over site with their units.

The builds commit step by step (documents render after commit): these tests run outside a test
transaction."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from audit.verify import verify_chain
from documents.models import Document, Evidence
from registry.demo import build_demo
from registry.models import Household, ResettlementSite
from registry.models import SiteStage as T
from workflows.sites import funds as site_funds, progress as site_progress
from workflows.sites.demo import COUNTY_SITE, HANDOVER_SITE, LATE_SITE, moved_in_without_unit
from workflows.models import FundEntry, Milestone, ProgressReport, SiteOpinion, UnitAllocation

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def county(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    build_demo(households=48)


def seed(command="seed_site_demo") -> str:
    out = StringIO()
    call_command(command, "--demo-database", stdout=out)
    return out.getvalue()


def counts():
    return {m.__name__: m.objects.count()
            for m in (SiteOpinion, ProgressReport, FundEntry, Evidence, Document, AuditEvent, UnitAllocation)}


def test_it_moves_the_three_sites_to_their_stages_and_changes_nothing_the_second_time(county):
    output = seed()
    assert "安置点演示数据已生成" in output and "逾期" in output
    sites = {s.code: s for s in ResettlementSite.objects.select_related("project")}
    assert {code: s.stage for code, s in sites.items()} == {
        HANDOVER_SITE: T.HANDOVER, COUNTY_SITE: T.CONSTRUCTION, LATE_SITE: T.TENDER}

    # Only transitions moved them: each site's stage changes chain from 选址规划.
    for site in sites.values():
        at = T.SELECTION
        for event in AuditEvent.objects.filter(action="site.stage_change", target_id=str(site.pk)).order_by("id"):
            assert event.data["from"] == at
            at = event.data["to"]
        assert at == site.stage

    # One late (not started by its planned date), the others on schedule.
    assert set(site_progress.slow_sites().values_list("code", flat=True)) == {LATE_SITE}
    assert [m.milestone for m in site_progress.late_milestones(sites[LATE_SITE])] == [Milestone.START]

    # Under construction with money arrived beyond what has been paid out, within the progress limit.
    position = site_funds.funds_position(sites[COUNTY_SITE])
    assert position.percent == 45 and position.disbursed < position.limit and position.available > 0
    for site in sites.values():
        position = site_funds.funds_position(site)
        assert position.disbursed <= position.limit

    # The handed-over site has its paper up to 竣工验收.
    assert set(Document.objects.filter(site=sites[HANDOVER_SITE]).values_list("doc_type", flat=True)) == {
        "site_selection_opinion", "site_joint_review", "site_plan_approval", "site_construction_report",
        "site_acceptance_form", "site_funds_statement"}
    assert not AuditEvent.objects.filter(action="document.render_failed").exists()
    assert verify_chain().ok

    before = counts()
    again = seed()
    assert "未作任何改动" in again
    assert counts() == before


def test_the_households_demo_after_it_moves_households_in_with_their_units(county):
    seed()
    seed("seed_lifecycle_demo")
    moved_in = Household.objects.filter(site__code=HANDOVER_SITE, unit_allocation__isnull=False)
    assert moved_in.exists()
    assert moved_in_without_unit() == 0
    assert ResettlementSite.objects.get(code=HANDOVER_SITE).stage == T.HANDOVER


def test_it_refuses_without_the_registry_demo(db):
    with pytest.raises(CommandError, match="seed_demo"):
        seed()


def test_it_refuses_without_debug_unless_told_the_database_is_a_demo(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--demo-database"):
        call_command("seed_site_demo", stdout=StringIO())
