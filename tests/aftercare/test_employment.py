import datetime
from decimal import Decimal

import pytest

from aftercare import figures
from aftercare.employment import current_records, household_flags, record_employment, record_training
from aftercare.models import EmploymentRecord
from audit.models import AuditEvent
from documents.models.immutable import ImmutableRecordError
from registry.models import HouseholdStage
from tests.aftercare.conftest import moved_in
from tests.factories import HouseholdFactory
from workflows.acting import NotPermitted, OutOfScope, Refused

MARCH = datetime.date(2026, 3, 1)
APRIL = datetime.date(2026, 4, 1)


def job(**over):
    return {"month": MARCH, "status": "wage", "place": "in_province", "employer": "贵阳某电子厂", "post": "装配工",
            "months": 3, "monthly_income": Decimal("3200"), "channel": "organised",
            "start_date": datetime.date(2026, 1, 10), **over}


def test_a_month_is_recorded_and_the_next_month_adds_a_row(family, officer):
    head = family["head"]
    record_employment(actor=officer, member=head, **job())
    record_employment(actor=officer, member=head, **job(month=APRIL, status="none", place="", employer="", post="",
                                                        monthly_income=None, channel="", note="回家照料老人"))
    assert EmploymentRecord.objects.filter(member=head).count() == 2
    head.refresh_from_db()
    assert head.employment == "unemployed"
    assert current_records([head])[head.pk].month == APRIL
    events = AuditEvent.objects.filter(action="aftercare.employment", target_id=str(family["household"].pk))
    assert events.count() == 2


def test_history_is_never_overwritten(family, officer):
    entry = record_employment(actor=officer, member=family["head"], **job())
    entry.employer = "改过的单位"
    with pytest.raises(ImmutableRecordError):
        entry.save()
    with pytest.raises(ImmutableRecordError):
        EmploymentRecord.objects.filter(pk=entry.pk).update(employer="x")


def test_an_earlier_month_entered_late_leaves_the_current_state(family, officer):
    head = family["head"]
    record_employment(actor=officer, member=head, **job(month=APRIL, start_date=datetime.date(2026, 4, 2)))
    record_employment(actor=officer, member=head, **job(status="none", place="", employer="", post="",
                                                        monthly_income=None, channel="", months=0, note="求职中"))
    head.refresh_from_db()
    assert head.employment == "migrant"


@pytest.mark.parametrize("over, code", [
    ({"place": ""}, "place"),
    ({"channel": ""}, "channel"),
    ({"monthly_income": None}, "income_missing"),
    ({"monthly_income": Decimal("-1")}, "income"),
    ({"months": 13}, "months"),
    ({"start_date": None}, "start"),
    ({"start_date": datetime.date(2026, 4, 1)}, "start_late"),
    ({"end_date": datetime.date(2026, 2, 28)}, "ended"),
    ({"month": datetime.date(2026, 3, 5)}, "month"),
    ({"month": datetime.date(2099, 1, 1)}, "month_future"),
    ({"status": "none"}, "none_with_job"),
])
def test_bad_updates_are_refused_in_chinese_and_nothing_is_stored(family, officer, over, code):
    with pytest.raises(Refused) as refused:
        record_employment(actor=officer, member=family["head"], **job(**over))
    assert code in refused.value.codes
    assert all("\u4e00" <= v.message[0] <= "\u9fff" for v in refused.value.violations)
    assert not EmploymentRecord.objects.exists()
    assert not AuditEvent.objects.filter(action="aftercare.employment").exists()


def test_unemployed_needs_a_reason(family, officer):
    with pytest.raises(Refused) as refused:
        record_employment(actor=officer, member=family["head"], month=MARCH, status="none")
    assert refused.value.codes == ["reason"]


def test_a_member_without_labour_has_no_ledger(family, officer):
    with pytest.raises(Refused) as refused:
        record_employment(actor=officer, member=family["son"], **job())
    assert "no_labour" in refused.value.codes


def test_a_household_not_yet_moved_in_is_refused(family, officer):
    moved_in(family["household"], HouseholdStage.ACCEPTANCE)
    with pytest.raises(Refused) as refused:
        record_employment(actor=officer, member=family["head"], **job())
    assert refused.value.codes == ["not_moved_in"]


def test_another_township_gets_404_and_a_read_only_post_403(family, cast):
    with pytest.raises(OutOfScope):
        record_employment(actor=cast["other_reviewer"], member=family["head"], **job())
    with pytest.raises(NotPermitted):
        record_employment(actor=cast["auditor"], member=family["head"], **job())


def test_training_is_recorded_and_checked(family, officer):
    entry = record_training(actor=officer, member=family["wife"], project="家政服务员培训",
                            start_date=datetime.date(2026, 2, 1), end_date=datetime.date(2026, 2, 20),
                            certificate="家政服务员（五级）")
    assert entry.certificate == "家政服务员（五级）"
    with pytest.raises(Refused) as refused:
        record_training(actor=officer, member=family["wife"], project="", start_date=datetime.date(2026, 2, 21),
                        end_date=datetime.date(2026, 2, 20))
    assert set(refused.value.codes) == {"project", "dates"}


def test_the_household_without_a_job_is_flagged_until_one_member_works(family, officer):
    members = lambda: list(family["household"].members.all())  # noqa: E731
    assert household_flags(members())["no_job"] is True
    record_employment(actor=officer, member=family["wife"], **job(status="workshop", place="in_county",
                                                                  channel="workshop"))
    flags = household_flags(members())
    assert flags == {"labour": 2, "employed": 1, "no_job": False, "no_job_label": "未实现一户一人就业"}


def test_figures_count_households_with_labour_and_those_employed(family, officer, areas):
    HouseholdFactory(village=areas["village_b"])  # not moved in: not counted
    other = moved_in(HouseholdFactory(village=areas["village_b"]))  # one member, employed (factory: LOCAL)
    assert other.members.count() == 1
    found = figures.employment("520999101")
    assert found["labour_households"] == 2 and found["employed_households"] == 1
    assert found["households_without_job"] == 1
    record_employment(actor=officer, member=family["head"], **job())
    assert figures.employment("520999101")["employed_households"] == 2
    assert figures.employment("520999101201")["labour_households"] == 1
