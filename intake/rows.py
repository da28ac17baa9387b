"""Reading a person-level list (.xlsx) the way officials hold it, row by row, with Chinese messages.

Public and small on purpose: other list imports (the 后扶 lists) reuse it with their own columns.
It knows nothing of households or the database:

- `read_sheet(file, columns)` finds the header by its labels under 0–4 title rows, maps each
  column by label (never by position), and gives one `Row` per person with its values cleaned and
  the problems found in each cell;
- the cell helpers: `as_text` (identifiers stay text: 5224011 not 5224011.0), `repair_phone`
  (13812345678 arriving as 1.3812345678E10), `split_id_cell` (an ID cell of 18, 20 or 22
  characters: the 18-digit ID number and the 残疾证 suffix), `match_choice` (a value by its label,
  with synonyms);
- `check_schooling` (文化程度 xor 在校生状况, one of them required).

Every message names the row (the spreadsheet's own row number) and the column by its label.
ID numbers never appear in a message in clear: a message says which check failed, and the row
number tells the official where to look.
"""

import datetime
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from registry.idnumbers import check_id_number

TITLE_ROWS_MAX = 4  # title rows that may stand above the header
MIN_HEADER_MATCHES = 3


class SheetError(Exception):
    """The file cannot be read as a list at all (no header, not a workbook): one message."""


@dataclass
class Problem:
    row: int  # the spreadsheet row (1-based), 0 for the file as a whole
    column: str  # the column's label ("" for the whole row)
    message: str
    warning: bool = False

    def __str__(self):
        where = f"第{self.row}行" if self.row else "文件"
        return f"{where}{('「' + self.column + '」') if self.column else ''}：{self.message}"


@dataclass
class Row:
    number: int  # the spreadsheet row (1-based)
    values: dict = field(default_factory=dict)  # column key → cleaned value ("" when empty)
    problems: list = field(default_factory=list)

    def add(self, column_label: str, message: str, warning: bool = False):
        self.problems.append(Problem(self.number, column_label, message, warning))

    @property
    def ok(self) -> bool:
        return not any(not p.warning for p in self.problems)


@dataclass
class Sheet:
    title: str
    header_row: int
    found: dict  # column key → the label as written in the file
    missing: list  # labels of required columns not found
    rows: list


def norm_label(text) -> str:
    """Header labels compared without width, spaces, line breaks, required-marks or quote styles."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    for ch in " \t\r\n*＊\u3000\"'“”‘’":
        text = text.replace(ch, "")
    return text.replace("（", "(").replace("）", ")")


def norm_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def as_text(value) -> str:
    """An identifier (户编号, 人编号, 年度) as text: a number cell keeps every digit and no '.0'."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    text = norm_value(value)
    if _looks_scientific(text):
        try:
            return format(Decimal(text).quantize(Decimal(1)), "f")
        except InvalidOperation:
            return text
    return text


def _looks_scientific(text: str) -> bool:
    upper = text.upper()
    return "E+" in upper or ("E" in upper and upper.replace(".", "").replace("E", "").isdigit())


def repair_phone(value) -> tuple[str, str]:
    """(phone as text, problem or ""). 13812345678 stored as a number and shown as 1.38E+10 is
    written back in full; a number whose digits were cut (1.38E10 as typed text) is a problem."""
    if value is None or value == "":
        return "", ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        text = as_text(value)
    else:
        text = norm_value(value).replace(" ", "").replace("－", "-")
        if _looks_scientific(text):
            try:
                number = Decimal(text)
            except InvalidOperation:
                return text, "联系电话格式不正确。"
            if number != number.to_integral_value():
                return text, "联系电话以科学计数法保存且位数已丢失，请在原表中改为文本格式后重填。"
            text = format(number.quantize(Decimal(1)), "f")
    digits = text.replace("-", "")
    if not digits.isdigit():
        return text, "联系电话只能包含数字（固定电话可带区号和“-”）。"
    if len(digits) == 11 and digits.startswith("1"):
        if digits[1] not in "3456789":
            return text, "手机号码第二位应为3至9。"
        return digits, ""
    if digits.startswith("0") and 10 <= len(digits) <= 12:
        return text, ""
    return text, f"联系电话位数不对（{len(digits)}位）：手机号应为11位。"


def split_id_cell(value) -> tuple[str, str]:
    """(18-digit ID number, 残疾证 suffix) from an ID cell of 18, 20 or 22 characters; raises
    ValidationError with a Chinese message. A cell typed as a number keeps its digits only when it
    was stored exactly; a float (shown as 5.22401E+17) has lost the last ones."""
    checked, suffix = check_id_cell(value)
    return checked.number, suffix


def check_id_cell(value):
    """As split_id_cell, with the whole check's result (birth date, sex, region warnings) instead of
    the bare number: (registry.idnumbers.CheckedIdNumber, suffix)."""
    if value is None or value == "":
        raise ValidationError("证件号码为空。")
    if isinstance(value, float):
        raise ValidationError("证件号码以数值（科学计数法）保存，后几位已丢失：请在原表中将该列设为文本后重填。")
    text = unicodedata.normalize("NFKC", str(value)).strip().replace(" ", "").upper()
    if _looks_scientific(text):
        raise ValidationError("证件号码以科学计数法保存，后几位已丢失：请在原表中将该列设为文本后重填。")
    if len(text) == 18:
        return check_id_number(text), ""
    if len(text) in (20, 22):
        suffix = text[18:]
        if not suffix.isdigit() or not ("1" <= suffix[0] <= "7"):
            raise ValidationError(f"证件号码为{len(text)}位，但第19位起不是有效的残疾证类别与等级（类别1至7）。")
        return check_id_number(text[:18]), suffix
    raise ValidationError(f"证件号码应为18位身份证号码，或20/22位残疾证号码，当前为{len(text)}位。")


def match_choice(column, value) -> tuple[str, str]:
    """(the value as one of the column's labels, problem or ""). Matched by label after
    normalising width and spaces; the column's synonyms map other systems' wording. A bare number
    is refused: source systems' codes are not stable (formats.md §1.2)."""
    text = norm_value(value)
    if not text or not column.choices:
        return text, ""
    if text in column.choices:
        return text, ""
    if text in column.synonyms:
        return column.synonyms[text], ""
    squeezed = norm_label(text)
    for choice in column.choices:
        if norm_label(choice) == squeezed:
            return choice, ""
    if text.isdigit():
        return text, f"“{text}”是代码而不是名称：请填写名称（如“{column.choices[0]}”）。"
    shown = "、".join(column.choices[:8]) + ("等" if len(column.choices) > 8 else "")
    return text, f"“{text}”不在可选值中（{shown}）。"


def check_schooling(education: str, schooling: str) -> str:
    """formats.md §1.2: 文化程度 and 在校生状况 are mutually exclusive and one is required."""
    if education and schooling:
        return "文化程度与在校生状况只能填写其一（在校学生填在校生状况，其他人填文化程度）。"
    if not education and not schooling:
        return "文化程度与在校生状况须填写其一。"
    return ""


def parse_decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    text = norm_value(value).replace(",", "").replace("，", "")
    for unit in ("平方米", "㎡", "m2", "元", "万元"):
        text = text.removesuffix(unit)
    return Decimal(text)


def _header(ws_rows, columns, min_matches=MIN_HEADER_MATCHES):
    """(header row number, {key: column index}, {key: label as written}) from the first rows."""
    lookup = {}
    for column in columns:
        for label in column.labels:
            lookup.setdefault(norm_label(label), column.key)
    for number, cells in enumerate(ws_rows, start=1):
        positions, written = {}, {}
        for index, cell in enumerate(cells):
            key = lookup.get(norm_label(cell)) if cell not in (None, "") else None
            if key and key not in positions:
                positions[key] = index
                written[key] = str(cell).strip()
        if len(positions) >= min_matches:
            return number, positions, written
        if number > TITLE_ROWS_MAX:
            break
    return None, {}, {}


def _clean(row: Row, column, raw):
    if column.key == "id_number":
        return raw  # split and checked by the caller's rules (it may keep the suffix)
    if column.key == "phone":
        phone, problem = repair_phone(raw)
        if problem:
            row.add(column.label, problem)
        return phone
    if column.identifier:
        return as_text(raw)
    if isinstance(raw, (datetime.date, datetime.datetime)):
        return raw
    if column.choices:
        value, problem = match_choice(column, raw)
        if problem:
            row.add(column.label, problem)
        return value
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return raw
    return norm_value(raw)


def read_sheet(file, columns, *, sheet_names=("成员",), min_matches=MIN_HEADER_MATCHES) -> Sheet:
    """The first sheet (preferring one named in `sheet_names`) whose header is found in the first
    rows; rows below it, blank rows skipped. Raises SheetError when no sheet has a header."""
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise SheetError("无法读取该文件：请上传 Excel 工作簿（.xlsx）。") from exc
    try:
        sheets = sorted(workbook.worksheets, key=lambda ws: ws.title not in sheet_names)
        for ws in sheets:
            rows = ws.iter_rows(values_only=True)
            head = []
            for cells in rows:
                head.append(cells)
                if len(head) > TITLE_ROWS_MAX + 1:
                    break
            header_row, positions, written = _header(head, columns, min_matches)
            if header_row is None:
                continue
            missing = [c.label for c in columns if c.required and c.key not in positions]
            wanted = [(c, positions[c.key]) for c in columns if c.key in positions]
            found_rows = []

            def take(number, cells):
                if not cells or all(v is None or (isinstance(v, str) and not v.strip()) for v in cells):
                    return
                row = Row(number)
                for column, index in wanted:
                    raw = cells[index] if index < len(cells) else None
                    row.values[column.key] = _clean(row, column, raw)
                for column in columns:
                    row.values.setdefault(column.key, "")
                found_rows.append(row)

            for number, cells in enumerate(head[header_row:], start=header_row + 1):
                take(number, cells)
            for number, cells in enumerate(rows, start=len(head) + 1):
                take(number, cells)
            return Sheet(ws.title, header_row, written, missing, found_rows)
    finally:
        workbook.close()
    raise SheetError(
        f"在前{TITLE_ROWS_MAX + 1}行中未找到表头：表头须包含“姓名”“证件号码”“与户主关系”等列名（可先下载导入模板对照）。"
    )
