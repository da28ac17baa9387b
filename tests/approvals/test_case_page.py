"""The case page: what an official sees of a household and the actions they may take, each
form saying what is missing before it is submitted; posts go through the services."""

import pytest

from audit.models import AuditEvent
from registry.models import HouseholdStage as S
from workflows.models import Opinion


def fresh(household):
    return type(household).objects.get(pk=household.pk)


def decide(client, household, step, decision="approve", opinion="同意", **extra):
    h = fresh(household)
    data = {"step_code": step, f"{step}-step": step, f"{step}-seen_stage": h.stage,
            f"{step}-seen_round": h.stage_round, f"{step}-decision": decision, f"{step}-opinion": opinion}
    data.update({f"{step}-{k}": v for k, v in extra.items()})
    return client.post(f"/cases/{h.pk}/decide/", data)


def test_clerk_of_another_village_gets_404(officials, in_approval, login):
    assert login(officials["clerk_b"]).get(f"/cases/{in_approval.pk}/").status_code == 404


def test_the_page_shows_header_members_masked_and_the_timeline(officials, in_approval, login):
    page = login(officials["reviewer"]).get(f"/cases/{in_approval.pk}/").content.decode()
    head = in_approval.members.get()
    assert in_approval.number in page and head.name in page and "村A" in page
    assert head.id_number_masked in page and head.id_number not in page
    assert "查看完整号码" in page  # the reviewer may reveal (audited by the registry view)
    assert "提交搬迁申请" in page and "民主评议" in page and "公示期满后重新报送审核" in page
    assert "办理期限" in page


def test_the_clerk_sees_no_reveal_button_and_no_action_on_the_township_step(officials, in_approval, login):
    page = login(officials["clerk_a"]).get(f"/cases/{in_approval.pk}/").content.decode()
    assert "查看完整号码" not in page
    assert "办理：乡镇审核" not in page


def test_the_form_says_what_is_missing_before_it_is_submitted(officials, in_approval, login):
    page = login(officials["reviewer"]).get(f"/cases/{in_approval.pk}/")
    [form] = page.context["step_forms"]
    assert form.step.code == "township_review"
    assert [b.code for b in form.blockers] == ["missing_evidence"]
    assert "提交“同意”前仍缺少" in page.content.decode() and "入户调查表" in page.content.decode()


def test_approving_with_missing_evidence_is_refused_and_the_opinion_is_kept(officials, in_approval, login):
    response = decide(login(officials["reviewer"]), in_approval, "township_review", opinion="入户核实情况属实")
    assert response.status_code == 400
    body = response.content.decode()
    assert "缺少必备佐证材料：入户调查表" in body
    assert "入户核实情况属实" in body  # nothing typed is lost
    assert not Opinion.objects.filter(step="township_review").exists()


def test_approving_when_complete_records_the_opinion_and_an_audit_event(officials, in_approval, give, login):
    give(in_approval, "household_survey")
    response = decide(login(officials["reviewer"]), in_approval, "township_review", opinion="入户核实属实")
    assert response.status_code == 302
    opinion = Opinion.objects.get(step="township_review")
    assert (opinion.actor, opinion.text, opinion.decision) == (officials["reviewer"], "入户核实属实", "approve")
    assert AuditEvent.objects.filter(action="household.township_review.approve", actor_username="reviewer").exists()


def test_a_double_submission_is_a_friendly_message_and_acts_once(officials, in_approval, give, login):
    give(in_approval, "household_survey")
    client = login(officials["reviewer"])
    h = fresh(in_approval)
    data = {"step_code": "township_review", "township_review-step": "township_review",
            "township_review-seen_stage": h.stage, "township_review-seen_round": h.stage_round,
            "township_review-decision": "approve", "township_review-opinion": "同意"}
    client.post(f"/cases/{h.pk}/decide/", data)
    second = client.post(f"/cases/{h.pk}/decide/", data, follow=True)
    assert second.status_code == 200
    assert "已办结" in second.content.decode()
    assert Opinion.objects.filter(step="township_review").count() == 1


def test_a_repeated_return_is_recognised_as_stale(officials, in_approval, login):
    client = login(officials["reviewer"])
    h = fresh(in_approval)
    data = {"step_code": "township_review", "township_review-step": "township_review",
            "township_review-seen_stage": h.stage, "township_review-seen_round": h.stage_round,
            "township_review-decision": "return", "township_review-opinion": "人口信息与户籍不一致"}
    assert client.post(f"/cases/{h.pk}/decide/", data).status_code == 302
    assert fresh(h).stage == S.NOTICE
    again = client.post(f"/cases/{h.pk}/decide/", data, follow=True)
    assert "本次提交未重复执行" in again.content.decode()
    assert Opinion.objects.filter(decision="return", step="township_review").count() == 1


def test_returning_needs_an_opinion_shown_next_to_the_field(officials, in_approval, login):
    response = decide(login(officials["reviewer"]), in_approval, "township_review", decision="return", opinion="")
    assert response.status_code == 400
    assert "退回须填写退回意见" in response.content.decode()
    assert fresh(in_approval).stage == S.APPROVAL


def test_a_return_sends_the_case_back_and_gives_the_clerk_the_resubmission(officials, in_approval, login):
    decide(login(officials["reviewer"]), in_approval, "township_review", decision="return", opinion="补充入户调查")
    assert fresh(in_approval).stage == S.NOTICE
    page = login(officials["clerk_a"]).get(f"/cases/{in_approval.pk}/")
    assert [f.step.code for f in page.context["step_forms"]] == ["resubmit_after_notice"]
    assert "补充入户调查" in page.content.decode()


def test_removal_is_requested_by_the_township_and_decided_by_the_county(officials, in_approval, login):
    h = fresh(in_approval)
    client = login(officials["reviewer"])
    response = client.post(f"/cases/{h.pk}/removal/request/", {
        "removal-seen_stage": h.stage, "removal-seen_round": h.stage_round, "removal-reason": "家庭成员为财政供养人员"})
    assert response.status_code == 302
    page = login(officials["county_office"]).get(f"/cases/{h.pk}/")
    assert page.context["removal"].decision_form is not None
    response = login(officials["county_office"]).post(f"/cases/{h.pk}/removal/decide/", {
        "removal_decision-seen_stage": h.stage, "removal_decision-seen_round": h.stage_round,
        "removal_decision-approve": "1", "removal_decision-opinion": "核实属实，同意清退"})
    assert response.status_code == 302
    assert fresh(h).stage == S.REMOVED


def test_refusing_a_removal_needs_an_opinion(officials, in_approval, login):
    h = fresh(in_approval)
    login(officials["reviewer"]).post(f"/cases/{h.pk}/removal/request/", {
        "removal-seen_stage": h.stage, "removal-seen_round": h.stage_round, "removal-reason": "原因"})
    response = login(officials["county_office"]).post(f"/cases/{h.pk}/removal/decide/", {
        "removal_decision-seen_stage": h.stage, "removal_decision-seen_round": h.stage_round,
        "removal_decision-approve": "0", "removal_decision-opinion": ""})
    assert response.status_code == 400
    assert "不同意清退须填写意见" in response.content.decode()


def test_evidence_shows_as_thumbnails_with_capture_time_and_position(officials, in_approval, login):
    client = login(officials["reviewer"])
    page = client.get(f"/cases/{in_approval.pk}/")
    item = page.context["evidence"][0]
    body = page.content.decode()
    assert f"/evidence/{item.pk}/thumbnail/" in body and "拍摄：" in body and "位置：" in body
    thumb = client.get(f"/evidence/{item.pk}/thumbnail/")
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    assert login(officials["clerk_b"]).get(f"/evidence/{item.pk}/thumbnail/").status_code == 404


@pytest.mark.parametrize("name", ["auditor", "clerk_a", "county_office"])
def test_readers_in_scope_see_the_page(officials, in_approval, login, name):
    assert login(officials[name]).get(f"/cases/{in_approval.pk}/").status_code == 200
