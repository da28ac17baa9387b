"""The lifecycle's Celery tasks (eager unless REDIS_URL is set; close_due_notices is scheduled by
Celery beat). Celery's autodiscovery imports this module: the document rendering task lives with
the paperwork that schedules it and is registered by importing it here."""

from celery import shared_task

from workflows.households.batches import close_due_notices as close
from workflows.households.paperwork import render_lifecycle_documents  # noqa: F401  (registers the task)
from workflows.outbox import render_owed, render_pending  # noqa: F401  (registers the tasks)
from workflows.urlconf import ensure_urlconf


@shared_task(name="workflows.tasks.close_due_notices")
def close_due_notices():
    ensure_urlconf()
    result = close()
    return {"moved": len(result["moved"]), "waiting": len(result["waiting"])}
