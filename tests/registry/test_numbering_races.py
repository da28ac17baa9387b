"""Household numbers under concurrency (PostgreSQL row locks): clerks of one village saving at the
same moment through the entry page get distinct, consecutive numbers; refused entries use none."""

import pytest
from django.test import Client
from django.urls import reverse

from registry.models import Household
from tests.registry.test_admin_households import member_row, person
from tests.registry.test_entry import entry_post
from tests.registry.test_site_capacity_races import at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
N = 8


def test_concurrent_entries_get_consecutive_numbers_and_refused_ones_leave_no_gap(cast, areas):
    village = areas["village_a"]
    clients = []
    for _ in range(N):
        client = Client()
        client.force_login(cast["clerk_a"])
        clients.append(client)
    # Every third entry breaks the floor-area rule: refused after its number would have been drawn.
    bodies = [entry_post(village, [member_row(f"户主{i}", person(100 + i), "head")],
                         planned_floor_area="26.00" if i % 3 == 0 else "25.00") for i in range(N)]
    results = at_once([lambda c=c, b=b: c.post(reverse("household_create"), b).status_code for c, b in zip(clients, bodies)])
    saved = sum(1 for r in results if r == 302)
    assert results.count(200) == N - saved
    assert saved == N - len(range(0, N, 3))
    numbers = sorted(Household.objects.values_list("number", flat=True))
    assert numbers == [f"{village.code}{i:04d}" for i in range(1, saved + 1)]
