"""Claim, release and reassign: each an audit event naming its actor; the wrong person is
refused; a second claim of the same task is told politely who has it."""

import pytest
from viewflow.workflow.status import STATUS

from workflows import worklist, claims
from audit.models import AuditEvent
from tests.conftest import make_official
from workflows.acting import AlreadyHandled, NotPermitted, OutOfScope


@pytest.fixture
def task(in_approval):
    """The township review task of the household in 审核."""
    found = worklist.filter_step(worklist.open_tasks(), "township_review").get()
    return found


@pytest.fixture
def second_reviewer(areas):
    return make_official("reviewer2", "role_township_reviewer", areas["town"])


def events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def test_reviewer_claims_a_queued_task_and_it_moves_to_their_inbox(officials, task, login):
    client = login(officials["reviewer"])
    response = client.post(f"/work/tasks/{task.pk}/claim/", follow=True)
    assert "已领取该任务" in response.content.decode()
    task.refresh_from_db()
    assert (task.owner, task.status) == (officials["reviewer"], STATUS.ASSIGNED)
    assert list(worklist.inbox(officials["reviewer"])) == [task]
    assert not worklist.queue(officials["reviewer"]).exists()
    [event] = events("task.claim")
    assert event.actor_username == "reviewer"
    assert event.data["step"] == "township_review" and event.area_code == task.process.householdprocess.area_code


def test_a_second_claim_is_told_who_holds_the_task(officials, task, second_reviewer, login):
    claims.claim(task.pk, actor=officials["reviewer"])
    client = login(second_reviewer)
    response = client.post(f"/work/tasks/{task.pk}/claim/", follow=True)
    assert response.status_code == 200
    assert "该任务已由reviewer领取" in response.content.decode()
    task.refresh_from_db()
    assert task.owner == officials["reviewer"]
    assert len(events("task.claim")) == 1


def test_claiming_twice_by_double_click_changes_nothing_more(officials, task, login):
    client = login(officials["reviewer"])
    client.post(f"/work/tasks/{task.pk}/claim/")
    response = client.post(f"/work/tasks/{task.pk}/claim/", follow=True)
    assert "您已领取该任务" in response.content.decode()
    assert len(events("task.claim")) == 1


def test_reviewer_of_another_township_gets_404(officials, task, login):
    response = login(officials["other_reviewer"]).post(f"/work/tasks/{task.pk}/claim/")
    assert response.status_code == 404
    with pytest.raises(OutOfScope):
        claims.claim(task.pk, actor=officials["other_reviewer"])


def test_a_post_the_task_is_not_routed_to_cannot_claim_it(officials, task):
    with pytest.raises(NotPermitted):
        claims.claim(task.pk, actor=officials["clerk_a"])
    with pytest.raises(NotPermitted):
        claims.claim(task.pk, actor=officials["leader"])
    assert not events("task.claim")


def test_the_holder_releases_the_task_back_to_the_queue(officials, task, login):
    claims.claim(task.pk, actor=officials["reviewer"])
    response = login(officials["reviewer"]).post(f"/work/tasks/{task.pk}/release/", follow=True)
    assert "已释放该任务" in response.content.decode()
    task.refresh_from_db()
    assert (task.owner, task.status) == (None, STATUS.NEW)
    [event] = events("task.release")
    assert (event.actor_username, event.data["previous_owner"]) == ("reviewer", "reviewer")


def test_another_reviewer_cannot_release_someone_elses_task(officials, task, second_reviewer):
    claims.claim(task.pk, actor=officials["reviewer"])
    with pytest.raises(NotPermitted):
        claims.release(task.pk, actor=second_reviewer)


def test_releasing_an_unclaimed_task_is_already_handled(officials, task):
    with pytest.raises(AlreadyHandled):
        claims.release(task.pk, actor=officials["reviewer"])


def test_the_township_leader_reassigns_to_another_reviewer_of_the_township(officials, task, second_reviewer,
                                                                           login):
    claims.claim(task.pk, actor=officials["reviewer"])
    client = login(officials["leader"])
    page = client.get(f"/work/tasks/{task.pk}/reassign/")
    assert page.status_code == 200
    assert list(page.context["form"].fields["to_user"].queryset) == [second_reviewer]
    response = client.post(f"/work/tasks/{task.pk}/reassign/", {"to_user": second_reviewer.pk, "reason": "休假"},
                           follow=True)
    assert "已将" in response.content.decode()
    task.refresh_from_db()
    assert task.owner == second_reviewer
    [event] = events("task.reassign")
    assert (event.actor_username, event.data["previous_owner"], event.data["new_owner"], event.data["reason"]) == (
        "leader", "reviewer", "reviewer2", "休假")


def test_the_county_office_may_reassign_an_unclaimed_task(officials, task, second_reviewer):
    claims.reassign(task.pk, actor=officials["county_office"], to_user=second_reviewer)
    task.refresh_from_db()
    assert (task.owner, task.status) == (second_reviewer, STATUS.ASSIGNED)


def test_reassigning_to_a_reviewer_of_another_township_is_refused_next_to_the_field(officials, task, login):
    client = login(officials["leader"])
    response = client.post(f"/work/tasks/{task.pk}/reassign/", {"to_user": officials["other_reviewer"].pk})
    assert response.status_code == 400
    assert "改派对象须为在本辖区担任该岗位的在岗人员" in response.content.decode()
    with pytest.raises(Exception) as exc:
        claims.reassign(task.pk, actor=officials["leader"], to_user=officials["other_reviewer"])
    assert exc.value.codes == ["not_eligible"]


def test_a_reviewer_is_no_supervisor(officials, task, second_reviewer, login):
    assert login(officials["reviewer"]).get(f"/work/tasks/{task.pk}/reassign/").status_code == 404
    with pytest.raises(NotPermitted):
        claims.reassign(task.pk, actor=officials["reviewer"], to_user=second_reviewer)


def test_the_supervisor_tab_lists_every_open_task_of_the_area_only_for_supervisors(officials, task, login):
    rows = login(officials["leader"]).get("/work/?tab=area").context["rows"]
    assert [r.task.pk for r in rows] == [task.pk]
    assert "area" not in [c for c, _, _ in login(officials["reviewer"]).get("/work/").context["tabs"]]


def test_acting_on_a_task_held_by_someone_else_is_refused_with_the_holders_name(officials, task, second_reviewer,
                                                                                  give, in_approval, login):
    give(in_approval, "household_survey")
    in_approval = type(in_approval).objects.get(pk=in_approval.pk)
    claims.claim(task.pk, actor=second_reviewer)
    client = login(officials["reviewer"])
    page = client.get(f"/cases/{in_approval.pk}/")
    assert "该任务由 reviewer2 领取办理中" in page.content.decode()
    response = client.post(f"/cases/{in_approval.pk}/decide/", {
        "step_code": "township_review", "township_review-step": "township_review",
        "township_review-seen_stage": "approval", "township_review-seen_round": in_approval.stage_round,
        "township_review-decision": "approve", "township_review-opinion": "同意"})
    assert response.status_code == 409
    assert "该任务由 reviewer2 领取办理中" in response.content.decode()
    assert not type(in_approval).objects.get(pk=in_approval.pk).opinions.filter(step="township_review").exists()
