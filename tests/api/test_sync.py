"""`updated_since` sees every change of a case: its members (registry signal), its evidence
uploaded or withdrawn, and documents generated for it (documents' services), not only saves of
the household row."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from documents.evidence.services import withdraw_evidence
from documents.models import Evidence
from documents.services import generate_document
from registry.models import Household, Member
from tests.api.helpers import upload_evidence
from tests.factories import MemberFactory, make_id_number

URL = "/api/v1/households/"


def changed_since(client, since):
    r = client.get(URL, {"updated_since": since.isoformat()})
    assert r.status_code == 200, r.json()
    return sorted(h["id"] for h in r.json()["results"])


@pytest.fixture
def stale(household_a, household_b):
    """Both households last saved three days ago; `since` is one day ago."""
    Household.objects.update(updated_at=timezone.now() - datetime.timedelta(days=3))
    return timezone.now() - datetime.timedelta(days=1)


def test_nothing_changed_nothing_listed(cast, stale, as_user):
    assert changed_since(as_user(cast["reviewer"]), stale) == []


def test_a_member_added_changed_or_struck_out_lists_the_household(cast, household_a, stale, as_user):
    client = as_user(cast["reviewer"])
    member = MemberFactory(household=household_a, id_number=make_id_number(seq=77))
    assert changed_since(client, stale) == [household_a.pk]
    Household.objects.update(updated_at=timezone.now() - datetime.timedelta(days=3))
    member.name = "改名"
    member.save()
    assert changed_since(client, stale) == [household_a.pk]
    Household.objects.update(updated_at=timezone.now() - datetime.timedelta(days=3))
    Member.objects.get(pk=member.pk).delete()
    assert changed_since(client, stale) == [household_a.pk]


def test_a_member_write_moves_the_timestamp_with_one_update(household_a, stale):
    member = household_a.members.get()
    with CaptureQueriesContext(connection) as queries:
        member.save()
    touches = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "registry_household"')]
    assert len(touches) == 1 and "updated_at" in touches[0]


def test_evidence_uploaded_and_withdrawn_lists_the_household(cast, household_a, stale, as_user):
    client = as_user(cast["reviewer"])
    assert upload_evidence(as_user(cast["clerk_a"]), household_a.pk, "hukou_scan", "apply").status_code == 201
    assert changed_since(client, stale) == [household_a.pk]
    Household.objects.update(updated_at=timezone.now() - datetime.timedelta(days=3))
    withdraw_evidence(Evidence.objects.get(), actor=cast["clerk_a"], reason="扫描件不清晰")
    assert changed_since(client, stale) == [household_a.pk]


def test_a_generated_document_lists_the_household(cast, household_a, stale, as_user):
    generate_document("application_form", actor=cast["clerk_a"], household=household_a)
    assert changed_since(as_user(cast["reviewer"]), stale) == [household_a.pk]
