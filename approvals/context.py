"""The inbox badge of the navigation: a bounded count of the user's scoped queue and inbox,
computed only when a page shows it (never viewflow's unscoped badge); beside it, the open
督查问题 the user's posts must rectify (one bounded COUNT, none for users holding no such post)."""

from django.utils.functional import SimpleLazyObject

from supervision.findings import awaiting_response_count
from workflows import worklist


def _badge(user):
    if not (user.is_authenticated and worklist.scope_q(user) != worklist.NOTHING):
        return None
    return worklist.bounded_count(worklist.queue(user, counting=True) | worklist.inbox(user, counting=True))


def _findings_badge(user):
    if not user.is_authenticated:
        return None
    n = awaiting_response_count(user, worklist.cap())
    return None if n is None else worklist.Bounded(min(n, worklist.cap()), n > worklist.cap())


def inbox_badge(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"inbox_badge": SimpleLazyObject(lambda: _badge(user)),
            "findings_badge": SimpleLazyObject(lambda: _findings_badge(user))}
