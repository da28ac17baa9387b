"""The 督查 pages and the case page on a phone (issue 14 item 9): at 390×844 in Chromium the
督查问题台账 (as the auditor who files findings and as the village clerk who answers them), a
finding, the auditor's 审计日志 and 完整性检查, and the case page of a household waiting for the
township (as the reviewer who decides it, the clerk and the auditor) are never wider than the
screen, tables shown as labelled cards. Screenshots in test-artifacts/phone-*.png."""

import pytest
from django.utils import timezone

from supervision import findings
from tests.workflows.conftest import archive_root, give, household, officials, upload  # noqa: F401  (fixtures)
from tests.workflows.test_walk import walk_to_approval

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def fits(page):
    """No horizontal scrolling; on failure, the first elements that stick out."""
    width = page.viewport_size["width"]
    wide = page.evaluate("""w => Array.from(document.querySelectorAll('body *'))
        .filter(e => e.getBoundingClientRect().right > w + 1)
        .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""", width)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, (page.url, wide)


def test_the_supervision_pages_and_the_case_page_fit_a_phone(session_for, officials, give, areas,  # noqa: F811
                                                              household, artifacts):  # noqa: F811
    walk_to_approval(household, officials, give, areas)
    long_text = "旧房未按期拆除，复垦面积与台账不一致，且公示照片缺少张贴日期；请村两委核实并于限期内整改到位，附整改前后对比照片。"
    filed = [findings.file_finding(actor=officials["auditor"], area_code=household.area_code, household=household,
                                   category=category, description=long_text, attachments=[upload("现场.png")],
                                   responsible_role="role_village_clerk", deadline=timezone.localdate())
             for category in ("relocation", "construction")]
    findings.respond(filed[0].pk, actor=officials["clerk_a"], text="已组织拆除，复垦面积已按实测更正。")

    shown = []
    for name, paths in (
        ("auditor", ["/supervision/findings/", f"/supervision/findings/{filed[0].pk}/", "/supervision/log/",
                     "/supervision/integrity/", f"/cases/{household.pk}/",
                     f"/supervision/households/{household.pk}/history/"]),
        ("clerk_a", ["/supervision/findings/", f"/supervision/findings/{filed[1].pk}/", f"/cases/{household.pk}/"]),
        ("reviewer", [f"/cases/{household.pk}/", "/work/"]),
    ):
        page = session_for(officials[name])
        page.set_viewport_size(PHONE)
        for path in paths:
            response = page.goto(path)
            assert response.status == 200, (name, path, response.status)
            slug = path.strip("/").replace("/", "-") or "home"
            page.screenshot(path=str(artifacts / f"phone-{name}-{slug}.png"), full_page=True)
            fits(page)
            shown.append((name, path))
        if name == "auditor":
            page.goto("/supervision/findings/")
            # The ledger's table is a list of labelled cards on a phone (static/js/tables.js).
            cell = page.locator(".data-table tbody td").first
            assert cell.get_attribute("data-label"), "the ledger's cells carry their column's label"
    assert len(shown) == 11
    # The reviewer decides from the phone: the decision form is there and fits.
    page.goto(f"/cases/{household.pk}/")
    assert page.locator("form.decision-form").count() >= 1
    fits(page)
