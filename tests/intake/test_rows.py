"""The list reader (intake/rows.py): header by label under title rows, identifiers as text, phones
repaired, ID cells of 18/20/22 characters, values by label — in both layouts officials hold."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from intake.columns import BY_KEY, COLUMNS
from intake.rows import SheetError, as_text, check_schooling, match_choice, read_sheet, repair_phone, split_id_cell
from tests.factories import make_id_number
from tests.intake.workbooks import national, person, roster


def test_identifiers_stay_text():
    assert as_text(520999101201000001) == "520999101201000001"
    assert as_text(5224011.0) == "5224011"
    assert as_text("5.224011E+6") == "5224011"
    assert as_text(" ００１２ ") == "0012"


@pytest.mark.parametrize("cell, expected", [
    (13812345678, "13812345678"),
    (13812345678.0, "13812345678"),
    ("1.3812345678E+10", "13812345678"),
    ("138 1234 5678", "13812345678"),
    ("0851-12345678", "0851-12345678"),
])
def test_phones_arriving_as_numbers_are_repaired(cell, expected):
    assert repair_phone(cell) == (expected, "")


def test_a_phone_whose_digits_were_cut_is_reported():
    phone, problem = repair_phone("1.38E+10.5")
    assert problem
    phone, problem = repair_phone("1.381234E10")
    assert phone == "13812340000" and problem == ""  # the digits there are kept; a wrong number still reads 11
    assert "位数" in repair_phone("1381234")[1]


def test_id_cells_of_18_20_and_22_characters():
    number = make_id_number("520121", "19700101", 12)
    assert split_id_cell(number) == (number, "")
    assert split_id_cell(number + "14") == (number, "14")
    assert split_id_cell(number + "1402") == (number, "1402")
    assert split_id_cell(int(number)) == (number, "") if number[-1] != "X" else True
    with pytest.raises(ValidationError, match="20位"):
        split_id_cell(number + "91")  # digit 19 is the 残疾 category, 1 to 7
    with pytest.raises(ValidationError, match="科学计数法"):
        split_id_cell(5.22401197001011e17)
    with pytest.raises(ValidationError, match="19位"):
        split_id_cell(number + "1")
    with pytest.raises(ValidationError, match="校验位"):
        split_id_cell(number[:17] + ("0" if number[17] != "0" else "1"))


def test_values_are_matched_by_label_never_by_code():
    assert match_choice(BY_KEY["relation"], "之子") == ("之子", "")
    assert match_choice(BY_KEY["labour"], "劳动力") == ("普通劳动力", "")  # 彝良's two values
    assert match_choice(BY_KEY["labour"], "否") == ("无劳动力", "")
    assert match_choice(BY_KEY["household_type"], "随迁户") == ("同步搬迁户", "")
    value, problem = match_choice(BY_KEY["main_cause"], "1")
    assert problem == ""  # free text column
    value, problem = match_choice(BY_KEY["education"], "2")
    assert "代码" in problem
    value, problem = match_choice(BY_KEY["education"], "研究生")
    assert "不在可选值中" in problem


def test_education_and_schooling_one_of_them():
    assert check_schooling("初中", "") == ""
    assert check_schooling("", "七年级") == ""
    assert "只能填写其一" in check_schooling("初中", "七年级")
    assert "须填写其一" in check_schooling("", "")


def test_the_national_export_with_title_rows():
    number = make_id_number("520121", "19800101", 1)
    workbook = national([[person("张三", "户主", id_number=int(number) if number[-1] != "X" else number,
                                 phone=13812345678.0),
                          person("李四", "配偶", id_number=make_id_number("520121", "19820202", 2) + "14"),
                          person("张小", "之子", education="", schooling="七年级")]], title_rows=3)
    sheet = read_sheet(workbook, COLUMNS)
    assert sheet.header_row == 4 and sheet.missing == []
    assert [r.number for r in sheet.rows] == [5, 6, 7]
    head = sheet.rows[0].values
    assert head["name"] == "张三" and head["phone"] == "13812345678" and head["household_no"] == "520999101201000001"
    assert head["county"] == "示例县" and head["township"] == "城关镇" and head["village"] == "村A"
    assert sheet.rows[2].values["schooling"] == "七年级"
    assert sheet.rows[0].values["planned_area"] == 60
    assert all(r.ok for r in sheet.rows)


def test_the_county_roster_with_four_rows_above_the_data():
    workbook = roster([[person("王五", "户主"), person("赵六", "配偶")], [person("孙七", "户主")]])
    sheet = read_sheet(workbook, COLUMNS)
    assert sheet.header_row == 4 and [r.number for r in sheet.rows] == [5, 6, 7]
    assert sheet.found["id_number"] == "身份证号" and sheet.found["labour"] == "劳动力"
    assert sheet.rows[0].values["household_type"] == "建档立卡户"  # 卡户, by label
    assert sheet.rows[0].values["mode"] == "分散安置"
    assert sheet.rows[1].values["household_no"] == ""  # only on the 户主's row


def test_no_header_in_the_first_rows_is_one_message():
    wb = Workbook()
    for i in range(8):
        wb.active.append([f"说明{i}"])
    wb.active.append(["姓名", "证件号码", "与户主关系"])
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    with pytest.raises(SheetError, match="未找到表头"):
        read_sheet(out, COLUMNS)


def test_a_file_that_is_not_a_workbook():
    with pytest.raises(SheetError, match="xlsx"):
        read_sheet(io.BytesIO(b"%PDF-1.4 not a workbook"), COLUMNS)


def test_a_missing_required_column_is_named():
    wb = Workbook()
    wb.active.append(["姓名", "证件号码", "与户主关系", "乡镇"])
    wb.active.append(["张三", make_id_number(), "户主", "城关镇"])
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    sheet = read_sheet(out, COLUMNS)
    assert "行政村" in sheet.missing and "县(市、区、旗)" in sheet.missing


def test_decimal_cells():
    from intake.rows import parse_decimal
    assert parse_decimal("75平方米") == Decimal("75")
    assert parse_decimal(62.5) == Decimal("62.5")
    assert parse_decimal("1,000") == Decimal("1000")
