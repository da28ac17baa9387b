"""Background exports (Celery; inline when REDIS_URL is unset, like every task of the project)."""

from celery import shared_task
from django.db import transaction


@shared_task(name="archive.tasks.build_export")
def build_export(job_id: int) -> str:
    from .jobs import run

    return run(job_id)


def schedule(job) -> None:
    """Start the job once the request that created it has committed (a worker cannot see it before)."""
    job_id = job.pk
    transaction.on_commit(lambda: build_export.delay(job_id))
