"""Real concurrency (PostgreSQL row locks): simultaneous requests for one step leave one
opinion; simultaneous retries with one Idempotency-Key act once and all get the first answer."""

import threading

import pytest
from django.db import connection

from tests.api.helpers import transition
from workflows.models import Opinion

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
APPLICATION = ("hukou_scan", "current_house_photo", "signed_application")


def at_once(n, call):
    barrier, results = threading.Barrier(n), [None] * n

    def run(i):
        try:
            barrier.wait()
            results[i] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_four_simultaneous_submissions_leave_one_opinion_and_three_409(cast, household, give, as_user):
    give(household, *APPLICATION)
    client = as_user(cast["clerk_a"])
    responses = at_once(4, lambda: transition(client, household.pk, "submit_application"))
    assert sorted(r.status_code for r in responses) == [200, 409, 409, 409]
    assert all(r.json()["code"] == "already_handled" for r in responses if r.status_code == 409)
    assert Opinion.objects.filter(household=household).count() == 1


def test_simultaneous_retries_with_one_key_act_once(cast, household, give, as_user):
    give(household, *APPLICATION)
    client = as_user(cast["clerk_a"])
    responses = at_once(4, lambda: transition(client, household.pk, "submit_application",
                                              HTTP_IDEMPOTENCY_KEY="retry-storm"))
    assert [r.status_code for r in responses] == [200, 200, 200, 200]
    assert all(r.json() == responses[0].json() for r in responses)
    assert Opinion.objects.filter(household=household).count() == 1
