"""拆旧复垦验收单 (docs/domain.md §1 stage 8): the old house demolished and the homestead reclaimed, or
the county's approved exemption to keep it (seed 002: "不能一刀切地进行强搬硬拆")."""

from decimal import ROUND_HALF_UP, Decimal

from documents.types import DocumentSpec, Subject, register
from documents.types.common import household_data
from registry.models import HouseholdStage as S
from workflows.households.document_types.common import (
    demolition_days,
    evidence_count,
    last_approval,
    last_round_approvals,
    number,
    signature,
)

SQUARE_METRES_PER_MU = Decimal(10000) / 15


def build_context(subject: Subject, *, public: bool) -> dict:
    household = subject.household
    data = household_data(household, public=True)
    approvals = last_round_approvals(household, S.DEMOLITION)
    recorded = signature(approvals.get("demolition_record"))
    moved_in = signature(last_round_approvals(household, S.MOVE_IN).get("move_in_confirmation"))
    days = None
    if recorded["signed_on"] and moved_in["signed_on"]:
        days = (recorded["signed_on"] - moved_in["signed_on"]).days
    mu = household.reclaimed_area_mu
    kept = household.old_house_kept
    return {
        "household": data,
        "homestead_area": number(household.homestead_area, 2),
        "kept": kept,
        "kept_reason": household.get_old_house_kept_reason_display() if kept else "",
        "exemption": signature(last_approval(household, "demolition_exemption")) if kept else None,
        "reclaimed_mu": number(mu, 2),
        "reclaimed_m2": number((mu * SQUARE_METRES_PER_MU).quantize(Decimal("0.01"), ROUND_HALF_UP), 2)
        if mu is not None else "",
        "moved_in_at": moved_in["signed_at"],
        "days_after_move_in": days,
        "demolition_days": demolition_days(),
        "on_time": days is not None and days <= demolition_days(),
        "recorded": recorded,
        "accepted": signature(approvals.get("reclamation_acceptance")),
        "photos_before": evidence_count(household, S.DEMOLITION, "before_demolition_photo"),
        "photos_after": evidence_count(household, S.DEMOLITION, "after_demolition_photo"),
    }


SPEC = register(DocumentSpec(
    code="demolition_acceptance",
    full_id_numbers=False,  # prints masked numbers only
    label="拆旧复垦验收单",
    number_word="复垦",
    template="documents/pdf/demolition_acceptance.html",
    version="1",
    build_context=build_context,
    title=lambda subject: "易地扶贫搬迁拆旧复垦验收单",
))
