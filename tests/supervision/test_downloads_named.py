"""Every Excel file and download an official takes home (issue 14 item 8): named in Chinese
(RFC 6266 filename*, so the browser saves 督查问题台账-….xlsx), columns wide enough to read, and text
an official typed kept as text — "=HYPERLINK(…)" never becomes a formula in the reader's Excel."""

import io
import re
from urllib.parse import unquote

from openpyxl import load_workbook

from supervision import findings
from tests.supervision.test_read_only import world  # noqa: F401  (the auditor's world: every kind of object)

TYPED = '=HYPERLINK("http://example.com","点此查看")'


def saved_name(response) -> str:
    header = response["Content-Disposition"]
    match = re.search(r"filename\*=utf-8''([^;]+)", header)
    assert match, header
    return unquote(match.group(1))


def check_sheets(data: bytes) -> dict:
    book = load_workbook(io.BytesIO(data))
    for sheet in book.worksheets:
        used = {cell.column_letter for row in sheet.iter_rows() for cell in row if cell.value is not None}
        for letter in used:
            width = sheet.column_dimensions[letter].width
            assert width and 6 <= width <= 50, (sheet.title, letter, width)
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    return book


def test_the_excel_files_are_named_in_chinese_sized_and_formula_safe(officials, world, login, areas):  # noqa: F811
    household = world["household"]
    findings.file_finding(actor=officials["auditor"], area_code=household.area_code, household=household,
                          category="relocation", description=TYPED, responsible_role="role_village_clerk",
                          deadline=world["finding"].deadline)
    officials["auditor"].last_name, officials["auditor"].first_name = "郑", "审计"
    officials["auditor"].save(update_fields=["first_name", "last_name"])
    auditor = login(officials["auditor"])
    response = auditor.get("/supervision/findings.xlsx")
    assert saved_name(response).startswith("督查问题台账-") and saved_name(response).endswith(".xlsx")
    book = check_sheets(response.content)
    ledger = book["督查问题台账"]
    assert TYPED in [c.value for c in ledger["E"]]  # stored as the text typed
    assert {c.value for c in ledger["K"][1:]} == {"郑审计"}  # 登记人 by name, not username

    response = auditor.get(f"/supervision/households/{household.pk}/history.xlsx")
    assert saved_name(response) == f"案件历史-搬迁户{household.number}.xlsx"
    check_sheets(response.content)
    response = auditor.get(f"/supervision/households/{household.pk}/history.pdf")
    assert saved_name(response) == f"案件历史-搬迁户{household.number}.pdf"

    office = login(officials["county_office"])
    response = office.get("/archive/completeness/?format=xlsx")
    assert saved_name(response).startswith("档案完整性-")
    check_sheets(response.content)
    response = office.get(f"/archive/households/{household.pk}/export/")
    assert saved_name(response) == f"搬迁户档案-{household.number}.zip"
    response = office.get(f"/intake/recheck/reports/{world['recheck_report']}/excel/")
    assert saved_name(response) == f"回头看报告-{areas['county'].name}-{world['recheck_report']}.xlsx"
    check_sheets(response.content)

    clerk = login(officials["clerk_a"])
    response = clerk.get(f"/aftercare/villages/{household.village.code}/income.xlsx?year=2026&quarter=1")
    assert saved_name(response) == f"收入监测表-{household.village.name}-2026年第1季度.xlsx"
    check_sheets(response.content)
