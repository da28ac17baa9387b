"""Ten reviewers claiming the same task at the same moment: one holds it, nine are told who
does; one audit event (PostgreSQL: the household row lock serialises them)."""

import threading

import pytest
from django.db import connection

from workflows import worklist, claims
from audit.models import AuditEvent
from tests.conftest import make_official
from tests.factories import HouseholdFactory
from workflows.households.flows import ApprovalFlow
from workflows.acting import AlreadyHandled


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_reviewers_claiming_one_task_at_once_leave_one_holder(areas):
    reviewers = [make_official(f"reviewer{i}", "role_township_reviewer", areas["town"]) for i in range(10)]
    ApprovalFlow.start.run(household=HouseholdFactory(village=areas["village_a"]))
    task = worklist.queue(reviewers[0]).get()
    barrier = threading.Barrier(len(reviewers))
    results = []

    def attempt(user):
        try:
            barrier.wait()
            claims.claim(task.pk, actor=user)
            results.append("ok")
        except AlreadyHandled:
            results.append("already")
        except Exception as exc:  # pragma: no cover - shown in the assertion
            results.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(u,)) for u in reviewers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["already"] * 9 + ["ok"]
    task.refresh_from_db()
    assert task.owner in reviewers
    [event] = AuditEvent.objects.filter(action="task.claim")
    assert event.actor_username == task.owner.username
