"""代理 (issue 22 item 4, Must show): the delegate sees the principal's claimed task and acts on it,
the record says 代 X 办理; the delegate gets a copy of the principal's notices; after the end date,
nothing — the task is refused and gone from the delegate's inbox. Only a colleague holding the same
post over the same area can be named."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AuditEvent
from notifications import delegation, service
from notifications.models import Delegation, Kind, Notification
from tests.conftest import make_official
from tests.factories import HouseholdFactory
from tests.workflows.test_walk import approve, stage_of
from workflows import claims, worklist
from workflows.acting import NotPermitted

TODAY = timezone.localdate


@pytest.fixture
def colleague(areas):
    user = make_official("clerk_a2", "role_village_clerk", areas["village_a"])
    user.first_name, user.last_name = "晓红", "王"
    user.save()
    return user


@pytest.fixture
def claimed(officials, areas, give):
    household = HouseholdFactory(village=areas["village_a"])
    give(household, "hukou_scan", "current_house_photo", "signed_application")
    [task] = worklist.open_tasks_of(household)
    claims.claim(task.pk, actor=officials["clerk_a"])
    return household, task


def delegate_to(principal, delegate, start, end):
    return delegation.create(principal=principal, delegate=delegate, starts_on=start, ends_on=end, reason="外出培训")


def test_the_delegate_sees_and_acts_and_the_record_says_so(officials, colleague, claimed):
    household, task = claimed
    clerk = officials["clerk_a"]
    clerk.first_name, clerk.last_name = "德荣", "韦"
    clerk.save()
    assert task.pk not in set(worklist.inbox(colleague).values_list("pk", flat=True))
    with pytest.raises(NotPermitted):  # claimed by the clerk, no delegation yet
        approve(household, "submit_application", colleague)

    delegate_to(clerk, colleague, TODAY(), TODAY() + datetime.timedelta(days=3))
    assert task.pk in set(worklist.inbox(colleague).values_list("pk", flat=True))
    approve(household, "submit_application", colleague)
    assert stage_of(household) == "review"
    [act] = AuditEvent.objects.filter(action="delegation.act")
    assert act.actor_id == colleague.pk and act.target_id == str(household.pk)
    assert act.data["stand_in"] == "代 韦德荣 办理" and act.data["on_behalf_of"] == "clerk_a"
    assert AuditEvent.objects.filter(action="delegation.create", actor_id=clerk.pk).exists()


def test_after_the_end_date_nothing(officials, colleague, claimed):
    household, task = claimed
    clerk = officials["clerk_a"]
    Delegation.objects.create(principal=clerk, delegate=colleague, starts_on=TODAY() - datetime.timedelta(days=5),
                              ends_on=TODAY() - datetime.timedelta(days=1))
    assert task.pk not in set(worklist.inbox(colleague).values_list("pk", flat=True))
    with pytest.raises(NotPermitted):
        approve(household, "submit_application", colleague)
    service.notify([clerk], Kind.STEP_DUE, key="after-end", title="即将到期")
    assert not Notification.objects.filter(user=colleague, key="after-end").exists()
    assert not AuditEvent.objects.filter(action="delegation.act").exists()


def test_a_revoked_delegation_ends_at_once(officials, colleague, claimed):
    household, task = claimed
    made = delegate_to(officials["clerk_a"], colleague, TODAY(), TODAY())
    delegation.revoke(made, actor=officials["clerk_a"])
    with pytest.raises(NotPermitted):
        approve(household, "submit_application", colleague)


def test_the_delegate_gets_a_copy_of_the_principals_notices(officials, colleague):
    clerk = officials["clerk_a"]
    delegate_to(clerk, colleague, TODAY(), TODAY() + datetime.timedelta(days=1))
    service.notify([clerk], Kind.STEP_DUE, key="k", title="即将到期：提交搬迁申请", body="3天后到期。")
    copy = Notification.objects.get(user=colleague, key="k")
    assert copy.on_behalf_of == clerk and copy.body.startswith("（代 ")
    # Told as a holder of the post already: one notice, not a second copy.
    service.notify([clerk, colleague], Kind.STEP_DUE, key="k2", title="t")
    assert Notification.objects.filter(user=colleague, key="k2").count() == 1


def test_only_a_colleague_of_the_same_post_and_area(officials, colleague):
    clerk = officials["clerk_a"]
    for other in (officials["clerk_b"], officials["reviewer"], clerk):
        with pytest.raises(ValidationError) as caught:
            delegate_to(clerk, other, TODAY(), TODAY())
        assert "代理人" in str(caught.value.message_dict)
    with pytest.raises(ValidationError) as caught:
        delegate_to(clerk, colleague, TODAY(), TODAY() - datetime.timedelta(days=1))
    assert "结束日期不能早于开始日期" in str(caught.value.message_dict)
    assert not Delegation.objects.exists()


def test_the_page_sets_and_revokes(client, officials, colleague):
    client.force_login(officials["clerk_a"])
    page = client.post("/notifications/delegations/", {"delegate": "nobody", "starts_on": "2026-13-01",
                                                       "ends_on": ""}).content.decode()
    assert "未找到该用户" in page and "请输入正确的日期" in page and "请填写结束日期" in page
    page = client.post("/notifications/delegations/", {"delegate": "clerk_b", "starts_on": TODAY().isoformat(),
                                                       "ends_on": TODAY().isoformat()}).content.decode()
    assert "代理人须在同一辖区担任与您相同的岗位" in page
    assert not Delegation.objects.exists()
    response = client.post("/notifications/delegations/", {
        "delegate": "clerk_a2", "starts_on": TODAY().isoformat(), "ends_on": TODAY().isoformat(), "reason": "休假"})
    assert response.status_code == 302
    made = Delegation.objects.get()
    assert "生效中" in client.get("/notifications/delegations/").content.decode()
    client.force_login(colleague)
    assert client.post(f"/notifications/delegations/{made.pk}/revoke/").status_code == 404  # not theirs
    client.force_login(officials["clerk_a"])
    client.post(f"/notifications/delegations/{made.pk}/revoke/")
    assert Delegation.objects.get().revoked_at is not None
