"""Two officials confirm the same list at the same moment (two batches of one file): each household
is stored once — the second finds the persons in an active case (one person, one active case) or
the plan changed, and stores nothing for them. PostgreSQL: SQLite serialises whole transactions."""

import io
import threading

import pytest
from django.db import connection

from intake import checking, committing
from intake.models import ImportBatch
from registry.models import Household, Member
from tests.factories import make_id_number
from tests.intake.workbooks import national, person

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_same_list_confirmed_twice_at_once_stores_each_household_once(areas, cast):
    office = cast["county_office"]
    data = national([[person(f"户主{n}", "户主", id_number=make_id_number("520121", f"19{60 + n}0101", n))]
                     for n in range(8)]).getvalue()
    batches = []
    for _ in range(2):
        result = checking.check(io.BytesIO(data), user=office, area=areas["county"])
        batches.append(ImportBatch.objects.create(
            area=areas["county"], created_by=office, confirmed_by=office, file_name="x.xlsx", stored_name="-",
            sha256="-", report=result.report(), status=ImportBatch.Status.COMMITTING))
    outcomes, errors = [], []
    barrier = threading.Barrier(2)

    def run(batch):
        try:
            barrier.wait()
            outcomes.append(committing.commit(batch, io.BytesIO(data), user=office))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(b,)) for b in batches]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Household.objects.count() == 8 and Member.objects.count() == 8
    assert sum(o.created for o in outcomes) == 8
    assert sum(o.rejected for o in outcomes) == 8
