"""Reminders and escalation with the clock moved (issue 22, Must show): a step due soon, then overdue,
each told once to whoever holds it; overdue by N days it is escalated to the township's leader, by 2N
to the county office — each once, as an audit event, shown on the supervisors' page and counted for
the cockpit; done, it leaves the list."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditEvent
from documents.evidence.services import ingest_evidence
from notifications import escalation
from notifications.models import Escalation, Kind
from tests.conftest import make_official
from tests.factories import HouseholdFactory
from tests.notifications.conftest import notices, who
from tests.workflows.conftest import upload
from tests.workflows.test_walk import approve
from workflows import claims, worklist


def later(days):
    return timezone.now() + datetime.timedelta(days=days)


@pytest.fixture
def case(officials, areas, settings):
    settings.NOTIFICATIONS_ESCALATION_DAYS = {"default": 5}
    settings.NOTIFICATIONS_DUE_SOON_DAYS = 3
    make_official("other_leader", "role_township_leader", areas["other_town"])
    return HouseholdFactory(village=areas["village_a"])  # 申报: due in 15 days, the clerk's task


def test_due_overdue_and_escalation_each_once_to_the_right_post(case, officials, client):
    assert escalation.run(later(10))["due"] == 0  # not yet within 3 days
    assert escalation.run(later(13))["due"] == 1
    assert escalation.run(later(13.5))["due"] == 0
    assert who(Kind.STEP_DUE) == {"clerk_a": 1}

    assert escalation.run(later(16)) == {"due": 0, "overdue": 1, "escalated": 0, "resolved": 0}
    assert who(Kind.STEP_OVERDUE) == {"clerk_a": 1}
    assert not Escalation.objects.exists()

    assert escalation.run(later(21))["escalated"] == 1  # 6 days late ≥ 5
    assert escalation.run(later(22))["escalated"] == 0
    assert who(Kind.ESCALATED) == {"leader": 1}  # not the other township's leader, not the county yet
    [event] = AuditEvent.objects.filter(action="task.escalate")
    assert event.target_id == str(case.pk) and event.data["role"] == "role_township_leader"
    assert event.data["level"] == 1 and event.actor_id is None

    assert escalation.run(later(26))["escalated"] == 1  # 11 days late ≥ 2 × 5
    assert who(Kind.ESCALATED) == {"leader": 1, "county_office": 1}
    assert AuditEvent.objects.filter(action="task.escalate").count() == 2
    assert escalation.figures("520999101", now=later(26)) == {
        "overdue_steps": 1, "escalated_township": 1, "escalated_county": 1}
    assert escalation.figures("520999102", now=later(26)) == {
        "overdue_steps": 0, "escalated_township": 0, "escalated_county": 0}

    client.force_login(officials["leader"])
    page = client.get("/notifications/escalations/").content.decode()
    assert case.number in page and "乡镇分管领导" in page
    client.force_login(officials["county_office"])
    assert "县易地扶贫搬迁办公室" in client.get("/notifications/escalations/").content.decode()
    client.force_login(officials["clerk_a"])
    assert client.get("/notifications/escalations/").status_code == 404

    # Done: the escalations are resolved and leave the page.
    for kind in ("hukou_scan", "current_house_photo", "signed_application"):
        ingest_evidence(actor=officials["clerk_a"], upload=upload(f"{kind}.png"), stage=case.stage, kind=kind,
                        household=case)
    approve(case, "submit_application", officials["clerk_a"])
    assert escalation.run(later(26))["resolved"] == 2
    client.force_login(officials["leader"])
    assert case.number not in client.get("/notifications/escalations/").content.decode()


def test_a_claimed_step_reminds_its_holder_only(case, officials, areas):
    make_official("clerk_a2", "role_village_clerk", areas["village_a"])
    [task] = worklist.open_tasks_of(case)
    claims.claim(task.pk, actor=officials["clerk_a"])
    escalation.run(later(13))
    assert who(Kind.STEP_DUE) == {"clerk_a": 1}


def test_the_command_runs_the_same_pass(case):
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    assert "逾期提醒 0 条" in out.getvalue()
    assert not notices(Kind.STEP_OVERDUE).exists()
