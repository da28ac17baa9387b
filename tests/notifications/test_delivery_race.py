"""Two drains at once (a worker's after-commit task and the periodic drain) send one owed delivery
once: the row lock with SKIP LOCKED leaves it to the first (PostgreSQL; SQLite ignores FOR UPDATE).
A notice written by two transactions for the same event at once is written once."""

import threading
import time

import pytest
from django.db import connection

from notifications import channels, service
from notifications.models import ChannelChoice, Delivery, Kind, Notification

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(n, work):
    barrier, results = threading.Barrier(n), []

    def attempt():
        try:
            barrier.wait()
            results.append(work())
        except Exception as exc:  # pragma: no cover - shown in the assertion
            results.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_two_drains_send_once(cast, monkeypatch):
    clerk = cast["clerk_a"]
    clerk.email = "clerk_a@example.cn"
    clerk.save()
    ChannelChoice.objects.create(user=clerk, kind=Kind.STEP_DUE, channel="email")
    monkeypatch.setattr(service, "_dispatch", lambda ids: None)  # no after-commit send: the drains race
    [notice] = service.notify([clerk], Kind.STEP_DUE, key="race", title="即将到期")
    sent = []

    def slow_send(n):
        sent.append(n.pk)
        time.sleep(0.5)  # hold the row lock while the other drain arrives
        return True

    monkeypatch.setitem(channels.SENDERS, "email", slow_send)
    delivery = Delivery.objects.get(notification=notice)
    results = run_together(2, lambda: getattr(service.deliver_one(delivery.pk), "status", None))
    assert sorted(results, key=str) == [None, "sent"] and sent == [notice.pk]


def test_the_same_event_at_once_is_written_once(cast):
    clerk = cast["clerk_a"]
    results = run_together(4, lambda: len(service.notify([clerk], Kind.STEP_OVERDUE, key="same", title="已逾期")))
    assert sum(results) == 1, results
    assert Notification.objects.filter(user=clerk, key="same").count() == 1
