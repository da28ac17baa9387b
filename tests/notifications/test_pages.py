"""The bell in the header, the list behind it, mark read, and the channel choices."""

from notifications import service
from notifications.models import ChannelChoice, Kind, Notification


def test_the_bell_counts_unread_and_the_list_marks_read(client, cast):
    clerk = cast["clerk_a"]
    first, = service.notify([clerk], Kind.TASK_ARRIVED, key="t1", title="新任务：提交搬迁申请", link="/work/")
    service.notify([clerk], Kind.STEP_DUE, key="t2", title="即将到期：评议")
    service.notify([cast["clerk_b"]], Kind.STEP_DUE, key="t3", title="他人的消息")
    client.force_login(clerk)
    page = client.get("/work/").content.decode()
    assert 'data-bell-count>2<' in page
    listing = client.get("/notifications/").content.decode()
    assert "新任务：提交搬迁申请" in listing and "他人的消息" not in listing
    response = client.get(f"/notifications/{first.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/work/"
    assert 'data-bell-count>1<' in client.get("/work/").content.decode()
    client.post("/notifications/read/")
    assert "data-bell-count" not in client.get("/work/").content.decode()


def test_anothers_notice_does_not_exist(client, cast):
    [theirs] = service.notify([cast["clerk_b"]], Kind.STEP_DUE, key="x", title="他人的消息")
    client.force_login(cast["clerk_a"])
    assert client.get(f"/notifications/{theirs.pk}/open/").status_code == 404
    client.post("/notifications/read/", {"id": theirs.pk})
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert client.post("/notifications/read/", {"id": "abc"}).status_code == 404


def test_an_external_link_is_not_followed(client, cast):
    [notice] = service.notify([cast["clerk_a"]], Kind.STEP_DUE, key="x", title="t", link="https://evil.example/")
    client.force_login(cast["clerk_a"])
    assert client.get(f"/notifications/{notice.pk}/open/")["Location"] == "/notifications/"


def test_choosing_channels_validates_in_chinese_and_stores_nothing_when_wrong(client, cast):
    clerk = cast["clerk_a"]
    client.force_login(clerk)
    assert client.get("/notifications/channels/").status_code == 200
    page = client.post("/notifications/channels/", {"task_arrived__sms": "on", "mobile": "12345"}).content.decode()
    assert "手机号码须为11位数字" in page
    page = client.post("/notifications/channels/", {"task_arrived__sms": "on", "mobile": ""}).content.decode()
    assert "选择短信提醒须填写手机号码" in page
    page = client.post("/notifications/channels/", {"escalated__email": "on"}).content.decode()
    assert "没有登记电子邮箱" in page
    assert not ChannelChoice.objects.exists()
    response = client.post("/notifications/channels/", {"task_arrived__sms": "on", "mobile": "13800000001"})
    assert response.status_code == 302
    assert list(ChannelChoice.objects.values_list("kind", "channel")) == [("task_arrived", "sms")]
