"""The workbooks the import hands out: the template (the header and the value lists as drop-downs)
and the check's error workbook (row by row, in Chinese, ID numbers masked)."""

import io

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from documents.spreadsheets import append_row

from .columns import COLUMNS

REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")
HEADER_FONT = Font(bold=True)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _save(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def template() -> bytes:
    """Sheet 成员: one row per person; columns by label (any order); the value lists in a hidden sheet
    as drop-downs; ID, phone and number columns formatted as text so Excel keeps every digit."""
    wb = Workbook()
    ws = wb.active
    ws.title = "成员"
    lists = wb.create_sheet("值列表")
    ws.append([c.label for c in COLUMNS])
    list_col = 0
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        cell = ws.cell(row=1, column=index)
        cell.font = HEADER_FONT
        if column.required:
            cell.fill = REQUIRED_FILL
        ws.column_dimensions[letter].width = max(column.width, len(column.label) * 2 + 2)
        if column.identifier:
            for row in range(2, 1002):
                ws.cell(row=row, column=index).number_format = "@"
        if column.choices:
            list_col += 1
            list_letter = get_column_letter(list_col)
            lists.cell(row=1, column=list_col, value=column.label)
            for n, value in enumerate(column.choices, start=2):
                lists.cell(row=n, column=list_col, value=value)
            rng = f"值列表!${list_letter}$2:${list_letter}${len(column.choices) + 1}"
            dv = DataValidation(type="list", formula1=rng, allow_blank=True, showErrorMessage=True,
                                errorTitle="不在可选值中", error=f"请从下拉列表中选择“{column.label}”。")
            dv.add(f"{letter}2:{letter}1001")
            ws.add_data_validation(dv)
    lists.sheet_state = "hidden"
    ws.freeze_panes = "A2"
    notes = wb.create_sheet("说明")
    for line in (
        ["易地扶贫搬迁对象名单导入模板"],
        ["一人一行；同一户的成员户编号相同（无户编号时，家庭成员须紧接在本户户主行之下）。"],
        ["黄色列为必填；列的顺序可调整，系统按列名识别；表头上方可保留 1 至 4 行标题。"],
        ["证件号码填18位身份证号码；持残疾人证的可填20或22位残疾证号码（前18位为身份证号码）。"],
        ["文化程度与在校生状况只能填写其一：在校学生填在校生状况，其他人填文化程度。"],
        ["各项取值请用名称（如“初中”“普通劳动力”），不要用代码。"],
        ["安置方式为集中安置的，安置点名称须与系统中已登记的安置点一致。"],
    ):
        notes.append(line)
    notes.column_dimensions["A"].width = 100
    return _save(wb)


def error_workbook(batch) -> bytes:
    report = batch.report or {}
    wb = Workbook()
    ws = wb.active
    ws.title = "逐行核对结果"
    append_row(ws, ["行号", "姓名", "证件号码（脱敏）", "列", "问题", "类型"])
    for row, column, message, warning, name, masked in report.get("problems", []):
        append_row(ws, [row or "", name, masked, column, message, "提示" if warning else "错误"])
    for message in report.get("file_problems", []):
        append_row(ws, ["", "", "", "", message, "错误"])
    for key, first_row, message in report.get("commit_messages", []):
        append_row(ws, [first_row or "", "", "", "", f"（导入时，户 {key}）{message}", "错误"])
    households = wb.create_sheet("按户处理")
    append_row(households, ["户编号（名单）", "起始行", "结束行", "村", "户主", "人数", "处理", "已登记户编号", "说明"])
    for plan in report.get("plans", []):
        notes = "；".join(plan["problems"] + plan["warnings"] + [f"{d[0]}：{d[1]} → {d[2]}" for d in plan["diff"]])
        append_row(households, [plan["key"], plan["first_row"], plan["last_row"], plan["village"], plan["head"],
                                plan["persons"], plan["action_label"], plan["number"], notes])
    for sheet, widths in ((ws, [8, 10, 22, 16, 80, 8]), (households, [22, 8, 8, 12, 10, 6, 8, 18, 80])):
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        for cell in sheet[1]:
            cell.font = HEADER_FONT
        sheet.freeze_panes = "A2"
    return _save(wb)
