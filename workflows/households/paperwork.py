"""The documents the lifecycle leaves behind, generated through the documents engine once the
move that calls for them has committed (docs/architecture.md decision 4: a failed render never undoes an
approved step; it is retried from the household page).

Each document owed is first written as an outbox row (documents.RenderOrder, workflows/outbox.py)
in the move's own transaction, so a process that dies between the commit and the render leaves it
owed, shown on the case page and rendered by the periodic drain or `manage.py render_pending`."""

import logging

from celery import shared_task

from audit.log import record
from registry.models import Household
from workflows import outbox
from workflows.households import stages
from workflows.households.rendering import render_lifecycle_document
from workflows.urlconf import ensure_urlconf

log = logging.getLogger(__name__)

# Generated for a village batch by the batch services, not per household on leaving a stage.
BATCH_DOCUMENTS = {"review_record", "public_notice", "notice_result"}


def after_leaving(household, stage_code: str, actor) -> None:
    kinds = [k for k in stages.STAGES[stage_code].documents if k not in BATCH_DOCUMENTS]
    if kinds:
        household_id, actor_id = household.pk, getattr(actor, "pk", None)
        _owe(kinds, actor_id, household_ids=[household_id], single=True)


def after_review_meeting(meeting, actor) -> None:
    ids = list(meeting.votes.values_list("household_id", flat=True))
    _owe(["review_record"], actor.pk, household_ids=ids, meeting_id=meeting.pk)


def after_notice_posted(batch, actor) -> None:
    ids = list(batch.households.values_list("pk", flat=True))
    _owe(["public_notice"], actor.pk, household_ids=ids, start_date=batch.posted_on.isoformat(),
         days=(batch.ends_on - batch.posted_on).days + 1)


def after_notice_closed(batch) -> None:
    ids = list(batch.households.values_list("pk", flat=True))
    _owe(["notice_result"], None, household_ids=ids, batch_id=batch.pk)


def _owe(kinds, actor_id, *, household_ids, single=False, **options):
    """The outbox rows, in the move's transaction; after commit Celery renders them: a worker when
    REDIS_URL is set, inline (eager) otherwise."""
    outbox.owe_household(list(kinds), actor_id, list(household_ids), single=single, options=options,
                         dispatch=lambda ids: render_lifecycle_documents.delay(list(kinds), actor_id,
                                                                                list(household_ids), single,
                                                                                options, order_ids=ids))


# The task's name is what the broker stores: it stays the same wherever the function lives.
@shared_task(name="workflows.tasks.render_lifecycle_documents")
def render_lifecycle_documents(kinds, actor_id, household_ids, single, options, order_ids=None):
    """The documents a committed lifecycle move calls for, in a worker (or inline when eager): the
    outbox rows `order_ids` (messages queued before the outbox: rendered directly)."""
    ensure_urlconf()
    if order_ids is not None:
        return outbox.drain(ids=order_ids)
    render_now(kinds, actor_id, household_ids, single, options)


def render_now(kinds, actor_id, household_ids, single, options):
    for kind in kinds:
        try:
            render_lifecycle_document(kind, actor_id=actor_id, household_ids=household_ids, single=single, **options)
        except Exception as exc:  # the step stands; the failure is recorded and shown for a retry
            log.exception("lifecycle document %s for households %s failed", kind, household_ids)
            _record_failure(kind, household_ids, exc)


def _record_failure(kind, household_ids, exc):
    for household in Household.objects.filter(pk__in=household_ids):
        record(None, "document.render_failed", household, {"doc_type": kind, "error": repr(exc)[:500]})
