"""Who lives at a site: households assigned within its planned units and persons, and the unit
each one gets (分房: drawing lots or by choice), recorded with its evidence before 入住.

Both lock the site row first (then the household's), so two assignments racing for the last
unit cannot both pass; the capacity itself is counted by the registry's one assignment check
(`registry.siting.assignment_violations`), which the admin and the API call too. The household lifecycle asks `move_in_blockers` before a centralised
household may enter 入住 (workflows/households/conditions.py).
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from audit.log import record
from documents.models import EvidenceKind
from registry import policy, siting
from registry.models import Household, HouseholdStage, ResettlementMode
from registry.policy import Violation
from workflows.acting import (
    UNIT_ALLOCATION,
    AlreadyHandled,
    Refused,
    lock_household,
    lock_site,
    refuse,
    require_role,
)
from workflows.models.sites import AllocationMethod, UnitAllocation
from workflows.sites import stages as site_stages

# Once moved in, the household's site is settled.
SETTLED = (HouseholdStage.MOVE_IN, HouseholdStage.DEMOLITION, HouseholdStage.FOLLOW_UP, HouseholdStage.REMOVED)


@dataclass(frozen=True)
class Occupancy:
    planned_units: int
    planned_persons: int
    households: int  # active households assigned to the site
    persons: int  # their members
    allocated: int  # units allocated


def occupancy(site, *, excluding=None) -> Occupancy:
    counted, persons = policy.site_occupancy(site, excluding=excluding)
    return Occupancy(site.planned_units, site.planned_persons, counted, persons,
                     UnitAllocation.objects.filter(site=site).count())


def assign_household(household_id, *, site_id, actor, request=None):
    """Resettle a household centrally at the site, within the site's planned units and persons."""
    with transaction.atomic():
        site = lock_site(site_id)
        household = lock_household(household_id)
        # Any site of the household's county (registry.policy.check_resettlement_mode below), as the
        # registry's forms offer: a county-level site lies above a township official's own area.
        role = require_role(actor, household, site_stages.ALLOCATION_ROLES, "安排集中安置点")
        if household.stage in SETTLED:
            refuse("settled", f"该户处于“{household.get_stage_display()}”阶段，不能调整安置点。")
        if household.site_id == site.pk and household.resettlement_mode == ResettlementMode.CENTRALISED:
            refuse("already_handled", f"该户已安排在{site.name}。", cls=AlreadyHandled)
        if UnitAllocation.objects.filter(household=household).exists():
            refuse("already_allocated", "该户已在原安置点分房，须先撤销分房后才能调整安置点。")
        members = list(household.members.all())
        # The one capacity check (registry/siting.py): the site row is locked already (above).
        found = siting.assignment_violations(household, members, site_id=site.pk,
                                             what=f"安排该户（{len(members)}人）")
        before = {"site": household.site_id, "mode": household.resettlement_mode}
        household.site = site
        household.resettlement_mode = ResettlementMode.CENTRALISED
        household.scattered_location = ""
        found += policy.blocking(policy.check_resettlement_mode(household))
        if found:
            raise Refused(found)
        household.save(update_fields=["site", "resettlement_mode", "scattered_location", "updated_at"])
        record(actor, "household.site_assignment", household, {
            "before": before, "site": site.pk, "site_code": site.code, "persons": len(members), "role": role,
        }, request)
        return household


def allocate_unit(household_id, *, actor, unit: str, method: str, allocated_on: datetime.date, evidence,
                  request=None) -> UnitAllocation:
    """分房: record the unit a household of the site gets, by lot or by choice, with its record."""
    site_id = Household.objects.filter(pk=household_id).values_list("site_id", flat=True).first()
    unit = (unit or "").strip()
    with transaction.atomic():
        site = lock_site(site_id) if site_id else None
        household = lock_household(household_id)
        role = require_role(actor, household, site_stages.ALLOCATION_ROLES, "分房登记", act=UNIT_ALLOCATION)
        if site is None or household.site_id != site.pk or household.resettlement_mode != ResettlementMode.CENTRALISED:
            refuse("not_at_site", "只有已安排集中安置点的搬迁户才能分房。")
        if household.stage == HouseholdStage.REMOVED:
            refuse("removed", "该户已清退，不能分房。")
        if UnitAllocation.objects.filter(household=household).exists():
            refuse("already_handled", "该户已分房（可能已由他人办理），请刷新页面。", cls=AlreadyHandled)
        if not site_stages.reached(site.stage, site_stages.T.TENDER):
            refuse("plan_not_approved", f"安置点处于“{site_stages.label(site.stage)}”阶段：实施方案批复前不能分房。")
        errors = []
        if not unit or len(unit) > 40:
            errors.append(Violation("unit_required", "unit", "须填写房号（不超过40字），如“3栋2单元501”。"))
        elif UnitAllocation.objects.filter(site=site, unit=unit).exists():
            errors.append(Violation("unit_taken", "unit", f"{unit}已分配给其他搬迁户。"))
        if method not in AllocationMethod.values:
            errors.append(Violation("bad_method", "method", "分房方式须为抽签分房或按序选房。"))
        if not isinstance(allocated_on, datetime.date) or allocated_on > timezone.localdate():
            errors.append(Violation("bad_date", "allocated_on", "分房日期须为不晚于今天的日期。"))
        if (evidence is None or evidence.household_id != household.pk
                or evidence.kind != EvidenceKind.UNIT_ALLOCATION_RECORD or evidence.is_withdrawn):
            errors.append(Violation("missing_evidence", "evidence",
                                    f"须附该户已上传的“{EvidenceKind.UNIT_ALLOCATION_RECORD.label}”。"))
        now = occupancy(site)
        if now.allocated + 1 > site.planned_units:
            errors.append(Violation("over_allocation", "unit",
                                    f"{site.name}计划安置{site.planned_units}套，已分配{now.allocated}套，不能再分配。"))
        if errors:
            raise Refused(errors)
        allocation = UnitAllocation.objects.create(site=site, household=household, unit=unit, method=method,
                                                   allocated_on=allocated_on, evidence=evidence, recorded_by=actor)
        record(actor, "household.unit_allocation", household, {
            "site": site.pk, "site_code": site.code, "unit": unit, "method": method, "allocated_on": allocated_on,
            "evidence": evidence.pk, "role": role,
        }, request)
        return allocation


def move_in_blockers(household) -> list[Violation]:
    """A centralised household needs its unit allocated at its site, with the record on file."""
    if household.resettlement_mode != ResettlementMode.CENTRALISED or household.site_id is None:
        return []
    allocation = UnitAllocation.objects.filter(household=household).select_related("evidence").first()
    if allocation is None or allocation.site_id != household.site_id or allocation.evidence.is_withdrawn:
        return [Violation("unit_not_allocated", "unit_allocation",
                          "集中安置户须先完成分房（抽签或选房）并上传分房记录，方可搬迁入住。")]
    return []
