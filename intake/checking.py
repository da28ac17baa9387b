"""Checking a household list before anything is stored (issue 21 item 2).

`check(file, user=, area=)` reads the list (intake/rows.py), groups persons into households (by
户编号, or by the 户主 row where the list has no 户编号 on every row), and checks every row and
every household with the registry's own rules: the GB 11643 ID check, one 户主 and at most one
配偶, 文化程度 xor 在校生状况, `registry.policy.check_household` (the admin's and the API's rules),
the site's planned size, duplicates within the file and against the database through the blind
index, the official's scope and the stage's editing rule (`registry.editing`). It stores nothing:
it returns a `Check` with each household's plan — create, update (with the diff), unchanged or
rejected — that the confirmation (intake/committing.py) carries out.

A clear ID number exists only in memory here: the report holds names and masked numbers.
"""

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from registry import editing, policy
from registry.crypto import blind_index
from registry.idnumbers import mask_id_number
from registry.models import (
    AdminArea,
    AreaLevel,
    Employment,
    Household,
    HouseholdStage,
    PREFIX_LENGTH,
    LabourAbility,
    Member,
    Relation,
    RelocationReason,
    ResettlementMode,
    ResettlementSite,
)
from registry.scope import covers

from .columns import BY_KEY, COLUMNS, RELATION_LABELS, YES
from .rows import Problem, Row, SheetError, check_id_cell, check_schooling, norm_label, parse_decimal, read_sheet

ADD = "registry.add_household"
CHANGE = "registry.change_household"
CREATE, UPDATE, UNCHANGED, REJECTED = "create", "update", "unchanged", "rejected"
ACTION_LABELS = {CREATE: "新增", UPDATE: "更新", UNCHANGED: "无变化", REJECTED: "不导入"}
CHUNK = 900  # ids per IN (...) query

# Household fields an import writes, with the column each comes from.
HOUSEHOLD_FROM = {
    "poverty_registered": "household_type", "poverty_reg_number": "household_no",
    "relocation_reason": "relocation_reason", "resettlement_mode": "mode", "site": "site",
    "scattered_location": "scattered_location", "planned_floor_area": "planned_area",
    "self_funding": "self_funding", "contact_phone": "phone", "whole_village_relocation": "benefit_exception",
    "new_geological_hazard": "benefit_exception",
}
MEMBER_FROM = {
    "name": "name", "relation": "relation", "labour_ability": "labour", "employment": "employment",
    "state_salaried": "state_salaried", "prior_housing_benefit": "prior_benefit",
}
DETAIL_FROM = {"person_no": "person_no", "education": "education", "schooling": "schooling",
               "ethnicity": "ethnicity", "health": "health", "phone": "phone"}


@dataclass
class Person:
    row: Row
    id_number: str = ""  # clear, in memory only
    id_index: str = ""
    suffix: str = ""
    birth_date: object = None
    sex: str = ""
    member: Member | None = None

    @property
    def relation_label(self) -> str:
        return self.row.values.get("relation", "")


@dataclass
class Planned:
    key: str  # 户编号, or "第N行" for a household found by its 户主 row
    persons: list
    village: AdminArea | None = None
    household: Household | None = None  # unsaved: the values to store
    existing_id: int | None = None
    existing_number: str = ""
    kept: list = field(default_factory=list)  # members in the database the list does not name
    action: str = REJECTED
    diff: list = field(default_factory=list)  # [label, before, after]
    problems: list = field(default_factory=list)  # Chinese messages
    warnings: list = field(default_factory=list)

    @property
    def first_row(self) -> int:
        return self.persons[0].row.number if self.persons else 0

    @property
    def members(self) -> list:
        return [p.member for p in self.persons if p.member is not None] + self.kept

    def digest(self) -> str:
        """What the official confirmed for this household: the action and the diff."""
        text = json.dumps([self.action, self.existing_id, self.diff], ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def as_report(self) -> dict:
        head = next((p for p in self.persons if p.relation_label == "户主"), None)
        return {
            "key": self.key, "first_row": self.first_row, "last_row": self.persons[-1].row.number if self.persons else 0,
            "village": self.village.name if self.village else "", "head": head.row.values.get("name", "") if head else "",
            "persons": len(self.persons), "action": self.action, "action_label": ACTION_LABELS[self.action],
            "number": self.existing_number, "diff": self.diff, "problems": self.problems, "warnings": self.warnings,
            "digest": self.digest(),
        }


@dataclass
class Check:
    sheet_title: str = ""
    header_row: int = 0
    found: dict = field(default_factory=dict)
    file_problems: list = field(default_factory=list)  # messages that stop the whole file
    rows: list = field(default_factory=list)
    planned: list = field(default_factory=list)

    def counts(self) -> dict:
        out = {CREATE: 0, UPDATE: 0, UNCHANGED: 0, REJECTED: 0}
        for plan in self.planned:
            out[plan.action] += 1
        return out

    def problems(self) -> list[Problem]:
        found = [p for row in self.rows for p in row.problems]
        for plan in self.planned:
            for message in plan.problems:
                found.append(Problem(plan.first_row, "", f"（户 {plan.key}）{message}"))
        return sorted(found, key=lambda p: (p.row, p.warning))

    def report(self) -> dict:
        """JSON for the batch: the page and the error workbook read it; no clear ID number in it."""
        masked = {}
        for row in self.rows:
            masked[row.number] = [row.values.get("name", ""), row.values.get("_masked_id", "")]
        return {
            "sheet": self.sheet_title, "header_row": self.header_row, "found": self.found,
            "file_problems": self.file_problems, "persons": len(self.rows), "households": len(self.planned),
            "counts": self.counts(),
            "problems": [[p.row, p.column, p.message, p.warning, *masked.get(p.row, ["", ""])]
                         for p in self.problems()],
            "plans": [plan.as_report() for plan in self.planned],
        }


def _yes(value) -> bool:
    return str(value or "").strip() in (YES, "有", "Y", "y", "√")


def _label_for(choices, label):
    for value, text in choices:
        if text == label:
            return value
    return None


class _Areas:
    """The import area's townships, villages and sites, loaded once, found by name."""

    def __init__(self, area: AdminArea):
        self.area = area
        county_code = area.code[:6]
        areas = AdminArea.objects.filter(code__startswith=county_code).only("id", "code", "name", "level", "parent_id")
        self.county = next((a for a in areas if a.level == AreaLevel.COUNTY), None)
        self.townships = {norm_label(a.name): a for a in areas if a.level == AreaLevel.TOWNSHIP}
        self.villages = {(a.parent_id, norm_label(a.name)): a for a in areas if a.level == AreaLevel.VILLAGE}
        self.sites = {norm_label(s.name): s for s in ResettlementSite.objects.filter(area_code__startswith=county_code)}

    def village(self, values) -> tuple[AdminArea | None, str]:
        county, town, village = (norm_label(values.get(k, "")) for k in ("county", "township", "village"))
        if self.county is None:
            return None, "导入范围所在县未登记。"
        if county and county != norm_label(self.county.name):
            return None, f"县“{values.get('county')}”不是本次导入的{self.county.name}。"
        township = self.townships.get(town)
        if township is None:
            return None, f"乡镇“{values.get('township')}”不在{self.county.name}已登记的乡镇中。"
        found = self.villages.get((township.pk, village))
        if found is None:
            return None, f"行政村“{values.get('village')}”不在{township.name}已登记的村中。"
        if not found.code.startswith(self.area.code[: PREFIX_LENGTH[self.area.level]]):
            return None, f"{township.name}{found.name}不在本次导入的范围（{self.area.name}）内。"
        return found, ""


def _check_rows(rows, found) -> dict:
    """Row by row: the ID cell, name, relation, 文化程度 xor 在校生状况; duplicates within the file.
    Returns {blind index: Person}."""
    by_index: dict[str, Person] = {}
    persons = {}
    has_schooling = "education" in found or "schooling" in found
    for row in rows:
        v = row.values
        person = Person(row)
        persons[row.number] = person
        try:
            checked, person.suffix = check_id_cell(v.get("id_number"))
        except ValidationError as exc:
            row.add(BY_KEY["id_number"].label, exc.messages[0])
        else:
            person.id_number, person.birth_date, person.sex = checked.number, checked.birth_date, checked.sex
            for warning in checked.warnings:
                row.add(BY_KEY["id_number"].label, warning, warning=True)
        v.pop("id_number", None)  # the clear number lives on the Person only
        if person.id_number:
            v["_masked_id"] = mask_id_number(person.id_number)
            person.id_index = blind_index(person.id_number)
            first = by_index.get(person.id_index)
            if first is not None:
                row.add(BY_KEY["id_number"].label, f"与第{first.row.number}行是同一证件号码（重复人员）。")
            else:
                by_index[person.id_index] = person
            if v.get("sex") and v["sex"] != ("男" if int(person.id_number[16]) % 2 else "女"):
                row.add("性别", "性别与身份证号码不符，以身份证号码为准。", warning=True)
        if not v.get("name"):
            row.add("姓名", "姓名为空。")
        if not v.get("relation"):
            row.add("与户主关系", "与户主关系为空。")
        if has_schooling:
            message = check_schooling(v.get("education", ""), v.get("schooling", ""))
            if message:
                row.add("文化程度/在校生状况", message)
    return persons


def _group(rows, found, persons) -> list[Planned]:
    by_number = "household_no" in found and all(r.values.get("household_no") for r in rows)
    groups: dict[str, Planned] = {}
    if by_number:
        for row in rows:
            key = row.values["household_no"]
            groups.setdefault(key, Planned(key, [])).persons.append(persons[row.number])
        return list(groups.values())
    current = None
    out = []
    for row in rows:
        if row.values.get("relation") == "户主":
            current = Planned(row.values.get("household_no") or f"第{row.number}行", [])
            out.append(current)
        elif current is None:
            row.add("与户主关系", "该行之前没有户主行：未列户编号时，家庭成员须列在本户户主之下。")
            continue
        current.persons.append(persons[row.number])
    return out


def _household_values(plan: Planned, found) -> dict:
    """The household's facts: from the 户主's row, else the first row that has them."""
    ordered = sorted(plan.persons, key=lambda p: p.relation_label != "户主")
    values = {}
    for column in COLUMNS:
        if column.household or column.key in ("household_no", "phone", "county", "township", "village"):
            for person in ordered:
                value = person.row.values.get(column.key)
                if value not in ("", None):
                    values[column.key] = value
                    break
            else:
                values[column.key] = ""
    return values


def _apply_household(plan, household, values, found, areas) -> list[str]:
    problems = []
    if "household_type" in found and values["household_type"]:
        household.poverty_registered = values["household_type"] == "建档立卡户"
    if values.get("household_no"):
        household.poverty_reg_number = values["household_no"][:32]
    if "relocation_reason" in found or household.pk is None:
        reason = _label_for(RelocationReason.choices, values.get("relocation_reason"))
        if reason is None:
            problems.append("搬迁原因为空或不是规定的四类情形之一。")
        else:
            household.relocation_reason = reason
    site_name = values.get("site", "")
    site = None
    if site_name:
        site = areas.sites.get(norm_label(site_name))
        if site is None:
            problems.append(f"安置点“{site_name}”不在本县已登记的集中安置点中。")
    if "mode" in found or household.pk is None:
        mode = _label_for(ResettlementMode.choices, values.get("mode"))
        if mode is None and site_name:
            mode = ResettlementMode.CENTRALISED
        if mode is None:
            problems.append("安置方式为空（集中安置或分散安置）。")
        else:
            household.resettlement_mode = mode
    if "site" in found or household.pk is None:
        household.site = site
    if values.get("scattered_location"):
        household.scattered_location = values["scattered_location"][:200]
    elif household.resettlement_mode == ResettlementMode.SCATTERED and not household.scattered_location:
        household.scattered_location = ""
    for name, key, required in (("planned_floor_area", "planned_area", True), ("self_funding", "self_funding", False)):
        if key not in found and household.pk is not None:
            continue
        try:
            amount = parse_decimal(values.get(key))
        except (InvalidOperation, ValueError):
            problems.append(f"{BY_KEY[key].label}“{values.get(key)}”不是数字。")
            continue
        if amount is None:
            if required:
                problems.append(f"{BY_KEY[key].label}为空。")
            elif household.pk is None:
                setattr(household, name, Decimal("0"))
            continue
        setattr(household, name, amount.quantize(Decimal("0.01")))
    if "benefit_exception" in found:
        household.whole_village_relocation = values.get("benefit_exception") == "整村搬迁"
        household.new_geological_hazard = values.get("benefit_exception") == "新发现地质灾害隐患"
    if values.get("phone"):
        household.contact_phone = values["phone"]
    try:
        household.clean_fields(exclude=["number", "village", "area_code", "stage", "responsible_cadre",
                                        "follow_up_officer", "site"])
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            label = Household._meta.get_field(name).verbose_name
            problems.extend(f"{label}：{m}" for m in messages)
    return problems


def _apply_member(person: Person, member: Member, found):
    v = person.row.values
    if v.get("name"):
        member.name = v["name"][:50]
    relation = RELATION_LABELS.get(v.get("relation", ""))
    if relation:
        member.relation = relation
    elif v.get("relation"):
        person.row.add("与户主关系", f"“{v['relation']}”不是可识别的与户主关系。")
    if "labour" in found and v.get("labour"):
        member.labour_ability = _label_for(LabourAbility.choices, v["labour"]) or member.labour_ability
    if "employment" in found and v.get("employment"):
        member.employment = _label_for(Employment.choices, v["employment"]) or member.employment
    elif member.pk is None and v.get("schooling"):
        member.employment = Employment.STUDENT
    if "state_salaried" in found:
        member.state_salaried = _yes(v.get("state_salaried"))
    if "prior_benefit" in found:
        member.prior_housing_benefit = _yes(v.get("prior_benefit"))


def _display(instance, name) -> str:
    value = getattr(instance, name)
    if value is None or value == "":
        return ""
    model_field = instance._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


HOUSEHOLD_DIFF_FIELDS = ["poverty_registered", "poverty_reg_number", "relocation_reason", "resettlement_mode", "site",
                         "scattered_location", "planned_floor_area", "self_funding", "whole_village_relocation",
                         "new_geological_hazard", "contact_phone"]
MEMBER_DIFF_FIELDS = ["name", "relation", "labour_ability", "employment", "state_salaried", "prior_housing_benefit"]


def _diff(before: Household, after: Household, persons, stored_members) -> list:
    out = []
    for name in HOUSEHOLD_DIFF_FIELDS:
        old, new = _display(before, name), _display(after, name)
        if name in ("planned_floor_area", "self_funding") and getattr(before, name) is not None \
                and getattr(after, name) is not None and Decimal(getattr(before, name)) == Decimal(getattr(after, name)):
            continue
        if old != new:
            out.append([str(Household._meta.get_field(name).verbose_name), old, new])
    for person in persons:
        member = person.member
        stored = stored_members.get(member.pk) if member.pk else None
        if stored is None:
            out.append([f"新增成员 {member.name}", "", f"{member.get_relation_display()}，{mask_id_number(person.id_number)}"])
            continue
        for name in MEMBER_DIFF_FIELDS:
            old, new = _display(stored, name), _display(member, name)
            if old != new:
                out.append([f"成员 {stored.name}：{Member._meta.get_field(name).verbose_name}", old, new])
    return out


def _stored_households(indexes) -> tuple[dict, dict]:
    """({blind index: household id} of active members, {household id: Household with members})."""
    holder = {}
    indexes = list(indexes)
    for start in range(0, len(indexes), CHUNK):
        holder.update(Member.objects.filter(id_index__in=indexes[start:start + CHUNK], case_active=True)
                      .values_list("id_index", "household_id"))
    households = {}
    ids = sorted(set(holder.values()))
    for start in range(0, len(ids), CHUNK):
        for h in (Household.objects.filter(pk__in=ids[start:start + CHUNK]).select_related("village", "site")
                  .prefetch_related("members")):
            households[h.pk] = h
    return holder, households


def _copy(instance):
    """An unsaved-looking copy of a stored row to write the list's values on (the diff compares)."""
    clone = type(instance).from_db(instance._state.db, [f.attname for f in instance._meta.concrete_fields],
                                   [getattr(instance, f.attname) for f in instance._meta.concrete_fields])
    return clone


def check(file, *, user, area: AdminArea, progress=None) -> Check:
    """Read and check the list; store nothing. `progress(done, total)` is called now and then."""
    result = Check()
    try:
        sheet = read_sheet(file, COLUMNS)
    except SheetError as exc:
        result.file_problems.append(str(exc))
        return result
    result.sheet_title, result.header_row, result.found, result.rows = sheet.title, sheet.header_row, sheet.found, sheet.rows
    if sheet.missing:
        result.file_problems.append(f"缺少必需的列：{'、'.join(sheet.missing)}（列名可参照导入模板）。")
        return result
    if not sheet.rows:
        result.file_problems.append("表头以下没有数据行。")
        return result
    found = sheet.found
    persons = _check_rows(sheet.rows, found)
    result.planned = planned = _group(sheet.rows, found, persons)
    areas = _Areas(area)
    holder, stored = _stored_households(p.id_index for p in persons.values() if p.id_index)
    site_tally: dict[int, list[int]] = {}
    total = len(planned)
    for n, plan in enumerate(planned, start=1):
        _plan_household(plan, found, user, areas, holder, stored, site_tally)
        if progress and n % 200 == 0:
            progress(n, total)
    return result


def _plan_household(plan: Planned, found, user, areas, holder, stored, site_tally):
    problems = plan.problems
    heads = [p for p in plan.persons if p.relation_label == "户主"]
    spouses = [p for p in plan.persons if p.relation_label == "配偶"]
    for extra in heads[1:]:
        extra.row.add("与户主关系", f"本户已有户主（第{heads[0].row.number}行）：每户只能有一名户主。")
    for extra in spouses[1:]:
        extra.row.add("与户主关系", f"本户已有配偶（第{spouses[0].row.number}行）：每户最多一名配偶。")
    if not heads:
        problems.append("本户没有户主行。")
    values = _household_values(plan, found)
    plan.village, message = areas.village(values)
    if message:
        problems.append(message)
    elif not covers(user, ADD, plan.village.code):
        problems.append(f"{plan.village.name}不在您的管辖范围内。")
    # The households the database already holds these persons in (blind index only).
    existing_ids = {holder[p.id_index] for p in plan.persons if p.id_index in holder}
    existing = None
    if len(existing_ids) > 1:
        numbers = "、".join(sorted(stored[i].number for i in existing_ids if user.has_perm(CHANGE, stored[i])))
        problems.append("本户成员已分别登记在不同的有效搬迁户中" + (f"（{numbers}）" if numbers else "") + "，请核对后再导入。")
    elif existing_ids:
        existing = stored[existing_ids.pop()]
        if not user.has_perm(CHANGE, existing):
            problems.append("本户成员已登记在您管辖范围以外的有效搬迁户中（一人只能在一个有效案件中）。")
            existing = None
            plan.action = REJECTED
        elif plan.village is not None and existing.village_id != plan.village.pk:
            problems.append(f"本户已登记在{existing.village.name}（户编号 {existing.number}），名单所列村不同：村的变更请在登记页办理。")
    if existing is not None:
        plan.existing_id, plan.existing_number = existing.pk, existing.number
        household = _copy(existing)
        household.village = existing.village
        stored_members = {m.pk: m for m in existing.members.all()}
        by_index = {m.id_index: m for m in stored_members.values()}
    else:
        household = Household(village=plan.village) if plan.village else Household()
        stored_members, by_index = {}, {}
    problems.extend(_apply_household(plan, household, values, found, areas))
    named = set()
    for person in plan.persons:
        member = _copy(by_index[person.id_index]) if person.id_index in by_index else Member(household=household)
        if member.pk is None and person.id_number:
            # What Member.set_id_number derives, from the one check made of the row.
            member.id_number, member.id_index = person.id_number, person.id_index
            member.birth_date, member.sex = person.birth_date, person.sex
        _apply_member(person, member, found)
        person.member = member
        named.add(member.pk)
    plan.kept = [m for pk, m in stored_members.items() if pk not in named]
    plan.household = household
    if any(not p.row.ok for p in plan.persons):
        problems.append("本户有成员行未通过核对（见各行说明），整户不导入。")
    if plan.village is None or problems:
        plan.action = REJECTED
        return
    violations = policy.check_household(household, plan.members)
    problems.extend(v.message for v in policy.blocking(violations))
    plan.warnings.extend(v.message for v in violations if not v.blocking)
    if existing is not None:
        plan.diff = _diff(existing, household, plan.persons, stored_members)
        if plan.kept:
            plan.warnings.append("登记中有而名单中未列的成员：" + "、".join(m.name for m in plan.kept) + "（保留，不删除）。")
        changed_fields = [row[0] for row in plan.diff if not row[0].startswith(("成员", "新增成员"))]
        added = sum(1 for row in plan.diff if row[0].startswith("新增成员"))
        changed_members = sum(1 for row in plan.diff if row[0].startswith("成员"))
        for v in editing.edit_violations(existing.stage, fields=changed_fields, members_added=added,
                                         members_changed=changed_members):
            if v.code != "identity_fixed":  # number and village never change by import
                problems.append(v.message)
    if not problems and household.site is not None and household.resettlement_mode == ResettlementMode.CENTRALISED:
        problems.extend(_site_capacity(plan, household, existing, site_tally))
    if problems:
        plan.action = REJECTED
    elif existing is None:
        plan.action = CREATE
    else:
        plan.action = UPDATE if plan.diff else UNCHANGED


def _site_capacity(plan, household, existing, site_tally) -> list[str]:
    """The site's planned size with the households this list puts there before it (the same rule as
    registry/siting.py, which decides again with the row locked when the household is stored)."""
    site = household.site
    if existing is not None and existing.site_id == site.pk and len(plan.members) <= len(existing.members.all()):
        return []
    if site.pk not in site_tally:
        site_tally[site.pk] = list(policy.site_occupancy(site, excluding=None))
    counted, present = site_tally[site.pk]
    if existing is not None and existing.site_id == site.pk and existing.stage != HouseholdStage.REMOVED:
        counted, present = counted - 1, present - len(existing.members.all())
    found = policy.check_site_capacity(site, counted, present, more_households=1, more_persons=len(plan.members),
                                       what=f"安排该户（{len(plan.members)}人）")
    if not found:
        site_tally[site.pk][0] = counted + 1
        site_tally[site.pk][1] = present + len(plan.members)
    return [v.message for v in found]
