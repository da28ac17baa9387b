"""Households waiting for the review meeting or a 公示 batch are somebody's work: the village head
(评议) and the clerk (公示) of their village see them in the inbox, with a link to the form that
moves them; nobody else does."""

from django.urls import reverse

from registry.models import HouseholdStage as S
from tests.factories import HouseholdFactory
from tests.workflows.conftest import days_ago, upload
from tests.workflows.test_walk import approve
from workflows import worklist
from workflows.acting import Refused
from workflows.households import batches


def in_review(areas, officials, give, village="village_a"):
    household = HouseholdFactory(village=areas[village])
    give(household, "hukou_scan", "current_house_photo", "signed_application")
    approve(household, "submit_application", officials["clerk_a"] if village == "village_a" else officials["clerk_b"])
    assert type(household).objects.get(pk=household.pk).stage == S.REVIEW
    return household


def test_the_village_head_sees_the_households_waiting_for_the_review_meeting(login, officials, give, areas):
    in_review(areas, officials, give)
    in_review(areas, officials, give)
    [work] = worklist.village_work(officials["head_a"])
    assert (work.kind, work.village_code, work.households) == ("review_meeting", areas["village_a"].code, 2)

    page = login(officials["head_a"]).get(reverse("approvals:inbox")).content.decode()
    assert "待民主评议" in page and "（2户）" in page
    link = f'{reverse("approvals:meeting_new")}?village={areas["village_a"].code}'
    assert link in page
    assert login(officials["head_a"]).get(link).status_code == 200


def test_a_clerk_sees_no_meeting_to_record_and_another_village_sees_nothing(login, officials, give, areas):
    in_review(areas, officials, give)
    assert worklist.village_work(officials["clerk_a"]) == []
    assert worklist.village_work(officials["clerk_b"]) == []
    assert "待民主评议" not in login(officials["clerk_a"]).get(reverse("approvals:inbox")).content.decode()


def test_after_the_meeting_the_clerk_sees_the_households_waiting_for_the_notice(officials, give, areas):
    household = in_review(areas, officials, give)
    batches.record_review_meeting(
        village=areas["village_a"], actor=officials["head_a"], held_on=days_ago(1), place="村委会",
        expected_members=21, present_members=21, votes=[batches.Vote(household.pk, 21, 0, 0)],
        files={"meeting_minutes_scan": upload("minutes.png"), "sign_in_sheet": upload("sign.png")})
    assert [(w.kind, w.households) for w in worklist.village_work(officials["clerk_a"])] == [("notice_batch", 1)]
    assert worklist.village_work(officials["head_a"]) == []


def test_a_vote_over_the_meeting_names_the_household_and_its_figures(officials, give, areas):
    first, second = in_review(areas, officials, give), in_review(areas, officials, give)
    try:
        batches.record_review_meeting(
            village=areas["village_a"], actor=officials["head_a"], held_on=days_ago(1), place="村委会",
            expected_members=21, present_members=20,
            votes=[batches.Vote(first.pk, 15, 2, 1), batches.Vote(second.pk, 15, 5, 3)],
            files={"meeting_minutes_scan": upload("minutes.png"), "sign_in_sheet": upload("sign.png")})
    except Refused as refused:
        messages = [v.message for v in refused.violations if v.code == "bad_vote"]
    assert messages == [f"{second.number}：同意15、反对5、弃权3，合计23票，超过实到人数20人。"]
    assert type(first).objects.get(pk=first.pk).stage == S.REVIEW  # nothing recorded


def test_while_the_notice_runs_the_township_sees_the_objection_and_the_clerk_the_running_notice(
        login, officials, give, areas):
    household = in_review(areas, officials, give)
    batches.record_review_meeting(
        village=areas["village_a"], actor=officials["head_a"], held_on=days_ago(3), place="村委会",
        expected_members=21, present_members=21, votes=[batches.Vote(household.pk, 21, 0, 0)],
        files={"meeting_minutes_scan": upload("minutes.png"), "sign_in_sheet": upload("sign.png")})
    batch = batches.create_notice_batch(village=areas["village_a"], actor=officials["clerk_a"],
                                        household_ids=[household.pk], posted_on=days_ago(2), ends_on=days_ago(-5),
                                        posted_at="村公示栏")
    assert [w.kind for w in worklist.village_work(officials["clerk_a"])] == ["notice_running"]
    assert worklist.village_work(officials["reviewer"]) == []  # no objection yet: nothing to decide
    batches.record_objection(batch_id=batch.pk, household_id=household.pk, actor=officials["clerk_a"],
                             objector="村民王某", content="反映该户已在县城购房。")
    [work] = worklist.village_work(officials["reviewer"])
    assert (work.kind, work.batch_id, work.households) == ("objection", batch.pk, 1)
    assert [w.kind for w in worklist.village_work(officials["leader"])] == ["objection"]
    assert worklist.village_work(officials["other_reviewer"]) == []  # another township
    page = login(officials["reviewer"]).get(reverse("approvals:inbox")).content.decode()
    assert "待处理公示异议" in page and reverse("approvals:notice_detail", args=[batch.pk]) in page
    running = login(officials["clerk_a"]).get(reverse("approvals:inbox")).content.decode()
    assert "公示中（至" in running
