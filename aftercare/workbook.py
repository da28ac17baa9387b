"""The quarterly income table as an Excel file: the template handed out (a village's households, one
row each) and the reading of a filled one into rows for income.record_batch, each row named by its
line number so that the checking speaks of 第N行.

The header is found by its names in the first five rows (title rows above it are allowed, as in the
county ledgers of formats.md §1.3); columns may come in any order; empty rows are skipped."""

import datetime
import io
import zipfile

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from documents.spreadsheets import append_row
from registry.models import Relation
from registry.policy import Violation

from .income import AMOUNTS, QUARTER_LABELS, IncomeRow

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 2000
NUMBER, HEAD, SIGNED = "户编号", "户主姓名", "户主签字日期"
AMOUNT_HEADERS = {label.replace("：", ""): name for name, label in AMOUNTS}
HEADERS = [NUMBER, HEAD, *[label for _, label in AMOUNTS], SIGNED]


class WorkbookError(Exception):
    """The file as a whole cannot be read (not a workbook, no header): a Chinese message."""


def _head_name(household) -> str:
    head = next((m for m in household.members.all() if m.relation == Relation.HEAD), None)
    return head.name if head else ""


def template(households, *, year: int, quarter: int) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "季度收入监测表"
    ws.append([f"{year}年{QUARTER_LABELS[quarter]}搬迁户收入情况动态监测表（金额单位：元；本季度发生额）"])
    ws.append(HEADERS)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for household in households:
        append_row(ws, [household.number, _head_name(household)])
    for row in ws.iter_rows(min_row=3, max_col=1):
        for cell in row:
            cell.number_format = "@"  # 16 digits stay text
    ws.column_dimensions["A"].width = 20
    for letter in "BCDEFGHI":
        ws.column_dimensions[letter].width = 16
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_rows(upload, households_by_number: dict) -> list[IncomeRow]:
    """The workbook's rows as IncomeRows (household None when the 户编号 is not one of
    `households_by_number`, the caller's scoped households); raises WorkbookError."""
    try:
        wb = load_workbook(upload, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise WorkbookError("无法读取该文件：请上传用 Excel 或 WPS 保存的 .xlsx 文件。") from exc
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header, header_line = None, 0
    for line, values in enumerate(rows, start=1):
        names = [_text(v).replace("：", "") for v in values]
        if NUMBER in names:
            header, header_line = names, line
            break
        if line >= 5:
            break
    if header is None:
        raise WorkbookError("前5行中没有找到表头“户编号”：请使用系统下载的模板。")
    wanted = {NUMBER: NUMBER, HEAD: HEAD, SIGNED: SIGNED, **AMOUNT_HEADERS}
    columns = {}
    for index, name in enumerate(header):
        if name in wanted:
            columns[wanted[name]] = index
    missing = [h.replace("：", "") for h in HEADERS if h != HEAD and wanted[h.replace("：", "")] not in columns]
    if missing:
        raise WorkbookError("表头缺少以下列：" + "、".join(missing) + "。请使用系统下载的模板。")
    found = []
    for line, values in enumerate(rows, start=header_line + 1):
        values = list(values) + [None] * (len(header) - len(values))
        if all(_text(v) == "" for v in values):
            continue
        if len(found) >= MAX_ROWS:
            raise WorkbookError(f"一次最多导入{MAX_ROWS}行，请分村导入。")
        number = _text(values[columns[NUMBER]])
        raw = {name: values[index] for name, index in columns.items() if name not in (NUMBER, HEAD, SIGNED)}
        signed = values[columns[SIGNED]]
        raw["head_signed_on"] = signed if isinstance(signed, (datetime.date, datetime.datetime)) else _text(signed)
        row = IncomeRow(household=households_by_number.get(number), raw=raw, label=f"第{line}行")
        found.append((row, number, _text(values[columns[HEAD]]) if HEAD in columns else ""))
    wb.close()
    return [_with_identity_checks(row, number, head) for row, number, head in found]


def _with_identity_checks(row: IncomeRow, number: str, head: str) -> IncomeRow:
    """Problems with the row's household itself, kept on the row (the amounts are checked later)."""
    row.identity = []
    if not number:
        row.identity.append(Violation("number", "household", "户编号为空。"))
    elif row.household is None:
        row.identity.append(Violation("unknown", "household",
                                      f"户编号 {number} 不存在、不在您的管辖范围内或尚未搬迁入住。"))
    elif head and head != _head_name(row.household):
        row.identity.append(Violation("head", "household", f"户主姓名“{head}”与登记的户主不符。"))
    return row
