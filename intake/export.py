"""Export in the shapes the lists come in (issue 21 item 5): the national person-level layout and a
county 花名册, one row per person, headers from intake/columns.py, so the exported file imports
back unchanged. Full ID numbers (the list goes back to the national system): only for officials who
may reveal them, audited with the count, never the numbers."""

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from documents.spreadsheets import append_row
from registry.models import Household, HouseholdStage

from .columns import BY_KEY

LAYOUTS = {
    "national": ("全国扶贫开发信息系统人员名单格式", [
        "county", "township", "village", "household_no", "person_no", "name", "id_number", "relation", "ethnicity",
        "education", "schooling", "health", "labour", "employment", "phone", "household_type", "relocation_reason",
        "mode", "site", "scattered_location", "planned_area", "self_funding", "state_salaried", "prior_benefit",
        "benefit_exception"]),
    "roster": ("易地扶贫搬迁对象花名册", [
        "township", "village", "household_no", "name", "id_number", "relation", "sex", "ethnicity", "education",
        "schooling", "labour", "health", "phone", "household_type", "relocation_reason", "mode", "site",
        "scattered_location", "planned_area", "self_funding", "state_salaried", "prior_benefit", "benefit_exception",
        "county"]),
}


def _rows(household: Household, county_name: str, township_name: str):
    members = list(household.members.all())
    head = next((m for m in members if m.relation == "head"), None)
    ordered = ([head] if head else []) + [m for m in members if m is not head]
    for m in ordered:
        detail = getattr(m, "intake_detail", None)
        yield {
            "county": county_name, "township": township_name, "village": household.village.name,
            "household_no": household.poverty_reg_number or household.number,
            "person_no": detail.person_no if detail else "", "name": m.name,
            "id_number": m.id_number + (detail.disability_suffix if detail else ""),
            "relation": "户主" if m.relation == "head" else m.get_relation_display(),
            "sex": m.get_sex_display(), "ethnicity": detail.ethnicity if detail else "",
            "education": detail.education if detail else "", "schooling": detail.schooling if detail else "",
            "health": detail.health if detail else "", "labour": m.get_labour_ability_display(),
            "employment": m.get_employment_display(),
            "phone": household.contact_phone if m is head else (detail.phone if detail else ""),
            "household_type": "建档立卡户" if household.poverty_registered else "同步搬迁户",
            "relocation_reason": household.get_relocation_reason_display(),
            "mode": household.get_resettlement_mode_display(), "site": household.site.name if household.site else "",
            "scattered_location": household.scattered_location, "planned_area": float(household.planned_floor_area),
            "self_funding": float(household.self_funding),
            "state_salaried": "是" if (m.state_salaried or m.relative_of_state_salaried) else "否",
            "prior_benefit": "是" if m.prior_housing_benefit else "否",
            "benefit_exception": ("整村搬迁" if household.whole_village_relocation else
                                  "新发现地质灾害隐患" if household.new_geological_hazard else ""),
        }


def workbook(households, layout: str, *, county_name: str, township_names: dict) -> tuple[bytes, int]:
    """(xlsx bytes, persons written) of `households` (a scoped queryset) in `layout`."""
    title, keys = LAYOUTS[layout]
    wb = Workbook()
    ws = wb.active
    ws.title = "成员"
    append_row(ws, [title])
    append_row(ws, [BY_KEY[k].label for k in keys])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    persons = 0
    queryset = (households.exclude(stage=HouseholdStage.REMOVED).select_related("village", "site")
                .prefetch_related("members__intake_detail").order_by("area_code", "number"))
    for household in queryset:
        for row in _rows(household, county_name, township_names.get(household.area_code[:9], "")):
            append_row(ws, [row[k] for k in keys])
            persons += 1
    for index, key in enumerate(keys, start=1):
        ws.column_dimensions[ws.cell(row=2, column=index).column_letter].width = BY_KEY[key].width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), persons
