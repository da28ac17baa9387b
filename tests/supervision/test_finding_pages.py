"""The findings ledger's pages (issue 8, part 4): filing, the responsible officials' rectification,
the filing auditor's send-back and 销号, the ledger with counts and Excel, and the refusals."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditEvent
from registry.models import AreaLevel
from supervision import findings
from supervision.models import Finding, FindingAttachment, FindingStep
from tests.conftest import make_official
from tests.factories import AreaFactory, HouseholdFactory
from tests.workflows.conftest import upload

NEW = "/supervision/findings/new/"
LEDGER = "/supervision/findings/"


def in_days(n):
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


def form(household, **overrides):
    data = {"target_kind": "household", "household_number": household.number, "category": "relocation",
            "description": "旧房未拆除，群众反映强烈", "responsible_area": household.area_code,
            "responsible_role": "role_village_clerk", "deadline": in_days(15)}
    data.update(overrides)
    return data


@pytest.fixture
def other_county():
    county = AreaFactory(code="520888000000", name="邻县", level=AreaLevel.COUNTY)
    town = AreaFactory(code="520888101000", name="邻镇", level=AreaLevel.TOWNSHIP, parent=county)
    village = AreaFactory(code="520888101201", name="邻村", level=AreaLevel.VILLAGE, parent=town)
    return {"county": county, "village": village, "auditor": make_official("auditor_b", "role_auditor", county),
            "clerk": make_official("clerk_x", "role_village_clerk", village),
            "household": HouseholdFactory(village=village)}


def test_the_whole_cycle_through_the_pages(cast, household_a, login, client):
    auditor = login(cast["auditor"])
    response = auditor.post(NEW, {**form(household_a), "attachments": [upload("现场.png")]})
    assert response.status_code == 302
    finding = Finding.objects.get()
    assert response["Location"] == f"/supervision/findings/{finding.pk}/"
    assert (finding.household_id, finding.responsible_area_code, finding.status) == (
        household_a.pk, household_a.area_code, "open")

    clerk = login(cast["clerk_a"])
    page = clerk.get(f"/supervision/findings/{finding.pk}/").content.decode()
    assert "反馈整改情况" in page and "旧房未拆除" in page and "现场.png" in page
    assert clerk.post(f"/supervision/findings/{finding.pk}/respond/",
                      {"text": "已拆除", "attachments": [upload("拆后.png")]}).status_code == 302
    auditor = login(cast["auditor"])
    assert auditor.post(f"/supervision/findings/{finding.pk}/review/",
                        {"decision": "send_back", "reason": "复垦未完成"}).status_code == 302
    assert Finding.objects.get().status == "sent_back"
    clerk = login(cast["clerk_a"])
    assert clerk.post(f"/supervision/findings/{finding.pk}/respond/", {"text": "已复垦"}).status_code == 302
    auditor = login(cast["auditor"])
    assert auditor.post(f"/supervision/findings/{finding.pk}/review/", {"decision": "close"}).status_code == 302
    closed = Finding.objects.get()
    assert closed.status == "closed"
    page = auditor.get(f"/supervision/findings/{finding.pk}/").content.decode()
    for words in ("登记问题", "反馈整改情况", "退回重新整改", "核查销号", "复垦未完成", "拆后.png", "已销号"):
        assert words in page
    assert list(AuditEvent.objects.filter(action__startswith="finding.").exclude(action="finding.view")
                .values_list("action", "actor_username")) == [
        ("finding.file", "auditor"), ("finding.respond", "clerk_a"), ("finding.send_back", "auditor"),
        ("finding.respond", "clerk_a"), ("finding.close", "auditor")]


def test_a_wrong_form_says_what_is_wrong_in_chinese_and_stores_nothing(cast, household_a, login):
    auditor = login(cast["auditor"])
    bad_file = SimpleUploadedFile("假图.png", b"not a png", content_type="image/png")
    response = auditor.post(NEW, {**form(household_a), "attachments": [bad_file]})
    assert response.status_code == 400
    assert "假图.png" in response.content.decode() and "本次未保存任何内容" in response.content.decode()
    for data, message in [
        (form(household_a, household_number="5209991012019999"), "未找到该户编号"),
        (form(household_a, category=""), "请选择问题类别"),
        (form(household_a, description=""), "请填写问题描述"),
        (form(household_a, deadline=in_days(-1)), "整改期限不能早于今天"),
        (form(household_a, responsible_area="520999101000"), "不能对乡镇级区域负责"),
        (form(household_a, responsible_area="520999102000", responsible_role="role_township_reviewer"),
         "责任区域须包含问题对象所在区域"),
        ({**form(household_a), "target_kind": "area", "area": ""}, "请选择区域"),
    ]:
        response = auditor.post(NEW, data)
        assert response.status_code == 400, message
        assert message in response.content.decode()
    assert not Finding.objects.exists() and not FindingStep.objects.exists()
    assert not FindingAttachment.objects.exists()
    assert not AuditEvent.objects.filter(action="finding.file").exists()


def test_an_auditor_files_against_a_site_and_against_an_area(cast, areas, login):
    from tests.factories import SiteFactory

    site = SiteFactory(area=areas["town"])
    auditor = login(cast["auditor"])
    assert auditor.post(NEW, {**form(HouseholdFactory(village=areas["village_a"])), "target_kind": "site",
                              "household_number": "", "site": site.pk, "category": "construction",
                              "responsible_area": areas["county"].code,
                              "responsible_role": "role_county_housing"}).status_code == 302
    assert auditor.post(NEW, {**form(HouseholdFactory(village=areas["village_a"])), "target_kind": "area",
                              "household_number": "", "area": areas["town"].code, "category": "discipline",
                              "responsible_area": areas["town"].code,
                              "responsible_role": "role_township_leader"}).status_code == 302
    assert list(Finding.objects.order_by("id").values_list("site_id", "household_id", "area_code")) == [
        (site.pk, None, site.area_code), (None, None, areas["town"].code)]


def test_a_village_clerk_cannot_close_a_finding(cast, household_a, login):
    finding = findings.file_finding(actor=cast["auditor"], area_code=household_a.area_code, household=household_a,
                                    category="relocation", description="x", responsible_role="role_village_clerk",
                                    deadline=timezone.localdate())
    findings.respond(finding.pk, actor=cast["clerk_a"], text="已整改")
    clerk = login(cast["clerk_a"])
    assert clerk.post(f"/supervision/findings/{finding.pk}/review/", {"decision": "close"}).status_code == 403
    assert clerk.post(NEW, form(household_a)).status_code == 403
    assert Finding.objects.get().status == "responded"


def test_a_colleague_auditor_closes_through_the_page_and_the_closer_is_shown(cast, household_a, areas, login):
    finding = findings.file_finding(actor=cast["auditor"], area_code=household_a.area_code, household=household_a,
                                    category="relocation", description="x", responsible_role="role_village_clerk",
                                    deadline=timezone.localdate())
    findings.respond(finding.pk, actor=cast["clerk_a"], text="已整改")
    successor = login(make_official("auditor_new", "role_auditor", areas["county"]))
    page = successor.get(f"/supervision/findings/{finding.pk}/").content.decode()
    assert "核查整改情况" in page and 'id="review"' in page
    assert successor.post(f"/supervision/findings/{finding.pk}/review/", {"decision": "close"}).status_code == 302
    closed = Finding.objects.get()
    assert (closed.status, closed.filed_by.username, closed.closed_by.username) == ("closed", "auditor",
                                                                                   "auditor_new")
    page = successor.get(f"/supervision/findings/{finding.pk}/").content.decode()
    assert "登记人" in page and "销号人" in page
    assert "auditor_new" in page.split("data-closed-by")[1].split("</dd>")[0]
    assert "auditor，" in page.split("data-filed-by")[1].split("</dd>")[0]
    rows = list(load_workbook(io.BytesIO(successor.get("/supervision/findings.xlsx").content))["督查问题台账"]
                .iter_rows(values_only=True))
    assert rows[0][-1] == "销号人" and rows[1][-1] == "auditor_new" and rows[1][10] == "auditor"


def test_an_auditor_of_another_township_gets_404_on_review(cast, household_a, areas, login):
    finding = findings.file_finding(actor=cast["auditor"], area_code=household_a.area_code, household=household_a,
                                    category="relocation", description="x", responsible_role="role_village_clerk",
                                    deadline=timezone.localdate())
    findings.respond(finding.pk, actor=cast["clerk_a"], text="已整改")
    elsewhere = login(make_official("auditor_c", "role_auditor", areas["other_town"]))
    assert elsewhere.post(f"/supervision/findings/{finding.pk}/review/", {"decision": "close"}).status_code == 404
    assert Finding.objects.get().status == "responded"


def test_an_auditor_of_another_county_cannot_see_this_countys_findings(cast, household_a, other_county, login):
    here = findings.file_finding(actor=cast["auditor"], area_code=household_a.area_code, household=household_a,
                                 category="relocation", description="本县问题", responsible_role="role_village_clerk",
                                 deadline=timezone.localdate(), attachments=[upload()])
    there = findings.file_finding(actor=other_county["auditor"], area_code=other_county["household"].area_code,
                                  household=other_county["household"], category="support", description="邻县问题",
                                  responsible_role="role_village_clerk", deadline=timezone.localdate())
    stranger = login(other_county["auditor"])
    assert stranger.get(f"/supervision/findings/{here.pk}/").status_code == 404
    attachment = here.attachments.get()
    assert stranger.get(f"/supervision/findings/{here.pk}/attachments/{attachment.pk}/").status_code == 404
    assert stranger.post(f"/supervision/findings/{here.pk}/review/", {"decision": "close"}).status_code == 404
    ledger = stranger.get(LEDGER)
    assert [f.pk for f in ledger.context["page"].object_list] == [there.pk]
    assert "本县问题" not in ledger.content.decode()
    mine = login(cast["auditor"]).get(LEDGER)
    assert [f.pk for f in mine.context["page"].object_list] == [here.pk]
    # He cannot file against the other county's household either: the number is not found in his scope.
    response = login(other_county["auditor"]).post(NEW, form(household_a))
    assert response.status_code == 400 and "不在您的督查范围内" in response.content.decode()


def test_the_clerk_of_another_village_gets_404_and_cannot_respond(cast, household_a, login):
    finding = findings.file_finding(actor=cast["auditor"], area_code=household_a.area_code, household=household_a,
                                    category="relocation", description="x", responsible_role="role_village_clerk",
                                    deadline=timezone.localdate())
    clerk_b = login(cast["clerk_b"])
    assert clerk_b.get(f"/supervision/findings/{finding.pk}/").status_code == 404
    assert clerk_b.post(f"/supervision/findings/{finding.pk}/respond/", {"text": "x"}).status_code == 404


def test_the_auditor_cannot_respond_and_a_response_needs_text(cast, household_a, login):
    finding = findings.file_finding(actor=cast["auditor"], area_code=household_a.area_code, household=household_a,
                                    category="relocation", description="x", responsible_role="role_village_clerk",
                                    deadline=timezone.localdate())
    assert login(cast["auditor"]).post(f"/supervision/findings/{finding.pk}/respond/",
                                       {"text": "x"}).status_code == 403
    response = login(cast["clerk_a"]).post(f"/supervision/findings/{finding.pk}/respond/", {"text": ""})
    assert response.status_code == 400 and "请填写整改情况" in response.content.decode()
    response = login(cast["auditor"])
    assert Finding.objects.get().status == "open" and FindingStep.objects.count() == 1


def test_a_send_back_without_reason_is_refused_in_chinese(cast, household_a, login):
    finding = findings.file_finding(actor=cast["auditor"], area_code=household_a.area_code, household=household_a,
                                    category="relocation", description="x", responsible_role="role_village_clerk",
                                    deadline=timezone.localdate())
    findings.respond(finding.pk, actor=cast["clerk_a"], text="已整改")
    response = login(cast["auditor"]).post(f"/supervision/findings/{finding.pk}/review/", {"decision": "send_back"})
    assert response.status_code == 400 and "退回重新整改须填写原因" in response.content.decode()
    assert Finding.objects.get().status == "responded"


def make_ledger(cast, areas):
    h1, h2 = HouseholdFactory(village=areas["village_a"]), HouseholdFactory(village=areas["village_c"])
    today = timezone.localdate()

    def file(h, category, days):
        return findings.file_finding(actor=cast["auditor"], area_code=h.area_code, household=h, category=category,
                                     description=f"{category} 问题", responsible_role="role_village_clerk",
                                     deadline=today + datetime.timedelta(days=days))

    late = file(h1, "relocation", -3)
    responded = file(h1, "relocation", 5)
    findings.respond(responded.pk, actor=cast["clerk_a"], text="已整改")
    closed = file(h1, "demolition", 5)
    findings.respond(closed.pk, actor=cast["clerk_a"], text="已整改")
    findings.review(closed.pk, actor=cast["auditor"], accept=True)
    elsewhere = file(h2, "support", 5)
    return {"late": late, "responded": responded, "closed": closed, "elsewhere": elsewhere}


def test_the_ledger_counts_by_category_and_status_and_filters(cast, areas, login):
    made = make_ledger(cast, areas)
    auditor = login(cast["auditor"])
    counts = auditor.get(LEDGER).context["counts"]
    by_category = {row["code"]: (row["counts"], row["overdue"]) for row in counts["rows"]}
    # statuses in order: open, responded, sent back, closed
    assert by_category["relocation"] == ([1, 1, 0, 0], 1)
    assert by_category["demolition"] == ([0, 0, 0, 1], 0)
    assert by_category["support"] == ([1, 0, 0, 0], 0)
    assert counts["total"] == 4 and counts["overdue"] == 1

    def pks(**params):
        return {f.pk for f in auditor.get(LEDGER, params).context["page"].object_list}

    assert pks(overdue="on") == {made["late"].pk}
    assert pks(category="demolition") == {made["closed"].pk}
    assert pks(status="responded") == {made["responded"].pk}
    assert pks(area="520999102") == {made["elsewhere"].pk}
    page = auditor.get(LEDGER, {"area": "520999102"})
    assert page.context["counts"]["total"] == 1
    assert "已超期" in auditor.get(LEDGER).content.decode()


def answered_in_time_then_past_deadline(cast, household):
    """Answered before its deadline, and the deadline has passed while the auditors have not checked."""
    finding = findings.file_finding(actor=cast["auditor"], area_code=household.area_code, household=household,
                                    category="relocation", description="按期反馈", responsible_role="role_village_clerk",
                                    deadline=timezone.localdate())
    findings.respond(finding.pk, actor=cast["clerk_a"], text="已按期整改")
    Finding.objects.filter(pk=finding.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=4))
    return Finding.objects.get(pk=finding.pk)


def answered_late(cast, household):
    finding = findings.file_finding(actor=cast["auditor"], area_code=household.area_code, household=household,
                                    category="demolition", description="逾期反馈", responsible_role="role_village_clerk",
                                    deadline=timezone.localdate() - datetime.timedelta(days=2))
    findings.respond(finding.pk, actor=cast["clerk_a"], text="逾期才整改")
    return Finding.objects.get(pk=finding.pk)


def test_an_answer_awaiting_review_is_not_overdue_and_a_late_answer_is_flagged(cast, household_a, login):
    in_time = answered_in_time_then_past_deadline(cast, household_a)
    late = answered_late(cast, household_a)
    unanswered = findings.file_finding(actor=cast["auditor"], area_code=household_a.area_code, household=household_a,
                                       category="support", description="无人反馈", responsible_role="role_village_clerk",
                                       deadline=timezone.localdate() - datetime.timedelta(days=1))
    auditor = login(cast["auditor"])

    def pks(**params):
        return {f.pk for f in auditor.get(LEDGER, params).context["page"].object_list}

    assert pks(overdue="on") == {unanswered.pk}
    assert pks(late="on") == {late.pk}
    counts = auditor.get(LEDGER).context["counts"]
    by_category = {row["code"]: (row["overdue"], row["late"]) for row in counts["rows"]}
    assert by_category == {"relocation": (0, 0), "demolition": (0, 1), "support": (1, 0), "construction": (0, 0),
                           "discipline": (0, 0)}
    assert (counts["overdue"], counts["late"]) == (1, 1)
    page = auditor.get(LEDGER).content.decode()
    row_of = {f.pk: page.split(f'data-finding="{f.pk}"')[1].split("</tr>")[0] for f in (in_time, late, unanswered)}
    assert "已超期" not in row_of[in_time.pk] and "待核查销号" in row_of[in_time.pk]
    assert "逾期整改" not in row_of[in_time.pk]
    assert "已超期" not in row_of[late.pk] and "待核查销号" in row_of[late.pk] and "逾期整改" in row_of[late.pk]
    assert "已超期" in row_of[unanswered.pk]
    detail = auditor.get(f"/supervision/findings/{late.pk}/").content.decode()
    assert "data-late" in detail and "data-overdue" not in detail
    book = load_workbook(io.BytesIO(auditor.get("/supervision/findings.xlsx").content))
    rows = {r[0]: r for r in list(book["督查问题台账"].iter_rows(values_only=True))[1:]}
    assert (rows[in_time.pk][8], rows[in_time.pk][9]) == ("否", "否")
    assert (rows[late.pk][8], rows[late.pk][9]) == ("否", "是")
    assert (rows[unanswered.pk][8], rows[unanswered.pk][9]) == ("是", "否")
    assert list(book["分类统计"].iter_rows(values_only=True))[-1][-2:] == (1, 1)


def test_a_late_finding_sent_back_is_overdue_again_and_stays_flagged_late(cast, household_a, login):
    late = answered_late(cast, household_a)
    findings.review(late.pk, actor=cast["auditor"], accept=False, reason="不到位")
    late = Finding.objects.get(pk=late.pk)
    assert late.overdue and late.responded_late
    assert {f.pk for f in login(cast["auditor"]).get(LEDGER, {"overdue": "on"}).context["page"].object_list} == {
        late.pk}


def test_the_ledger_exports_to_excel_per_area(cast, areas, login):
    made = make_ledger(cast, areas)
    response = login(cast["auditor"]).get("/supervision/findings.xlsx", {"area": "520999101"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book["督查问题台账"].iter_rows(values_only=True))
    assert rows[0][:3] == ("编号", "类别", "问题对象")
    assert {r[0] for r in rows[1:]} == {made["late"].pk, made["responded"].pk, made["closed"].pk}
    late_row = next(r for r in rows[1:] if r[0] == made["late"].pk)
    assert (late_row[1], late_row[7], late_row[8]) == ("督搬", "待整改", "是")
    summary = list(book["分类统计"].iter_rows(values_only=True))
    assert summary[0] == ("类别", "待整改", "已反馈待核查", "退回重新整改", "已销号", "合计", "其中超期", "逾期整改")
    assert summary[-1] == ("合计", 1, 1, 0, 1, 3, 1, 0)
    assert AuditEvent.objects.filter(action="finding.export", actor_username="auditor").exists()


def test_the_responsible_clerk_sees_only_his_findings_in_the_ledger(cast, areas, login):
    made = make_ledger(cast, areas)
    seen = {f.pk for f in login(cast["clerk_a"]).get(LEDGER).context["page"].object_list}
    assert seen == {made["late"].pk, made["responded"].pk, made["closed"].pk}
    assert "登记督查问题" not in login(cast["clerk_a"]).get(LEDGER).content.decode()


def test_an_attachment_download_is_logged(cast, household_a, login):
    finding = findings.file_finding(actor=cast["auditor"], area_code=household_a.area_code, household=household_a,
                                    category="relocation", description="x", responsible_role="role_village_clerk",
                                    deadline=timezone.localdate(), attachments=[upload("证据.png")])
    attachment = finding.attachments.get()
    response = login(cast["clerk_a"]).get(f"/supervision/findings/{finding.pk}/attachments/{attachment.pk}/",
                                          REMOTE_ADDR="10.9.8.7")
    assert response.status_code == 200 and b"".join(response.streaming_content)[:4] == b"\x89PNG"
    event = AuditEvent.objects.get(action="finding.attachment_download")
    assert (event.actor_username, event.ip_address, event.data["sha256"]) == ("clerk_a", "10.9.8.7",
                                                                             attachment.sha256)


def test_an_auditors_read_of_a_households_finding_is_logged(cast, household_a, login):
    finding = findings.file_finding(actor=cast["auditor"], area_code=household_a.area_code, household=household_a,
                                    category="relocation", description="x", responsible_role="role_village_clerk",
                                    deadline=timezone.localdate())
    login(cast["auditor"]).get(f"/supervision/findings/{finding.pk}/")
    assert AuditEvent.objects.filter(action="finding.view", actor_username="auditor").count() == 1


def test_filing_from_a_household_page_starts_with_that_household(cast, household_a, login):
    response = login(cast["auditor"]).get(NEW, {"household": household_a.pk})
    assert response.status_code == 200
    assert response.context["form"].initial["household_number"] == household_a.number


def test_a_response_with_a_bad_attachment_stores_nothing(cast, household_a, login):
    finding = findings.file_finding(actor=cast["auditor"], area_code=household_a.area_code, household=household_a,
                                    category="relocation", description="x", responsible_role="role_village_clerk",
                                    deadline=timezone.localdate())
    bad = SimpleUploadedFile("../../etc/x.png", b"\x89PNG", content_type="image/png")
    response = login(cast["clerk_a"]).post(f"/supervision/findings/{finding.pk}/respond/",
                                           {"text": "已整改", "attachments": [upload("好.png"), bad]})
    assert response.status_code == 400 and "本次未保存任何内容" in response.content.decode()
    assert Finding.objects.get().status == "open"
    assert FindingStep.objects.count() == 1 and FindingAttachment.objects.count() == 0
    assert not AuditEvent.objects.filter(action="finding.respond").exists()


def test_a_findings_steps_join_the_households_history(cast, household_a, login):
    finding = findings.file_finding(actor=cast["auditor"], area_code=household_a.area_code, household=household_a,
                                    category="relocation", description="x", responsible_role="role_village_clerk",
                                    deadline=timezone.localdate())
    findings.respond(finding.pk, actor=cast["clerk_a"], text="已整改")
    entries = login(cast["auditor"]).get(f"/supervision/households/{household_a.pk}/history/",
                                         {"kind": ["finding"]}).context["entries"]
    assert [(e.action, e.actor) for e in entries] == [("finding.file", "auditor"), ("finding.respond", "clerk_a")]


@pytest.mark.postgres
def test_the_database_refuses_to_rewrite_a_step_or_an_attachment(cast, household_a):
    from django.db import DatabaseError, connection, transaction

    finding = findings.file_finding(actor=cast["auditor"], area_code=household_a.area_code, household=household_a,
                                    category="relocation", description="原描述", responsible_role="role_village_clerk",
                                    deadline=timezone.localdate(), attachments=[upload()])
    for table in ("supervision_findingstep", "supervision_findingattachment"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET finding_id = finding_id WHERE finding_id = %s", [finding.pk])
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE finding_id = %s", [finding.pk])


def test_the_findings_pages_show_no_english(cast, household_a, login):
    from tests.approvals.test_no_english import english_in

    finding = findings.file_finding(actor=cast["auditor"], area_code=household_a.area_code, household=household_a,
                                    category="relocation", description="x", responsible_role="role_village_clerk",
                                    deadline=timezone.localdate(), attachments=[upload()])
    auditor = login(cast["auditor"])
    pages = {url: auditor.get(url).content.decode() for url in (LEDGER, NEW, f"/supervision/findings/{finding.pk}/",
                                                                f"/supervision/households/{household_a.pk}/history/")}
    pages["new with errors"] = auditor.post(NEW, {}).content.decode()
    clerk = login(cast["clerk_a"])
    pages["clerk detail"] = clerk.get(f"/supervision/findings/{finding.pk}/").content.decode()
    pages["clerk respond errors"] = clerk.post(f"/supervision/findings/{finding.pk}/respond/", {}).content.decode()
    pages["clerk inbox"] = clerk.get("/work/").content.decode()
    assert {name: english_in(body) for name, body in pages.items() if english_in(body)} == {}


def test_the_ledger_reads_a_constant_number_of_queries_for_3_or_15_findings(cast, areas, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import SiteFactory

    site = SiteFactory(area=areas["town"])

    def add(n):
        for i in range(n):
            target = i % 3
            household = HouseholdFactory(village=areas["village_a"]) if target == 0 else None
            findings.file_finding(
                actor=cast["auditor"], area_code=household.area_code if household else (
                    site.area_code if target == 1 else areas["village_b"].code),
                household=household, site=site if target == 1 else None, category="relocation",
                description=f"问题{i}", responsible_role="role_village_clerk" if target != 1 else "role_county_housing",
                responsible_area_code=areas["county"].code if target == 1 else None,
                deadline=timezone.localdate())

    auditor = login(cast["auditor"])

    def queries(url):
        auditor.get(url)  # warm the session and grants
        with CaptureQueriesContext(connection) as captured:
            assert auditor.get(url).status_code == 200
        return len(captured)

    add(3)
    few = {url: queries(url) for url in (LEDGER, "/supervision/findings.xlsx")}
    add(12)
    assert Finding.objects.count() == 15
    many = {url: queries(url) for url in (LEDGER, "/supervision/findings.xlsx")}
    assert many == few
    page = auditor.get(LEDGER).content.decode()
    assert f"安置点 {site.name}" in page and "搬迁户 " in page
