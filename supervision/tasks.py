from celery import shared_task

from .integrity import run_checks


@shared_task(name="supervision.run_integrity_checks")
def run_integrity_checks(requested_by: str = "") -> bool:
    return all(check.ok for check in run_checks(requested_by=requested_by))
