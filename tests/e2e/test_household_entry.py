"""新增搬迁户 in a real browser, as a village clerk does it on a phone (390×844) and at a desk
(1366 px): the ID number checked as typed, 核查 without saving, a refusal that keeps what was typed,
the number given on saving — and the page never wider than the screen."""

import re

import pytest

from registry.models import Household
from tests.registry.test_admin_households import person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def fits(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [390, 1366])
def test_a_clerk_enters_a_household_with_its_members(cast, areas, session_for, artifacts, width):
    page = session_for(cast["clerk_a"])
    page.set_viewport_size({"width": width, "height": 844 if width == 390 else 768})
    page.goto("/households/")
    page.click("text=新增搬迁户")
    page.wait_for_url("**/households/new/")
    fits(page, width)
    assert "登记前请对照以下政策规定" in page.content()

    page.select_option("#id_relocation_reason", "harsh_conditions")
    page.fill("#id_poverty_reg_number", "JD52099900001")
    page.select_option("#id_resettlement_mode", "scattered")
    page.fill("#id_scattered_location", "县城附近集镇")
    page.fill("#id_planned_floor_area", "51")
    page.fill("#id_self_funding", "3000")
    page.fill("#id_members-0-name", "张大山")
    page.select_option("#id_members-0-relation", "head")
    good = person(41)
    page.fill("#id_members-0-id_number_entry", good[:17] + ("0" if good[17] != "0" else "1"))
    feedback = page.locator("#id_members-0-id_number_entry ~ [data-id-feedback]")
    assert "校验位错误" in feedback.inner_text()
    page.fill("#id_members-0-id_number_entry", good)
    assert "号码格式正确" in feedback.inner_text()
    page.fill("#id_members-1-name", "李小河")
    page.select_option("#id_members-1-relation", "spouse")
    page.fill("#id_members-1-id_number_entry", person(42))
    page.screenshot(path=str(artifacts / f"household-entry-filled-{width}.png"), full_page=True)

    page.click("button:has-text('核查（不保存）')")
    page.wait_for_load_state()
    assert "人均住房建设面积不得超过25平方米" in page.content()  # 51 m² for 2 persons
    assert page.input_value("#id_members-1-id_number_entry") == person(42)  # nothing to type again
    fits(page, width)
    page.screenshot(path=str(artifacts / f"household-entry-refused-{width}.png"), full_page=True)
    assert not Household.objects.exists()

    page.fill("#id_planned_floor_area", "50")
    page.click("button:has-text('核查（不保存）')")
    page.wait_for_load_state()
    assert "核查通过" in page.content()
    assert not Household.objects.exists()
    page.click("button[value=save]")
    page.wait_for_url(re.compile(r"/households/\d+/$"))
    household = Household.objects.get()
    assert household.number == f"{areas['village_a'].code}0001"
    assert household.number in page.content() and "张大山" in page.content()
    fits(page, width)
    page.screenshot(path=str(artifacts / f"household-entry-saved-{width}.png"), full_page=True)
