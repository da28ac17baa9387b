"""Excel exports of what auditors read (openpyxl)."""

import io

from django.utils import timezone
from openpyxl import Workbook

from documents.spreadsheets import append_row, fit_columns
from registry.people import display_name

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HISTORY_HEADER = ["时间", "类别", "操作", "操作代码", "操作人", "岗位", "IP地址", "内容"]


def history_workbook(title: str, entries) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "案件历史"
    append_row(sheet, [title])
    sheet.append(HISTORY_HEADER)
    for e in entries:
        append_row(sheet, [timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"), e.kind_label, e.label, e.action,
                      e.actor, e.role, e.ip, e.text])
    fit_columns(sheet, from_row=2)  # the title row spans the sheet; widths from the header down
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# 是否超期: still awaiting rectification past the deadline; 逾期整改: answered after the deadline.
LEDGER_HEADER = ["编号", "类别", "问题对象", "区划代码", "问题描述", "责任单位", "整改期限", "状态", "是否超期",
                 "逾期整改", "登记人", "登记时间", "最近整改情况", "反馈时间", "销号时间", "销号人"]


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def ledger_workbook(findings, counts: dict) -> bytes:
    """督查问题台账: one row per finding, and a second sheet of counts by category and status."""
    book = Workbook()
    sheet = book.active
    sheet.title = "督查问题台账"
    sheet.append(LEDGER_HEADER)
    for f in findings:
        append_row(sheet, [f.pk, f.get_category_display(), f.target_label, f.area_code, f.description,
                      f.responsible_label, f.deadline.isoformat(), f.get_status_display(), "是" if f.overdue else "否",
                      "是" if f.responded_late else "否", display_name(f.filed_by), _local(f.filed_at), f.response,
                      _local(f.responded_at), _local(f.closed_at), display_name(f.closed_by) if f.closed_by_id else ""])
    fit_columns(sheet)
    sheet.freeze_panes = "A2"
    summary = book.create_sheet("分类统计")
    summary.append(["类别"] + [label for _, label in counts["statuses"]] + ["合计", "其中超期", "逾期整改"])
    for row in counts["rows"]:
        append_row(summary, [row["label"], *row["counts"], row["total"], row["overdue"], row["late"]])
    summary.append(["合计", *counts["totals"], counts["total"], counts["overdue"], counts["late"]])
    fit_columns(summary)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
