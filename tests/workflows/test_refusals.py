"""Every illegal move is refused with a Chinese message and changes nothing."""

import pytest

from audit.models import AuditEvent
from documents.models import Evidence
from registry.models import HouseholdStage as S
from registry.models import ResettlementMode, ResettlementSite, SiteStage
from tests.conftest import make_official
from tests.factories import HouseholdFactory, SiteFactory
from tests.workflows.conftest import days_ago, upload
from tests.workflows.test_walk import allocate_unit, approve, walk_to_approval
from workflows.households import batches, service
from workflows.households.batches import Vote
from workflows.models import Objection, Opinion
from workflows import acting


def snapshot(household):
    fresh = type(household).objects.get(pk=household.pk)
    return (
        fresh.stage, fresh.stage_round,
        Opinion.objects.filter(household=household).count(),
        AuditEvent.objects.count(),
    )


def refused(call, *, code, exc=acting.Refused):
    with pytest.raises(exc) as info:
        call()
    assert code in info.value.codes, info.value.codes
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in v.message) for v in info.value.violations)
    return info.value


def walk_to_housing_acceptance(household, officials, give, areas):
    """审核 through 开工 to 验收 with every signature but the housing bureau's."""
    walk_to_approval(household, officials, give, areas)
    give(household, "household_survey", "signed_agreement")
    approve(household, "township_review", officials["reviewer"])
    approve(household, "county_approval", officials["county_office"])
    give(household, "construction_photo", "inspection_photo", "signed_confirmation")
    approve(household, "start_record", officials["reviewer"])
    approve(household, "household_confirmation", officials["reviewer"])
    approve(household, "township_acceptance", officials["leader"])


def review_and_post(household, officials, areas, *, held_days_ago, posted_days_ago, days):
    """The village meeting passes the household and the clerk posts it with its photo."""
    batches.record_review_meeting(
        village=areas["village_a"], actor=officials["head_a"], held_on=days_ago(held_days_ago), place="村委会",
        expected_members=9, present_members=6, votes=[Vote(household.pk, 5, 1, 0)],
        files={"meeting_minutes_scan": upload(), "sign_in_sheet": upload()},
    )
    batch = batches.create_notice_batch(village=areas["village_a"], actor=officials["clerk_a"],
                                        household_ids=[household.pk], posted_on=days_ago(posted_days_ago),
                                        ends_on=days_ago(posted_days_ago - days + 1), posted_at="村公示栏")
    batches.file_notice_photo(batch_id=batch.pk, actor=officials["clerk_a"], upload=upload())
    return batch


@pytest.fixture
def applied(officials, give, household):
    """A household in 评议 (the clerk has submitted it)."""
    give(household, "hukou_scan", "current_house_photo", "signed_application")
    approve(household, "submit_application", officials["clerk_a"])
    return household


@pytest.fixture
def in_approval(officials, give, areas, household):
    walk_to_approval(household, officials, give, areas)
    return household


def test_skipping_a_stage_is_refused(officials, give, household):
    before = snapshot(household)
    refused(lambda: approve(household, "county_approval", officials["county_office"]), code="not_current_step")
    assert snapshot(household) == before


def test_wrong_role_is_refused(officials, in_approval):
    before = snapshot(in_approval)
    error = refused(lambda: approve(in_approval, "township_review", officials["clerk_a"]), code="wrong_role",
                    exc=acting.NotPermitted)
    assert "乡镇审核员" in error.message
    assert snapshot(in_approval) == before


def test_right_role_in_another_area_does_not_see_the_case(officials, in_approval):
    before = snapshot(in_approval)
    refused(lambda: approve(in_approval, "township_review", officials["other_reviewer"]), code="out_of_scope",
            exc=acting.OutOfScope)
    assert snapshot(in_approval) == before


def test_an_official_cannot_approve_the_step_they_did(officials, give, areas, in_approval):
    dual = make_official("dual", "role_township_reviewer", areas["town"])
    from guardian.shortcuts import assign_perm

    assign_perm("registry.role_county_office", dual, areas["county"])
    give(in_approval, "household_survey", "signed_agreement")
    approve(in_approval, "township_review", dual)
    before = snapshot(in_approval)
    refused(lambda: approve(in_approval, "county_approval", dual), code="own_submission", exc=acting.NotPermitted)
    assert snapshot(in_approval) == before


def test_missing_evidence_is_refused_and_names_the_kind(officials, in_approval):
    before = snapshot(in_approval)
    error = refused(lambda: approve(in_approval, "township_review", officials["reviewer"]), code="missing_evidence")
    assert "入户调查表" in error.message
    assert snapshot(in_approval) == before


def test_a_policy_violation_blocks_the_submission(officials, give, areas):
    household = HouseholdFactory(village=areas["village_a"], planned_floor_area="25.01")
    give(household, "hukou_scan", "current_house_photo", "signed_application")
    before = snapshot(household)
    error = refused(lambda: approve(household, "submit_application", officials["clerk_a"]),
                    code="floor_area_per_person")
    assert "人均住房建设面积不得超过25平方米" in error.message
    assert snapshot(household) == before


def test_move_in_before_the_site_is_accepted_is_refused(officials, give, areas):
    site = SiteFactory(area=areas["county"])
    ResettlementSite.objects.filter(pk=site.pk).update(stage=SiteStage.CONSTRUCTION)
    household = HouseholdFactory(village=areas["village_a"], resettlement_mode=ResettlementMode.CENTRALISED,
                                 site=site, scattered_location="")
    walk_to_approval(household, officials, give, areas)
    give(household, "household_survey")
    approve(household, "township_review", officials["reviewer"])
    give(household, "signed_agreement")
    approve(household, "county_approval", officials["county_office"])
    give(household, "construction_photo")
    approve(household, "start_record", officials["reviewer"])
    give(household, "inspection_photo", "signed_confirmation")
    approve(household, "household_confirmation", officials["reviewer"])
    approve(household, "township_acceptance", officials["leader"])
    before = snapshot(household)
    error = refused(lambda: approve(household, "housing_acceptance", officials["housing"],
                                    changes={"actual_floor_area": "25"}), code="site_not_ready")
    assert "未通过竣工验收并交付" in error.message
    assert snapshot(household) == before
    # The same when the site had been accepted and was then sent back from 竣工验收.
    ResettlementSite.objects.filter(pk=site.pk).update(stage=SiteStage.STRUCTURE_DONE)
    refused(lambda: approve(household, "housing_acceptance", officials["housing"],
                            changes={"actual_floor_area": "25"}), code="site_not_ready")
    ResettlementSite.objects.filter(pk=site.pk).update(stage=SiteStage.HANDOVER)
    allocate_unit(household, officials, give)  # 分房 before 入住 (issue 5)
    assert approve(household, "housing_acceptance", officials["housing"],
                   changes={"actual_floor_area": "25"}).moved_to == S.MOVE_IN


def test_the_measured_floor_area_is_checked_again_at_acceptance(officials, give, areas, household):
    walk_to_housing_acceptance(household, officials, give, areas)
    before = snapshot(household)
    refused(lambda: approve(household, "housing_acceptance", officials["housing"],
                            changes={"actual_floor_area": "25.01"}), code="floor_area_per_person")
    assert snapshot(household) == before
    assert type(household).objects.get(pk=household.pk).actual_floor_area is None


def test_a_notice_cannot_close_before_its_end_date(officials, give, areas, applied):
    review_and_post(applied, officials, areas, held_days_ago=1, posted_days_ago=0, days=7)
    before = snapshot(applied)
    assert batches.close_due_notices()["moved"] == []
    error = refused(lambda: approve(applied, "resubmit_after_notice", officials["clerk_a"]), code="notice_not_over")
    assert "期满前不得进入审核" in error.message
    assert snapshot(applied) == before


def test_a_notice_shorter_than_seven_days_is_refused(officials, give, areas, applied):
    batches.record_review_meeting(
        village=areas["village_a"], actor=officials["head_a"], held_on=days_ago(1), place="村委会",
        expected_members=9, present_members=6, votes=[Vote(applied.pk, 5, 1, 0)],
        files={"meeting_minutes_scan": upload(), "sign_in_sheet": upload()},
    )
    refused(lambda: batches.create_notice_batch(village=areas["village_a"], actor=officials["clerk_a"],
                                                household_ids=[applied.pk], posted_on=days_ago(0),
                                                ends_on=days_ago(-5), posted_at="村公示栏"),
            code="notice_too_short")


def test_an_open_objection_holds_the_household_and_an_upheld_one_sends_it_back_to_review(
        officials, give, areas, applied):
    other = HouseholdFactory(village=areas["village_a"])
    give(other, "hukou_scan", "current_house_photo", "signed_application")
    approve(other, "submit_application", officials["clerk_a"])
    batches.record_review_meeting(
        village=areas["village_a"], actor=officials["head_a"], held_on=days_ago(9), place="村委会",
        expected_members=9, present_members=6, votes=[Vote(applied.pk, 5, 1, 0), Vote(other.pk, 6, 0, 0)],
        files={"meeting_minutes_scan": upload(), "sign_in_sheet": upload()},
    )
    batch = batches.create_notice_batch(village=areas["village_a"], actor=officials["clerk_a"],
                                        household_ids=[applied.pk, other.pk], posted_on=days_ago(7),
                                        ends_on=days_ago(1), posted_at="村公示栏")
    batches.file_notice_photo(batch_id=batch.pk, actor=officials["clerk_a"], upload=upload())
    # Objections are recorded during the period; here the period has just ended, so record it
    # as the clerk did on its last day.
    objection = Objection.objects.create(batch=batch, household=applied, objector="村民李某",
                                         content="该户在县城有住房", recorded_by=officials["clerk_a"])
    result = batches.close_due_notices()
    assert result["moved"] == [other.number]
    assert [n for n, _ in result["waiting"]] == [applied.number]
    assert "尚未处理的公示异议" in result["waiting"][0][1]
    assert type(applied).objects.get(pk=applied.pk).stage == S.NOTICE

    refused(lambda: batches.resolve_objection(objection_id=objection.pk, actor=officials["clerk_a"], upheld=True,
                                              resolution="x"), code="wrong_role", exc=acting.NotPermitted)
    outcome = batches.resolve_objection(objection_id=objection.pk, actor=officials["reviewer"], upheld=True,
                                        resolution="经核实，该户在县城有商品房，异议成立。")
    assert outcome.moved_to == S.REVIEW
    refused(lambda: batches.resolve_objection(objection_id=objection.pk, actor=officials["reviewer"],
                                              upheld=False, resolution="x"), code="already_handled",
            exc=acting.AlreadyHandled)


def test_a_dismissed_objection_lets_the_household_continue(officials, give, areas, applied):
    batch = review_and_post(applied, officials, areas, held_days_ago=9, posted_days_ago=3, days=7)
    objection = batches.record_objection(batch_id=batch.pk, household_id=applied.pk, actor=officials["clerk_a"],
                                         objector="村民王某", content="对住房面积有疑问")
    batches.resolve_objection(objection_id=objection.pk, actor=officials["reviewer"], upheld=False,
                              resolution="经核实面积符合标准，异议不成立。")
    assert type(applied).objects.get(pk=applied.pk).stage == S.NOTICE


def test_a_meeting_without_quorum_is_refused_and_moves_nobody(officials, areas, applied):
    before = snapshot(applied)
    error = refused(lambda: batches.record_review_meeting(
        village=areas["village_a"], actor=officials["head_a"], held_on=days_ago(1), place="村委会",
        expected_members=30, present_members=19, votes=[Vote(applied.pk, 19, 0, 0)],
        files={"meeting_minutes_scan": upload(), "sign_in_sheet": upload()},
    ), code="quorum_not_reached")
    assert "未达到应到人数的2/3" in error.message
    assert snapshot(applied) == before
    assert not Evidence.objects.filter(household=applied, kind="sign_in_sheet").exists()


def test_a_household_failing_the_vote_goes_back_to_application(officials, areas, applied):
    batches.record_review_meeting(
        village=areas["village_a"], actor=officials["head_a"], held_on=days_ago(1), place="村委会",
        expected_members=30, present_members=20, votes=[Vote(applied.pk, 10, 8, 2, reason="家庭收入已超标准")],
        files={"meeting_minutes_scan": upload(), "sign_in_sheet": upload()},
    )
    fresh = type(applied).objects.get(pk=applied.pk)
    assert fresh.stage == S.APPLY
    assert "家庭收入已超标准" in Opinion.objects.filter(household=applied).last().text


def test_return_needs_an_opinion_and_goes_back_one_stage(officials, give, in_approval):
    refused(lambda: service.decide(in_approval.pk, step="township_review", actor=officials["reviewer"],
                                    decision="return", opinion=" "), code="opinion_required")
    outcome = service.decide(in_approval.pk, step="township_review", actor=officials["reviewer"],
                              decision="return", opinion="入户调查发现家庭人口信息有误，请核实后重新报送。")
    assert outcome.moved_to == S.NOTICE
    # The notice period is over: the clerk fixes and resubmits, and the township sees it again.
    assert approve(in_approval, "resubmit_after_notice", officials["clerk_a"]).moved_to == S.APPROVAL


def test_removal_needs_county_approval_by_someone_else(officials, applied):
    refused(lambda: service.request_removal(applied.pk, actor=officials["reviewer"], reason=""),
            code="reason_required")
    service.request_removal(applied.pk, actor=officials["reviewer"], reason="核实为财政供养人员直系亲属")
    refused(lambda: service.decide_removal(applied.pk, actor=officials["reviewer"], approve=True),
            code="wrong_role", exc=acting.NotPermitted)
    outcome = service.decide_removal(applied.pk, actor=officials["county_office"], approve=True, opinion="同意清退")
    assert outcome.moved_to == S.REMOVED
    assert type(applied).objects.get(pk=applied.pk).members.filter(case_active=True).count() == 0


def test_removal_after_move_in_is_refused(officials, give, areas, household):
    walk_to_housing_acceptance(household, officials, give, areas)
    approve(household, "housing_acceptance", officials["housing"], changes={"actual_floor_area": "20"})
    before = snapshot(household)
    error = refused(lambda: service.request_removal(household.pk, actor=officials["county_office"], reason="x"),
                    code="removal_not_allowed")
    assert "入住后不能清退" in error.message
    assert snapshot(household) == before


def test_a_kept_old_house_needs_county_approval_instead_of_demolition(officials, give, areas, household):
    walk_to_housing_acceptance(household, officials, give, areas)
    approve(household, "housing_acceptance", officials["housing"], changes={"actual_floor_area": "20"})
    give(household, "old_new_house_photo", "signed_move_in")
    approve(household, "move_in_confirmation", officials["reviewer"])
    refused(lambda: service.approve_demolition_exemption(household.pk, actor=officials["county_office"],
                                                          reason="dilapidated", opinion="同意"),
            code="exemption_reason")
    service.approve_demolition_exemption(household.pk, actor=officials["county_office"], reason="heritage",
                                          opinion="该房屋为传统民居，同意保留。")
    approve(household, "demolition_record", officials["reviewer"],
            changes={"follow_up_officer": officials["leader"].pk})
    assert approve(household, "reclamation_acceptance", officials["natres"]).moved_to == S.FOLLOW_UP


def test_a_second_approval_of_the_same_step_is_already_handled(officials, give, household):
    give(household, "hukou_scan", "current_house_photo", "signed_application")
    approve(household, "submit_application", officials["clerk_a"])
    before = snapshot(household)
    refused(lambda: approve(household, "submit_application", officials["clerk_a"]), code="already_handled",
            exc=acting.AlreadyHandled)
    assert snapshot(household) == before


def test_a_step_claimed_by_one_official_cannot_be_done_by_another(officials, give, areas, in_approval):
    from workflows.households import flowsync

    second = make_official("reviewer2", "role_township_reviewer", areas["town"])
    give(in_approval, "household_survey")
    task = flowsync.open_task(in_approval, "township_review")
    task.flow_task.activation_class(task).assign(officials["reviewer"])
    before = snapshot(in_approval)
    error = refused(lambda: approve(in_approval, "township_review", second), code="claimed_by_other",
                    exc=acting.NotPermitted)
    assert "领取" in error.message
    assert snapshot(in_approval) == before
    assert approve(in_approval, "township_review", officials["reviewer"]).opinion.actor == officials["reviewer"]
