"""Excel sheets the system hands out (openpyxl), written so that what officials typed stays text."""


def append_row(sheet, values) -> None:
    """Append a row, every cell as a value: openpyxl stores a string starting with "=" as a formula,
    so an opinion, a site name or a description typed as "=HYPERLINK(…)" would run in the reader's
    Excel (formula injection); such cells are written back as plain text."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if cell.data_type == "f":
            cell.data_type = "s"
