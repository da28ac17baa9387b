"""The findings ledger's services (issue 8, part 4): file → respond → send back → respond → close."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from audit.models import AuditEvent
from documents import storage
from documents.models.immutable import ImmutableRecordError
from registry.models import AreaLevel
from supervision import findings
from supervision.models import Finding, FindingAttachment, FindingStep
from tests.conftest import make_official
from tests.factories import AreaFactory
from tests.workflows.conftest import upload


def filed(cast, household, days=10, **kwargs):
    return findings.file_finding(actor=cast["auditor"], area_code=household.area_code, household=household,
                                 category=Finding.Category.RELOCATION, description="搬迁后旧房未按期拆除",
                                 responsible_role="role_village_clerk",
                                 deadline=timezone.localdate() + datetime.timedelta(days=days), **kwargs)


def test_the_whole_cycle_runs_as_the_right_users(cast, household_a):
    finding = filed(cast, household_a, attachments=[upload("现场照片.png")])
    findings.respond(finding.pk, actor=cast["clerk_a"], text="已拆除一半")
    findings.review(finding.pk, actor=cast["auditor"], accept=False, reason="尚未拆完")
    assert Finding.objects.get(pk=finding.pk).status == Finding.Status.SENT_BACK
    findings.respond(finding.pk, actor=cast["clerk_a"], text="已全部拆除，附照片", attachments=[upload("拆后.png")])
    closed = findings.review(finding.pk, actor=cast["auditor"], accept=True)
    assert closed.status == Finding.Status.CLOSED and closed.closed_at is not None
    actions = list(AuditEvent.objects.filter(action__startswith="finding.").values_list("action", "actor_username"))
    assert actions == [("finding.file", "auditor"), ("finding.respond", "clerk_a"), ("finding.send_back", "auditor"),
                       ("finding.respond", "clerk_a"), ("finding.close", "auditor")]
    steps = list(FindingStep.objects.filter(finding=finding).values_list("action", "actor__username", "text"))
    assert steps == [("file", "auditor", "搬迁后旧房未按期拆除"), ("respond", "clerk_a", "已拆除一半"),
                     ("send_back", "auditor", "尚未拆完"), ("respond", "clerk_a", "已全部拆除，附照片"),
                     ("close", "auditor", "")]
    assert [(a.step.action, a.original_name) for a in FindingAttachment.objects.order_by("id")] == [
        ("file", "现场照片.png"), ("respond", "拆后.png")]


def test_an_attachment_is_stored_once_with_its_hashes_and_cannot_be_changed(cast, household_a):
    finding = filed(cast, household_a, attachments=[upload("现场照片.png")])
    attachment = finding.attachments.get()
    with storage.open_stored(attachment.storage_name) as f:
        from documents.hashing import digest_stream
        digests = digest_stream(f)
    assert (digests.sha256, digests.sm3, digests.size) == (attachment.sha256, attachment.sm3, attachment.size)
    assert attachment.storage_name.startswith("findings/520999/")
    event = AuditEvent.objects.get(action="finding.file")
    assert event.data["attachments"][0]["sha256"] == attachment.sha256
    attachment.original_name = "换了.png"
    with pytest.raises(ImmutableRecordError):
        attachment.save()
    with pytest.raises(ImmutableRecordError):
        FindingStep.objects.filter(finding=finding).update(text="改写")


def test_a_bad_attachment_stores_nothing(cast, household_a):
    fake = SimpleUploadedFile("照片.png", b"not a picture at all", content_type="image/png")
    with pytest.raises(ValidationError) as caught:
        filed(cast, household_a, attachments=[upload("好的.png"), fake])
    assert "照片.png" in caught.value.messages[0]
    assert not Finding.objects.exists() and not FindingAttachment.objects.exists()
    assert list(storage.walk("findings")) == []


def test_a_village_clerk_cannot_close_a_finding(cast, household_a):
    finding = filed(cast, household_a)
    findings.respond(finding.pk, actor=cast["clerk_a"], text="已整改")
    with pytest.raises(PermissionDenied):
        findings.review(finding.pk, actor=cast["clerk_a"], accept=True)


def test_another_auditor_over_the_area_closes_it_and_both_are_recorded(cast, household_a, areas):
    finding = filed(cast, household_a)
    findings.respond(finding.pk, actor=cast["clerk_a"], text="已整改")
    # The filer has left: a township auditor whose area covers the household takes over.
    successor = make_official("auditor2", "role_auditor", areas["town"])
    assert findings.may_review(successor, Finding.objects.get(pk=finding.pk))
    closed = findings.review(finding.pk, actor=successor, accept=True)
    closed = Finding.objects.get(pk=closed.pk)
    assert (closed.status, closed.filed_by, closed.closed_by) == ("closed", cast["auditor"], successor)
    assert FindingStep.objects.filter(finding=finding).last().actor == successor
    assert AuditEvent.objects.get(action="finding.close").actor_username == "auditor2"


def test_a_send_back_by_a_colleague_leaves_no_closer(cast, household_a, areas):
    finding = filed(cast, household_a)
    findings.respond(finding.pk, actor=cast["clerk_a"], text="已整改")
    colleague = make_official("auditor2", "role_auditor", areas["county"])
    findings.review(finding.pk, actor=colleague, accept=False, reason="照片不清")
    finding = Finding.objects.get(pk=finding.pk)
    assert (finding.status, finding.closed_by, finding.closed_at) == ("sent_back", None, None)
    assert FindingStep.objects.filter(finding=finding).last().actor == colleague


def test_an_auditor_outside_the_findings_area_cannot_review(cast, household_a, areas):
    finding = filed(cast, household_a)
    findings.respond(finding.pk, actor=cast["clerk_a"], text="已整改")
    elsewhere = make_official("auditor_c", "role_auditor", areas["other_town"])
    assert not findings.may_review(elsewhere, Finding.objects.get(pk=finding.pk))
    with pytest.raises(PermissionDenied):
        findings.review(finding.pk, actor=elsewhere, accept=True)
    assert Finding.objects.get(pk=finding.pk).status == "responded"


def test_a_finding_is_not_closed_before_a_response(cast, household_a):
    finding = filed(cast, household_a)
    with pytest.raises(ValidationError):
        findings.review(finding.pk, actor=cast["auditor"], accept=True)


def test_a_send_back_needs_a_reason(cast, household_a):
    finding = filed(cast, household_a)
    findings.respond(finding.pk, actor=cast["clerk_a"], text="已整改")
    with pytest.raises(ValidationError):
        findings.review(finding.pk, actor=cast["auditor"], accept=False, reason="  ")
    assert Finding.objects.get(pk=finding.pk).status == Finding.Status.RESPONDED


def test_the_clerk_of_another_village_cannot_respond(cast, household_a):
    finding = filed(cast, household_a)
    with pytest.raises(PermissionDenied):
        findings.respond(finding.pk, actor=cast["clerk_b"], text="x")


def test_the_auditor_cannot_respond_to_his_own_finding(cast, household_a):
    finding = filed(cast, household_a)
    with pytest.raises(PermissionDenied):
        findings.respond(finding.pk, actor=cast["auditor"], text="x")


def test_an_auditor_of_another_county_neither_sees_nor_files_here(cast, household_a):
    filed(cast, household_a)
    other = AreaFactory(code="520888000000", name="邻县", level=AreaLevel.COUNTY)
    stranger = make_official("stranger", "role_auditor", other)
    assert not findings.visible_findings(stranger).exists()
    with pytest.raises(PermissionDenied):
        findings.file_finding(actor=stranger, area_code=household_a.area_code, category="discipline",
                              description="x", responsible_role="role_village_clerk",
                              deadline=timezone.localdate())


def test_the_responsible_unit_is_a_post_over_an_area_covering_the_target(cast, household_a, areas):
    with pytest.raises(ValidationError) as caught:  # no village clerk answers for a township
        filed(cast, household_a, responsible_area_code=areas["town"].code)
    assert caught.value.code == "role_level"
    with pytest.raises(ValidationError) as caught:
        findings.file_finding(actor=cast["auditor"], area_code=household_a.area_code, household=household_a,
                              category="discipline", description="x", responsible_role="role_township_reviewer",
                              responsible_area_code=areas["other_town"].code, deadline=timezone.localdate())
    assert caught.value.code == "area_unrelated"


def test_the_responsible_officials_see_it_and_its_overdue_flag(cast, household_a, areas):
    finding = findings.file_finding(
        actor=cast["auditor"], area_code=household_a.area_code, household=household_a, category="relocation",
        description="x", responsible_role="role_township_reviewer", responsible_area_code=areas["town"].code,
        deadline=timezone.localdate() - datetime.timedelta(days=1))
    assert list(findings.awaiting_response(cast["reviewer"])) == [finding]
    assert list(findings.awaiting_response(cast["county_office"])) == []  # another post
    assert not findings.visible_findings(cast["other_reviewer"]).exists()
    assert not findings.visible_findings(cast["clerk_a"]).exists()
    assert finding.overdue


def test_overdue_means_awaiting_rectification_past_the_deadline(cast, household_a):
    finding = filed(cast, household_a, days=0)
    findings.respond(finding.pk, actor=cast["clerk_a"], text="按期整改")
    # The deadline passes while the auditors have not checked the answer: not overdue.
    Finding.objects.filter(pk=finding.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=3))
    finding = Finding.objects.get(pk=finding.pk)
    assert (finding.overdue, finding.awaiting_review, finding.responded_late) == (False, True, False)
    assert not Finding.objects.filter(findings.overdue_q()).exists()
    findings.review(finding.pk, actor=cast["auditor"], accept=False, reason="不到位")
    finding = Finding.objects.get(pk=finding.pk)
    assert finding.overdue and list(Finding.objects.filter(findings.overdue_q())) == [finding]


def test_an_answer_after_the_deadline_is_recorded_as_late(cast, household_a):
    finding = filed(cast, household_a, days=-1)
    assert finding.overdue
    findings.respond(finding.pk, actor=cast["clerk_a"], text="逾期整改")
    finding = Finding.objects.get(pk=finding.pk)
    step = finding.steps.get(action="respond")
    assert (finding.overdue, finding.responded_late, finding.responded_at) == (False, True, step.at)
    on_time = filed(cast, household_a, days=0)
    findings.respond(on_time.pk, actor=cast["clerk_a"], text="当天整改")
    assert Finding.objects.get(pk=on_time.pk).responded_late is False


def test_a_household_with_findings_cannot_be_deleted(cast, household_a):
    from django.db.models import ProtectedError

    finding = filed(cast, household_a)
    assert Finding.objects.get(pk=finding.pk).household == household_a
    assert list(household_a.supervision_findings.all()) == [finding]
    with pytest.raises(ProtectedError):
        Finding.objects.get(pk=finding.pk).household.delete()
