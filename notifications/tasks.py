"""Celery tasks of the notifications (eager without REDIS_URL)."""

from celery import shared_task

from notifications import digest as daily
from notifications import escalation, service
from workflows.urlconf import ensure_urlconf


@shared_task(name="notifications.tasks.deliver")
def deliver(ids):
    return [getattr(service.deliver_one(pk), "status", None) for pk in ids]


@shared_task(name="notifications.tasks.deliver_pending")
def deliver_pending():
    return service.drain()


@shared_task(name="notifications.tasks.reminders")
def reminders():
    ensure_urlconf()
    return escalation.run()


@shared_task(name="notifications.tasks.digest")
def digest():
    ensure_urlconf()
    return daily.send_all()
