import datetime
from decimal import Decimal

import pytest

from aftercare import figures, risks
from aftercare.employment import record_employment
from aftercare.income import record_income
from aftercare.models import Risk, RiskStep
from aftercare.support import confirm_continuity
from tests.conftest import make_official
from workflows.acting import NotPermitted, OutOfScope, Refused

ITEMS = ("minimum_living", "pension", "medical", "hukou", "schooling")


def all_confirmed(household, officer):
    for item in ITEMS:
        confirm_continuity(actor=officer, household=household, item=item, state="transferred",
                           done_on=datetime.date(2026, 1, 10), confirmed_by="县人社局 吴敏")


def income(household, officer, quarter, wage, signed):
    record_income(actor=officer, household=household, year=2026, quarter=quarter, values={
        "wage": wage, "head_signed_on": signed})


def rules(household, today):
    return [rule for rule, _ in risks.rule_hits(household, today)]


def test_income_exactly_at_the_line_raises_nothing_and_a_cent_under_does(family, officer, settings):
    settings.AFTERCARE_MONITORING_LINE = "6000"
    household = family["household"]
    all_confirmed(household, officer)
    income(household, officer, 1, "4500.00", "2026-03-31")  # 3 persons × 6000 / 4
    assert rules(household, datetime.date(2026, 4, 10)) == []
    income(household, officer, 1, "4499.99", "2026-03-31")  # a correction: version 2
    assert rules(household, datetime.date(2026, 4, 10)) == ["below_line"]


def unemployed(member, officer, month, reason="求职中"):
    record_employment(actor=officer, member=member, month=month, status="none", note=reason)


@pytest.mark.parametrize("today, raised", [(datetime.date(2026, 6, 30), False), (datetime.date(2026, 7, 1), True)])
def test_six_months_without_a_job(family, officer, settings, today, raised):
    """Employed in December, without work from January: July is the 6th month after, June the 5th."""
    settings.AFTERCARE_NO_JOB_MONTHS = 6
    head = family["head"]
    record_employment(actor=officer, member=head, month=datetime.date(2025, 12, 1), status="flexible",
                      place="in_county", months=3, monthly_income=Decimal("1800"), channel="self",
                      start_date=datetime.date(2025, 10, 1))
    unemployed(head, officer, datetime.date(2026, 1, 1))
    unemployed(head, officer, datetime.date(2026, 3, 1))
    assert ("no_job" in [r for r, _ in risks.rule_hits(family["household"], today)]) is raised
    assert risks.months_without_job(list(head.employment_records.all()), today) == (6 if raised else 5)


def test_a_quarter_not_filled_in_and_a_continuity_item_missing(family, officer):
    household = family["household"]
    found = dict(risks.rule_hits(household, datetime.date(2026, 4, 10)))
    assert found["quarter_missing"] == "2026年第一季度收入监测表未填报。"
    assert found["continuity_missing"] == "接续事项未确认：低保、养老保险、医疗保险、户籍迁移、子女就学。"


def test_a_scan_raises_once_per_rule(family, officer):
    household = family["household"]
    raised = risks.scan_household(household, datetime.date(2026, 4, 10))
    assert sorted(r.rule for r in raised) == ["continuity_missing", "quarter_missing"]
    assert risks.scan_household(household, datetime.date(2026, 4, 11)) == []
    assert Risk.objects.count() == 2 and RiskStep.objects.filter(action="raise").count() == 2


def test_a_risk_is_worked_and_closed_by_the_township(family, officer, cast, areas):
    household = family["household"]
    risk = risks.scan_household(household, datetime.date(2026, 4, 10))[0]
    with pytest.raises(Refused) as refused:
        risks.request_close(risk.pk, actor=officer, text="已补填")
    assert refused.value.codes == ["no_measure"]
    with pytest.raises(OutOfScope):
        risks.add_measure(risk.pk, actor=cast["other_reviewer"], text="x")
    risks.add_measure(risk.pk, actor=officer, text="入户指导填报，协调县医保局办理接续")
    risks.request_close(risk.pk, actor=officer, text="已补填并确认")
    with pytest.raises(NotPermitted):
        risks.decide_close(risk.pk, actor=officer, approve=True, text="同意")  # a reviewer, not the leader
    leader = cast["leader"]
    risks.decide_close(risk.pk, actor=leader, approve=False, text="接续事项仍未全部确认")
    assert Risk.objects.get(pk=risk.pk).status == "open"
    risks.request_close(risk.pk, actor=officer, text="已全部确认")
    closed = risks.decide_close(risk.pk, actor=leader, approve=True, text="同意风险消除")
    assert closed.status == "closed" and Risk.objects.get(pk=risk.pk).closed_at is not None
    assert [s.action for s in risk.steps.all()] == ["raise", "measure", "request_close", "send_back",
                                                    "request_close", "approve_close"]


def test_the_leader_cannot_approve_a_closing_they_asked_for(family, cast):
    leader = cast["leader"]  # a township leader also works cases (RECORDING_ROLES)
    risk = risks.raise_manually(actor=leader, household=family["household"], risk_type="01", detail="户主患大病住院")
    risks.add_measure(risk.pk, actor=leader, text="落实大病救助")
    risks.request_close(risk.pk, actor=leader, text="已出院")
    with pytest.raises(NotPermitted) as refused:
        risks.decide_close(risk.pk, actor=leader, approve=True, text="同意")
    assert refused.value.codes == ["own_request"]


def test_the_households_cadre_may_add_measures(family, officer, areas):
    cadre = make_official("cadre", "role_village_head", areas["village_a"])
    type(family["household"]).objects.filter(pk=family["household"].pk).update(responsible_cadre=cadre)
    risk = risks.raise_manually(actor=officer, household=family["household"], risk_type="02", detail="暴雨致承包地受灾")
    risks.add_measure(risk.pk, actor=cadre, text="申请农业保险理赔")
    assert risk.steps.count() == 2


def test_counts_per_township_and_site(family, officer):
    risks.scan_household(family["household"], datetime.date(2026, 4, 10))
    found = figures.risks("520999")
    assert found["open"] == 2 and found["households"] == 1
    assert found["by_township"] == [{"code": "520999101000", "name": "城关镇", "open": 2, "households": 1}]
