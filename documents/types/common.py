"""Plain-data views of registry rows for document contexts (masked or not, by the caller)."""

import datetime
from decimal import Decimal

from documents.masking import mask_id_number, mask_phone
from registry.models import AdminArea, Household, Member, Relation
from registry.people import display_name


def chinese_date(value: datetime.date | None) -> str:
    """GB/T 9704: 成文日期 in Arabic numerals, e.g. 2026年3月1日."""
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def area_path(code: str) -> dict[str, str]:
    """{"county": ..., "township": ..., "village": ...} names for an area code."""
    prefixes = {"county": code[:6] + "000000", "township": code[:9] + "000", "village": code}
    names = dict(AdminArea.objects.filter(code__in=prefixes.values()).values_list("code", "name"))
    return {level: names.get(c, "") for level, c in prefixes.items()}


def _decimal(value) -> str:
    if value is None:
        return ""
    value = Decimal(value)
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:.2f}"


def member_row(member: Member, *, public: bool) -> dict:
    return {
        "name": member.name,
        "relation": member.get_relation_display(),
        "sex": member.get_sex_display(),
        "birth_date": chinese_date(member.birth_date),
        "id_number": mask_id_number(member.id_number) if public else member.id_number,
        "labour_ability": member.get_labour_ability_display(),
        "employment": member.get_employment_display(),
    }


def household_data(household: Household, *, public: bool, area: dict | None = None) -> dict:
    members = sorted(household.members.all(), key=lambda m: (m.relation != Relation.HEAD, m.pk))
    head = next((m for m in members if m.relation == Relation.HEAD), members[0] if members else None)
    size = len(members)
    per_person = household.planned_floor_area / size if size else None
    cadre = household.responsible_cadre
    return {
        "number": household.number,
        "area": area or area_path(household.area_code),
        "head_name": head.name if head else "",
        "head_id_number": (mask_id_number(head.id_number) if public else head.id_number) if head else "",
        "size": size,
        "members": [member_row(m, public=public) for m in members],
        "poverty_registered": "是" if household.poverty_registered else "否",
        "poverty_reg_number": household.poverty_reg_number,
        "relocation_reason": household.get_relocation_reason_display(),
        "resettlement_mode": household.get_resettlement_mode_display(),
        "destination": household.site.name if household.site_id else household.scattered_location,
        "planned_floor_area": _decimal(household.planned_floor_area),
        "floor_area_per_person": _decimal(round(per_person, 2)) if per_person is not None else "",
        "self_funding": _decimal(household.self_funding),
        "homestead_area": _decimal(household.homestead_area),
        "contact_phone": mask_phone(household.contact_phone) if public else household.contact_phone,
        "responsible_cadre": display_name(cadre),
    }
