"""Excel exports of what auditors read (openpyxl)."""

import io

from django.utils import timezone
from openpyxl import Workbook

HISTORY_HEADER = ["时间", "类别", "操作", "操作代码", "操作人", "岗位", "IP地址", "内容"]


def _detail(detail: dict) -> str:
    return "；".join(f"{k}：{v}" for k, v in detail.items())


def history_workbook(title: str, entries) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "案件历史"
    sheet.append([title])
    sheet.append(HISTORY_HEADER)
    for e in entries:
        sheet.append([timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"), e.kind_label, e.label, e.action,
                      e.actor, e.role, e.ip, _detail(e.detail)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
