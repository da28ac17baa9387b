"""The password-spraying guard: many usernames tried from one address.

axes locks a username+address pair after AXES_FAILURE_LIMIT failures; a sprayer tries one or two
passwords on many usernames and never reaches that. Here an address whose failures in the last
ACCOUNTS_SPRAY_WINDOW_MINUTES name ACCOUNTS_SPRAY_USERNAME_LIMIT distinct usernames or more is
refused sign-in altogether until its failures age out of the window. It reads axes' own records
of failures (AccessAttempt, kept in the database, so every server process sees the same count).
"""

from datetime import timedelta

from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone


def address_of(request) -> str | None:
    return get_client_ip_address(request)


def usernames_failed_from(address: str | None) -> int:
    if not address:
        return 0
    since = timezone.now() - timedelta(minutes=settings.ACCOUNTS_SPRAY_WINDOW_MINUTES)
    return (AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since)
            .values("username").distinct().count())


def address_blocked(request) -> bool:
    limit = settings.ACCOUNTS_SPRAY_USERNAME_LIMIT
    return bool(limit) and usernames_failed_from(address_of(request)) >= limit
