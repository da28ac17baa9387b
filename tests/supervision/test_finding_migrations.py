"""Migration 0006 turns Finding.household_id / site_id (plain integers) into foreign keys and keeps
every value."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import HouseholdFactory, SiteFactory

BEFORE = [("supervision", "0005_finding_responded_late")]
AFTER = [("supervision", "0006_finding_target_foreign_keys")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_integer_targets_become_foreign_keys_with_the_same_values(cast, areas):
    household = HouseholdFactory(village=areas["village_a"])
    site = SiteFactory(area=areas["town"])
    try:
        old = migrate(BEFORE)
        Finding = old.get_model("supervision", "Finding")
        common = {"category": "relocation", "description": "x", "responsible_role": "role_village_clerk",
                  "deadline": datetime.date(2026, 1, 1), "filed_by_id": cast["auditor"].pk}
        on_household = Finding.objects.create(area_code=household.area_code, responsible_area_code=household.area_code,
                                              household_id=household.pk, **common)
        on_site = Finding.objects.create(area_code=site.area_code, responsible_area_code=site.area_code,
                                         site_id=site.pk, **common)
        on_area = Finding.objects.create(area_code="520999101000", responsible_area_code="520999101000", **common)
        new = migrate(AFTER)
        Finding = new.get_model("supervision", "Finding")
        assert {f.pk: (f.household_id, f.site_id) for f in Finding.objects.all()} == {
            on_household.pk: (household.pk, None), on_site.pk: (None, site.pk), on_area.pk: (None, None)}
        assert Finding.objects.get(pk=on_household.pk).household.number == household.number
    finally:
        migrate(migrate_latest())


def migrate_latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()
