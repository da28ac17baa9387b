"""Open processes survive the re-cut of workflows/ into lifecycle packages: viewflow stores each
process's flow class and each task's node as a path ("workflows/flows.ApprovalFlow…"), and
migration 0004 rewrites the stored paths to the flows' new modules (and back)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from registry.models import HouseholdStage as S
from tests.factories import SiteFactory
from tests.workflows.test_walk import approve, stage_of, walk_to_approval
from workflows import worklist

BEFORE, AFTER = ("workflows", "0003_site_lifecycle"), ("workflows", "0004_flow_paths_recut")


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


def migrate_to_latest():
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture(autouse=True)
def latest_schema_after():
    """The tests step the schema back; the later migrations (columns the code reads) come back after."""
    yield
    migrate_to_latest()


def stored_paths():
    """The stored strings themselves (the model fields import them, and an old path fails there)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT flow_class FROM viewflow_process")
        classes = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT flow_task FROM viewflow_task")
        return classes, {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db(transaction=True)
def test_a_process_opened_under_the_old_path_continues_after_the_migration(officials, give, areas, household):
    walk_to_approval(household, officials, give, areas)

    migrate(BEFORE)  # the database as it was before the re-cut: paths of workflows/flows.py
    classes, nodes = stored_paths()
    assert "workflows/flows.ApprovalFlow" in classes
    assert "workflows/flows.ApprovalFlow.township_review" in nodes
    assert not any(".households." in p or ".sites." in p for p in classes | nodes)

    migrate(AFTER)
    classes, nodes = stored_paths()
    assert "workflows/households.flows.ApprovalFlow" in classes
    assert "workflows/households.flows.ApprovalFlow.township_review" in nodes
    assert not any(p.startswith(("workflows/flows.", "workflows/site_flows.")) for p in classes | nodes)

    # The open task is found again and the case continues to its next step (on today's schema).
    migrate_to_latest()
    [task] = [t for t in worklist.open_tasks_of(household) if t.flow_task.name == "township_review"]
    give(household, "household_survey")
    approve(household, "township_review", officials["reviewer"])
    task.refresh_from_db()
    assert task.status == "DONE"
    [following] = [t.flow_task.name for t in worklist.open_tasks_of(household)]
    assert following == "county_approval"
    assert stage_of(household) == S.APPROVAL


@pytest.mark.django_db(transaction=True)
def test_site_flow_paths_are_rewritten_too(officials, areas):
    SiteFactory(area=areas["county"])  # a registered site opens its 选址规划 flow
    migrate(BEFORE)
    classes, _ = stored_paths()
    assert any(p.startswith("workflows/site_flows.") for p in classes)
    migrate(AFTER)
    classes, nodes = stored_paths()
    assert any(p.startswith("workflows/sites.flows.") for p in classes)
    assert not any(p.startswith("workflows/site_flows.") for p in classes | nodes)
