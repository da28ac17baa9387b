import datetime

from django.core.management import call_command
from django.utils import timezone

from registry.models import Household
from registry.models import HouseholdStage as S
from tests.factories import HouseholdFactory
from workflows.households import deadlines


def entered(household, days_ago, stage=None):
    updates = {"stage_entered_at": timezone.now() - datetime.timedelta(days=days_ago)}
    if stage:
        updates["stage"] = stage
    Household.objects.filter(pk=household.pk).update(**updates)
    return Household.objects.get(pk=household.pk)


def test_a_step_is_due_its_stage_deadline_after_the_case_entered_the_stage(areas):
    household = entered(HouseholdFactory(village=areas["village_a"]), 3)
    assert deadlines.due_at(household) == household.stage_entered_at + datetime.timedelta(days=15)
    assert not deadlines.is_overdue(household)


def test_overdue_steps_are_queryable(areas):
    late = entered(HouseholdFactory(village=areas["village_a"]), 16)
    on_time = entered(HouseholdFactory(village=areas["village_a"]), 14)
    late_approval = entered(HouseholdFactory(village=areas["village_b"]), 21, stage=S.APPROVAL)
    entered(HouseholdFactory(village=areas["village_b"]), 400, stage=S.FOLLOW_UP)  # ongoing, never due
    assert set(Household.objects.filter(deadlines.overdue_q())) == {late, late_approval}
    assert deadlines.is_overdue(late) and not deadlines.is_overdue(on_time)


def test_deadlines_are_a_setting(areas, settings):
    household = entered(HouseholdFactory(village=areas["village_a"]), 5)
    settings.WORKFLOW_DEADLINE_DAYS = {"apply": 4}
    assert deadlines.is_overdue(household)
    assert list(Household.objects.filter(deadlines.overdue_q())) == [household]


def test_close_due_notices_command_reports_what_it_did(db, capsys):
    call_command("close_due_notices")
    assert "共转入审核 0 户" in capsys.readouterr().out
