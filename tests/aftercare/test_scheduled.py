"""The nightly 防返贫 scan under Celery beat (tasks run eagerly here)."""

from django.conf import settings

from aftercare import tasks
from aftercare.models import Risk, RiskRule


def test_beat_runs_the_risk_scan_every_night():
    from config.celery import app

    entries = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "aftercare.tasks.scan_risks" in entries
    assert "aftercare.tasks.scan_risks" in app.tasks
    schedule = entries["aftercare.tasks.scan_risks"]
    assert len(schedule.hour) == 1 and len(schedule.minute) == 1  # a crontab firing once a day


def test_the_task_runs_the_rules(family):
    raised = tasks.scan_risks.delay().get()
    assert raised >= 1
    assert Risk.objects.filter(household=family["household"], rule=RiskRule.CONTINUITY_MISSING).exists()
    assert tasks.scan_risks.delay().get() == 0  # an open risk is not raised twice
