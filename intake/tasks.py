"""Background work of the import (Celery; inline when REDIS_URL is unset, like every task of the
project): the check of an uploaded list and the confirmed import, each reporting its progress on
the batch row."""

from celery import shared_task

from . import services


@shared_task(name="intake.tasks.check_batch")
def check_batch(batch_id: int) -> None:
    services.run_check(batch_id)


@shared_task(name="intake.tasks.commit_batch")
def commit_batch(batch_id: int) -> None:
    services.run_commit(batch_id)
