"""Rendering the documents a committed move owes (issue 15 item 2), from the outbox rows
(documents.RenderOrder) written in the move's own transaction.

- `owe_household(...)` / `owe_site(...)`: called by the lifecycles' paperwork inside the move's
  transaction; the rows commit or vanish with the move. After commit the new rows are handed to
  the Celery task `workflows.tasks.render_owed` (a worker when REDIS_URL is set, inline otherwise).
- `drain(...)`: renders due rows, each under its row lock (SKIP LOCKED: a worker and the periodic
  job never render one row twice); a failure is recorded (`document.render_failed`), the row stays
  owed and is retried with back-off (1, 2, 4 … minutes, at most an hour) until
  `DOCUMENTS_RENDER_MAX_ATTEMPTS`, then it is failed and waits for 重新生成.
- `regenerate(order, actor)`: 重新生成 of an owed or failed row, now.
- The periodic job (`workflows.tasks.render_pending`, Celery beat) and `manage.py render_pending`
  drain whatever is due — what a process killed between the commit and the render left behind.
"""

import contextlib
import contextvars
import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.log import record
from documents.models import RenderOrder
from registry.models import Household
from workflows.households.rendering import render_lifecycle_document
from workflows.sites.document_types import render_site_document
from workflows.urlconf import ensure_urlconf

log = logging.getLogger(__name__)
S = RenderOrder.Status
_later = contextvars.ContextVar("documents_later", default=False)


@contextlib.contextmanager
def documents_later():
    """Within it, owed documents are written as outbox rows but not rendered after commit: the
    demo's first start (`seed_* --documents-later`) serves pages at once and `render_pending`,
    started beside the server, renders them (scripts/run.sh)."""
    token = _later.set(True)
    try:
        yield
    finally:
        _later.reset(token)


def max_attempts() -> int:
    return getattr(settings, "DOCUMENTS_RENDER_MAX_ATTEMPTS", 5)


def backoff(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def owe_household(kinds, actor_id, household_ids, *, single, options=None, dispatch=None) -> list[int]:
    """One row per document, in the caller's transaction; after it commits, `dispatch(ids)` hands
    them to a renderer (by default the task `render_owed`)."""
    household_ids = list(household_ids)
    if not household_ids:
        return []
    households = dict(Household.objects.filter(pk__in=household_ids).values_list("pk", "area_code"))
    orders = []
    for kind in kinds:
        if single:
            for pk in household_ids:
                orders.append(RenderOrder(lifecycle=RenderOrder.Lifecycle.HOUSEHOLD, doc_type=kind,
                                          area_code=households.get(pk, ""), household_id=pk, household_ids=[pk],
                                          single=True, options=options or {}, actor_id=actor_id))
        else:
            first = household_ids[0]
            orders.append(RenderOrder(lifecycle=RenderOrder.Lifecycle.HOUSEHOLD, doc_type=kind,
                                      area_code=households.get(first, ""), household_id=first,
                                      household_ids=household_ids, single=False, options=options or {},
                                      actor_id=actor_id))
    return _schedule(orders, dispatch)


def owe_site(kinds, actor_id, site, *, options_for) -> list[int]:
    orders = [RenderOrder(lifecycle=RenderOrder.Lifecycle.SITE, doc_type=kind, area_code=site.area_code,
                          site_id=site.pk, options=options_for(kind), actor_id=actor_id) for kind in kinds]
    return _schedule(orders)


def _schedule(orders, dispatch=None) -> list[int]:
    ids = [o.pk for o in RenderOrder.objects.bulk_create(orders)] if orders else []
    if ids and not _later.get():
        send = dispatch or render_owed.delay
        transaction.on_commit(lambda: send(ids))
    return ids


def _render(order: RenderOrder):
    if order.lifecycle == RenderOrder.Lifecycle.SITE:
        return [render_site_document(order.doc_type, actor_id=order.actor_id, site_id=order.site_id, **order.options)]
    return render_lifecycle_document(order.doc_type, actor_id=order.actor_id, household_ids=order.household_ids,
                                     single=order.single, **order.options)


def render_one(order_id, *, force=False) -> RenderOrder | None:
    """Render one owed row under its lock; None when it is taken, done, or not yet due."""
    with transaction.atomic():
        order = (RenderOrder.objects.select_for_update(skip_locked=True)
                 .filter(pk=order_id).exclude(status=S.DONE).first())
        if order is None or (not force and (order.status != S.OWED or order.next_attempt_at > timezone.now())):
            return None
        try:
            with transaction.atomic():
                versions = _render(order)
        except Exception as exc:  # the step stands; the failure is recorded and retried
            log.exception("owed document %s (order %s) failed", order.doc_type, order.pk)
            order.attempts += 1
            order.last_error = repr(exc)[:2000]
            order.status = S.FAILED if order.attempts >= max_attempts() else S.OWED
            order.next_attempt_at = timezone.now() + backoff(order.attempts)
            order.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            target = order.site if order.site_id else order.household
            if target is not None:
                record(None, "document.render_failed", target, {"doc_type": order.doc_type, "order": order.pk,
                                                                 "attempts": order.attempts, "error": repr(exc)[:500]})
            return order
        order.attempts += 1
        order.status, order.done_at, order.last_error = S.DONE, timezone.now(), ""
        order.version_ids = [v.pk for v in versions if v is not None]
        order.save(update_fields=["attempts", "status", "done_at", "last_error", "version_ids"])
        return order


def drain(*, ids=None, limit: int | None = None) -> dict:
    """Render the due owed rows (or the given ones): {"done": n, "failed": n, "left": n}."""
    due = RenderOrder.objects.filter(status=S.OWED, next_attempt_at__lte=timezone.now())
    if ids is not None:
        due = due.filter(pk__in=list(ids))
    counts = {"done": 0, "failed": 0}
    for order_id in list(due.order_by("id").values_list("pk", flat=True)[:limit]):
        order = render_one(order_id)
        if order is not None:
            counts["done" if order.status == S.DONE else "failed"] += 1
    counts["left"] = RenderOrder.objects.exclude(status=S.DONE).count()
    return counts


def regenerate(order: RenderOrder, *, actor, request=None) -> RenderOrder | None:
    """重新生成: an owed or failed row rendered now, whatever its back-off."""
    with transaction.atomic():
        locked = RenderOrder.objects.select_for_update().filter(pk=order.pk).exclude(status=S.DONE).first()
        if locked is None:
            return None
        RenderOrder.objects.filter(pk=locked.pk).update(status=S.OWED, next_attempt_at=timezone.now())
        target = locked.site if locked.site_id else locked.household
        record(actor, "document.render_retry", target, {"doc_type": locked.doc_type, "order": locked.pk}, request)
    return render_one(order.pk, force=True)


def owed_for(*, household=None, site=None) -> list[RenderOrder]:
    """The documents still owed (or failed) for a case, for its page."""
    rows = RenderOrder.objects.exclude(status=S.DONE).order_by("id")
    if site is not None:
        return list(rows.filter(site=site))
    rows = rows.filter(lifecycle=RenderOrder.Lifecycle.HOUSEHOLD, area_code__startswith=household.area_code[:9])
    return [o for o in rows if household.pk in o.household_ids]


@shared_task(name="workflows.tasks.render_owed")
def render_owed(ids):
    """The rows a move just committed, in a worker (or inline when eager)."""
    ensure_urlconf()
    return drain(ids=ids)


@shared_task(name="workflows.tasks.render_pending")
def render_pending():
    """The periodic job: whatever is due (left by a killed process, or waiting for its retry)."""
    ensure_urlconf()
    return drain()
