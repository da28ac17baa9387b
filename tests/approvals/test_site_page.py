"""Site tasks in the inbox and the site's page: the county bureaus find the site's steps in their
queue, the page shows what is missing before they sign, the joint review per bureau, progress
and funds; other counties see nothing."""

import pytest

from workflows import worklist, claims
from audit.models import AuditEvent
from registry.models import AreaLevel
from registry.models import SiteStage as T
from tests.conftest import make_official
from tests.factories import AreaFactory
from tests.workflows.test_site_walk import (  # noqa: F401  (fixtures)
    SELECTION_PAPERS, give_site, report, site, site_officials, stage_of, walk_site)


def test_the_natural_resources_bureau_finds_the_selection_opinion_in_its_queue(site_officials, site, login):
    natres = site_officials["natres"]
    [task] = worklist.queue(natres)
    assert task.flow_task.name == "selection_opinion"
    response = login(natres).get("/work/?tab=queue")
    body = response.content.decode()
    assert site.name in body and "安置点选址规划 · 选址意见" in body
    assert not worklist.queue(site_officials["reviewer"]).exists()


def test_a_site_task_is_claimed_with_an_audit_event_on_the_site(site_officials, site):
    natres = site_officials["natres"]
    task = worklist.queue(natres).get()
    claims.claim(task.pk, actor=natres)
    event = AuditEvent.objects.get(action="task.claim")
    assert (event.target_type, event.target_id, event.actor_username) == (
        "registry.resettlementsite", str(site.pk), "natres")


def test_the_county_office_supervises_site_tasks(site_officials, site, login):
    rows = login(site_officials["county_office"]).get("/work/?tab=area").context["rows"]
    assert [r.site_case_id for r in rows] == [site.pk]


def test_the_site_page_says_what_is_missing_before_signing(site_officials, site, login):
    page = login(site_officials["natres"]).get(f"/site-cases/{site.pk}/")
    assert page.status_code == 200
    [form] = page.context["step_forms"]
    assert form.step.code == "selection_opinion"
    assert form.blockers and "提交“同意”前仍缺少" in page.content.decode()


def test_signing_on_the_site_page_goes_through_the_site_service(site_officials, site, login):
    give_site(site, *SELECTION_PAPERS, actor=site_officials["county_office"])
    project = site.project
    response = login(site_officials["natres"]).post(f"/site-cases/{site.pk}/decide/", {
        "step_code": "selection_opinion", "selection_opinion-step": "selection_opinion",
        "selection_opinion-seen_stage": "selection", "selection_opinion-seen_round": project.stage_round,
        "selection_opinion-decision": "approve", "selection_opinion-opinion": "选址符合要求"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="site.selection_opinion.approve", actor_username="natres").exists()


def test_the_joint_review_shows_each_bureau(site_officials, site, login):
    walk_site(site, site_officials, to=T.PLAN_APPROVAL)
    page = login(site_officials["county_office"]).get(f"/site-cases/{site.pk}/")
    rows = page.context["joint_review"]
    assert len(rows) >= 2 and all(r.opinion is None for r in rows)
    assert "方案会审" in page.content.decode()


def test_progress_and_funds_show_on_a_building_site(site_officials, site, login):
    walk_site(site, site_officials, to=T.CONSTRUCTION)
    report(site, site_officials, 35, milestone="start")
    page = login(site_officials["county_office"]).get(f"/site-cases/{site.pk}/")
    body = page.content.decode()
    assert page.context["chart"] is not None and "<polyline" in body and "35" in body
    assert "计划投资" in body and "8,000,000.00" in body


def test_another_county_gets_404(site_officials, site, login):
    other = AreaFactory(code="520888000000", name="别县", level=AreaLevel.COUNTY)
    stranger = make_official("stranger", "role_county_office", other)
    assert login(stranger).get(f"/site-cases/{site.pk}/").status_code == 404
    assert not worklist.queue(stranger).exists()
