"""manage.py seed_supervision_demo: the demo auditor's findings in every state, as the right users,
and nothing changed on a second run."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from registry.demo import build_demo
from supervision.models import Finding, FindingAttachment, FindingStep


@pytest.fixture
def county(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    build_demo(households=24)


def seed() -> str:
    out = StringIO()
    call_command("seed_supervision_demo", "--demo-database", stdout=out)
    return out.getvalue()


def test_it_files_findings_in_every_state_and_changes_nothing_the_second_time(county):
    first = seed()
    assert "督查演示数据已生成" in first
    findings = list(Finding.objects.order_by("id"))
    assert {f.status for f in findings} == {"open", "responded", "sent_back", "closed"}
    assert any(f.overdue for f in findings)
    # Overdue means still owing a rectification; an answer after the deadline is 逾期整改 instead.
    assert all(f.status in ("open", "sent_back") for f in findings if f.overdue)
    late = [f for f in findings if f.responded_late]
    assert late and all(f.status == "responded" and not f.overdue for f in late)
    assert "逾期整改" in first and "其中超期（待整改）" in first
    assert {f.filed_by.username for f in findings} == {"county_auditor"}
    assert {f.target_kind for f in findings} >= {"household", "area"}
    assert {f.category for f in findings} == set(Finding.Category.values)
    closed = next(f for f in findings if f.status == "closed")
    assert list(closed.steps.values_list("action", "actor__username")) == [
        ("file", "county_auditor"), ("respond", "t102_leader"), ("close", "county_auditor")]
    assert FindingAttachment.objects.count() >= 3
    before = (Finding.objects.count(), FindingStep.objects.count(), AuditEvent.objects.count())
    second = seed()
    assert "未作任何改动" in second and "已销号" in second
    assert (Finding.objects.count(), FindingStep.objects.count(), AuditEvent.objects.count()) == before


def test_it_refuses_without_debug_unless_told_the_database_is_a_demo(settings, db):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=1"):
        call_command("seed_supervision_demo", stdout=StringIO())


def test_it_refuses_without_the_registry_demo(db):
    with pytest.raises(CommandError, match="seed_demo"):
        seed()
