"""Celery tasks of aftercare (beat: settings CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from .risks import scan


@shared_task(name="aftercare.tasks.scan_risks")
def scan_risks(prefix: str = "") -> int:
    """The 防返贫 rules over every moved-in household (as `manage.py scan_risks`); a rule already open
    for a household raises nothing new, so a run repeated the same day adds nothing."""
    return scan(prefix)
