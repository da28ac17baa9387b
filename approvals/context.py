"""The inbox badge of the navigation: a bounded count of the user's scoped queue and inbox,
computed only when a page shows it (never viewflow's unscoped badge)."""

from django.utils.functional import SimpleLazyObject


def _badge(user):
    from . import queue

    if not (user.is_authenticated and queue.scope_q(user) != queue.NOTHING):
        return None
    return queue.bounded_count(queue.queue(user) | queue.inbox(user))


def inbox_badge(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"inbox_badge": SimpleLazyObject(lambda: _badge(user))}
