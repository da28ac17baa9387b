"""The findings ledger's cycle (issue 8, part 4): file → respond → send back → respond → close."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from audit.models import AuditEvent
from registry.models import AreaLevel
from supervision import findings
from supervision.models import Finding
from tests.conftest import make_official
from tests.factories import AreaFactory


def filed(cast, household, days=10):
    return findings.file_finding(actor=cast["auditor"], area_code=household.area_code, household=household,
                                 category=Finding.Category.RELOCATION, description="搬迁后旧房未按期拆除",
                                 responsible_role="role_village_clerk",
                                 deadline=timezone.localdate() + datetime.timedelta(days=days))


def test_the_whole_cycle_runs_as_the_right_users(cast, household_a):
    finding = filed(cast, household_a)
    findings.respond(finding.pk, actor=cast["clerk_a"], text="已拆除一半")
    findings.review(finding.pk, actor=cast["auditor"], accept=False, reason="尚未拆完")
    assert Finding.objects.get(pk=finding.pk).status == Finding.Status.OPEN
    findings.respond(finding.pk, actor=cast["clerk_a"], text="已全部拆除，附照片")
    closed = findings.review(finding.pk, actor=cast["auditor"], accept=True)
    assert closed.status == Finding.Status.CLOSED and closed.closed_at is not None
    actions = list(AuditEvent.objects.filter(action__startswith="finding.").values_list("action", "actor_username"))
    assert actions == [("finding.file", "auditor"), ("finding.respond", "clerk_a"), ("finding.send_back", "auditor"),
                       ("finding.respond", "clerk_a"), ("finding.close", "auditor")]


def test_a_village_clerk_cannot_close_a_finding(cast, household_a):
    finding = filed(cast, household_a)
    findings.respond(finding.pk, actor=cast["clerk_a"], text="已整改")
    with pytest.raises(PermissionDenied):
        findings.review(finding.pk, actor=cast["clerk_a"], accept=True)


def test_the_clerk_of_another_village_cannot_respond(cast, household_a):
    finding = filed(cast, household_a)
    with pytest.raises(PermissionDenied):
        findings.respond(finding.pk, actor=cast["clerk_b"], text="x")


def test_an_auditor_of_another_county_neither_sees_nor_files_here(cast, household_a):
    filed(cast, household_a)
    other = AreaFactory(code="520888000000", name="邻县", level=AreaLevel.COUNTY)
    stranger = make_official("stranger", "role_auditor", other)
    assert not findings.visible_findings(stranger).exists()
    with pytest.raises(PermissionDenied):
        findings.file_finding(actor=stranger, area_code=household_a.area_code, category="discipline",
                              description="x", responsible_role="role_village_clerk",
                              deadline=timezone.localdate())


def test_the_responsible_clerk_sees_the_finding_and_its_overdue_flag(cast, household_a):
    finding = filed(cast, household_a, days=-1)
    assert list(findings.visible_findings(cast["clerk_a"])) == [finding]
    assert not findings.visible_findings(cast["clerk_b"]).exists()
    assert finding.overdue
