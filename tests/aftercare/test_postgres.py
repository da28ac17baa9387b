"""What only PostgreSQL shows: the database itself refuses rewriting the ledgers (write-once
triggers), and two scans of one household at once raise one risk per rule (row lock, constraint)."""

import datetime
import threading

import pytest
from django.db import connection, connections, transaction

from aftercare import risks
from aftercare.employment import record_employment
from aftercare.income import record_income
from aftercare.models import Risk

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize("table, column", [("aftercare_employmentrecord", "employer"),
                                           ("aftercare_incomereport", "wage")])
def test_the_database_refuses_rewriting_a_ledger_row(family, officer, table, column):
    record_employment(actor=officer, member=family["head"], month=datetime.date(2026, 3, 1), status="none",
                      note="求职中")
    record_income(actor=officer, household=family["household"], year=2026, quarter=1,
                  values={"wage": "100", "head_signed_on": "2026-03-31"})
    value = "'x'" if column == "employer" else "1"
    with pytest.raises(Exception, match="write_once|Cannot"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET {column} = {value}")  # noqa: S608  (constant names)


@pytest.mark.django_db(transaction=True)
def test_two_scans_at_once_raise_each_rule_once(family):
    household = family["household"]
    barrier = threading.Barrier(4)
    errors = []

    def scan():
        try:
            barrier.wait()
            risks.scan_household(household, datetime.date(2026, 4, 10))
        except Exception as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=scan) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(Risk.objects.filter(household=household).values_list("rule", flat=True)) == [
        "continuity_missing", "quarter_missing"]
