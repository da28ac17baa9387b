"""Who lives at a site, and when they may move in: households assigned within the planned units and
persons; a unit (分房) recorded with its evidence; and the household's 入住 gate reading the real
site, moved by the site service — closed before 交付入住, closed again when the site is sent back."""

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from documents.evidence.services import ingest_evidence
from registry.models import HouseholdStage as S
from registry.models import ResettlementMode
from registry.models import SiteStage as T
from tests.factories import HouseholdFactory, MemberFactory, SiteFactory
from tests.workflows.conftest import upload
from tests.workflows.test_refusals import refused, snapshot, walk_to_housing_acceptance
from tests.workflows.test_site_walk import (
    approve as site_approve,
)
from tests.workflows.test_site_walk import (
    site_officials,  # noqa: F401  (fixture)
    stage_of,
    walk_site,
)
from tests.workflows.test_walk import approve
from workflows.sites import allocation as site_allocation, service as site_service
from workflows.models import UnitAllocation
from workflows import acting


def allocation_record(household, o):
    return ingest_evidence(actor=o["reviewer"], upload=upload("lots.png"), stage=household.stage,
                           kind="unit_allocation_record", household=household)


def allocate(household, o, unit="1栋101", **kwargs):
    return site_allocation.allocate_unit(household.pk, actor=kwargs.pop("actor", o["reviewer"]), unit=unit,
                                         method=kwargs.pop("method", "lottery"),
                                         allocated_on=kwargs.pop("allocated_on", timezone.localdate()),
                                         evidence=kwargs.pop("evidence", None) or allocation_record(household, o))


def centralised(areas, site, persons=1, village="village_a"):
    household = HouseholdFactory(village=areas[village], resettlement_mode=ResettlementMode.CENTRALISED, site=site,
                                 scattered_location="")
    for _ in range(persons - 1):
        MemberFactory(household=household)
    return household


@pytest.fixture
def small_site(areas):
    return SiteFactory(area=areas["county"], name="小坝安置点", planned_units=2, planned_persons=5)


# Assignment and 分房 ----------------------------------------------------------------------------

def test_households_are_assigned_within_the_planned_units_and_persons(small_site, site_officials, areas):
    o = site_officials
    first, second = (HouseholdFactory(village=areas["village_a"]) for _ in range(2))
    MemberFactory(household=second)
    site_allocation.assign_household(first.pk, site_id=small_site.pk, actor=o["reviewer"])
    site_allocation.assign_household(second.pk, site_id=small_site.pk, actor=o["reviewer"])
    assert set(small_site.households.values_list("resettlement_mode", flat=True)) == {ResettlementMode.CENTRALISED}
    third = HouseholdFactory(village=areas["village_a"])
    before = (type(third).objects.get(pk=third.pk).site_id, AuditEvent.objects.count())
    error = refused(lambda: site_allocation.assign_household(third.pk, site_id=small_site.pk, actor=o["reviewer"]),
                    code="over_allocation")
    assert "计划安置2户（套）、5人，已安排2户、3人" in error.message and "3户、4人" in error.message
    assert (type(third).objects.get(pk=third.pk).site_id, AuditEvent.objects.count()) == before


def test_the_planned_persons_bind_too(small_site, site_officials, areas):
    big = HouseholdFactory(village=areas["village_a"])
    for _ in range(5):
        MemberFactory(household=big)
    error = refused(lambda: site_allocation.assign_household(big.pk, site_id=small_site.pk,
                                                             actor=site_officials["reviewer"]),
                    code="over_allocation")
    assert "6人" in error.message
    assert type(big).objects.get(pk=big.pk).site_id is None


def test_a_removed_household_frees_its_place(small_site, site_officials, areas):
    o = site_officials
    first, second = (centralised(areas, small_site) for _ in range(2))
    third = HouseholdFactory(village=areas["village_a"])
    refused(lambda: site_allocation.assign_household(third.pk, site_id=small_site.pk, actor=o["reviewer"]),
            code="over_allocation")
    from workflows.households import service

    service.request_removal(second.pk, actor=o["reviewer"], reason="核实为非建档立卡户")
    service.decide_removal(second.pk, actor=o["county_office"], approve=True, opinion="同意清退")
    site_allocation.assign_household(third.pk, site_id=small_site.pk, actor=o["reviewer"])


def test_a_unit_is_allocated_once_per_household_and_per_unit_with_its_record(small_site, site_officials, areas):
    o = site_officials
    walk_site(small_site, o, to=T.TENDER)
    first, second = centralised(areas, small_site), centralised(areas, small_site)
    allocation = allocate(first, o, "1栋101", method="choice")
    assert (allocation.site, allocation.unit, allocation.get_method_display()) == (small_site, "1栋101", "按序选房")
    assert AuditEvent.objects.filter(action="household.unit_allocation", target_id=str(first.pk)).exists()
    refused(lambda: allocate(first, o, "1栋102"), code="already_handled", exc=acting.AlreadyHandled)
    error = refused(lambda: allocate(second, o, "1栋101"), code="unit_taken")
    assert "1栋101已分配" in error.message
    other_evidence = allocation_record(first, o)
    refused(lambda: allocate(second, o, "1栋102", evidence=other_evidence), code="missing_evidence")
    refused(lambda: allocate(second, o, "1栋102", method="auction"), code="bad_method")
    assert UnitAllocation.objects.count() == 1
    allocate(second, o, "1栋102")


def test_no_unit_before_the_plan_is_approved_and_none_beyond_the_planned_units(small_site, site_officials, areas):
    o = site_officials
    household = centralised(areas, small_site)
    refused(lambda: allocate(household, o), code="plan_not_approved")
    walk_site(small_site, o, to=T.TENDER)
    allocate(household, o, "1栋101")
    allocate(centralised(areas, small_site), o, "1栋102")
    # A third household slipped in past the assignment service (e.g. an import): no unit is left.
    late = centralised(areas, small_site)
    error = refused(lambda: allocate(late, o, "1栋103"), code="over_allocation")
    assert "计划安置2套，已分配2套" in error.message


def test_scattered_households_get_no_unit(small_site, site_officials, areas):
    scattered = HouseholdFactory(village=areas["village_a"])
    refused(lambda: allocate(scattered, site_officials), code="not_at_site")


# The move-in gate, with real site transitions ---------------------------------------------------

@pytest.fixture
def waiting(site_officials, give, areas):
    """A site under acceptance, and a centralised household of it with every acceptance signature
    but the housing bureau's (the one that moves it into 入住)."""
    site = SiteFactory(area=areas["county"], name="幸福家园安置点", planned_units=40, planned_persons=160)
    household = centralised(areas, site)
    walk_site(site, site_officials, to=T.ACCEPTANCE)
    walk_to_housing_acceptance(household, site_officials, give, areas)
    return site, household


def last_signature(household, o):
    return approve(household, "housing_acceptance", o["housing"], changes={"actual_floor_area": "25"})


def test_a_household_cannot_move_in_before_its_site_is_handed_over(waiting, site_officials):
    site, household = waiting
    o = site_officials
    allocate(household, o)
    before = snapshot(household)
    error = refused(lambda: last_signature(household, o), code="site_not_ready")
    assert "未通过竣工验收并交付（当前：竣工验收）" in error.message
    assert snapshot(household) == before

    walk_site(site, o, to=T.HANDOVER)
    assert last_signature(household, o).moved_to == S.MOVE_IN


def test_a_household_without_its_unit_cannot_move_in(waiting, site_officials):
    site, household = waiting
    o = site_officials
    walk_site(site, o, to=T.HANDOVER)
    before = snapshot(household)
    error = refused(lambda: last_signature(household, o), code="unit_not_allocated")
    assert error.codes == ["unit_not_allocated"] and "分房" in error.message
    assert snapshot(household) == before
    allocate(household, o)
    assert last_signature(household, o).moved_to == S.MOVE_IN


def test_households_of_a_site_sent_back_cannot_move_in(waiting, site_officials):
    site, household = waiting
    o = site_officials
    allocate(household, o)
    walk_site(site, o, to=T.HANDOVER)
    # A defect is found at handover: the site goes back to 竣工验收 ...
    site_service.decide(site.pk, step="handover_record", actor=o["county_office"], decision="return",
                         opinion="消防通道未贯通，退回整改后重新验收。")
    assert stage_of(site) == T.ACCEPTANCE
    before = snapshot(household)
    refused(lambda: last_signature(household, o), code="site_not_ready")
    assert snapshot(household) == before
    # ... and from 竣工验收 back to 主体完工.
    site_service.decide(site.pk, step="completion_acceptance", actor=o["housing"], decision="return",
                         opinion="配套设施未同步完工，退回。")
    assert stage_of(site) == T.STRUCTURE_DONE
    before = snapshot(household)
    error = refused(lambda: last_signature(household, o), code="site_not_ready")
    assert "主体完工" in error.message
    assert snapshot(household) == before
    # Accepted and handed over again, the gate opens.
    site_approve(site, "acceptance_application", o["county_office"])
    walk_site(site, o, to=T.HANDOVER)
    assert last_signature(household, o).moved_to == S.MOVE_IN


def test_withdrawing_the_allocation_record_closes_the_gate_again(waiting, site_officials):
    from documents.evidence.services import withdraw_evidence

    site, household = waiting
    o = site_officials
    walk_site(site, o, to=T.HANDOVER)
    allocation = allocate(household, o)
    withdraw_evidence(allocation.evidence, actor=o["reviewer"], reason="拍错了户")
    refused(lambda: last_signature(household, o), code="unit_not_allocated")
