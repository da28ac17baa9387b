"""The auditors' Excel exports hold what was typed as text, never as a formula."""

import io

from openpyxl import Workbook, load_workbook

from documents.spreadsheets import append_row


def test_a_cell_typed_as_a_formula_is_written_as_text():
    book = Workbook()
    sheet = book.active
    append_row(sheet, ['=HYPERLINK("http://example.invalid","点此核查")', "整改到位", 3])
    buffer = io.BytesIO()
    book.save(buffer)
    row = [c for c in load_workbook(io.BytesIO(buffer.getvalue())).active[1]]
    assert [c.data_type for c in row] == ["s", "s", "n"]
    assert row[0].value == '=HYPERLINK("http://example.invalid","点此核查")'
