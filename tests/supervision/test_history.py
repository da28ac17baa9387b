"""Case history (issue 8, part 1): one timeline per household from the audit log and the opinions."""

import io

import pytest
from openpyxl import load_workbook

from workflows import worklist, claims
from audit.models import AuditEvent
from documents.evidence.services import withdraw_evidence
from documents.models import Evidence
from registry.models import AreaLevel
from registry.models import HouseholdStage as S
from tests.conftest import make_official
from tests.factories import AreaFactory
from tests.workflows.conftest import days_ago, upload
from tests.workflows.test_site_walk import site, site_officials  # noqa: F401  (fixtures)
from tests.workflows.test_walk import approve, stage_of
from workflows.households import batches, service
from workflows.households.batches import Vote
from workflows.models import NoticeBatch


def url(household, suffix="/"):
    return f"/supervision/households/{household.pk}/history{suffix}"


def live_a_life(household, officials, give, areas):
    """申报 → 评议 → 公示 with an objection → 审核 with an evidence withdrawal, a reassignment and
    the county's return."""
    give(household, "hukou_scan", "current_house_photo", "signed_application")
    approve(household, "submit_application", officials["clerk_a"], opinion="材料齐全，申请搬迁")
    batches.record_review_meeting(
        village=areas["village_a"], actor=officials["head_a"], held_on=days_ago(12), place="村委会",
        expected_members=9, present_members=6, votes=[Vote(household.pk, 5, 1, 0)],
        files={"meeting_minutes_scan": upload(), "sign_in_sheet": upload()},
    )
    batch = batches.create_notice_batch(village=areas["village_a"], actor=officials["clerk_a"],
                                        household_ids=[household.pk], posted_on=days_ago(3),
                                        ends_on=days_ago(-3), posted_at="村公示栏")
    batches.file_notice_photo(batch_id=batch.pk, actor=officials["clerk_a"], upload=upload())
    objection = batches.record_objection(batch_id=batch.pk, household_id=household.pk, actor=officials["clerk_a"],
                                         objector="村民王某", content="对住房面积有疑问")
    batches.resolve_objection(objection_id=objection.pk, actor=officials["reviewer"], upheld=False,
                              resolution="经核实面积符合标准，异议不成立。")
    # The notice period runs its course.
    NoticeBatch.objects.filter(pk=batch.pk).update(posted_on=days_ago(10), ends_on=days_ago(4))
    batches.close_due_notices()
    assert stage_of(household) == S.APPROVAL

    give(household, "household_survey", "signed_agreement")
    wrong = Evidence.objects.filter(household=household, kind="household_survey").get()
    withdraw_evidence(wrong, actor=officials["county_office"], reason="调查表签字不全")
    give(household, "household_survey")

    second_reviewer = make_official("reviewer2", "role_township_reviewer", areas["town"])
    task = worklist.filter_step(worklist.open_tasks(), "township_review").get()
    claims.reassign(task.pk, actor=officials["leader"], to_user=second_reviewer, reason="休假")
    approve(household, "township_review", second_reviewer, opinion="审核通过")
    service.decide(household.pk, step="county_approval", actor=officials["county_office"], decision="return",
                    opinion="协议金额有误，退回重审")
    return household


def test_the_timeline_holds_every_turn_of_a_life_in_order_with_its_actor(officials, give, areas, household,
                                                                        login):
    live_a_life(household, officials, give, areas)
    response = login(officials["auditor"]).get(url(household))
    assert response.status_code == 200
    seen = [(e.action, e.actor) for e in response.context["entries"]]
    expected = [
        ("evidence.upload", "county_office"),
        ("opinion.approve", "clerk_a"),
        ("household.submit_application.approve", "clerk_a"),
        ("objection.record", "clerk_a"),
        ("objection.resolve", "reviewer"),
        ("evidence.withdraw", "county_office"),
        ("task.reassign", "leader"),
        ("opinion.approve", "reviewer2"),
        ("opinion.return", "county_office"),
        ("household.county_approval.return", "county_office"),
    ]
    position = -1
    for step in expected:
        assert step in seen[position + 1:], f"{step} missing after position {position}: {seen}"
        position = seen.index(step, position + 1)
    times = [e.at for e in response.context["entries"]]
    assert times == sorted(times)
    reassign = next(e for e in response.context["entries"] if e.action == "task.reassign")
    assert (reassign.detail["previous_owner"] if "previous_owner" in reassign.detail else "", reassign.detail[
        "new_owner"], reassign.detail["reason"]) == ("", "reviewer2", "休假")
    page = response.content.decode()
    assert "撤回证明材料" in page and "改派任务" in page and "退回" in page


def test_the_timeline_filters_by_kind_and_date(officials, give, areas, household, login):
    live_a_life(household, officials, give, areas)
    client = login(officials["auditor"])
    only = client.get(url(household), {"kind": ["objection"]}).context["entries"]
    assert [e.action for e in only] == ["objection.record", "objection.resolve"]
    none = client.get(url(household), {"date_to": days_ago(1).isoformat()}).context["entries"]
    assert none == []


def test_every_read_of_a_history_is_an_audit_event(officials, household, login):
    client = login(officials["auditor"])
    client.get(url(household), {"kind": ["task"]}, REMOTE_ADDR="10.1.2.3")
    event = AuditEvent.objects.filter(action="supervision.history_view").get()
    assert (event.actor_username, event.target_id, event.ip_address, event.data["kinds"]) == (
        "auditor", str(household.pk), "10.1.2.3", ["task"])


def test_the_history_exports_to_excel_and_the_export_is_logged(officials, give, areas, household, login):
    live_a_life(household, officials, give, areas)
    response = login(officials["auditor"]).get(url(household, ".xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:3] == ("时间", "类别", "操作")
    assert any(r[3] == "evidence.withdraw" and r[4] == "county_office" for r in rows[2:])
    assert AuditEvent.objects.filter(action="supervision.history_export", actor_username="auditor").exists()


def test_a_village_clerk_sees_the_case_but_not_its_audit_history(officials, household, login):
    assert login(officials["clerk_a"]).get(url(household)).status_code == 403


def test_an_auditor_of_another_county_gets_404(officials, household, login):
    other_county = AreaFactory(code="520888000000", name="邻县", level=AreaLevel.COUNTY)
    stranger = make_official("stranger", "role_auditor", other_county)
    assert login(stranger).get(url(household)).status_code == 404
    assert login(stranger).get(url(household, ".xlsx")).status_code == 404
    assert not AuditEvent.objects.filter(action__startswith="supervision.").exists()


@pytest.mark.parametrize("suffix", ["/", ".xlsx"])
def test_the_history_answers_only_get(officials, household, login, suffix):
    assert login(officials["auditor"]).post(url(household, suffix)).status_code == 405


def test_registry_edits_show_their_fields_before_and_after_with_id_numbers_masked(cast, household_a, client, login):
    from registry.idnumbers import mask_id_number
    from tests.registry.test_admin_households import (MODEL_BACKEND, change_url, existing_rows, household_post,
                                                      person)

    member = household_a.members.get()
    old_id, new_id = member.id_number, person(16, birth="19900909")
    rows = existing_rows(household_a)
    rows[0]["id_number_entry"] = new_id
    client.force_login(cast["clerk_a"], backend=MODEL_BACKEND)
    response = client.post(change_url(household_a), household_post(household_a.village, rows, household=household_a,
                                                                   self_funding="5000.00"),
                           REMOTE_ADDR="10.0.0.7")
    assert response.status_code == 302
    response = login(cast["auditor"]).get(url(household_a), {"kind": ["edit"]})
    entries = response.context["entries"]
    assert [(e.action, e.actor, e.ip) for e in entries] == [("household.change", "clerk_a", "10.0.0.7"),
                                                            ("member.change", "clerk_a", "10.0.0.7")]
    assert entries[0].changes == [("户自筹资金（元）", "3000.00", "5000.00")]
    assert ("身份证号码", mask_id_number(old_id), mask_id_number(new_id)) in entries[1].changes
    assert entries[0].role == "村级经办人（村文书）"
    page = response.content.decode()
    assert "户自筹资金（元）" in page and mask_id_number(new_id) in page
    assert old_id not in page and new_id not in page


def test_the_meeting_and_the_notice_appear_in_each_households_timeline(officials, give, areas, household, login):
    from tests.factories import HouseholdFactory

    live_a_life(household, officials, give, areas)
    outsider = HouseholdFactory(village=areas["village_a"])
    client = login(officials["auditor"])
    actions = [e.action for e in client.get(url(household), {"kind": ["meeting"]}).context["entries"]]
    assert actions == ["review_meeting.record", "notice_batch.create", "notice_batch.photo"]
    assert client.get(url(outsider), {"kind": ["meeting"]}).context["entries"] == []


def pdf_text(data: bytes) -> str:
    import subprocess

    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def test_the_history_exports_to_pdf_through_the_documents_engine_with_its_qr_code(officials, give, areas, household,
                                                                                 login):
    from pypdf import PdfReader

    from documents.verification import display

    live_a_life(household, officials, give, areas)
    client = login(officials["auditor"])
    response = client.get(url(household, ".pdf"), REMOTE_ADDR="10.3.3.3")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    event = AuditEvent.objects.get(action="supervision.history_pdf")
    assert (event.actor_username, event.ip_address, event.target_id) == ("auditor", "10.3.3.3", str(household.pk))
    text = pdf_text(response.content)
    for words in ("案件历史记录", f"搬迁户 {household}", "撤回证明材料", "调查表签字不全", "改派任务", "county_office",
                  "reviewer2", display(event.data["code"]), event.data["entries_sha256"][:16]):
        assert words in text.replace("\n", " ") or words in text, words
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == event.data["pages"] >= 1
    assert "/XObject" in reader.pages[0]["/Resources"]  # the QR code, drawn on every page
    # The QR code leads inside the system to the export's audit event.
    check = client.get(f"/supervision/exports/{event.data['code']}/")
    assert check.status_code == 200 and event.data["entries_sha256"] in check.content.decode()


def test_only_the_cases_auditors_reach_an_exports_check_page(officials, household, login):
    client = login(officials["auditor"])
    client.get(url(household, ".pdf"))
    code = AuditEvent.objects.get(action="supervision.history_pdf").data["code"]
    other_county = AreaFactory(code="520888000000", name="邻县", level=AreaLevel.COUNTY)
    stranger = make_official("stranger", "role_auditor", other_county)
    assert login(stranger).get(f"/supervision/exports/{code}/").status_code == 404
    assert login(officials["clerk_a"]).get(f"/supervision/exports/{code}/").status_code == 404
    assert login(officials["auditor"]).get("/supervision/exports/0000-0000-0000-0000-0000/").status_code == 404
    assert login(stranger).get(url(household, ".pdf")).status_code == 404


def test_the_qr_code_carries_the_address_of_the_exports_check_page(officials, household, login, monkeypatch,
                                                                   settings):
    import supervision.history_pdf

    settings.DOCUMENTS_PUBLIC_BASE_URL = "https://banqian.example.gov.cn"
    encoded = []
    real = supervision.history_pdf.qr_data_uri
    monkeypatch.setattr(supervision.history_pdf, "qr_data_uri", lambda url: encoded.append(url) or real(url))
    login(officials["auditor"]).get(url(household, ".pdf"))
    code = AuditEvent.objects.get(action="supervision.history_pdf").data["code"]
    assert encoded == [f"https://banqian.example.gov.cn/supervision/exports/{code}/"]



def test_a_sites_history_joins_its_opinions_evidence_and_findings(site_officials, site, login):
    import datetime

    from django.utils import timezone

    from supervision import findings
    from tests.workflows.test_site_walk import walk_selection

    walk_selection(site, site_officials)
    findings.file_finding(actor=site_officials["auditor"], area_code=site.area_code, site=site,
                          category="construction", description="选址论证报告缺专家签字",
                          responsible_role="role_county_office", deadline=timezone.localdate()
                          + datetime.timedelta(days=5))
    response = login(site_officials["auditor"]).get(f"/supervision/sites/{site.pk}/history/")
    assert response.status_code == 200
    seen = [(e.kind, e.action, e.actor) for e in response.context["entries"]]
    # People by name, family name first (registry.people.display_name), not by username.
    from registry.people import display_name

    assert ("opinion", "opinion.approve", display_name(site_officials["natres"])) in seen
    assert ("evidence", "evidence.upload", display_name(site_officials["county_office"])) in seen
    assert seen[-1] == ("finding", "finding.file", display_name(site_officials["auditor"]))
    assert display_name(site_officials["natres"]) != "natres"
    opinion = next(e for e in response.context["entries"] if e.action == "opinion.approve")
    assert opinion.role and "选址" in opinion.text


@pytest.mark.parametrize("action", ["archive.catalogue", "archive.four_properties", "archive.export_request",
                                    "finding.export", "site.view", "site.funds_arrival", "site.progress_report",
                                    "household.removal_request", "household.self_funds_received", "auth.login"])
def test_actions_recorded_by_the_archive_sites_and_funds_read_in_chinese(action):
    from supervision.timeline import label_of

    assert label_of(action) != action
    assert not any("a" <= ch <= "z" for ch in label_of(action))


def test_a_stage_move_files_under_stages_and_a_registry_edit_under_edits():
    from supervision.timeline import kind_of

    assert kind_of("household.stage_change") == "stage"
    assert kind_of("site.stage_change") == "stage"
    assert kind_of("household.change") == "edit"
    assert kind_of("member.change") == "edit"
