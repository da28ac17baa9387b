"""Resident identity numbers (GB 11643-1999), checked with python-stdnum's `cn.ric`.

stdnum's is_valid() also rejects genuine numbers whose region code is newer than the birth year
(docs/traps.md), so format, check digit and date are checked here and the region is only a warning.
"""

import datetime
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from stdnum import exceptions as stdnum_exceptions
from stdnum.cn import ric


@dataclass(frozen=True)
class CheckedIdNumber:
    number: str
    birth_date: datetime.date
    sex: str  # "M" / "F", from the 17th digit (odd: male)
    warnings: tuple[str, ...] = ()


def normalise(value: str) -> str:
    # Chinese input methods give full-width digits and "Ｘ"; spaces and hyphens creep in on copy.
    value = unicodedata.normalize("NFKC", value or "")
    return ric.compact(value).replace(" ", "")


def check_id_number(value: str, *, today: datetime.date | None = None) -> CheckedIdNumber:
    """Return the normalised number with its birth date and sex, or raise ValidationError
    whose message names the problem (code: id_length, id_format, id_checksum, id_birth_date)."""
    number = normalise(value)
    if len(number) != 18:
        raise ValidationError(
            "身份证号码应为18位，当前为%(n)d位。", code="id_length", params={"n": len(number)}
        )
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError("身份证号码前17位须为数字，末位须为数字或X。", code="id_format")
    try:
        birth = ric.get_birth_date(number)
    except stdnum_exceptions.ValidationError:
        raise ValidationError("身份证号码中的出生日期 %(d)s 不存在。", code="id_birth_date", params={"d": number[6:14]})
    today = today or timezone.localdate()
    if birth > today or birth.year < 1900:
        raise ValidationError(
            "身份证号码中的出生日期 %(d)s 不可能（早于1900年或晚于今天）。",
            code="id_birth_date",
            params={"d": birth.isoformat()},
        )
    if number[17] != ric.calc_check_digit(number):
        raise ValidationError("身份证号码校验位错误：末位应为 %(c)s，请核对。", code="id_checksum",
                              params={"c": ric.calc_check_digit(number)})
    warnings = []
    try:
        ric.get_birth_place(number)
    except stdnum_exceptions.ValidationError:
        warnings.append(f"行政区划代码 {number[:6]} 未在区划库中找到（或与出生年份不符），请核实；不影响登记。")
    sex = "M" if int(number[16]) % 2 == 1 else "F"
    return CheckedIdNumber(number=number, birth_date=birth, sex=sex, warnings=tuple(warnings))


def mask_id_number(number: str) -> str:
    """First 4 + last 4, as on every public notice (docs/architecture.md decision 9)."""
    if not number:
        return ""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_phone(phone: str) -> str:
    if not phone:
        return ""
    if len(phone) <= 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
