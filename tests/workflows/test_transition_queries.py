"""Issue 18 item 4: what each step of a household's lifecycle costs in queries on its real viewflow
process, the same whether the case's history is short or long (documents render after commit and
are not counted here; the test's own transaction adds a savepoint pair to each).

The target is 40 a step. The steps inside a stage meet it; the four that close a stage and open the
next (a new process, its tasks and their notices, two audit events, the render order) do not yet:
their budget is today's figure, so any growth fails here (docs/scaling.md, "A transition's queries")."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.log import record
from tests.factories import HouseholdFactory
from tests.workflows import test_walk
from workflows.households import service
from workflows.models import Opinion

LIMIT = 40
OVER_TARGET = {"county_approval": 52, "start_record": 73, "housing_acceptance": 67, "move_in_confirmation": 52}


def counted_walk(monkeypatch, household, officials, give, areas):
    """Walk 申报 → 后扶 with each service.decide call counted: {step: queries}."""
    counts = {}
    decide = service.decide

    def counting(pk, *, step, **kwargs):
        with CaptureQueriesContext(connection) as queries:
            outcome = decide(pk, step=step, **kwargs)
        counts[step] = len(queries)
        return outcome

    monkeypatch.setattr(service, "decide", counting)
    test_walk.walk_to_approval(household, officials, give, areas)
    test_walk.walk_from_approval(household, officials, give)
    return counts


def test_every_step_costs_at_most_forty_queries_whatever_the_history(monkeypatch, officials, give, areas):
    warm = HouseholdFactory(village=areas["village_a"])
    counted_walk(monkeypatch, warm, officials, give, areas)  # content types, permissions, flow caches
    short = counted_walk(monkeypatch, HouseholdFactory(village=areas["village_a"]), officials, give, areas)

    long_case = HouseholdFactory(village=areas["village_a"])
    for i in range(50):
        record(officials["clerk_a"], "household.note", long_case, {"i": i})
        Opinion.objects.create(household=long_case, stage="apply", round=0, step="note", decision="approve",
                               actor=officials["clerk_a"])
    long = counted_walk(monkeypatch, long_case, officials, give, areas)
    print("\nqueries per step (history 1 / 50):", {s: (short[s], long[s]) for s in short})
    assert short == long
    over = {step: n for step, n in short.items() if n > OVER_TARGET.get(step, LIMIT)}
    assert not over, over
