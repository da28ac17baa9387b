"""Issue 20's walk: a household through 后扶 — employment changes, four quarters of income, a risk
raised by a rule and closed by the township, the continuity checklist completed — and its history
and 后扶帮扶卡 PDF show it all."""

import datetime
from decimal import Decimal

from aftercare import risks
from aftercare.card import print_card
from aftercare.employment import record_employment, record_training
from aftercare.income import record_income
from aftercare.support import confirm_continuity, record_plan
from documents.services import generate_document
from supervision.timeline import household_timeline
from tests.aftercare.test_card import archive_root, pdf_text  # noqa: F401  (fixture)

YEAR = 2025


def test_a_household_walked_through_follow_up(family, officer, cast, settings):
    settings.AFTERCARE_MONITORING_LINE = "6000"
    household, head, wife = family["household"], family["head"], family["wife"]
    generate_document("follow_up_card", household=household)  # what entering 后扶 leaves

    # Q1: nobody works; the income is under the line and the rule raises a risk.
    record_employment(actor=officer, member=head, month=datetime.date(YEAR, 1, 1), status="none", note="求职中")
    record_income(actor=officer, household=household, year=YEAR, quarter=1,
                  values={"wage": "0", "transfer": "1200", "head_signed_on": f"{YEAR}-03-30"})
    raised = risks.scan_household(household, datetime.date(YEAR, 4, 5))
    below = next(r for r in raised if r.rule == "below_line")
    assert below.detail == f"截至{YEAR}年第一季度人均纯收入400.00元，低于累计监测线1500.00元。"

    # Measures: a job in a supported workshop for the wife, a public-service post for the head.
    record_training(actor=officer, member=wife, project="缝纫工培训", start_date=datetime.date(YEAR, 3, 1),
                    end_date=datetime.date(YEAR, 3, 15), certificate="缝纫工（初级）")
    record_employment(actor=officer, member=wife, month=datetime.date(YEAR, 4, 1), status="workshop",
                      place="in_county", employer="安置点帮扶车间", post="缝纫工", months=1,
                      monthly_income=Decimal("2200"), channel="workshop", start_date=datetime.date(YEAR, 4, 1))
    record_employment(actor=officer, member=head, month=datetime.date(YEAR, 5, 1), status="public_post",
                      place="in_county", employer="安置社区", post="保洁员", months=1,
                      monthly_income=Decimal("800"), channel="public_post", start_date=datetime.date(YEAR, 5, 1))
    record_plan(actor=officer, household=household, income_channels="帮扶车间务工、公益岗位",
                measures=["employment", "public_post"], measure_note="妻子进帮扶车间，户主安排保洁公益岗位",
                land_uses=[{"land": "farmland", "use": "transfer", "area_mu": "3"}])
    risks.add_measure(below.pk, actor=officer, text="妻子进安置点帮扶车间，户主安排公益岗位")
    for quarter, wage, post, signed in ((2, "8600", "1600", "06-28"), (3, "9000", "2400", "09-29"),
                                        (4, "9000", "2400", "12-20")):
        record_income(actor=officer, household=household, year=YEAR, quarter=quarter,
                      values={"wage": wage, "public_post": post, "transfer": "300",
                              "head_signed_on": f"{YEAR}-{signed}"})
    for item in ("minimum_living", "pension", "medical", "hukou", "schooling"):
        confirm_continuity(actor=officer, household=household, item=item,
                           state="kept" if item == "minimum_living" else "transferred",
                           done_on=datetime.date(YEAR, 6, 1), confirmed_by="县民政局 赵丽")
    risks.request_close(below.pk, actor=officer, text="两人稳定就业，人均纯收入已超过监测线")
    closed = risks.decide_close(below.pk, actor=cast["leader"], approve=True, text="同意风险消除")
    assert closed.status == "closed"
    assert not [rule for rule, _ in risks.rule_hits(household, datetime.date(YEAR + 1, 1, 10))
                if rule in ("below_line", "continuity_missing", "no_job")]

    # The history reads it all in Chinese.
    history = household_timeline(household)
    labels = [e.label for e in history]
    for label in ("更新就业台账", "登记培训", "填报季度收入", "制定帮扶计划", "确认接续事项", "识别防返贫风险",
                  "落实防返贫帮扶措施", "申请风险消除", "批准风险消除"):
        assert label in labels, label
    assert labels.count("填报季度收入") == 4

    # The card's new version prints the year filled in.
    text = pdf_text(print_card(actor=officer, household=household, year=YEAR))
    for expected in ("2025年度季度收入监测表", "第四季度", "28700.00", "9566.67", "6000.00",
                     "李春花 4月 登记→帮扶车间", "王大山 5月 未就业→公益岗位", "安置点帮扶车间", "保洁员",
                     "就业、公益岗位：妻子进帮扶车间", "耕地3.00亩流转", "保留在迁出地", "县民政局 赵丽",
                     "缝纫工培训", "2025年12月20日"):
        assert "".join(expected.split()) in text, expected
    assert "接续事项尚未全部确认" not in text and "低于累计监测线" not in text
