"""公示: the list of proposed households of one village, posted publicly (docs/domain.md §1 stage 3).

One PDF for the whole batch. Public: ID numbers and phones are masked before the template sees
them (seed 002 / docs/domain.md §2: "ID numbers and phone numbers are masked on anything posted").
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from . import DocumentSpec, Subject, register
from .common import area_path, chinese_date, household_data


def build_context(subject: Subject, *, public: bool, start_date: datetime.date | None = None,
                  days: int | None = None) -> dict:
    days = settings.POLICY_NOTICE_MIN_DAYS if days is None else int(days)
    if days < settings.POLICY_NOTICE_MIN_DAYS:
        raise ValidationError(f"公示期不得少于{settings.POLICY_NOTICE_MIN_DAYS}天。", code="notice_too_short")
    if isinstance(start_date, str):  # from a Celery task's JSON arguments
        start_date = datetime.date.fromisoformat(start_date)
    start = start_date or timezone.localdate()
    end = start + datetime.timedelta(days=days - 1)
    area = area_path(subject.area_code)
    rows = []
    for h in subject.households:
        data = household_data(h, public=True, area=area)  # a notice is public whatever the caller says
        rows.append({
            "head_name": data["head_name"],
            "head_id_number": data["head_id_number"],
            "size": data["size"],
            "poverty_registered": data["poverty_registered"],
            "resettlement_mode": data["resettlement_mode"],
            "destination": data["destination"],
            "planned_floor_area": data["planned_floor_area"],
        })
    return {
        "area": area,
        "rows": rows,
        "household_count": len(rows),
        "person_count": sum(r["size"] for r in rows),
        "notice_year": start.year,
        "start_date": chinese_date(start),
        "end_date": chinese_date(end),
        "days": days,
    }


def title(subject: Subject) -> str:
    village = area_path(subject.area_code)["village"]
    return f"关于{village}易地扶贫搬迁拟搬迁对象的公示"


SPEC = register(DocumentSpec(
    code="public_notice",
    label="公示",
    number_word="公示",
    template="documents/pdf/notice.html",
    version="1",
    build_context=build_context,
    title=title,
    public=True,
    options=("start_date", "days"),
))
