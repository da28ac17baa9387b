"""Each kind of notice fires exactly once, for exactly the officials whose post and area it concerns
(issue 22, Must show): the clerk of village A learns of village A's work, the clerk of village B does
not; a township's officials hear of their township only."""

import datetime

from django.utils import timezone

from documents.models import RenderOrder
from notifications.models import Kind
from registry.models import HouseholdStage as S
from supervision import findings
from tests.factories import HouseholdFactory
from tests.notifications.conftest import notices, put_on_notice, who
from tests.workflows.test_walk import approve, stage_of, walk_to_approval
from workflows import outbox
from workflows.households import batches, service


def test_a_new_household_tells_the_clerk_of_its_village_only(officials, areas):
    household = HouseholdFactory(village=areas["village_a"])
    assert who(Kind.TASK_ARRIVED) == {"clerk_a": 1}
    [notice] = notices(Kind.TASK_ARRIVED)
    assert household.number in notice.body and notice.link == f"/cases/{household.pk}/"
    assert notice.area_code == household.area_code
    HouseholdFactory(village=areas["village_c"])  # another township: no clerk holds 村C here
    assert who(Kind.TASK_ARRIVED) == {"clerk_a": 1}


def test_the_walk_tells_each_post_of_its_own_step_once(officials, give, household, areas):
    walk_to_approval(household, officials, give, areas)
    # 申报 (clerk), then after the notice the township review (reviewers of 城关镇 only).
    assert who(Kind.TASK_ARRIVED) == {"clerk_a": 1, "reviewer": 1}
    assert who(Kind.NOTICE_ENDED) == {"clerk_a": 1, "head_a": 1}
    give(household, "household_survey")
    approve(household, "township_review", officials["reviewer"])
    assert who(Kind.TASK_ARRIVED) == {"clerk_a": 1, "reviewer": 1, "county_office": 1}
    batches.close_due_notices()  # again: nothing new
    assert who(Kind.NOTICE_ENDED) == {"clerk_a": 1, "head_a": 1}


def test_a_return_tells_the_post_it_returns_to_as_returned_not_as_new(officials, give, household, areas):
    walk_to_approval(household, officials, give, areas)
    give(household, "household_survey")
    approve(household, "township_review", officials["reviewer"])
    service.decide(household.pk, step="county_approval", actor=officials["county_office"], decision="return",
                   opinion="人口信息与公安户籍不符，请核实")
    assert stage_of(household) == S.NOTICE
    assert who(Kind.CASE_RETURNED) == {"clerk_a": 1}
    [notice] = notices(Kind.CASE_RETURNED)
    assert "人口信息与公安户籍不符" in notice.body
    assert who(Kind.TASK_ARRIVED) == {"clerk_a": 1, "reviewer": 1, "county_office": 1}


def test_an_objection_tells_the_township_that_resolves_it(officials, give, household, areas):
    batch = put_on_notice(household, officials, give, areas)
    objection = batches.record_objection(batch_id=batch.pk, household_id=household.pk, actor=officials["clerk_a"],
                                         objector="村民甲", content="该户已有城镇住房")
    assert who(Kind.OBJECTION_FILED) == {"reviewer": 1, "leader": 1}
    [notice] = notices(Kind.OBJECTION_FILED, user=officials["reviewer"])
    assert "该户已有城镇住房" in notice.body
    # Upheld: back to 评议, which has no task — the village head is told it came back.
    batches.resolve_objection(objection_id=objection.pk, actor=officials["reviewer"], upheld=True,
                              resolution="经核查属实")
    assert stage_of(household) == S.REVIEW
    assert who(Kind.CASE_RETURNED) == {"head_a": 1}


def test_findings_tell_the_responsible_post_when_filed_sent_back_and_closed(officials, household_a, areas):
    auditor, reviewer = officials["auditor"], officials["reviewer"]
    finding = findings.file_finding(
        actor=auditor, area_code=household_a.area_code, category="relocation", description="旧房未按期拆除",
        responsible_role="role_township_reviewer", responsible_area_code=areas["town"].code,
        deadline=timezone.localdate() + datetime.timedelta(days=10), household=household_a)
    assert who(Kind.FINDING_FILED) == {"reviewer": 1}
    findings.respond(finding.pk, actor=reviewer, text="已督促拆除")
    findings.review(finding.pk, actor=auditor, accept=False, reason="未见拆除照片")
    assert who(Kind.FINDING_SENT_BACK) == {"reviewer": 1}
    assert "未见拆除照片" in notices(Kind.FINDING_SENT_BACK).get().body
    findings.respond(finding.pk, actor=reviewer, text="已补拆除照片")
    findings.review(finding.pk, actor=auditor, accept=True)
    assert who(Kind.FINDING_CLOSED) == {"reviewer": 1}
    assert who(Kind.FINDING_FILED) == {"reviewer": 1}  # still once
    assert "other_reviewer" not in {n.user.username for n in notices().select_related("user")}


def test_a_document_that_finally_fails_tells_the_official_who_owed_it(officials, give, household, settings,
                                                                      monkeypatch, django_capture_on_commit_callbacks):
    settings.DOCUMENTS_RENDER_MAX_ATTEMPTS = 2

    def broken(order):
        raise RuntimeError("字体缺失")

    monkeypatch.setattr(outbox, "_render", broken)
    give(household, "hukou_scan", "current_house_photo", "signed_application")
    with django_capture_on_commit_callbacks(execute=True):
        approve(household, "submit_application", officials["clerk_a"])
    [order] = RenderOrder.objects.filter(household=household)
    assert order.status == RenderOrder.Status.OWED and order.attempts == 1
    assert who(Kind.RENDER_FAILED) == {}  # still being retried: nobody is told yet
    outbox.render_one(order.pk, force=True)
    order.refresh_from_db()
    assert order.status == RenderOrder.Status.FAILED
    assert who(Kind.RENDER_FAILED) == {"clerk_a": 1}
    outbox.render_one(order.pk, force=True)
    assert who(Kind.RENDER_FAILED) == {"clerk_a": 1}
