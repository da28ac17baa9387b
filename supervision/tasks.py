from celery import shared_task


@shared_task(name="supervision.run_integrity_checks")
def run_integrity_checks() -> bool:
    from .integrity import run_checks

    return all(check.ok for check in run_checks())
