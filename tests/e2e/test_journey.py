"""The journey of issue 6 in a real browser: a clerk registers a household and submits it; the
village head records the review; the clerk creates the 公示 batch and prints the notice; a
township reviewer finds the task in the inbox, claims it and returns it with an opinion; the
clerk fixes and resubmits; the township reviews again and the county approves; an official of
another village sees none of it."""

import datetime
import re

import pytest
from django.utils import timezone

from registry.models import Household
from registry.models import HouseholdStage as S
from tests.factories import make_id_number
from workflows.households import batches
from workflows.models import Opinion

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def stage_of(household_id):
    return Household.objects.get(pk=household_id).stage


def upload_evidence(page, household_id, stage, kind, path):
    page.goto(f"/evidence/household/{household_id}/")
    page.select_option("select[name=stage]", stage)
    page.select_option("select[name=kind]", kind)
    page.set_input_files("input[name=file]", path)
    page.click("form.stacked-form button[type=submit]")
    page.wait_for_url(re.compile(r"/evidence/\d+/$"))


def decide(page, household_id, step, decision, opinion):
    page.goto(f"/cases/{household_id}/")
    form = page.locator(f"#step-{step} form.decision-form")
    form.locator(f"input[name='{step}-decision'][value='{decision}']").check()
    form.locator(f"textarea[name='{step}-opinion']").fill(opinion)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_the_journey_of_one_household(cast, areas, session_for, image_file, artifacts, live_server):
    today = timezone.localdate()
    clerk = session_for(cast["clerk_a"])

    # 1. The clerk registers the household (the scoped admin) ...
    clerk.goto("/admin/registry/household/add/")
    clerk.fill("#id_number", "5209991012010042")
    clerk.select_option("#id_village", label="村A")
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
    clerk.click("input[name=_save]")
    clerk.wait_for_url(re.compile(r"/admin/registry/household/$"))
    household_id = Household.objects.get(number="5209991012010042").pk

    # ... the case page says what is missing before anything is submitted ...
    clerk.goto(f"/cases/{household_id}/")
    missing = clerk.locator("#step-submit_application .missing").inner_text()
    assert "户口簿扫描件" in missing and "签字申请表扫描件" in missing
    for kind in ("hukou_scan", "current_house_photo", "signed_application"):
        upload_evidence(clerk, household_id, "apply", kind, image_file(f"{kind}.png"))
    # ... and submits it.
    decide(clerk, household_id, "submit_application", "approve", "材料齐全，申请搬迁")
    assert "进入“评议”阶段" in clerk.locator(".messages").inner_text()
    assert stage_of(household_id) == S.REVIEW

    # 2. The village head records the representatives' meeting.
    head = session_for(cast["head_a"])
    head.goto("/meetings/new/")
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
    clerk.goto("/notices/new/")
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

    # The hourly job moves households whose notice ended without objection on to 审核.
    assert batches.close_due_notices()["moved"] == ["5209991012010042"]

    # 4. The township reviewer finds the task, claims it and returns it with an opinion.
    reviewer = session_for(cast["reviewer"])
    reviewer.goto("/work/?tab=queue")
    row = reviewer.locator("tr", has_text="5209991012010042")
    assert "乡镇审核" in row.inner_text()
    assert reviewer.locator("[data-inbox-badge]").inner_text() == "1"
    assert reviewer.locator("[data-bell-count]").inner_text() == "1"  # the bell: 新任务 (issue 22)
    reviewer.screenshot(path=str(artifacts / "inbox-queue-township-reviewer.png"), full_page=True)
    row.locator("button:has-text('领取')").click()
    reviewer.wait_for_load_state()
    reviewer.goto("/work/?tab=inbox")
    assert "5209991012010042" in reviewer.locator("table.inbox-table").inner_text()
    reviewer.screenshot(path=str(artifacts / "inbox-held-township-reviewer.png"), full_page=True)
    reviewer.locator("tr", has_text="5209991012010042").locator("a:has-text('办理')").click()
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
    clerk.locator("tr", has_text="5209991012010042").locator("a:has-text('办理')").click()
    clerk.wait_for_url(re.compile(r"/cases/\d+/$"))
    assert "户籍人口与申报不一致" in clerk.locator(".timeline").inner_text()
    decide(clerk, household_id, "resubmit_after_notice", "approve", "已核实户籍人口，重新报送。")
    assert stage_of(household_id) == S.APPROVAL

    # 6. The township reviews again; the county approves.
    upload_evidence(reviewer, household_id, "approval", "household_survey", image_file("survey.png"))
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
    upload_evidence(reviewer, household_id, "construction", "signed_agreement", image_file("agreement.png"))
    reviewer.goto(f"/cases/{household_id}/")
    assert "签字搬迁协议" not in reviewer.locator("#step-start_record .missing").inner_text()
    assert "开工照片" in reviewer.locator("#step-start_record .missing").inner_text()
    assert list(Opinion.objects.filter(household_id=household_id).values_list("step", "decision")) == [
        ("submit_application", "approve"), ("review_meeting", "approve"), ("resubmit_after_notice", "system"),
        ("township_review", "return"), ("resubmit_after_notice", "approve"), ("township_review", "approve"),
        ("county_approval", "approve")]

    # 7. The clerk of another village sees none of it.
    other = session_for(cast["clerk_b"])
    other.goto("/work/")
    assert "5209991012010042" not in other.content()
    assert other.goto(f"/cases/{household_id}/").status == 404
    other.goto("/households/")
    assert "5209991012010042" not in other.content()
    other.goto("/notices/")
    assert "村A" not in other.locator("main").inner_text()
