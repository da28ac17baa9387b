"""The inbox badge of the navigation: a bounded count of the user's scoped queue and inbox,
computed only when a page shows it (never viewflow's unscoped badge); beside it, the open
督查问题 the user's posts must rectify (one bounded COUNT, none for users holding no such post)."""

from django.utils.functional import SimpleLazyObject


def _badge(user):
    from . import queue

    if not (user.is_authenticated and queue.scope_q(user) != queue.NOTHING):
        return None
    return queue.bounded_count(queue.queue(user) | queue.inbox(user))


def _findings_badge(user):
    from supervision.findings import awaiting_response_count

    from . import queue

    if not user.is_authenticated:
        return None
    n = awaiting_response_count(user, queue.cap())
    return None if n is None else queue.Bounded(min(n, queue.cap()), n > queue.cap())


def inbox_badge(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"inbox_badge": SimpleLazyObject(lambda: _badge(user)),
            "findings_badge": SimpleLazyObject(lambda: _findings_badge(user))}
