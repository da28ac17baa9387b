"""Celery tasks of the lifecycle (eager unless REDIS_URL is set; scheduled by Celery beat)."""

from celery import shared_task


@shared_task(name="workflows.tasks.close_due_notices")
def close_due_notices():
    import config.urls  # noqa: F401  (viewflow needs the URLconf loaded to reverse task URLs)

    from workflows.households.batches import close_due_notices as close

    result = close()
    return {"moved": len(result["moved"]), "waiting": len(result["waiting"])}


@shared_task(name="workflows.tasks.render_lifecycle_documents")
def render_lifecycle_documents(kinds, actor_id, household_ids, single, options):
    """The documents a committed lifecycle move calls for (see workflows.paperwork)."""
    import config.urls  # noqa: F401

    from workflows.households.paperwork import render_now

    render_now(kinds, actor_id, household_ids, single, options)
