"""A scattered and a centralised household walk from 申报 to 后扶 through the service, as the
proper officials; at every step the stage, the opinions and the audit events are asserted."""

from decimal import Decimal

import pytest

from audit.models import AuditEvent
from registry.models import HouseholdStage as S
from registry.models import ResettlementMode, ResettlementSite, SiteStage
from tests.factories import HouseholdFactory, SiteFactory
from tests.workflows.conftest import days_ago, upload
from workflows.households import batches, service
from workflows.households.batches import Vote
from workflows.models import HouseholdProcess, Opinion
from workflows import acting


def stage_of(household):
    return type(household).objects.get(pk=household.pk).stage


def approve(household, step, actor, **kwargs):
    return service.decide(household.pk, step=step, actor=actor, decision="approve",
                           opinion=kwargs.pop("opinion", "同意"), **kwargs)


def allocate_unit(household, officials, give, unit="1栋101"):
    """分房 (issue 5): a centralised household's unit at its site, by lot, with its record."""
    from django.utils import timezone

    from documents.models import Evidence
    from workflows.sites.allocation import allocate_unit as allocate

    give(household, "unit_allocation_record")
    record = Evidence.objects.filter(household=household, kind="unit_allocation_record").latest("id")
    return allocate(household.pk, actor=officials["reviewer"], unit=unit, method="lottery",
                    allocated_on=timezone.localdate(), evidence=record)


def walk_to_approval(household, officials, give, areas):
    """申报 → 评议 → 公示 → 审核, as the village clerk, the village head and the notice rule."""
    give(household, "hukou_scan", "current_house_photo", "signed_application")
    outcome = approve(household, "submit_application", officials["clerk_a"], opinion="材料齐全，申请搬迁")
    assert outcome.moved_to == S.REVIEW

    batches.record_review_meeting(
        village=areas["village_a"], actor=officials["head_a"], held_on=days_ago(12), place="村委会会议室",
        expected_members=30, present_members=21, votes=[Vote(household.pk, agree=18, against=2, abstain=1)],
        files={"meeting_minutes_scan": upload("minutes.png"), "sign_in_sheet": upload("sign.png")},
    )
    assert stage_of(household) == S.NOTICE

    batch = batches.create_notice_batch(
        village=areas["village_a"], actor=officials["clerk_a"], household_ids=[household.pk],
        posted_on=days_ago(10), ends_on=days_ago(4), posted_at="村委会公示栏",
    )
    batches.file_notice_photo(batch_id=batch.pk, actor=officials["clerk_a"], upload=upload("posted.png"))
    result = batches.close_due_notices()
    assert result["moved"] == [household.number]
    assert stage_of(household) == S.APPROVAL
    return batch


def walk_from_approval(household, officials, give):
    give(household, "household_survey")
    assert approve(household, "township_review", officials["reviewer"]).moved_to is None
    give(household, "signed_agreement")
    assert approve(household, "county_approval", officials["county_office"]).moved_to == S.CONSTRUCTION

    give(household, "construction_photo")
    assert approve(household, "start_record", officials["reviewer"]).moved_to == S.ACCEPTANCE

    give(household, "inspection_photo", "signed_confirmation")
    assert approve(household, "household_confirmation", officials["reviewer"]).moved_to is None
    assert approve(household, "township_acceptance", officials["leader"]).moved_to is None
    outcome = approve(household, "housing_acceptance", officials["housing"], changes={"actual_floor_area": "25.00"})
    assert outcome.moved_to == S.MOVE_IN

    give(household, "old_new_house_photo", "signed_move_in")
    assert approve(household, "move_in_confirmation", officials["reviewer"]).moved_to == S.DEMOLITION

    give(household, "before_demolition_photo", "after_demolition_photo")
    approve(household, "demolition_record", officials["reviewer"],
            changes={"reclaimed_area_mu": "0.35", "follow_up_officer": officials["leader"].pk})
    assert approve(household, "reclamation_acceptance", officials["natres"]).moved_to == S.FOLLOW_UP


EXPECTED_STEPS = [
    ("apply", "submit_application", "clerk_a"),
    ("review", "review_meeting", "head_a"),
    ("notice", "resubmit_after_notice", None),
    ("approval", "township_review", "reviewer"),
    ("approval", "county_approval", "county_office"),
    ("construction", "start_record", "reviewer"),
    ("acceptance", "household_confirmation", "reviewer"),
    ("acceptance", "township_acceptance", "leader"),
    ("acceptance", "housing_acceptance", "housing"),
    ("move_in", "move_in_confirmation", "reviewer"),
    ("demolition", "demolition_record", "reviewer"),
    ("demolition", "reclamation_acceptance", "natres"),
]


def assert_full_record(household):
    opinions = list(Opinion.objects.filter(household=household).order_by("id"))
    assert [(o.stage, o.step, o.actor.username if o.actor else None) for o in opinions] == EXPECTED_STEPS
    assert all(o.decision in ("approve", "system") for o in opinions)
    assert {o.signature_level for o in opinions if o.step == "county_approval"} == {"county"}

    moves = AuditEvent.objects.filter(action="household.stage_change", target_id=str(household.pk)).order_by("id")
    assert [(e.data["from"], e.data["to"]) for e in moves] == [
        ("apply", "review"), ("review", "notice"), ("notice", "approval"), ("approval", "construction"),
        ("construction", "acceptance"), ("acceptance", "move_in"), ("move_in", "demolition"),
        ("demolition", "follow_up"),
    ]
    # One process per stage with people in it; every one of them has ended.
    processes = HouseholdProcess.objects.filter(household=household)
    assert {p.stage for p in processes} == {"apply", "approval", "construction", "acceptance", "move_in",
                                            "demolition"}
    assert set(processes.values_list("status", flat=True)) == {"DONE"}


def test_a_scattered_household_walks_from_application_to_follow_up(officials, give, areas, household):
    walk_to_approval(household, officials, give, areas)
    walk_from_approval(household, officials, give)

    final = type(household).objects.get(pk=household.pk)
    assert final.stage == S.FOLLOW_UP
    assert final.actual_floor_area == Decimal("25.00") and final.reclaimed_area_mu == Decimal("0.35")
    assert final.follow_up_officer == officials["leader"]
    assert_full_record(household)


def test_a_centralised_household_moves_in_once_its_site_is_handed_over(officials, give, areas):
    site = SiteFactory(area=areas["county"])
    household = HouseholdFactory(village=areas["village_a"], resettlement_mode=ResettlementMode.CENTRALISED,
                                 site=site, scattered_location="")
    # The site lifecycle (its own issue) moves sites; here the site has been handed over.
    ResettlementSite.objects.filter(pk=site.pk).update(stage=SiteStage.HANDOVER)
    allocate_unit(household, officials, give)  # 分房 before 入住 (issue 5)
    walk_to_approval(household, officials, give, areas)
    walk_from_approval(household, officials, give)
    assert stage_of(household) == S.FOLLOW_UP
    assert_full_record(household)


def test_every_step_is_an_audit_event_naming_its_actor(officials, give, areas, household):
    walk_to_approval(household, officials, give, areas)
    walk_from_approval(household, officials, give)
    approvals = AuditEvent.objects.filter(target_id=str(household.pk), action__endswith=".approve")
    assert [(e.action, e.actor_username) for e in approvals.order_by("id")] == [
        (f"household.{step}.approve", actor) for _, step, actor in EXPECTED_STEPS
        if step not in ("review_meeting", "resubmit_after_notice")
    ]


@pytest.mark.parametrize("kind", ["hukou_scan", "current_house_photo", "signed_application"])
def test_each_missing_application_document_blocks_the_submission(officials, give, household, kind):
    give(household, *[k for k in ("hukou_scan", "current_house_photo", "signed_application") if k != kind])
    with pytest.raises(acting.Refused) as exc:
        approve(household, "submit_application", officials["clerk_a"])
    assert exc.value.codes == ["missing_evidence"]
    assert stage_of(household) == S.APPLY
