"""Celery tasks. Eager (inline) unless REDIS_URL configures workers (config/settings.py)."""

from celery import shared_task
from django.contrib.auth import get_user_model

from registry.models import Household

from .services import generate_document


@shared_task(name="documents.render_batch")
def render_batch(batch_id: int) -> int:
    from .batches import run_batch  # batches schedules this task: the work is imported when it runs

    return run_batch(batch_id).pk


@shared_task(name="documents.render_document")
def render_document(doc_type: str, *, actor_id: int | None = None, household_id: int | None = None,
                    household_ids: list[int] | None = None, options: dict | None = None) -> int:
    """One document in the background (what workflows call after a transition commits)."""
    actor = get_user_model().objects.get(pk=actor_id) if actor_id else None  # None: the system
    household = Household.objects.get(pk=household_id) if household_id else None
    households = list(Household.objects.filter(pk__in=household_ids)) if household_ids else None
    return generate_document(doc_type, actor=actor, household=household, households=households,
                             **(options or {})).pk
