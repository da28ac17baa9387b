"""The lifecycle fixtures (officials, evidence) for the notifications tests, and a reader of notices."""

import pytest

from notifications.models import Notification
from tests.workflows.conftest import archive_root, give, household, officials  # noqa: F401  (fixtures)


def notices(kind=None, **filters):
    qs = Notification.objects.filter(**filters)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def who(kind, key_prefix=""):
    """{username: number of notices} of one kind (and key prefix)."""
    found = {}
    for n in notices(kind, key__startswith=key_prefix).select_related("user"):
        found[n.user.username] = found.get(n.user.username, 0) + 1
    return found


@pytest.fixture
def mailbox(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.core import mail

    return mail.outbox
