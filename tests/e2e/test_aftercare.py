"""The 后扶 pages in Chromium at 1366 px and at 390 px (a phone): recording a month, a village's
quarter with a bad row and then good rows; no page wider than the screen. Screenshots in
test-artifacts/aftercare-*.png."""

import pytest

from aftercare.models import EmploymentRecord, IncomeReport
from tests.aftercare.conftest import family, moved_in, officer  # noqa: F401  (fixtures)
from tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db(transaction=True)


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_aftercare_pages_at_1366_and_390(session_for, cast, family, areas, artifacts):  # noqa: F811
    neighbour = moved_in(HouseholdFactory(village=areas["village_a"]))
    household = family["household"]
    page = session_for(cast["reviewer"])
    page.goto("/aftercare/")
    assert "未实现一户一人就业" in page.locator("[data-ledger]").inner_text()
    page.screenshot(path=str(artifacts / "aftercare-ledger-1366.png"), full_page=True)
    assert fits(page)

    page.click(f"a:has-text('{household.number}')")
    page.wait_for_url(f"**/aftercare/households/{household.pk}/")
    form = page.locator("#employment-form")
    form.locator("select[name=member]").select_option(label="王大山")
    form.locator("input[name=month]").fill("2026-03")
    form.locator("select[name=status]").select_option("wage")
    form.locator("select[name=place]").select_option("in_province")
    form.locator("input[name=employer]").fill("贵阳某物流公司")
    form.locator("input[name=months]").fill("3")
    form.locator("input[name=monthly_income]").fill("3500")
    form.locator("select[name=channel]").select_option("enterprise")
    form.locator("input[name=start_date]").fill("2026-01-05")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "已记录王大山2026年03月的就业情况" in page.locator(".messages").inner_text()
    assert EmploymentRecord.objects.count() == 1
    assert page.locator("[data-flag=no_job]").count() == 0
    page.screenshot(path=str(artifacts / "aftercare-household-1366.png"), full_page=True)
    assert fits(page)

    page.goto("/aftercare/villages/520999101201/income/?year=2026&quarter=1")
    for h, wage in ((household, "三千"), (neighbour, "2800")):
        page.fill(f"input[name=wage-{h.pk}]", wage)
        page.fill(f"input[name=transfer-{h.pk}]", "300")
        page.fill(f"input[name=head_signed_on-{h.pk}]", "2026-03-28")
    page.click("button:has-text('保存本村收入')")
    page.wait_for_load_state()
    assert "本次填报未保存任何数据" in page.locator("[data-errors]").inner_text()
    assert not IncomeReport.objects.exists()
    page.screenshot(path=str(artifacts / "aftercare-village-errors-1366.png"), full_page=True)
    assert fits(page)
    page.fill(f"input[name=wage-{household.pk}]", "3000")
    page.click("button:has-text('保存本村收入')")
    page.wait_for_load_state()
    assert "已填报村A2026年第一季度收入 2 户" in page.locator(".messages").inner_text()
    assert IncomeReport.objects.count() == 2

    page.set_viewport_size({"width": 390, "height": 844})
    for path, name in (("/aftercare/", "ledger"), (f"/aftercare/households/{household.pk}/", "household"),
                       ("/aftercare/villages/520999101201/income/?year=2026&quarter=2", "village"),
                       ("/aftercare/income/upload/", "upload")):
        page.goto(path)
        page.screenshot(path=str(artifacts / f"aftercare-{name}-390.png"), full_page=True)
        assert fits(page), path
