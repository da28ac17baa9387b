"""Excel files of monitoring: the 日报 (one sheet: the area's and each lower area's figures and the
households per stage) and the response every download goes out in (a Chinese file name, an
audit event). The 台账 are in ledgers.py."""

import io
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from audit.log import record
from documents.spreadsheets import append_row

from .cockpit import stage_counts
from .indicators import INDICATORS
from .tallies import breakdown_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(workbook: Workbook, filename: str, *, request, subject: str, area, rows: int,
                  unmasked: bool = False) -> HttpResponse:
    """The workbook as a download named in Chinese (RFC 6266 filename*), recorded as an audit event."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return file_response(buffer.getvalue(), filename, request=request, subject=subject, area=area, rows=rows,
                         unmasked=unmasked)


def file_response(data: bytes, filename: str, *, request, subject: str, area, rows: int, unmasked: bool = False,
                  background: int | None = None) -> HttpResponse:
    """An Excel file's bytes as a download, recorded as an audit event (`background`: the export's id
    when it was built by the background task)."""
    payload = {"subject": subject, "filters": {"area": area.code}, "rows": rows, "unmasked_id_numbers": unmasked}
    if background is not None:
        payload["background_export"] = background
    record(request.user, "monitoring.export", None, payload, request=request, area_code=area.code)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def widths(sheet, values: list[int]) -> None:
    for n, width in enumerate(values, start=1):
        sheet.column_dimensions[get_column_letter(n)].width = width


def title_row(sheet, text: str, span: int) -> None:
    append_row(sheet, [text])
    sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=span)
    cell = sheet.cell(row=sheet.max_row, column=1)
    cell.font = Font(bold=True, size=14)
    cell.alignment = Alignment(horizontal="center")


def daily_report(area, user) -> tuple[Workbook, int]:
    """日报: the rates of the area and of each area one level down (完成数, 应完成数, 完成率 per
    indicator), then the households per stage with the overdue ones."""
    today = timezone.localdate()
    figures, counted = breakdown_for(area, user)
    book = Workbook()
    sheet = book.active
    sheet.title = "日报"
    span = 1 + 3 * len(INDICATORS)
    title_row(sheet, f"{area.name}易地扶贫搬迁工作日报（{today.year}年{today.month}月{today.day}日）", span)
    append_row(sheet, ["区划"] + [f"{i.name}·{part}" for i in INDICATORS for part in ("完成数", "应完成数", "完成率")])
    for header in sheet[sheet.max_row]:
        header.font = Font(bold=True)
        header.alignment = Alignment(wrap_text=True, vertical="center")
    rows = [figures.area, *figures.children]
    for a in rows:
        line = [a.name if a is not figures.area else f"{a.name}（合计）"]
        for f in a.figures:
            line += [f.numerator, f.denominator, f"{f.percent}%" if f.percent is not None else "—"]
        append_row(sheet, line)
    append_row(sheet, [])
    append_row(sheet, ["阶段", "户数", "其中逾期"])
    counts = stage_counts(counted.total())
    for c in counts:
        append_row(sheet, [c.label, c.count, c.overdue])
    append_row(sheet, [])
    append_row(sheet, [(f"说明：数据统计于{timezone.localtime(counted.taken_at):%Y年%m月%d日 %H:%M}；完成率 = 完成数 ÷ "
                        "应完成数；各指标口径见系统“指标口径”页。资金类指标单位为元。")])
    widths(sheet, [18] + [11] * (span - 1))
    sheet.freeze_panes = "B3"
    return book, len(rows) + len(counts)
