"""Masking for public documents (docs/architecture.md decision 9): ID numbers first 4 + last 4, phones
first 3 + last 4. A public template receives masked values only: its context is plain data
built here, and `assert_public_context` refuses model instances (which could reach the clear
value) and any string that still looks like a full ID number or mobile number."""

import datetime
import re
from decimal import Decimal

from django.db.models import Model

from registry.idnumbers import mask_id_number, mask_phone

__all__ = ["mask_id_number", "mask_phone", "assert_public_context", "UnmaskedDataError"]

FULL_ID_NUMBER = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
FULL_MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
_PLAIN = (int, float, Decimal, bool, datetime.date, datetime.datetime, type(None))


class UnmaskedDataError(ValueError):
    pass


def assert_public_context(value, path: str = "context") -> None:
    if isinstance(value, str):
        if FULL_ID_NUMBER.search(value) or FULL_MOBILE.search(value):
            raise UnmaskedDataError(f"{path}: a public document may not carry a full ID or phone number")
    elif isinstance(value, dict):
        for key, item in value.items():
            assert_public_context(item, f"{path}.{key}")
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            assert_public_context(item, f"{path}[{i}]")
    elif isinstance(value, Model):
        raise UnmaskedDataError(f"{path}: a public document's context takes plain values, not {type(value).__name__}")
    elif not isinstance(value, _PLAIN):
        raise UnmaskedDataError(f"{path}: unexpected {type(value).__name__} in a public document's context")
