"""A notice is written in the transaction that caused it and sent after commit by the channels its
user chose; a sender that fails loses nothing (the delivery stays owed and the drain sends it), and
a cause that rolls back leaves no notice."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction

from notifications import channels, service
from notifications.models import ChannelChoice, Contact, Delivery, Kind, Notification
from tests.factories import HouseholdFactory


def choose(user, kind, channel):
    ChannelChoice.objects.create(user=user, kind=kind, channel=channel)


def test_the_chosen_channels_send_after_commit(cast, areas, mailbox, django_capture_on_commit_callbacks):
    clerk = cast["clerk_a"]
    clerk.email = "clerk_a@example.cn"
    clerk.save()
    choose(clerk, Kind.TASK_ARRIVED, "email")
    choose(clerk, Kind.TASK_ARRIVED, "sms")
    Contact.objects.create(user=clerk, mobile="13800000001")
    channels.LoggingSmsProvider.sent.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        HouseholdFactory(village=areas["village_a"])
        assert Notification.objects.filter(user=clerk).count() == 1
        assert set(Delivery.objects.values_list("channel", "status")) == {("email", "owed"), ("sms", "owed")}
        assert mailbox == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    assert [m.to for m in mailbox] == [["clerk_a@example.cn"]]
    assert mailbox[0].subject.startswith("【易地扶贫搬迁】新任务")
    assert [m for m, _ in channels.LoggingSmsProvider.sent] == ["13800000001"]
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


def test_a_failing_sender_loses_nothing(cast, areas, mailbox, monkeypatch, django_capture_on_commit_callbacks):
    clerk = cast["clerk_a"]
    clerk.email = "clerk_a@example.cn"
    clerk.save()
    choose(clerk, Kind.TASK_ARRIVED, "email")

    def down(notice):
        raise ConnectionError("邮件服务器不可用")

    monkeypatch.setitem(channels.SENDERS, "email", down)
    with django_capture_on_commit_callbacks(execute=True):
        HouseholdFactory(village=areas["village_a"])
    [delivery] = Delivery.objects.all()
    assert (delivery.status, delivery.attempts) == ("owed", 1) and "邮件服务器不可用" in delivery.last_error
    assert Notification.objects.filter(user=clerk, kind=Kind.TASK_ARRIVED).count() == 1  # the bell has it
    monkeypatch.setitem(channels.SENDERS, "email", channels.send_email)
    Delivery.objects.update(next_attempt_at=delivery.next_attempt_at.replace(year=2000))
    call_command("send_reminders", stdout=io.StringIO())
    delivery.refresh_from_db()
    assert delivery.status == "sent" and len(mailbox) == 1
    assert service.drain() == 0  # sent once only


def test_a_cause_that_rolls_back_leaves_no_notice(cast, areas):
    with pytest.raises(RuntimeError), transaction.atomic():
        HouseholdFactory(village=areas["village_a"])
        assert Notification.objects.count() == 1
        raise RuntimeError("the registration fails later in its transaction")
    assert Notification.objects.count() == 0


def test_no_address_no_sending_and_one_notice_per_key(cast):
    clerk = cast["clerk_a"]
    choose(clerk, Kind.DIGEST, "email")  # no e-mail address on the account
    [notice] = service.notify([clerk], Kind.DIGEST, key="digest:x", title="汇总")
    assert service.notify([clerk], Kind.DIGEST, key="digest:x", title="汇总") == []
    delivery = Delivery.objects.get(notification=notice)
    service.deliver_one(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "skipped"
