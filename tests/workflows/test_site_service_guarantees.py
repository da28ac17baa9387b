"""What the site service guarantees: bureaus signing the joint review at the same instant all
count and the site moves once; one winner when the same step is approved twice at once; all or
nothing when something fails after the state changed; documents after commit only."""

import threading
from unittest import mock

import pytest
from django.db import connection
from viewflow.workflow.models import Task

from audit.log import record
from audit.models import AuditEvent
from documents.models import Document
from registry.models import SiteStage as T
from tests.conftest import make_official
from tests.factories import SiteFactory
from tests.workflows.test_site_walk import (
    REVIEWERS,
    approve,
    fresh,
    site,  # noqa: F401  (fixture)
    site_officials,  # noqa: F401  (fixture)
    walk_site,
)
from workflows.sites import service as site_service, stages as site_stages
from workflows.models import SiteOpinion, SiteProcess
from workflows import acting


def test_a_failure_after_the_state_change_leaves_everything_as_before(site, site_officials):
    o = site_officials
    walk_site(site, o, to=T.PLAN_APPROVAL)
    for role in site_stages.joint_review_roles()[:-1]:  # every bureau but the last (finance)
        approve(site, site_stages.JOINT_REVIEW_STEPS[role].code, o[REVIEWERS[role]])
    before = (fresh(site).stage, fresh(site).project.stage_round, SiteOpinion.objects.count(),
              AuditEvent.objects.count())

    def failing_record(actor, action, *args, **kwargs):
        if action == "site.stage_change":
            raise RuntimeError("audit store unavailable")
        return record(actor, action, *args, **kwargs)

    with mock.patch("workflows.sites.service.record", side_effect=failing_record):
        with pytest.raises(RuntimeError):
            approve(site, "review_finance", o["finance"])
    assert (fresh(site).stage, fresh(site).project.stage_round, SiteOpinion.objects.count(),
            AuditEvent.objects.count()) == before
    review = SiteProcess.objects.get(site=site, stage=T.PLAN_APPROVAL)
    assert review.status == "NEW"
    assert Task.objects.filter(process=review, flow_task_type="HUMAN", status="NEW").count() == 1
    assert not SiteProcess.objects.filter(site=site, stage=T.TENDER).exists()
    assert approve(site, "review_finance", o["finance"]).moved_to == T.TENDER


def test_documents_are_rendered_only_once_the_move_has_committed(site, site_officials,
                                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        walk_site(site, site_officials, to=T.PLAN_APPROVAL)
    assert not Document.objects.filter(site=site).exists() and len(callbacks) == 1
    callbacks[0]()
    assert list(Document.objects.filter(site=site).values_list("doc_type", flat=True)) == ["site_selection_opinion"]


def test_a_failed_render_leaves_the_step_standing_and_is_an_audit_event(site, site_officials,
                                                                        django_capture_on_commit_callbacks):
    with mock.patch("workflows.sites.document_types.generate_document", side_effect=RuntimeError("font missing")):
        with django_capture_on_commit_callbacks(execute=True):
            walk_site(site, site_officials, to=T.PLAN_APPROVAL)
    assert fresh(site).stage == T.PLAN_APPROVAL
    failed = AuditEvent.objects.get(action="document.render_failed")
    assert failed.data["doc_type"] == "site_selection_opinion" and "font missing" in failed.data["error"]
    assert failed.target_type == "registry.resettlementsite"


def test_a_new_site_enters_selection_with_its_first_task(areas):
    site = SiteFactory(area=areas["county"])
    process = SiteProcess.objects.get(site=site)
    assert (process.stage, process.round, process.area_code) == (T.SELECTION, 1, site.area_code)
    task = Task.objects.get(process=process, flow_task_type="HUMAN")
    assert (task.flow_task.name, task.owner_permission) == (
        "selection_opinion", "registry.role_county_natural_resources")


def test_the_query_count_of_a_site_step_does_not_grow_with_its_history(site_officials, areas):
    from django.db import connection as conn
    from django.test.utils import CaptureQueriesContext

    from tests.workflows.test_site_walk import SELECTION_PAPERS, give_site

    counts = []
    for history in (0, 1, 40):
        site = SiteFactory(area=areas["county"])
        give_site(site, *SELECTION_PAPERS, actor=site_officials["county_office"])
        for i in range(history):
            record(site_officials["county_office"], "site.note", site, {"i": i})
            SiteOpinion.objects.create(site=site, stage="selection", round=0, step="note", decision="approve",
                                       actor=site_officials["county_office"])
        with CaptureQueriesContext(conn) as queries:
            approve(site, "selection_opinion", site_officials["natres"])
        counts.append(len(queries))
    assert counts[1] == counts[2], counts
    assert counts[1] <= 60, counts


# Races (PostgreSQL) ----------------------------------------------------------------------------

def _race(calls):
    barrier = threading.Barrier(len(calls))
    results = []

    def run(call):
        try:
            barrier.wait()
            call()
            results.append("ok")
        except acting.Refused as exc:
            results.append(exc.codes[0])
        except Exception as exc:  # pragma: no cover - shown in the assertion
            results.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(results)


@pytest.fixture
def bureaus(areas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    county = areas["county"]
    return {"county_office": make_official("county_office", "role_county_office", county),
            "housing": make_official("housing", "role_county_housing", county),
            "natres": make_official("natres", "role_county_natural_resources", county),
            "finance": make_official("finance", "role_county_finance", county),
            "drc": make_official("drc", "role_county_drc", county),
            "hrss": make_official("hrss", "role_county_hrss", county)}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_bureaus_signing_the_joint_review_at_the_same_instant_all_count(areas, bureaus, settings):
    settings.SITE_JOINT_REVIEW_ROLES = list(site_stages.JOINT_REVIEW_STEPS)  # all six bureaus
    site = SiteFactory(area=areas["county"])
    walk_site(site, bureaus, to=T.PLAN_APPROVAL)
    not_documents = AuditEvent.objects.exclude(action__startswith="document.")
    events_before = not_documents.count()
    calls = [
        (lambda role=role: site_service.decide(site.pk, step=site_stages.JOINT_REVIEW_STEPS[role].code,
                                                actor=bureaus[REVIEWERS[role]], decision="approve", opinion="同意"))
        for role in site_stages.JOINT_REVIEW_STEPS
    ]
    assert _race(calls) == ["ok"] * 6
    current = fresh(site)
    assert current.stage == T.TENDER
    review = SiteOpinion.objects.filter(site=site, stage=T.PLAN_APPROVAL, decision="approve")
    assert review.count() == 6 and review.values("round").distinct().count() == 1
    # One move, six signatures, one process ended through its Join.
    moves = AuditEvent.objects.filter(action="site.stage_change", data__to=T.TENDER)
    assert moves.count() == 1
    assert AuditEvent.objects.filter(action__startswith="site.review_").count() == 6
    assert not_documents.count() == events_before + 7
    # The 会审表 and the 方案批复 were rendered once, after the commit.
    assert sorted(Document.objects.filter(site=site, doc_type__in=["site_joint_review", "site_plan_approval"])
                  .values_list("doc_type", flat=True)) == ["site_joint_review", "site_plan_approval"]
    process = SiteProcess.objects.get(site=site, stage=T.PLAN_APPROVAL)
    assert process.status == "DONE"
    assert set(Task.objects.filter(process=process).values_list("status", flat=True)) == {"DONE"}
    from audit.verify import verify_chain

    assert verify_chain().ok


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_officials_approving_the_same_site_step_at_once_yield_one_approval(areas, bureaus):
    site = SiteFactory(area=areas["county"])
    walk_site(site, bureaus, to=T.PLAN_APPROVAL)
    second_finance = make_official("finance2", "role_county_finance", areas["county"])
    calls = [lambda u=u: site_service.decide(site.pk, step="review_finance", actor=u, decision="approve",
                                              opinion="同意")
             for u in (bureaus["finance"], second_finance)]
    assert _race(calls) == ["already_handled", "ok"]
    assert SiteOpinion.objects.filter(site=site, step="review_finance").count() == 1
