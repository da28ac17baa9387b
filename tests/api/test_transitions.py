"""/api/v1/households/{id}/transitions/: what the caller may do now (with the reasons it may not
yet), and doing it through the one transition service."""

import pytest

from audit.models import AuditEvent
from registry.models import Household
from registry.models import HouseholdStage as S
from tests.api.conftest import assert_error
from tests.api.helpers import transition
from workflows.models import Opinion

APPLICATION = ("hukou_scan", "current_house_photo", "signed_application")


def url(household, name=""):
    return f"/api/v1/households/{household.pk}/transitions/" + (f"{name}/" if name else "")


def stage_of(household):
    return Household.objects.get(pk=household.pk).stage


def test_clerk_is_offered_the_submission_with_what_is_missing(cast, household, as_user):
    body = as_user(cast["clerk_a"]).get(url(household)).json()
    assert body["stage"] == "apply" and body["stage_label"] == "申报"
    [offer] = body["transitions"]
    assert offer["name"] == "submit_application" and offer["available"] is False
    assert offer["unmet"][0]["code"] == "missing_evidence"
    assert "户口簿扫描件" in offer["unmet"][0]["message"]


def test_roles_without_a_step_are_offered_nothing(cast, household, as_user):
    for who in ("head_a", "auditor", "housing"):
        assert as_user(cast[who]).get(url(household)).json()["transitions"] == []


def test_transitions_of_another_village_are_404(cast, household, as_user):
    assert_error(as_user(cast["clerk_b"]).get(url(household)), 404)


def test_clerk_submits_the_application(cast, household, give, as_user):
    give(household, *APPLICATION)
    r = transition(as_user(cast["clerk_a"]), household.pk, "submit_application", opinion="材料齐全")
    assert r.status_code == 200, r.json()
    assert r.json()["moved_to"] == "review" and r.json()["moved_to_label"] == "评议"
    assert stage_of(household) == S.REVIEW
    opinion = Opinion.objects.get(household=household)
    assert opinion.text == "材料齐全" and opinion.actor == cast["clerk_a"]
    assert AuditEvent.objects.filter(action="household.submit_application.approve").count() == 1


def test_missing_evidence_is_400_in_chinese_and_nothing_moves(cast, household, as_user):
    body = assert_error(transition(as_user(cast["clerk_a"]), household.pk, "submit_application"), 400,
                        "missing_evidence")
    assert "缺少必备佐证材料" in body["message"]
    assert stage_of(household) == S.APPLY and not Opinion.objects.exists()


def test_a_policy_rule_blocks_the_submission_with_its_message(cast, household, give, as_user):
    give(household, *APPLICATION)
    Household.objects.filter(pk=household.pk).update(planned_floor_area="99.00")
    body = assert_error(transition(as_user(cast["clerk_a"]), household.pk, "submit_application"), 400,
                        "floor_area_per_person")
    assert "人均住房建设面积不得超过" in body["message"]


def test_wrong_role_in_scope_is_403(cast, household, give, as_user):
    give(household, *APPLICATION)
    body = assert_error(transition(as_user(cast["reviewer"]), household.pk, "submit_application"), 403,
                        "wrong_role")
    assert "村级经办人" in body["message"]
    assert stage_of(household) == S.APPLY


def test_read_only_post_is_403_before_anything(cast, household, as_user):
    assert_error(transition(as_user(cast["auditor"]), household.pk, "submit_application"), 403,
                 "permission_denied")


def test_out_of_scope_is_404_even_for_the_right_post(cast, household, give, as_user):
    give(household, *APPLICATION)
    assert_error(transition(as_user(cast["clerk_b"]), household.pk, "submit_application"), 404)
    assert stage_of(household) == S.APPLY


def test_a_repeated_transition_is_409(cast, household, give, as_user):
    give(household, *APPLICATION)
    client = as_user(cast["clerk_a"])
    assert transition(client, household.pk, "submit_application").status_code == 200
    assert_error(transition(client, household.pk, "submit_application"), 409, "already_handled")
    assert Opinion.objects.filter(household=household).count() == 1


def test_a_stale_view_of_the_case_is_409_and_changes_nothing(cast, household, give, as_user):
    give(household, *APPLICATION)
    client = as_user(cast["clerk_a"])
    offered = client.get(url(household)).json()
    assert transition(client, household.pk, "submit_application").status_code == 200
    r = transition(client, household.pk, "submit_application", expected_stage=offered["stage"],
                   expected_round=offered["stage_round"])
    assert_error(r, 409, "stale")
    assert Opinion.objects.filter(household=household).count() == 1


def test_a_step_of_a_later_stage_is_400(cast, household, as_user):
    assert_error(transition(as_user(cast["county_office"]), household.pk, "county_approval"), 400,
                 "not_current_step")


def test_an_unknown_transition_is_404(cast, household, as_user):
    assert_error(transition(as_user(cast["clerk_a"]), household.pk, "teleport"), 404, "unknown_transition")


@pytest.mark.parametrize("body", [{"decision": "maybe"}, {"opinion": 5 * "长" * 1000},
                                  {"actual_floor_area": "NaN"}, {"expected_round": 0}])
def test_bad_bodies_are_400(cast, household, as_user, body):
    assert_error(transition(as_user(cast["clerk_a"]), household.pk, "submit_application", **body), 400)


def _to_approval(household):
    Household.objects.filter(pk=household.pk).update(stage=S.APPROVAL)


def test_return_needs_an_opinion(cast, household, as_user):
    _to_approval(household)
    body = assert_error(transition(as_user(cast["reviewer"]), household.pk, "township_review", decision="return",
                                   opinion=""), 400, "opinion_required")
    assert "退回须填写退回意见" in body["message"]


def test_reviewer_returns_the_case_one_stage(cast, household, as_user):
    _to_approval(household)
    r = transition(as_user(cast["reviewer"]), household.pk, "township_review", decision="return",
                   opinion="入户调查发现人口信息不符，请核实")
    assert r.status_code == 200, r.json()
    assert r.json()["moved_to"] == "notice" and stage_of(household) == S.NOTICE


def test_separation_of_duties_is_shown_and_enforced(household, give, as_user, areas):
    """An official holding both posts may not approve at the county the review they did (审批分离)."""
    from guardian.shortcuts import assign_perm

    from tests.conftest import make_official

    both = make_official("both_posts", "role_township_reviewer", areas["town"])
    assign_perm("registry.role_county_office", both, areas["county"])
    _to_approval(household)
    give(household, "household_survey", "signed_agreement")
    client = as_user(both)
    assert transition(client, household.pk, "township_review").status_code == 200
    offer = {t["name"]: t for t in client.get(url(household)).json()["transitions"]}
    assert offer["county_approval"]["available"] is False
    assert offer["county_approval"]["unmet"][-1]["code"] == "own_submission"
    assert_error(transition(client, household.pk, "county_approval"), 403, "own_submission")
    assert stage_of(household) == S.APPROVAL


def test_removal_is_requested_and_approved_by_different_posts(cast, household, as_user):
    r = transition(as_user(cast["reviewer"]), household.pk, "removal_request", reason="核实为非贫困户")
    assert r.status_code == 200, r.json()
    office = as_user(cast["county_office"])
    offer = {t["name"]: t for t in office.get(url(household)).json()["transitions"]}
    assert offer["removal_approval"]["available"] is True
    r = transition(office, household.pk, "removal_approval", approve=True, opinion="同意清退")
    assert r.status_code == 200 and r.json()["moved_to"] == "removed"
    assert stage_of(household) == S.REMOVED


def test_removal_needs_a_reason(cast, household, as_user):
    assert_error(transition(as_user(cast["reviewer"]), household.pk, "removal_request", opinion="", reason=""),
                 400, "reason_required")


def test_own_removal_request_cannot_be_approved(cast, household, as_user):
    office = as_user(cast["county_office"])
    assert transition(office, household.pk, "removal_request", reason="重复登记").status_code == 200
    offer = {t["name"]: t for t in office.get(url(household)).json()["transitions"]}
    assert offer["removal_approval"]["unmet"][0]["code"] == "own_submission"
    assert_error(transition(office, household.pk, "removal_approval", approve=True), 403, "own_submission")


def test_a_task_claimed_by_another_is_shown_and_refused(cast, areas, household, give, as_user):
    from workflows import worklist, claims
    from tests.conftest import make_official

    second = make_official("clerk_a2", "role_village_clerk", areas["village_a"])
    task = worklist.queue(second).get()
    claims.claim(task.pk, actor=second)
    give(household, *APPLICATION)
    offer = as_user(cast["clerk_a"]).get(url(household)).json()["transitions"][0]
    assert offer["available"] is False and offer["unmet"][-1]["code"] == "claimed_by_other"
    assert_error(transition(as_user(cast["clerk_a"]), household.pk, "submit_application"), 403, "claimed_by_other")
