"""Review meetings and 公示 batches through their pages: created from the eligible households,
scans and photo filed, the notice printed as one PDF, objections recorded once, the clean batch
approved in bulk with a confirmation listing what will change."""

import datetime

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from documents.models import Document
from registry.models import HouseholdStage as S
from tests.factories import HouseholdFactory
from tests.workflows.conftest import days_ago, upload
from workflows.households import batches, service
from workflows.models import NoticeBatch, Objection, Opinion


def fresh(household):
    return type(household).objects.get(pk=household.pk)


@pytest.fixture
def in_review(officials, give, household):
    give(household, "hukou_scan", "current_house_photo", "signed_application")
    service.decide(household.pk, step="submit_application", actor=officials["clerk_a"], decision="approve")
    return household


@pytest.fixture
def in_notice(officials, areas, in_review):
    batches.record_review_meeting(
        village=areas["village_a"], actor=officials["head_a"], held_on=days_ago(12), place="村委会",
        expected_members=30, present_members=21, votes=[batches.Vote(in_review.pk, 18, 2, 1)],
        files={"meeting_minutes_scan": upload("m.png"), "sign_in_sheet": upload("s.png")})
    return in_review


def meeting_data(household, **extra):
    data = {"village": "520999101201", "meeting_type": "representatives", "held_on": days_ago(1).isoformat(),
            "place": "村委会会议室", "expected_members": "30", "present_members": "21",
            f"include_{household.pk}": "on", f"agree_{household.pk}": "18", f"against_{household.pk}": "2",
            f"abstain_{household.pk}": "1", "meeting_minutes_scan": upload("minutes.png"),
            "sign_in_sheet": upload("sign.png")}
    data.update(extra)
    return data


def test_the_village_head_records_the_meeting_and_the_household_moves_to_notice(officials, in_review, login):
    client = login(officials["head_a"])
    page = client.get("/meetings/new/")
    assert [r["household"].pk for r in page.context["rows"]] == [in_review.pk]
    response = client.post("/meetings/new/", meeting_data(in_review))
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert fresh(in_review).stage == S.NOTICE


def test_a_meeting_without_quorum_keeps_what_was_typed(officials, in_review, login):
    response = login(officials["head_a"]).post("/meetings/new/", meeting_data(in_review, present_members="10",
                                                                              place="村小学教室"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "未达到应到人数的2/3" in body and "村小学教室" in body and 'value="18"' in body
    assert fresh(in_review).stage == S.REVIEW
    # The files chosen cannot come back into the inputs: the page names them and asks for them again.
    assert "浏览器不能保留已选择的文件" in body
    assert "评议会议记录扫描件：minutes.png" in body and "会议签到表：sign.png" in body
    assert "data-vote-check" in body  # the sums are checked in the browser before the files are sent


def test_only_a_village_head_records_meetings(officials, in_review, login):
    assert login(officials["clerk_a"]).get("/meetings/new/").status_code == 404


def test_the_clerk_creates_the_notice_batch_and_prints_it_in_one_click(officials, in_notice, login,
                                                                      django_capture_on_commit_callbacks):
    client = login(officials["clerk_a"])
    page = client.get("/notices/new/")
    assert [h.pk for h in page.context["eligible"]] == [in_notice.pk]
    with django_capture_on_commit_callbacks(execute=True):  # the notice renders after the commit
        response = client.post("/notices/new/", {
            "village": "520999101201", "household": [in_notice.pk], "posted_on": timezone.localdate().isoformat(),
            "ends_on": (timezone.localdate() + datetime.timedelta(days=6)).isoformat(), "posted_at": "村委会公示栏"})
    assert response.status_code == 302
    batch = NoticeBatch.objects.get()
    detail = client.get(f"/notices/{batch.pk}/")
    body = detail.content.decode()
    assert "还剩6天" in body
    [(notice, version)] = detail.context["notice_documents"]
    assert f"/print/versions/{version.pk}/" in body
    pdf = client.get(f"/print/versions/{version.pk}/")
    assert pdf["Content-Type"] == "application/pdf" and pdf["Content-Disposition"].startswith("inline")
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="document.download", actor_username="clerk_a").exists()
    assert login(officials["clerk_b"]).get(f"/print/versions/{version.pk}/").status_code == 404


def test_a_notice_shorter_than_seven_days_is_refused_next_to_the_end_date(officials, in_notice, login):
    response = login(officials["clerk_a"]).post("/notices/new/", {
        "village": "520999101201", "household": [in_notice.pk], "posted_on": timezone.localdate().isoformat(),
        "ends_on": (timezone.localdate() + datetime.timedelta(days=2)).isoformat(), "posted_at": "公示栏甲"})
    assert response.status_code == 400
    assert "公示期不得少于7天" in response.content.decode() and "公示栏甲" in response.content.decode()
    assert not NoticeBatch.objects.exists()


@pytest.fixture
def running_batch(officials, areas, in_notice):
    return batches.create_notice_batch(village=areas["village_a"], actor=officials["clerk_a"],
                                       household_ids=[in_notice.pk], posted_on=days_ago(2),
                                       ends_on=days_ago(2) + datetime.timedelta(days=7), posted_at="公示栏")


def test_an_objection_submitted_twice_is_recorded_once(officials, running_batch, in_notice, login):
    client = login(officials["clerk_a"])
    page = client.get(f"/notices/{running_batch.pk}/")
    token = page.context["objection_form"].initial["token"]
    data = {"household": in_notice.pk, "objector": "村民甲", "content": "家中有财政供养人员", "token": token}
    assert client.post(f"/notices/{running_batch.pk}/objections/", data).status_code == 302
    again = client.post(f"/notices/{running_batch.pk}/objections/", data, follow=True)
    assert "重复提交未再次登记" in again.content.decode()
    assert Objection.objects.count() == 1


def test_the_township_resolves_an_objection_from_the_batch_page(officials, running_batch, in_notice, login):
    objection = batches.record_objection(batch_id=running_batch.pk, household_id=in_notice.pk,
                                         actor=officials["clerk_a"], objector="村民甲", content="内容")
    response = login(officials["reviewer"]).post(f"/objections/{objection.pk}/resolve/", {
        f"o{objection.pk}-upheld": "1", f"o{objection.pk}-resolution": "经核查属实"})
    assert response.status_code == 302
    assert fresh(in_notice).stage == S.REVIEW


def test_the_photo_of_the_posted_notice_is_filed_for_each_household(officials, running_batch, in_notice, login):
    response = login(officials["clerk_a"]).post(f"/notices/{running_batch.pk}/photo/",
                                                {"photo": upload("posted.png")})
    assert response.status_code == 302
    assert in_notice.evidence.filter(kind="posted_notice_photo").count() == 1


def test_a_clean_batch_is_approved_in_bulk_each_household_with_its_own_opinion(officials, give, areas, login):
    households = [HouseholdFactory(village=areas["village_a"]) for _ in range(3)]
    for h in households:
        give(h, "hukou_scan", "current_house_photo", "signed_application")
        service.decide(h.pk, step="submit_application", actor=officials["clerk_a"], decision="approve")
    batches.record_review_meeting(
        village=areas["village_a"], actor=officials["head_a"], held_on=days_ago(12), place="村委会",
        expected_members=30, present_members=21, votes=[batches.Vote(h.pk, 18, 2, 1) for h in households],
        files={"meeting_minutes_scan": upload("m.png"), "sign_in_sheet": upload("s.png")})
    batch = batches.create_notice_batch(village=areas["village_a"], actor=officials["clerk_a"],
                                        household_ids=[h.pk for h in households], posted_on=days_ago(10),
                                        ends_on=days_ago(4), posted_at="公示栏")
    batches.file_notice_photo(batch_id=batch.pk, actor=officials["clerk_a"], upload=upload("p.png"))
    batches.close_due_notices()
    give(households[0], "household_survey")
    give(households[1], "household_survey")  # the third lacks its survey

    client = login(officials["reviewer"])
    page = client.get(f"/notices/{batch.pk}/")
    tasks = page.context["bulk_tasks"]
    assert len(tasks) == 3
    confirm = client.post("/work/bulk/", {"task": tasks, "back": f"/notices/{batch.pk}/"})
    assert [r.household.pk for r in confirm.context["ready"]] == [households[0].pk, households[1].pk]
    [blocked] = confirm.context["blocked"]
    assert blocked.household.pk == households[2].pk and "入户调查表" in blocked.blockers[0].message
    assert not Opinion.objects.filter(step="township_review").exists()  # the confirmation changes nothing

    ready = [r.task_id for r in confirm.context["ready"]]
    done = client.post("/work/bulk/", {"task": ready, "confirm": "1", "opinion": "公示无异议，同意",
                                       f"opinion_{ready[0]}": "入户核实，同意"})
    assert [r.ok for r in done.context["results"]] == [True, True]
    opinions = dict(Opinion.objects.filter(step="township_review").values_list("household_id", "text"))
    assert opinions == {households[0].pk: "入户核实，同意", households[1].pk: "公示无异议，同意"}
    assert AuditEvent.objects.filter(action="household.township_review.approve").count() == 2


def test_bulk_refuses_steps_that_record_figures(officials, in_approval, login):
    from approvals import bulk

    assert "housing_acceptance" not in bulk.BULK_STEPS and "demolition_record" not in bulk.BULK_STEPS


def test_batch_pages_are_scoped(officials, running_batch, login):
    assert login(officials["clerk_b"]).get(f"/notices/{running_batch.pk}/").status_code == 404
    assert login(officials["other_reviewer"]).get(f"/notices/{running_batch.pk}/").status_code == 404
    assert running_batch.pk not in [n.pk for n, _ in login(officials["clerk_b"]).get("/notices/").context["notices"]]


def test_the_batch_of_application_forms_renders_in_the_background_and_prints_as_one_pdf(
        officials, running_batch, login, django_capture_on_commit_callbacks):
    client = login(officials["clerk_a"])
    with django_capture_on_commit_callbacks(execute=True):  # Celery runs eagerly after the commit
        response = client.post(f"/notices/{running_batch.pk}/print-forms/")
    assert response.status_code == 302
    progress = client.get(response["Location"])
    assert progress.status_code == 200 and "打开合并后的PDF打印" in progress.content.decode()
    merged = client.get(response["Location"] + "merged.pdf")
    assert merged["Content-Type"] == "application/pdf"
    assert b"".join(merged.streaming_content).startswith(b"%PDF")
    assert login(officials["reviewer"]).get(response["Location"]).status_code == 404
    assert Document.objects.filter(doc_type="application_form").exists()
