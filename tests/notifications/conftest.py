"""The lifecycle fixtures (officials, evidence) for the notifications tests, and a reader of notices."""

import datetime

import pytest
from django.utils import timezone

from notifications.models import Notification
from tests.workflows.conftest import archive_root, days_ago, give, household, officials, upload  # noqa: F401
from tests.workflows.test_walk import approve
from workflows.households import batches


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


def put_on_notice(household, officials, give, areas):
    """申报 approved, 评议 passed, and a 公示 of village A running from yesterday for a week: the batch."""
    give(household, "hukou_scan", "current_house_photo", "signed_application")
    approve(household, "submit_application", officials["clerk_a"])
    batches.record_review_meeting(
        village=areas["village_a"], actor=officials["head_a"], held_on=days_ago(2), place="村委会",
        expected_members=30, present_members=21, votes=[batches.Vote(household.pk, agree=18, against=2, abstain=1)],
        files={"meeting_minutes_scan": upload("m.png"), "sign_in_sheet": upload("s.png")})
    return batches.create_notice_batch(village=areas["village_a"], actor=officials["clerk_a"],
                                       household_ids=[household.pk], posted_on=days_ago(1),
                                       ends_on=timezone.localdate() + datetime.timedelta(days=6),
                                       posted_at="村委会公示栏")
