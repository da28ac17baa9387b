"""督查问题 in the officials' inbox (issue 8, part 4): the open findings their posts must rectify,
with the overdue flag and a count; and on the household's and the site's case pages."""

import datetime

from django.utils import timezone

from supervision import findings
from tests.factories import HouseholdFactory, SiteFactory

INBOX = "/work/"


def file(cast, household, *, role="role_village_clerk", area=None, days=10, description="旧房未拆除"):
    return findings.file_finding(actor=cast["auditor"], area_code=household.area_code, household=household,
                                 category="demolition", description=description, responsible_role=role,
                                 responsible_area_code=area or household.area_code,
                                 deadline=timezone.localdate() + datetime.timedelta(days=days))


def test_the_responsible_clerk_sees_his_open_findings_with_a_count_and_the_overdue_flag(cast, household, login):
    late = file(cast, household, days=-2, description="拆旧逾期")
    on_time = file(cast, household, days=5, description="复垦未验收")
    response = login(cast["clerk_a"]).get(INBOX)
    assert [f.pk for f in response.context["findings_open"]] == [late.pk, on_time.pk]
    assert response.context["findings_count"] == 2
    page = response.content.decode()
    assert "督查问题" in page and "拆旧逾期" in page and "已超期" in page
    assert f'data-finding="{late.pk}"' in page


def test_responded_and_closed_findings_leave_the_inbox_and_a_send_back_returns(cast, household, login):
    finding = file(cast, household)
    findings.respond(finding.pk, actor=cast["clerk_a"], text="已整改")
    assert login(cast["clerk_a"]).get(INBOX).context["findings_open"] == []
    findings.review(finding.pk, actor=cast["auditor"], accept=False, reason="照片不清")
    assert [f.pk for f in login(cast["clerk_a"]).get(INBOX).context["findings_open"]] == [finding.pk]


def test_other_posts_and_other_villages_do_not_see_it(cast, household, login):
    file(cast, household)
    for name in ("clerk_b", "head_a", "reviewer", "county_office"):
        response = login(cast[name]).get(INBOX)
        assert response.context["findings_open"] == [], name
        assert "data-findings-inbox" not in response.content.decode()


def test_a_township_finding_reaches_the_township_reviewer(cast, household, areas, login):
    finding = file(cast, household, role="role_township_reviewer", area=areas["town"].code)
    assert [f.pk for f in login(cast["reviewer"]).get(INBOX).context["findings_open"]] == [finding.pk]
    assert login(cast["other_reviewer"]).get(INBOX).context["findings_open"] == []


def test_the_case_page_lists_the_households_findings(cast, household, login):
    finding = file(cast, household)
    page = login(cast["clerk_a"]).get(f"/cases/{household.pk}/").content.decode()
    assert "data-case-findings" in page and f"/supervision/findings/{finding.pk}/" in page
    auditor_page = login(cast["auditor"]).get(f"/cases/{household.pk}/").content.decode()
    assert f"/supervision/findings/new/?household={household.pk}" in auditor_page
    other = HouseholdFactory(village=household.village)
    assert f"/supervision/findings/{finding.pk}/" not in login(cast["clerk_a"]).get(f"/cases/{other.pk}/").content.decode()


def test_the_site_page_lists_the_sites_findings(cast, areas, login):
    site = SiteFactory(area=areas["county"])
    finding = findings.file_finding(actor=cast["auditor"], area_code=site.area_code, site=site,
                                    category="construction", description="主体工程延期",
                                    responsible_role="role_county_housing", deadline=timezone.localdate())
    page = login(cast["housing"]).get(f"/site-cases/{site.pk}/").content.decode()
    assert f"/supervision/findings/{finding.pk}/" in page
    assert [f.pk for f in login(cast["housing"]).get(INBOX).context["findings_open"]] == [finding.pk]


def test_an_answer_awaiting_review_is_not_counted_overdue_and_a_late_send_back_is(cast, household, login):
    late = file(cast, household, days=-3, description="逾期反馈")
    findings.respond(late.pk, actor=cast["clerk_a"], text="逾期整改")
    response = login(cast["clerk_a"]).get(INBOX)
    assert response.context["findings_open"] == [] and "data-findings-inbox" not in response.content.decode()
    findings.review(late.pk, actor=cast["auditor"], accept=False, reason="不到位")
    response = login(cast["clerk_a"]).get(INBOX)
    assert [f.pk for f in response.context["findings_open"]] == [late.pk]
    assert response.context["findings_open"][0].overdue
    assert "已超期" in response.content.decode().split("data-findings-inbox")[1].split("</section>")[0]


def badge(page: str) -> str | None:
    if "data-findings-badge" not in page:
        return None
    return page.split("data-findings-badge")[1].split(">", 1)[1].split("</span>")[0]


def test_the_navigation_shows_the_open_findings_beside_the_inbox_badge(cast, household, login):
    first = file(cast, household)
    file(cast, household, days=-1)
    assert badge(login(cast["clerk_a"]).get("/").content.decode()) == "督2"
    findings.respond(first.pk, actor=cast["clerk_a"], text="已整改")
    assert badge(login(cast["clerk_a"]).get("/").content.decode()) == "督1"
    assert badge(login(cast["clerk_a"]).get(INBOX).content.decode()) == "督1"
    for name in ("clerk_b", "auditor", "reviewer"):
        assert badge(login(cast[name]).get("/").content.decode()) is None, name


def test_the_findings_badge_counts_up_to_the_cap(cast, household, login, settings):
    settings.APPROVALS_COUNT_CAP = 2
    for _ in range(3):
        file(cast, household)
    assert badge(login(cast["clerk_a"]).get("/").content.decode()) == "督2+"


def test_the_findings_badge_costs_at_most_one_query(cast, household, login, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from approvals import context

    for _ in range(3):
        file(cast, household)

    def queries(user) -> int:
        client = login(user)
        client.get("/")
        with CaptureQueriesContext(connection) as captured:
            client.get("/")
        return len(captured)

    with_badge = {name: queries(cast[name]) for name in ("clerk_a", "auditor")}
    monkeypatch.setattr(context, "_findings_badge", lambda user: None)
    without = {name: queries(cast[name]) for name in ("clerk_a", "auditor")}
    # One bounded COUNT for an official whose post can be named; none for an auditor.
    assert with_badge["clerk_a"] - without["clerk_a"] == 1
    assert with_badge["auditor"] == without["auditor"]
