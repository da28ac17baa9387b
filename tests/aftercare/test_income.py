import datetime
from decimal import Decimal

import pytest

from aftercare.income import BatchRefused, IncomeRow, record_batch, record_income, year_summary
from aftercare.models import IncomeReport
from audit.models import AuditEvent
from tests.aftercare.conftest import moved_in
from tests.factories import HouseholdFactory
from workflows.acting import OutOfScope, Refused

YEAR = 2026


def values(**over):
    return {"wage": "3000", "public_post": "0", "business_gross": "800", "business_cost": "200",
            "property_income": "150", "transfer": "250", "head_signed_on": "2026-03-31", **over}


def test_a_quarter_gives_ytd_and_per_capita_income(family, officer):
    report = record_income(actor=officer, household=family["household"], year=YEAR, quarter=1, values=values())
    assert report.net == Decimal("4000.00") and report.persons == 3
    record_income(actor=officer, household=family["household"], year=YEAR, quarter=2,
                  values=values(wage="2600", head_signed_on="2026-06-30"))
    summary = year_summary(family["household"], YEAR)
    q2 = summary["quarters"][1]
    assert q2["ytd_net"] == Decimal("7600.00") and q2["per_capita"] == Decimal("2533.33")
    assert q2["line"] == Decimal("3000.00") and q2["below_line"] is True
    event = AuditEvent.objects.filter(action="aftercare.income").latest("id")
    assert event.data["ytd_net"] == "7600.00" and event.data["below_line"] is True


@pytest.mark.parametrize("wage, below", [("4500.00", False), ("4499.99", True)])
def test_the_line_at_its_boundary(family, officer, settings, wage, below):
    """Line 6000 a year → 1500 per person after Q1; 3 persons × 1500 = 4500: exactly at the line is not below."""
    settings.AFTERCARE_MONITORING_LINE = "6000"
    record_income(actor=officer, household=family["household"], year=YEAR, quarter=1,
                  values=values(wage=wage, business_gross="0", business_cost="0", property_income="0", transfer="0"))
    summary = year_summary(family["household"], YEAR)
    assert summary["below_line"] is below


def test_a_correction_is_a_new_version_and_the_first_is_kept(family, officer):
    record_income(actor=officer, household=family["household"], year=YEAR, quarter=1, values=values())
    record_income(actor=officer, household=family["household"], year=YEAR, quarter=1, values=values(wage="3100"))
    assert list(IncomeReport.objects.values_list("version", "wage")) == [(2, Decimal("3100.00")),
                                                                        (1, Decimal("3000.00"))]
    assert year_summary(family["household"], YEAR)["quarters"][0]["ytd_net"] == Decimal("4100.00")


@pytest.mark.parametrize("over, message", [
    ({"wage": "abc"}, "工资性收入“abc”不是金额"),
    ({"transfer": "-5"}, "转移性收入不能为负数"),
    ({"wage": "12.345"}, "最多保留两位小数"),
    ({"public_post": "3500"}, "其中公益岗位收入不能大于工资性收入"),
    ({"head_signed_on": ""}, "请填写户主签字日期"),
    ({"head_signed_on": "2025-12-31"}, "户主签字日期不能早于2026年第一季度开始"),
    ({"head_signed_on": "31/03/2026"}, "不是日期"),
])
def test_bad_values_are_refused_in_chinese(family, officer, over, message):
    with pytest.raises(Refused) as refused:
        record_income(actor=officer, household=family["household"], year=YEAR, quarter=1, values=values(**over))
    assert message in refused.value.message
    assert not IncomeReport.objects.exists()


def test_a_quarter_not_yet_begun_is_refused(family, officer):
    with pytest.raises(Refused) as refused:
        record_income(actor=officer, household=family["household"], year=2099, quarter=1, values=values())
    assert refused.value.codes == ["year"]


def test_one_bad_row_refuses_the_batch_and_nothing_is_stored(family, officer, areas):
    other = moved_in(HouseholdFactory(village=areas["village_a"]))
    not_moved = HouseholdFactory(village=areas["village_a"])
    rows = [IncomeRow(household=family["household"], raw=values(), label="第2行"),
            IncomeRow(household=other, raw=values(wage="x"), label="第3行"),
            IncomeRow(household=not_moved, raw=values(), label="第4行"),
            IncomeRow(household=family["household"], raw=values(), label="第5行")]
    with pytest.raises(BatchRefused) as refused:
        record_batch(actor=officer, year=YEAR, quarter=1, rows=rows)
    assert [r.label for r in refused.value.rows] == ["第3行", "第4行", "第5行"]
    assert "第5行：与第2行是同一户" in refused.value.message
    assert not IncomeReport.objects.exists()
    assert not AuditEvent.objects.filter(action="aftercare.income").exists()


def test_a_batch_with_good_rows_stores_them_all(family, officer, areas):
    other = moved_in(HouseholdFactory(village=areas["village_a"]))
    stored = record_batch(actor=officer, year=YEAR, quarter=1, rows=[
        IncomeRow(household=family["household"], raw=values()), IncomeRow(household=other, raw=values())])
    assert [r.household_id for r in stored] == [family["household"].pk, other.pk]


def test_another_township_cannot_record(family, cast):
    with pytest.raises(OutOfScope):
        record_income(actor=cast["other_reviewer"], household=family["household"], year=YEAR, quarter=1,
                      values=values())
    assert not IncomeReport.objects.exists()


def test_quarters_owed(family, officer, monkeypatch):
    monkeypatch.setattr("aftercare.income.timezone.localdate", lambda: datetime.date(2026, 7, 1))
    record_income(actor=officer, household=family["household"], year=YEAR, quarter=1, values=values())
    assert year_summary(family["household"], YEAR)["missing"] == ["第二季度"]
