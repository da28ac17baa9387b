"""Background work of the archive (Celery; inline when REDIS_URL is unset, like every task of the
project): exports, and the two nightly jobs Celery beat runs (config/settings.py
CELERY_BEAT_SCHEDULE) — purging old export packages and the 四性 check of every county."""

import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction

from .checks import check_every_county

log = logging.getLogger(__name__)


@shared_task(name="archive.tasks.build_export")
def build_export(job_id: int) -> str:
    from .jobs import run  # jobs schedules this task (archive.jobs imports schedule from here)

    return run(job_id)


def schedule(job) -> None:
    """Start the job once the request that created it has committed (a worker cannot see it before)."""
    job_id = job.pk
    transaction.on_commit(lambda: build_export.delay(job_id))


@shared_task(name="archive.tasks.purge_exports")
def purge_exports() -> list[int]:
    """Delete export packages finished more than ARCHIVE_EXPORT_KEEP_DAYS ago (they hold unmasked
    forms); `manage.py purge_exports --days N` does the same by hand."""
    from .jobs import purge_exports as purge  # as above: jobs imports this module

    purged = purge(days=settings.ARCHIVE_EXPORT_KEEP_DAYS)
    log.info("archive: purged %d export package(s) older than %d days", len(purged), settings.ARCHIVE_EXPORT_KEEP_DAYS)
    return purged


@shared_task(name="archive.tasks.check_four_properties")
def check_four_properties() -> dict[str, bool]:
    """The 四性 check of each county's archive, one stored result per county (archive.checks)."""
    return {run.area_code: run.passed for run in check_every_county()}
