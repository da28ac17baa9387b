"""Celery tasks of the lifecycle (eager unless REDIS_URL is set; scheduled by Celery beat)."""

from celery import shared_task


@shared_task(name="workflows.tasks.close_due_notices")
def close_due_notices():
    import config.urls  # noqa: F401  (viewflow needs the URLconf loaded to reverse task URLs)

    from .batches import close_due_notices as close

    result = close()
    return {"moved": len(result["moved"]), "waiting": len(result["waiting"])}
