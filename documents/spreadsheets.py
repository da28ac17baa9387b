"""Excel sheets the system hands out (openpyxl), written so that what officials typed stays text."""


def append_row(sheet, values) -> None:
    """Append a row, every cell as a value: openpyxl stores a string starting with "=" as a formula,
    so an opinion, a site name or a description typed as "=HYPERLINK(…)" would run in the reader's
    Excel (formula injection); such cells are written back as plain text."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if cell.data_type == "f":
            cell.data_type = "s"


def _display_width(value) -> float:
    """Roughly how many Latin character widths a cell's text takes: a Chinese character two."""
    text = "" if value is None else str(value)
    longest = max(text.split("\n"), key=len) if text else ""
    return sum(2 if ord(ch) > 0x2E80 else 1.1 for ch in longest)


def fit_columns(sheet, *, from_row: int = 1, minimum: int = 6, maximum: int = 50) -> None:
    """Column widths from the cells' text (from `from_row` on: a title row above the header is left
    out), within [minimum, maximum]; long texts wrap in their column instead of widening it."""
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    widest: dict[int, float] = {}
    for row in sheet.iter_rows(min_row=from_row):
        for cell in row:
            if cell.value is not None:
                widest[cell.column] = max(widest.get(cell.column, 0), _display_width(cell.value))
                if _display_width(cell.value) > maximum:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    for column, width in widest.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, minimum), maximum)


def download_name(filename: str, *, inline: bool = False) -> str:
    """A Content-Disposition header for a file named in Chinese (RFC 6266/5987 filename*, as Django
    writes it): the official's browser saves "案件历史-….xlsx", not "history-3.xlsx"."""
    from django.utils.http import content_disposition_header

    return content_disposition_header(not inline, filename.replace("/", "-").replace("\\", "-"))
