"""The journey of issues 6 and 14 in a real browser, entirely through the system's pages (no
admin): a clerk on a phone (390×844) enters a household with its members and submits it with
photos; the village head finds 评议 in the inbox and records the meeting; the clerk creates the 公示
batch from the inbox, prints it and uploads the posted photo; the notice ends (the job run by the
test); a township reviewer claims the task and returns it; the clerk fixes and resubmits; the
township reviews again and the county approves; the agreement printed at that decision comes back
signed; the case goes on to 后扶 with only documents the system printed for signing; an official of
another village sees none of it. The clerk's pages are never wider than the phone's screen."""

import datetime
import re

import pytest
from django.utils import timezone

from registry.models import Household
from registry.models import HouseholdStage as S
from tests.conftest import make_official
from tests.factories import make_id_number
from workflows.households import batches
from workflows.models import Opinion

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def stage_of(household_id):
    return Household.objects.get(pk=household_id).stage


PHONE = {"width": 390, "height": 844}


def fits(page):
    """The page is no wider than its screen (no horizontal scrolling)."""
    width = page.viewport_size["width"]
    wide = page.evaluate("""w => Array.from(document.querySelectorAll('main *'))
        .filter(e => e.getBoundingClientRect().right > w + 1)
        .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""", width)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, (page.url, wide)


def upload_evidence(page, household_id, kind, *paths):
    """上传佐证材料 from the case page: several files at once, then back to the case."""
    page.goto(f"/cases/{household_id}/evidence/")
    page.select_option("select[name=kind]", kind)
    page.set_input_files("#id_files", list(paths))
    fits(page)
    page.click("button:has-text('上传并登记')")
    page.wait_for_url(re.compile(r"/cases/\d+/$"))


def decide(page, household_id, step, decision, opinion, **fields):
    page.goto(f"/cases/{household_id}/")
    form = page.locator(f"#step-{step} form.decision-form")
    form.locator(f"input[name='{step}-decision'][value='{decision}']").check()
    form.locator(f"textarea[name='{step}-opinion']").fill(opinion)
    for name, value in fields.items():
        field = form.locator(f"[name='{step}-{name}']")
        if not field.count():
            continue  # the step's form has no such field (it belongs to another step of the stage)
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(str(value))
        else:
            field.fill(str(value))
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def print_for_signing(page, household_id, label):
    page.goto(f"/cases/{household_id}/")
    page.click(f"button:has-text('打印待签{label}')")
    page.wait_for_load_state()
    page.goto(f"/cases/{household_id}/")
    assert f"待签文书：{label}" in page.locator(".for-signing").inner_text()


def test_the_journey_of_one_household(cast, areas, session_for, image_file, artifacts, live_server):
    today = timezone.localdate()
    clerk = session_for(cast["clerk_a"])
    clerk.set_viewport_size(PHONE)  # a village clerk works from a phone

    # 1. The clerk enters the household on the system's own page (the number is given) ...
    clerk.goto("/households/")
    clerk.click("text=新增搬迁户")
    clerk.wait_for_url("**/households/new/")
    clerk.fill("#id_poverty_reg_number", "JD20260042")
    clerk.select_option("#id_relocation_reason", "harsh_conditions")
    clerk.select_option("#id_resettlement_mode", "scattered")
    clerk.fill("#id_scattered_location", "县城附近集镇")
    clerk.fill("#id_planned_floor_area", "25")
    clerk.fill("#id_self_funding", "3000")
    clerk.fill("#id_members-0-name", "杨正华")
    clerk.select_option("#id_members-0-relation", "head")
    clerk.fill("#id_members-0-id_number_entry", make_id_number(seq=421))
    clerk.select_option("#id_members-0-employment", "local")
    fits(clerk)
    clerk.click("button[value=save]")
    clerk.wait_for_url(re.compile(r"/households/\d+/$"))
    fits(clerk)
    clerk.screenshot(path=str(artifacts / "journey-01-household-entered-390.png"), full_page=True)
    number = "5209991012010001"
    household_id = Household.objects.get(number=number).pk

    # ... the case page says what is missing before anything is submitted ...
    clerk.goto(f"/cases/{household_id}/")
    fits(clerk)
    missing = clerk.locator("#step-submit_application .missing").inner_text()
    assert "户口簿扫描件" in missing and "签字申请表扫描件" in missing
    upload_evidence(clerk, household_id, "hukou_scan", image_file("hukou-1.png"), image_file("hukou-2.png"))
    upload_evidence(clerk, household_id, "current_house_photo", image_file("house-east.png"),
                    image_file("house-west.png"), image_file("house-yard.png"))
    upload_evidence(clerk, household_id, "signed_application", image_file("application.png"))
    clerk.screenshot(path=str(artifacts / "journey-02-case-apply-390.png"), full_page=True)
    # ... and submits it.
    decide(clerk, household_id, "submit_application", "approve", "材料齐全，申请搬迁")
    assert "进入“评议”阶段" in clerk.locator(".messages").inner_text()
    assert stage_of(household_id) == S.REVIEW
    fits(clerk)

    # 2. The village head records the representatives' meeting.
    head = session_for(cast["head_a"])
    head.goto("/work/")
    head.click("[data-work=review_meeting] a:has-text('待民主评议')")  # 评议 is in the head's 待办
    head.wait_for_url(re.compile(r"/meetings/new/\?village="))
    head.fill("input[name=held_on]", (today - datetime.timedelta(days=12)).isoformat())
    head.fill("input[name=place]", "村委会会议室")
    head.fill("input[name=expected_members]", "30")
    head.fill("input[name=present_members]", "21")
    head.set_input_files("input[name=meeting_minutes_scan]", image_file("minutes.png"))
    head.set_input_files("input[name=sign_in_sheet]", image_file("sign.png"))
    head.fill(f"input[name=agree_{household_id}]", "18")
    head.fill(f"input[name=against_{household_id}]", "2")
    head.fill(f"input[name=abstain_{household_id}]", "1")
    head.click("button:has-text('保存评议结果')")
    head.wait_for_url(re.compile(r"/meetings/\d+/$"))
    assert stage_of(household_id) == S.NOTICE

    # 3. The clerk creates the 公示 batch (posted ten days ago), prints the notice, files the photo.
    clerk.goto("/work/")
    clerk.click("[data-work=notice_batch] a:has-text('待张榜公示')")
    clerk.wait_for_url(re.compile(r"/notices/new/\?village="))
    fits(clerk)
    clerk.fill("input[name=posted_on]", (today - datetime.timedelta(days=10)).isoformat())
    clerk.fill("input[name=ends_on]", (today - datetime.timedelta(days=4)).isoformat())
    clerk.fill("input[name=posted_at]", "村委会公示栏")
    clerk.click("button:has-text('创建公示')")
    clerk.wait_for_url(re.compile(r"/notices/\d+/$"))
    assert "已于" in clerk.locator("[data-countdown]").inner_text()
    print_link = clerk.locator("a[data-print-notice]")
    pdf = clerk.request.get(print_link.get_attribute("href"))
    assert pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
    assert pdf.headers["content-disposition"].startswith("inline")
    with clerk.context.expect_page() as opened:
        print_link.click()  # one click opens the PDF in a new tab
    assert "/print/versions/" in opened.value.url
    opened.value.close()
    clerk.set_input_files("input[name=photo]", image_file("posted.png"))
    clerk.click("button:has-text('上传')")
    clerk.wait_for_load_state()
    assert "已上传公示张贴照片" in clerk.locator(".messages").inner_text()
    fits(clerk)
    clerk.screenshot(path=str(artifacts / "journey-03-notice-390.png"), full_page=True)

    # The hourly job moves households whose notice ended without objection on to 审核.
    assert batches.close_due_notices()["moved"] == [number]

    # 4. The township reviewer finds the task, claims it and returns it with an opinion.
    reviewer = session_for(cast["reviewer"])
    reviewer.goto("/work/?tab=queue")
    row = reviewer.locator("tr", has_text=number)
    assert "乡镇审核" in row.inner_text()
    assert reviewer.locator("[data-inbox-badge]").inner_text() == "1"
    assert reviewer.locator("[data-bell-count]").inner_text() == "1"  # the bell: 新任务 (issue 22)
    reviewer.screenshot(path=str(artifacts / "inbox-queue-township-reviewer.png"), full_page=True)
    row.locator("button:has-text('领取')").click()
    reviewer.wait_for_load_state()
    reviewer.goto("/work/?tab=inbox")
    assert number in reviewer.locator("table.inbox-table").inner_text()
    reviewer.screenshot(path=str(artifacts / "inbox-held-township-reviewer.png"), full_page=True)
    reviewer.locator("tr", has_text=number).locator("a:has-text('办理')").click()
    reviewer.wait_for_url(re.compile(r"/cases/\d+/$"))
    assert "入户调查表" in reviewer.locator("#step-township_review .missing").inner_text()
    reviewer.screenshot(path=str(artifacts / "case-page-township-reviewer.png"), full_page=True)
    decide(reviewer, household_id, "township_review", "return", "户籍人口与申报不一致，请核实后重新报送。")
    assert "已退回" in reviewer.locator(".messages").inner_text()
    assert stage_of(household_id) == S.NOTICE

    # 5. The clerk sees the returned case with the opinion, fixes and resubmits. The bell told them.
    clerk.click("[data-bell]")
    assert "户籍人口与申报不一致" in clerk.locator("[data-kind=case_returned]").inner_text()
    clerk.goto("/work/")
    fits(clerk)
    clerk.screenshot(path=str(artifacts / "journey-04-inbox-returned-390.png"), full_page=True)
    clerk.locator("tr", has_text=number).locator("a:has-text('办理')").click()
    clerk.wait_for_url(re.compile(r"/cases/\d+/$"))
    fits(clerk)
    assert "户籍人口与申报不一致" in clerk.locator(".timeline").inner_text()
    decide(clerk, household_id, "resubmit_after_notice", "approve", "已核实户籍人口，重新报送。")
    assert stage_of(household_id) == S.APPROVAL

    # 6. The township reviews again; the county approves.
    upload_evidence(reviewer, household_id, "household_survey", image_file("survey.png"))
    decide(reviewer, household_id, "township_review", "approve", "入户核实属实，同意上报。")
    county = session_for(cast["county_office"])
    county.goto(f"/cases/{household_id}/")
    assert county.locator("#step-county_approval .missing").count() == 0  # nothing to sign before deciding
    decide(county, household_id, "county_approval", "approve", "抽样踏验与信息比对无误，同意搬迁。")
    assert "进入“开工”阶段" in county.locator(".messages").inner_text()
    assert stage_of(household_id) == S.CONSTRUCTION
    county.screenshot(path=str(artifacts / "case-page-county-approved.png"), full_page=True)
    # The decision printed the 搬迁协议; it comes back signed before work starts (开工).
    reviewer.goto(f"/cases/{household_id}/")
    assert "搬迁协议" in reviewer.locator("main").inner_text()
    assert "签字搬迁协议" in reviewer.locator("#step-start_record .missing").inner_text()
    upload_evidence(reviewer, household_id, "signed_agreement", image_file("agreement-p1.png"),
                    image_file("agreement-p2.png"))
    reviewer.goto(f"/cases/{household_id}/")
    assert "签字搬迁协议" not in reviewer.locator("#step-start_record .missing").inner_text()
    assert "开工照片" in reviewer.locator("#step-start_record .missing").inner_text()
    assert list(Opinion.objects.filter(household_id=household_id).values_list("step", "decision")) == [
        ("submit_application", "approve"), ("review_meeting", "approve"), ("resubmit_after_notice", "system"),
        ("township_review", "return"), ("resubmit_after_notice", "approve"), ("township_review", "approve"),
        ("county_approval", "approve")]

    # 8. On to 后扶, each signed paper a scan of what the system printed for signing.
    upload_evidence(reviewer, household_id, "construction_photo", image_file("foundation.png"))
    decide(reviewer, household_id, "start_record", "approve", "协议已签订，已开工。")
    assert stage_of(household_id) == S.ACCEPTANCE
    housing = session_for(cast["housing"])
    upload_evidence(housing, household_id, "inspection_photo", image_file("inspection.png"))
    decide(housing, household_id, "housing_acceptance", "approve", "主体结构质量合格。", actual_floor_area="24.60")
    # 审批分离: the township's acceptance is the leader's, not the reviewer's who recorded the start.
    decide(session_for(cast["leader"]), household_id, "township_acceptance", "approve", "乡镇验收合格。")
    print_for_signing(reviewer, household_id, "竣工验收单")
    upload_evidence(reviewer, household_id, "signed_confirmation", image_file("confirmation.png"))
    decide(reviewer, household_id, "household_confirmation", "approve", "搬迁户代表已签字确认。")
    assert stage_of(household_id) == S.MOVE_IN
    print_for_signing(reviewer, household_id, "入住确认书")
    upload_evidence(reviewer, household_id, "old_new_house_photo", image_file("old-new.png"))
    upload_evidence(reviewer, household_id, "signed_move_in", image_file("move-in.png"))
    decide(reviewer, household_id, "move_in_confirmation", "approve", "钥匙已交付，已入住。")
    assert stage_of(household_id) == S.DEMOLITION
    upload_evidence(reviewer, household_id, "before_demolition_photo", image_file("before.png"))
    upload_evidence(reviewer, household_id, "after_demolition_photo", image_file("after.png"))
    decide(reviewer, household_id, "demolition_record", "approve", "旧房已拆除。", reclaimed_area_mu="0.35",
           follow_up_officer=cast["reviewer"].pk)
    natres = make_official("natres_e2e", "role_county_natural_resources", areas["county"])
    decide(session_for(natres), household_id, "reclamation_acceptance", "approve", "复垦验收合格。",
           reclaimed_area_mu="0.35", follow_up_officer=cast["reviewer"].pk)
    assert stage_of(household_id) == S.FOLLOW_UP
    reviewer.goto(f"/cases/{household_id}/")
    reviewer.screenshot(path=str(artifacts / "journey-05-case-follow-up.png"), full_page=True)

    # 7. The clerk of another village sees none of it.
    other = session_for(cast["clerk_b"])
    other.goto("/work/")
    assert number not in other.content()
    assert other.goto(f"/cases/{household_id}/").status == 404
    other.goto("/households/")
    assert number not in other.content()
    other.goto("/notices/")
    assert "村A" not in other.locator("main").inner_text()
