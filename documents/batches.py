"""Batch rendering in the background, with progress its starter can watch."""

import os

from django.db import transaction
from django.utils import timezone

from registry.models import Household

from .models import RenderBatch
from .permissions import ADD_DOCUMENT, require
from .services import generate_document
from .tasks import render_batch
from .types import get_spec

# Per-household types only: a 公示 notice is one document for its whole batch.
BATCHABLE = ("application_form", "approval_form")


def start_batch(*, actor, doc_type: str, households) -> RenderBatch:
    get_spec(doc_type)
    if doc_type not in BATCHABLE:
        raise ValueError(f"{doc_type} is not rendered per household")
    households = list(households)
    for household in households:
        require(actor, ADD_DOCUMENT, household)
    codes = [h.area_code for h in households]
    batch = RenderBatch.objects.create(
        doc_type=doc_type,
        area_code=os.path.commonprefix(codes) if codes else "",
        household_ids=[h.pk for h in households],
        total=len(households),
        started_by=actor,
    )
    transaction.on_commit(lambda: render_batch.delay(batch.pk))
    return batch


def run_batch(batch_id: int) -> RenderBatch:
    """Render every document of the batch, one transaction each, saving progress after each
    one so that the starter's page shows it while the batch runs."""
    batch = RenderBatch.objects.select_related("started_by").get(pk=batch_id)
    if batch.status in (RenderBatch.Status.FINISHED, RenderBatch.Status.FAILED):
        return batch
    batch.status = RenderBatch.Status.RUNNING
    batch.save(update_fields=["status"])
    households = Household.objects.in_bulk(batch.household_ids)
    for household_id in batch.household_ids:
        household = households.get(household_id)
        try:
            if household is None:
                raise LookupError("搬迁户不存在")
            version = generate_document(batch.doc_type, actor=batch.started_by, household=household)
        except Exception as exc:  # one bad case must not stop the other 499
            batch.failed += 1
            batch.errors.append({"household": household_id, "error": _message(exc)})
        else:
            batch.done += 1
            batch.version_ids.append(version.pk)
        batch.save(update_fields=["done", "failed", "errors", "version_ids"])
    batch.status = RenderBatch.Status.FAILED if batch.failed else RenderBatch.Status.FINISHED
    batch.finished_at = timezone.now()
    batch.save(update_fields=["status", "finished_at"])
    return batch


def _message(exc: Exception) -> str:
    messages = getattr(exc, "messages", None)
    return "；".join(messages) if messages else (str(exc) or type(exc).__name__)[:300]
