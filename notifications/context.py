"""The bell of the header: the user's unread notices, one bounded COUNT, only when a page shows it."""

from django.utils.functional import SimpleLazyObject

from .service import unread_count

CAP = 99


class Unread:
    def __init__(self, n):
        self.value, self.more = min(n, CAP), n > CAP

    def __str__(self):
        return f"{self.value}+" if self.more else str(self.value)

    def __bool__(self):
        return self.value > 0


def bell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notice_unread": SimpleLazyObject(lambda: Unread(unread_count(user, CAP)))}
