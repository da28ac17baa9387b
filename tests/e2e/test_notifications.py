"""Issue 22 in Chromium at 1366 px and 390 px: the bell counts a new task, its list opens the case and
the count goes; the notification pages and the public window fit a phone without sideways scrolling
(the header with the bell included). Screenshots in test-artifacts/notifications-*.png, public-*.png."""

import pytest

from registry.models import Member, Relation
from tests.factories import HouseholdFactory
from tests.public.test_window import posted  # noqa: F401  (fixture)
from tests.workflows.conftest import archive_root, give, household, officials  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db(transaction=True)


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def header_fits(page) -> bool:
    return page.evaluate("(() => { const h = document.querySelector('.site-header');"
                         " return h.scrollWidth <= window.innerWidth; })()")


def test_the_bell_and_the_pages_at_1366_and_390(session_for, officials, areas, artifacts):
    case = HouseholdFactory(village=areas["village_a"])
    page = session_for(officials["clerk_a"])
    page.goto("/work/")
    assert page.locator("[data-bell-count]").inner_text() == "1"
    page.screenshot(path=str(artifacts / "notifications-bell-1366.png"))
    page.click("[data-bell]")
    page.wait_for_url("**/notifications/")
    item = page.locator("[data-kind=task_arrived]")
    assert case.number in item.inner_text()
    assert fits(page)
    page.screenshot(path=str(artifacts / "notifications-list-1366.png"), full_page=True)
    item.locator("a").first.click()
    page.wait_for_url(f"**/cases/{case.pk}/")
    assert page.locator("[data-bell-count]").count() == 0

    page.set_viewport_size({"width": 390, "height": 844})
    for path, name in (("/work/", "inbox"), ("/notifications/", "list"), ("/notifications/channels/", "channels"),
                       ("/notifications/delegations/", "delegations"), ("/notifications/views/", "views")):
        page.goto(path)
        page.screenshot(path=str(artifacts / f"notifications-{name}-390.png"), full_page=True)
        assert fits(page), path
        assert header_fits(page), path
    leader = session_for(officials["leader"])
    for width in (1366, 390):
        leader.set_viewport_size({"width": width, "height": 844})
        leader.goto("/notifications/escalations/")
        leader.screenshot(path=str(artifacts / f"notifications-escalations-{width}.png"), full_page=True)
        assert fits(leader)


def test_the_public_window_at_1366_and_390(browser, live_server, posted, artifacts):  # noqa: F811
    household, batch = posted
    head = Member.objects.get(household=household, relation=Relation.HEAD)
    for width in (1366, 390):
        context = browser.new_context(viewport={"width": width, "height": 844}, locale="zh-CN",
                                      base_url=live_server.url)
        page = context.new_page()
        page.goto("/public/")
        page.click(f"[data-batch='{batch.pk}'] a")
        page.wait_for_url(f"**/public/notices/{batch.pk}/")
        assert head.name in page.content() and head.id_number not in page.content()
        page.screenshot(path=str(artifacts / f"public-notice-{width}.png"), full_page=True)
        assert fits(page)
        page.goto("/public/lookup/")
        page.fill("input[name=number]", household.number)
        page.fill("input[name=id_number]", head.id_number)
        page.click("button:has-text('查询')")
        page.wait_for_load_state()
        assert "公示中" in page.locator("[data-next]").inner_text()
        page.screenshot(path=str(artifacts / f"public-lookup-{width}.png"), full_page=True)
        assert fits(page)
        context.close()
