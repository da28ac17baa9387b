"""Pages that only read may read from a PostgreSQL replica (DATABASE_REPLICA_URL): the router
sends reads there only inside such a request, never a write, never a read inside a transaction."""

import pytest
from django.db import transaction
from django.test import RequestFactory, override_settings

from ops.replica import ReplicaReadsMiddleware, ReplicaRouter, reading_from_replica

pytestmark = pytest.mark.django_db(transaction=True)



@pytest.fixture
def replica(monkeypatch):
    """As if DATABASE_REPLICA_URL were set (the router asks only whether the alias exists)."""
    monkeypatch.setattr("ops.replica.replica_configured", lambda: True)


def answer_of(path, method="GET"):
    seen = {}

    def view(request):
        seen["read"] = ReplicaRouter().db_for_read(None)
        seen["write"] = ReplicaRouter().db_for_write(None)
        return "ok"

    ReplicaReadsMiddleware(view)(getattr(RequestFactory(), method.lower())(path))
    return seen


def test_without_a_replica_every_read_goes_to_the_primary():
    with reading_from_replica():
        assert ReplicaRouter().db_for_read(None) is None


@override_settings(DATABASE_REPLICA_PATHS=["/supervision/log/"])
def test_a_listed_page_reads_from_the_replica_and_writes_to_the_primary(replica):
    assert answer_of("/supervision/log/?actor=x") == {"read": "replica", "write": "default"}


@override_settings(DATABASE_REPLICA_PATHS=["/supervision/log/"])
def test_other_pages_and_posts_read_from_the_primary(replica):
    assert answer_of("/work/")["read"] is None
    assert answer_of("/supervision/log/", method="POST")["read"] is None


def test_reads_inside_a_transaction_stay_on_the_primary(replica):
    with reading_from_replica():
        assert ReplicaRouter().db_for_read(None) == "replica"
        with transaction.atomic():
            assert ReplicaRouter().db_for_read(None) is None


def test_only_the_primary_is_migrated():
    assert ReplicaRouter().allow_migrate("default", "registry") and not ReplicaRouter().allow_migrate("replica", "registry")
