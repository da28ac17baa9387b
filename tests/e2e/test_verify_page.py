"""The public verification page in a real browser: the "核对电子文件" upload works in Chromium (its
POST carries a real Origin, which CSRF checking accepts) for a matching and a changed file, and the
page fits a 1366 px screen and a 390 px phone."""

import pytest

from documents import storage
from documents.services import generate_document
from tests.factories import HouseholdFactory

pytestmark = pytest.mark.e2e


def _check(page, path):
    page.set_input_files("input[type=file]", str(path))
    page.click("button:has-text('核对')")
    page.wait_for_load_state()
    return page.content()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1366, 390])
def test_the_file_check_passes_for_the_file_and_fails_for_a_changed_one(cast, areas, tmp_path, artifacts, width,
                                                                         live_server, browser):
    household = HouseholdFactory(village=areas["village_a"])
    version = generate_document("application_form", actor=cast["clerk_a"], household=household)
    with storage.open_stored(version.storage_name) as handle:
        original = handle.read()
    same, changed = tmp_path / "申请表.pdf", tmp_path / "changed.pdf"
    same.write_bytes(original)
    changed.write_bytes(original[:-20] + b"%% changed %%\n%%EOF\n")

    context = browser.new_context(viewport={"width": width, "height": 844}, locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    try:
        page.goto(f"/verify/{version.verify_code}/")
        assert version.document.number in page.content()
        assert page.evaluate("document.documentElement.scrollWidth") <= width

        assert "一致：上传的文件与本文书第1版完全相同" in _check(page, same)
        page.screenshot(path=str(artifacts / f"verify-match-{width}.png"), full_page=True)
        assert "不一致：上传的文件与登记的文书不同" in _check(page, changed)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(artifacts / f"verify-changed-{width}.png"), full_page=True)
    finally:
        context.close()
