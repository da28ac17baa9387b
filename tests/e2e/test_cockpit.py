"""The cockpit in Chromium at 1366 px and at 390 px: the charts drawn by the vendored ECharts with no
request leaving the live server on 127.0.0.1, a figure followed to the households behind it, no page wider than the
screen. Screenshots in test-artifacts/cockpit-*.png."""

import datetime
from urllib.parse import urlparse

import pytest
from django.utils import timezone

from monitoring.snapshots import take_snapshots
from tests.monitoring.conftest import media_root, program  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db(transaction=True)


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_cockpit_with_its_charts_offline_at_1366_and_390(session_for, cast, program, areas, artifacts):  # noqa: F811
    for days in (2, 1, 0):
        take_snapshots(timezone.localdate() - datetime.timedelta(days=days))
    page = session_for(cast["county_office"])
    hosts = set()
    page.on("request", lambda request: hosts.add(urlparse(request.url).hostname))
    page.goto("/")
    page.wait_for_selector("#chart-areas[data-drawn] canvas")
    page.wait_for_selector("#chart-trend[data-drawn] canvas")
    assert "示例县　进度监测" in page.locator("h1").inner_text()
    page.screenshot(path=str(artifacts / "cockpit-county-1366.png"), full_page=True)
    assert fits(page)

    # 建房开工率 4/6: the numerator leads to the four households.
    page.locator("[data-indicator=started] .figure a").first.click()
    page.wait_for_url("**/monitoring/list/**")
    assert "共 4 户" in page.locator("[data-drill-total]").inner_text()
    assert fits(page)

    page.set_viewport_size({"width": 390, "height": 844})
    for path, name in (("/", "county"), (f"/?area={areas['town'].code}", "town"),
                       (f"/monitoring/rankings/?area={areas['county'].code}", "rankings"),
                       (f"/monitoring/ledgers/?area={areas['county'].code}", "ledgers"),
                       (f"/monitoring/reports/?area={areas['county'].code}", "reports"),
                       ("/monitoring/definitions/", "definitions")):
        page.goto(path)
        if name == "county":
            page.wait_for_selector("#chart-trend[data-drawn] canvas")
        page.screenshot(path=str(artifacts / f"cockpit-{name}-390.png"), full_page=True)
        assert fits(page), path
    assert hosts <= {"localhost", "127.0.0.1"}, hosts  # the live server; nothing else (no CDN)
