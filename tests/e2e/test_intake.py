"""The list import and the 回头看 page in Chromium, at 1366 px and at 390 px (a phone): the check's
result row by row, the confirmation, the township's checking list — and no page wider than the
screen. Screenshots in test-artifacts/."""

import pytest

from intake import recheck
from registry.models import Household
from tests.factories import make_id_number
from tests.intake.test_recheck import a_list
from tests.intake.workbooks import national, person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NO_SIDEWAYS = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def at_both_widths(page, artifacts, name):
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 800})
        page.reload()
        assert page.evaluate(NO_SIDEWAYS), f"{name} scrolls sideways at {width} px"
        page.screenshot(path=str(artifacts / f"{name}-{width}.png"), full_page=True)


def test_import_and_recheck_in_the_browser(session_for, cast, areas, artifacts, tmp_path):
    workbook = national([
        [person("张三", "户主", id_number=make_id_number("520121", "19800101", 1), phone=13812345678.0),
         person("李四", "配偶", id_number=make_id_number("520121", "19810101", 2) + "14")],
        [person("王五", "户主", id_number=make_id_number("520121", "19700101", 3)),
         person("王六", "户主", id_number=make_id_number("520121", "19720101", 4))],
    ], title_rows=2)
    path = tmp_path / "建档立卡名单.xlsx"
    path.write_bytes(workbook.getvalue())
    county = session_for(cast["county_office"])
    county.goto("/intake/")
    county.set_input_files("input[name=file]", str(path))
    county.click("button:has-text('上传并核对')")
    county.wait_for_url("**/intake/*/")
    assert county.locator("[data-batch-status]").get_attribute("data-batch-status") == "checked"
    assert county.locator("[data-count=create]").inner_text() == "1"
    county.goto(county.url + "?show=all")
    assert "每户只能有一名户主" in county.locator("main").inner_text()
    at_both_widths(county, artifacts, "intake-check")
    county.set_viewport_size({"width": 1366, "height": 800})
    county.click("button:has-text('确认导入 1 户')")
    county.wait_for_selector("[data-batch-status=done]")
    assert Household.objects.count() == 1
    at_both_widths(county, artifacts, "intake-done")
    county.goto("/intake/")
    at_both_widths(county, artifacts, "intake-index")
    # 回头看: the county uploads a list with the imported head on it; the township checks it.
    head_id = make_id_number("520121", "19800101", 1)
    recheck.upload_list(cast["county_office"], areas["county"], "state_salaried", a_list([("张三", head_id)]))
    county.goto("/intake/recheck/")
    at_both_widths(county, artifacts, "recheck-county")
    reviewer = session_for(cast["reviewer"])
    reviewer.goto("/intake/recheck/")
    assert Household.objects.get().number in reviewer.locator("main").inner_text()
    at_both_widths(reviewer, artifacts, "recheck-township")
    reviewer.fill("textarea[name=reason]", "经核实，同名同号系录入错误")
    reviewer.click("button:has-text('排除')")
    assert "已排除" in reviewer.locator(".messages").inner_text()
