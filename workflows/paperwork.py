"""The documents the lifecycle leaves behind, generated through the documents engine once the
move that calls for them has committed (DESIGN.md decision 4: a failed render never undoes an
approved step; it is retried from the household page)."""

import logging

from django.db import transaction

from . import stages

log = logging.getLogger(__name__)

# Generated for a village batch by the batch services, not per household on leaving a stage.
BATCH_DOCUMENTS = {"review_record", "public_notice", "notice_result"}


def after_leaving(household, stage_code: str, actor) -> None:
    kinds = [k for k in stages.STAGES[stage_code].documents if k not in BATCH_DOCUMENTS]
    if kinds:
        household_id, actor_id = household.pk, getattr(actor, "pk", None)
        transaction.on_commit(lambda: _render_each(kinds, actor_id, household_ids=[household_id], single=True))


def after_review_meeting(meeting, actor) -> None:
    ids = list(meeting.votes.values_list("household_id", flat=True))
    transaction.on_commit(lambda: _render_each(["review_record"], actor.pk, household_ids=ids,
                                               meeting_id=meeting.pk))


def after_notice_posted(batch, actor) -> None:
    ids = list(batch.households.values_list("pk", flat=True))
    transaction.on_commit(lambda: _render_each(["public_notice"], actor.pk, household_ids=ids,
                                               start_date=batch.posted_on.isoformat(),
                                               days=(batch.ends_on - batch.posted_on).days + 1))


def after_notice_closed(batch) -> None:
    ids = list(batch.households.values_list("pk", flat=True))
    transaction.on_commit(lambda: _render_each(["notice_result"], None, household_ids=ids, batch_id=batch.pk))


def _render_each(kinds, actor_id, *, household_ids, single=False, **options):
    from .documents import render_lifecycle_document

    for kind in kinds:
        try:
            render_lifecycle_document(kind, actor_id=actor_id, household_ids=household_ids, single=single, **options)
        except Exception:  # the step stands; the missing document shows on the completeness report
            log.exception("lifecycle document %s for households %s failed", kind, household_ids)
